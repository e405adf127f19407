"""What a learner hit in the app: the mock start view listing another length than the one chosen,
a drill's summary promising "home" while enter went back to the exercises, and watch mode counting
a reset or an unchanged save as an attempt. The real app under Pilot, grading for real."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from test_grader_support import MISTAKE_FILES
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from exercises import api
from quiz.store import Store
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.exercises import ConfirmReset, ExercisesScreen, Verdict
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.mock import MockScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.summary import SummaryScreen
from tests.conftest import FIXTURES, MINI_BANK

SIZE = (110, 45)
SOLUTIONS = FIXTURES / "solutions"
GATE_ORDER = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
RELU = MISTAKE_FILES / "rnn_cell" / "mistakes" / "rnn.wrong_activation__relu.py"
RNN_SOLUTION = SOLUTIONS / "rnn_cell" / "pass__functional.py"


async def settle(app: RnnPrepApp, pilot: Pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.05)


# -- the mock interview's start view ---------------------------------------------------------


async def test_mock_listing_shows_the_length_chosen(data_home: Path) -> None:
    """`rnnprep mock --level senior --minutes 30`: senior scripts are written for 45 minutes,
    yet each is listed with the 30 minutes the interview will run for."""
    options = {"minutes": 30, "level": "senior", "script": None, "report_path": None}
    app = RnnPrepApp(start=StartRequest("mock", options=options))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MockScreen)
        assert {s.minutes for s in screen.scripts if s.level == "senior"} == {45}

        def labels() -> list[str]:
            listing = screen.query_one("#mock-scripts", OptionList)
            return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]

        assert labels() and all("(30 min)" in label for label in labels())
        assert not any("45 min" in label for label in labels())
        await pilot.press("t")
        assert all("(45 min)" in label for label in labels())
        assert "length 45 min" in str(screen.query_one("#mock-setup", Static).render())


# -- where a drill's summary goes back to ----------------------------------------------------


def enter_goes(app: RnnPrepApp) -> str:
    return app.screen.active_bindings["enter"].binding.description


async def test_drill_summary_names_the_exercises_it_returns_to(data_home: Path) -> None:
    path = api.learner_file("lstm_cell")
    path.write_text(GATE_ORDER.read_text(encoding="utf-8"), encoding="utf-8")
    app = RnnPrepApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_screen("exercises", exercise="lstm_cell")
        await settle(app, pilot)
        exercises = app.screen
        assert isinstance(exercises, ExercisesScreen)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("q")  # drill what the diagnosis queued
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        words = str(app.screen.query_one("#summary", Static).render())
        assert "Press enter to go back to the exercises." in words
        assert "home" not in words
        assert enter_goes(app) == "Exercises"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is exercises


async def test_quiz_summary_from_home_still_says_home(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Press enter for home." in str(app.screen.query_one("#summary", Static).render())
        assert enter_goes(app) == "Home"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# -- watch mode in the app: an attempt is a grading of changed content -----------------------


def attempts(home: Path) -> int:
    store = Store(home / "progress.sqlite3")
    try:
        seen = store.exercise_status().get("rnn_cell")
    finally:
        store.close()
    return seen.attempts if seen else 0


async def test_app_watch_counts_neither_a_reset_nor_an_unchanged_save(data_home: Path) -> None:
    path = api.learner_file("rnn_cell")
    path.write_text(RELU.read_text(encoding="utf-8"), encoding="utf-8")
    app = RnnPrepApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_screen("exercises", exercise="rnn_cell")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await pilot.press("g")
        await settle(app, pilot)
        assert screen.graded["rnn_cell"].result.diagnosis.id == "rnn.wrong_activation"
        assert attempts(data_home) == 1
        await pilot.press("w")

        async def regraded_after(change: Callable[[], Awaitable[object]]) -> Verdict:
            """Make `change` until watch mode grades the file again (the watcher may not be
            listening yet when the first one lands); the new verdict."""
            before = screen.graded.get("rnn_cell")
            deadline = time.monotonic() + 90
            while screen.graded.get("rnn_cell") in (before, None):
                assert time.monotonic() < deadline, "no re-grade after the change"
                await change()
                with contextlib.suppress(AssertionError):
                    await until(pilot, lambda: screen.grading is not None, timeout=1.0)
                await until(pilot, lambda: screen.grading is None)
            return screen.graded["rnn_cell"]

        async def save(source: Path) -> None:
            path.write_bytes(source.read_bytes())

        async def reset() -> None:
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmReset)
            await pilot.press("y")
            await pilot.pause()

        unchanged = await regraded_after(lambda: save(RELU))
        assert unchanged.result.diagnosis.id == "rnn.wrong_activation"
        assert not unchanged.result.recorded
        assert attempts(data_home) == 1

        starter = await regraded_after(reset)
        assert starter.result.diagnosis.id == "not_implemented"
        assert attempts(data_home) == 1

        solved = await regraded_after(lambda: save(RNN_SOLUTION))
        assert solved.result.passed and solved.result.recorded
        assert attempts(data_home) == 2
        await pilot.press("w")
        await app.workers.wait_for_complete()
