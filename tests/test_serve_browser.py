"""`rnnprep serve` in a real headless Chromium (Debian's `chromium`, driven by Playwright through
`executable_path`; no browser is downloaded): the page loads, the home screen arrives, keys open a
review, the answer given in the browser is in the SQLite store, a second tab gets an app process
of its own on the same data folder, and screenshots are kept in test-artifacts/browser/.

Without Chromium or Playwright the test is skipped and the run's summary says so in a banner
(tests/conftest.py); with RNNPREP_BROWSER_TEST=required (.ci/run sets it) it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest
from test_stats import record

from quiz.bank import load_bank
from quiz.questions import Single
from quiz.store import Store, now_utc

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
REQUIRED_ENV = "RNNPREP_BROWSER_TEST"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No sandbox (CI runs as root) and no calls home (the network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSI = re.compile(r"\x1b(\[[0-9;?$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def browser_missing() -> str | None:
    """Why the browser test can't run here, or None."""
    if CHROMIUM is None:
        return "no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    return None


MISSING = browser_missing()
if MISSING is not None and os.environ.get(REQUIRED_ENV) == "required":
    raise RuntimeError(f"{REQUIRED_ENV}=required, but the browser test can't run: {MISSING}")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]


class Tab:
    """One browser tab on the served app, with the terminal text its WebSocket received."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        self.frames.append(
            payload if isinstance(payload, str) else payload.decode(errors="replace")
        )

    def text(self) -> str:
        """Everything drawn so far, escape sequences removed (what the terminal showed)."""
        return ANSI.sub(" ", "".join(self.frames))

    def wait_for_text(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text())
            if found:
                return found
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{pattern!r} never showed; last text: {self.text()[-2000:]!r}")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(150)

    def shoot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"rnnprep serve exited: {server.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port} within {timeout} s")


@pytest.fixture
def served(data_home: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "quiz", "--lang", "en", "serve", "--port", str(port)],
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}/", server
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def app_processes(server: subprocess.Popen[str]) -> list[psutil.Process]:
    """The tabs' apps: `python -m quiz` processes under the server (not the server itself)."""
    found = []
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            if child.cmdline()[1:3] == ["-m", "quiz"]:
                found.append(child)
        except psutil.Error:
            continue
    return found


def reviews(data_home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_home / "progress.sqlite3") as conn:
        return conn.execute(
            "SELECT r.question_id, s.mode FROM reviews r JOIN sessions s ON s.id = r.session_id"
        ).fetchall()


def test_a_review_answered_in_the_browser_is_in_the_store(
    served: tuple[str, subprocess.Popen[str]], data_home: Path
) -> None:
    from playwright.sync_api import sync_playwright

    # One single-choice question due now, so `r` poses exactly it: keys `1`, `enter` answer it.
    question = next(
        q
        for q in load_bank().questions.values()
        if isinstance(q, Single) and re.fullmatch(r"[A-Za-z ]{30,}", q.prompt.en[:30])
    )
    store = Store(data_home / "progress.sqlite3")
    record(store, question.id, now_utc() - timedelta(days=3), 3, due=now_utc() - timedelta(hours=1))
    store.close()

    url, server = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            tab = Tab(page)
            page.goto(url)
            page.wait_for_selector("body.-first-byte", timeout=30_000)
            tab.wait_for_text(r"Quiz \[q\]")
            tab.wait_for_text(r"1\s+due now")
            home = tab.shoot("home")
            assert home.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and home.stat().st_size > 10_000

            page.locator("#terminal").click()
            tab.press("r")
            tab.wait_for_text(r"\s+".join(question.prompt.en[:30].split()[:4]))
            tab.shoot("question")
            tab.press("1", "Enter")
            deadline = time.monotonic() + 20
            while reviews(data_home) == [] and time.monotonic() < deadline:
                time.sleep(0.1)
            assert reviews(data_home) == [(question.id, "review")]
            tab.shoot("answered")

            # A second tab: an app process of its own, reading what the first one wrote.
            second = Tab(browser.new_page(viewport={"width": 1200, "height": 800}))
            second.page.goto(url)
            second.wait_for_text(r"1 of \d+ questions seen")
            assert len(app_processes(server)) == 2
        finally:
            browser.close()
