"""Shared fixtures: every test gets its own data dir, so nothing touches the user's progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank import Bank, load_bank
from quiz.locations import HOME_ENV
from quiz.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
MINI_BANK = FIXTURES / "banks" / "mini"
BROKEN_BANKS = FIXTURES / "banks" / "broken"
SHORT_SCRIPTS = FIXTURES / "interviews" / "short"  # one short interview over the shipped bank


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


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
