"""Shared fixtures: every test gets its own data dir, so nothing touches the user's progress."""

from __future__ import annotations

import json
import os
import random
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


# `grade` commands run by tests grade in-process, as they did before the warm server: only
# tests/test_grader_server.py turns the server on, so no test leaves one running.
os.environ[NO_SERVER_ENV] = "1"


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


@pytest.fixture(scope="session")
def catalogue_run(tmp_path_factory: pytest.TempPathFactory) -> CatalogueRun:
    """`grade exercise --all --check-catalogue --json` in-process, once per session, on a seed
    drawn for the session: test_grader_catalogue judges it, test_grader_server compares the
    server's run with it."""
    from test_grader_support import grade  # not at the top: scripts import this module too

    seed = random.randrange(2**32)
    run = grade(
        "exercise",
        "--all",
        "--check-catalogue",
        "--json",
        "--seed",
        str(seed),
        home=tmp_path_factory.mktemp("home"),
    )
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert lines, run.stderr
    return CatalogueRun(seed, run.code, lines)


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
