"""Every screen at the smallest size the README supports (80 x 24) and a roomy one (120 x 40).

Pinned as SVG snapshots (update with --snapshot-update, then look at them). What could change
from run to run is held still: the clock the stats are computed at, the grading seed, the mock
interview's clock, the paths shown (relative to a fixed working folder) and the cursor's blink.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_grader_support import MISTAKE_FILES
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

import quiz.tui.screens.mock_start as mock_screen
import quiz.tui.screens.stats as stats_screen
from exercises import api
from quiz.interview import scripts
from quiz.interview.run import InterviewRun
from quiz.locations import HOME_ENV
from quiz.stats import compute_stats
from quiz.store import Store
from quiz.tui.app import RnnPrepApp, StartRequest
from tests.conftest import FIXTURES, MINI_BANK
from tests.test_stats import record
from tests.tui_driver import answer

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
SMALL = SIZES["80x24"]
NOW = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)  # a Wednesday, the stats' "today"
LAYOUT_SCRIPTS = FIXTURES / "interviews" / "layout"
# rnn_cell sits in the first rows of the list, so no scrolling makes the picture depend on timing
RELU = MISTAKE_FILES / "rnn_cell" / "mistakes" / "rnn.wrong_activation__relu.py"
# one question of each type, from the mini bank
QUESTIONS = {
    "single": "gates.lstm-order",
    "multi": "gates.sigmoid-gates",
    "truefalse": "gates.forget-bias-default",
    "numeric": "counting.lstm-fixed",
    "order": "gates.lstm-steps",
    "spot_error": "gates.gru-spot",
    "free": "gates.why-cell",
}

Step = Callable[[Pilot], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data folder is `home` under the working folder, so every path shown is the same."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(HOME_ENV, "home")


async def settle(pilot: Pilot) -> None:
    """Workers done, their messages handled, nothing blinking."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # a table refitted to the settled width paints once more


def asking(kind: str, answered: bool) -> Step:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.begin("practice", count=1, question_ids=[QUESTIONS[kind]])
        await settle(pilot)
        if answered:
            await answer(pilot, pilot.app.screen.session.current(), right=False)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, size: str) -> None:
    assert snap_compare(
        RnnPrepApp(bank_dir=MINI_BANK), terminal_size=SIZES[size], run_before=settle
    )


def test_home_chinese_small(snap_compare) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("answered", [False, True], ids=["asked", "answered"])
@pytest.mark.parametrize("kind", QUESTIONS)
def test_quiz(snap_compare, kind: str, answered: bool, size: str) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, seed=3)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=asking(kind, answered))


@pytest.mark.parametrize("kind", ["multi", "free"])
def test_quiz_answered_chinese_small(snap_compare, kind: str) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant", seed=3)
    assert snap_compare(app, terminal_size=SMALL, run_before=asking(kind, answered=True))


def diagnosed(monkeypatch: pytest.MonkeyPatch) -> Step:
    """Grade the RNN's wrong-activation slip for real, on a fixed seed."""
    monkeypatch.setattr(api, "new_seed", lambda: 1234)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        shutil.copy(RELU, api.learner_file("rnn_cell"))
        pilot.app.open_screen("exercises", exercise="rnn_cell")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_exercises_with_a_diagnosis(snap_compare, monkeypatch, size: str) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=diagnosed(monkeypatch))


def test_exercises_chinese_small(snap_compare, monkeypatch) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    assert snap_compare(app, terminal_size=SMALL, run_before=diagnosed(monkeypatch))


@pytest.fixture
def layout_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two fixture scripts on the mini bank; the interview's clock stands still."""
    monkeypatch.setattr(scripts, "interviews_dir", lambda: LAYOUT_SCRIPTS)
    monkeypatch.setattr(
        mock_screen, "InterviewRun", functools.partial(InterviewRun, clock=lambda: 1000.0)
    )


async def mock_question(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.usefixtures("layout_scripts")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", ["start", "question"])
def test_mock(snap_compare, view: str, size: str) -> None:
    start = StartRequest("mock", options={"script": "mock-layout"})
    app = RnnPrepApp(bank_dir=MINI_BANK, start=start, seed=3)
    run_before = settle if view == "start" else mock_question
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.usefixtures("layout_scripts")
def test_mock_start_chinese_small(snap_compare) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant", start=StartRequest("mock"))
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def filled_store(monkeypatch: pytest.MonkeyPatch) -> Store:
    """A few answers over the last three weeks, a solved exercise and two mock interviews."""
    monkeypatch.setattr(
        stats_screen, "compute_stats", functools.partial(compute_stats, at=NOW, tz=UTC)
    )
    store = Store(Path("home") / "progress.sqlite3")
    for days, qid, rating, due in (  # due in days from NOW, fixed (the scheduler fuzzes it)
        (20, "gates.lstm-order", 3, -10),
        (9, "gates.sigmoid-gates", 1, 0),
        (2, "gates.lstm-order", 3, 9),
        (1, "counting.gru-gates", 4, 20),
        (1, "gates.forget-bias-default", 1, 5),
    ):
        record(store, qid, NOW - timedelta(days=days), rating, due=NOW + timedelta(days=due))
    return store


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare, monkeypatch, size: str) -> None:
    app = RnnPrepApp(
        bank_dir=MINI_BANK, store=filled_store(monkeypatch), start=StartRequest("stats")
    )
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle)


def test_stats_chinese_small(snap_compare, monkeypatch) -> None:
    app = RnnPrepApp(
        bank_dir=MINI_BANK,
        lang="zh-Hant",
        store=filled_store(monkeypatch),
        start=StartRequest("stats"),
    )
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)
