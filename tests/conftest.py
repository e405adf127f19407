"""Shared fixtures: every test gets its own data dir, so nothing touches the user's progress."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from exercises.server_client import NO_SERVER_ENV
from quiz.bank import Bank, load_bank
from quiz.locations import HOME_ENV
from quiz.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
MINI_BANK = FIXTURES / "banks" / "mini"
BROKEN_BANKS = FIXTURES / "banks" / "broken"
SHORT_SCRIPTS = FIXTURES / "interviews" / "short"  # one short interview over the shipped bank


class CatalogueRun(NamedTuple):
    seed: int
    code: int
    outcomes: list[dict[str, Any]]  # one per file, as devcheck.Outcome.as_json
    server_grades: int = 0  # through the server: the gradings it counted


# `grade` commands run by tests grade in-process, as they did before the warm server: only
# tests/test_grader_server.py turns the server on, so no test leaves one running.
os.environ[NO_SERVER_ENV] = "1"


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


@pytest.fixture(scope="session")
def catalogue_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CatalogueRun]:
    """`grade exercise --all --check-catalogue --json` once per session on a seed drawn for the
    session, both in-process and through the grading server, side by side (a core each):
    test_grader_catalogue judges the first, test_grader_server compares the two."""
    from test_grader_support import GRADE, REPO  # not at the top: scripts import this module

    seed = random.randrange(2**32)
    command = [*GRADE, "exercise", "--all", "--check-catalogue", "--json", "--seed", str(seed)]
    homes = {way: tmp_path_factory.mktemp(way) for way in ("in_process", "served")}
    procs = {
        way: subprocess.Popen(
            command,
            cwd=REPO,
            env={
                **os.environ,
                HOME_ENV: str(home),
                NO_SERVER_ENV: "1" if way == "in_process" else "0",
            },
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for way, home in homes.items()
    }
    runs = {}
    for way, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        lines = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert lines, err
        runs[way] = CatalogueRun(seed, proc.returncode, lines)
    served = {**os.environ, HOME_ENV: str(homes["served"]), NO_SERVER_ENV: "0"}
    status = subprocess.run(
        [sys.executable, "-m", "quiz", "server", "status", "--json"],
        cwd=REPO,
        env=served,
        capture_output=True,
        text=True,
        check=False,
    )
    subprocess.run(
        [sys.executable, "-m", "quiz", "server", "stop"],
        cwd=REPO,
        env=served,
        capture_output=True,
        check=False,
    )
    runs["served"] = runs["served"]._replace(
        server_grades=json.loads(status.stdout).get("grades", 0)
    )
    return runs


@pytest.fixture
def mini_bank() -> Bank:
    bank = load_bank(MINI_BANK)
    assert not bank.problems
    return bank


@pytest.fixture
def store(data_home: Path) -> Store:
    s = Store(data_home / "progress.sqlite3")
    yield s
    s.close()


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The shipped bank."""
    return load_bank()


@pytest.fixture(scope="module")
def script(bank: Bank):
    """The short interview of SHORT_SCRIPTS, checked against the shipped bank."""
    from quiz.interview.scripts import load_scripts

    (loaded,), problems = load_scripts(SHORT_SCRIPTS, bank)
    assert not problems
    return loaded


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A skipped browser test is said in a banner, not only as one `s` among the dots."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "test_serve_browser" in report.nodeid
    ]
    if skipped:
        reason = skipped[0].longrepr[2] if isinstance(skipped[0].longrepr, tuple) else ""
        terminalreporter.write_sep("!", "THE BROWSER TEST DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(f"{reason.removeprefix('Skipped: ')}")
        terminalreporter.write_line(
            "`rnnprep serve` was not tried in a browser. CI installs Debian's chromium and"
            " requires it (.ci/run); here: apt-get install chromium, then make test."
        )


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `-n`, the tests that share a module-scoped fixture run on one worker, so that
    fixture (often a whole set of gradings) is made once, not once per worker."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        scopes = {d.scope for defs in info.name2fixturedefs.values() for d in defs} if info else ()
        if "module" in scopes:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else ""))
