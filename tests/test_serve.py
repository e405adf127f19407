"""`rnnprep serve` without a browser: where it binds, what it warns, what it refuses, through the
real command and real HTTP requests (tests/test_serve_browser.py drives it in Chromium)."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from test_serve_browser import free_port, wait_for_port

from quiz.serve import allowed_hosts, is_loopback, request_problem

REPO = Path(__file__).resolve().parent.parent


def start(*args: str, lang: str = "en") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quiz", "--lang", lang, "serve", *args],
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop(server: subprocess.Popen[str]) -> tuple[str, str]:
    server.terminate()
    out, err = server.communicate(timeout=10)
    return out, err


@pytest.fixture
def default_server() -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    server = start("--port", str(port))
    try:
        wait_for_port(port, server)
        yield port, server
    finally:
        if server.poll() is None:
            stop(server)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_it_binds_to_loopback_only_and_says_where(
    default_server: tuple[int, subprocess.Popen[str]], data_home: Path
) -> None:
    port, server = default_server
    listening = {
        (c.laddr.ip, c.laddr.port)
        for c in psutil.Process(server.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }
    assert listening == {("127.0.0.1", port)}
    status, page = get(f"http://127.0.0.1:{port}/")
    assert status == 200 and f'"ws://127.0.0.1:{port}/ws"' in page
    out, err = stop(server)
    assert f"Serving rnnprep on http://127.0.0.1:{port} (data folder {data_home})" in out
    assert "Warning" not in err


def test_a_page_from_elsewhere_is_refused(
    default_server: tuple[int, subprocess.Popen[str]],
) -> None:
    """A rebound name (Host) or another site's page (Origin) can't reach the app's WebSocket."""
    port, _ = default_server
    base = f"http://127.0.0.1:{port}"
    assert get(f"{base}/", {"Host": f"evil.example:{port}"})[0] == 403
    assert get(f"{base}/ws", {"Origin": "http://evil.example"})[0] == 403
    assert get(f"{base}/", {"Host": f"localhost:{port}"})[0] == 200
    assert get(f"{base}/", {"Origin": base})[0] == 200


def test_another_address_warns_loudly_and_the_page_follows_the_browser() -> None:
    port = free_port()
    server = start("--host", "0.0.0.0", "--port", str(port))
    try:
        wait_for_port(port, server)
        # The WebSocket address is the one the browser asked for, not 0.0.0.0.
        status, page = get(f"http://127.0.0.1:{port}/", {"Host": f"192.0.2.7:{port}"})
        assert status == 200 and f'"ws://192.0.2.7:{port}/ws"' in page
    finally:
        _, err = stop(server)
    assert "Warning: serving on 0.0.0.0, not only on this machine" in err
    assert "there is no login" in err


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "quiz", "--lang", "zh-Hant", "serve", "--port", str(port)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
    assert "錯誤" in done.stderr


def test_a_bad_port_is_refused_by_the_parser() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "serve", "--port", "70000"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "65535" in done.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("no-such-host.invalid", False),
    ],
)
def test_loopback_is_told_apart(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_requests_are_judged_by_host_and_origin() -> None:
    allowed = allowed_hosts("127.0.0.1", 8000)
    assert allowed is not None and "localhost:8000" in allowed and "[::1]:8000" in allowed
    assert allowed_hosts("0.0.0.0", 8000) is None
    ok = {"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"}
    assert request_problem(ok, allowed) is None
    assert request_problem({"Host": "attacker.example:8000"}, allowed) is not None
    assert request_problem({**ok, "Origin": "http://attacker.example"}, allowed) is not None
    # Bound beyond loopback, any Host is answered, but a foreign page still isn't.
    assert request_problem({"Host": "10.0.0.2:8000"}, None) is None
    assert request_problem({"Host": "10.0.0.2:8000", "Origin": "http://x.example"}, None)
