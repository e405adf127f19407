"""The exercises screen under Pilot, grading for real in the app's warm grading process.

Learner files are written into the test's own workspace (RNNPREP_HOME is a tmp dir). Waits are
on workers or on conditions, never on a fixed time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
from test_grader_support import MISTAKE_FILES
from textual.pilot import Pilot
from textual.widgets import DataTable, Markdown, Static
from textual.widgets.markdown import MarkdownFence

from exercises import api, catalogue
from exercises.errors import GraderError
from exercises.results import CHECKS, COST
from quiz.store import Store
from quiz.tui.app import RnnPrepApp
from quiz.tui.grader import WarmGrader
from quiz.tui.screens.exercises import (
    ConfirmReset,
    ExercisesScreen,
    PlainCodeBlock,
    SolutionScreen,
)
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.summary import SummaryScreen
from tests.conftest import FIXTURES

SIZE = (100, 40)
SOLUTIONS = FIXTURES / "solutions"
GATE_ORDER = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
CORRECT = SOLUTIONS / "lstm_cell" / "pass__cat_weights.py"
GATE_ORDER_QUESTIONS = {
    "lstm.torch-gate-order",
    "initialisation.forget-chunk-slip",
    "lstm.forward-order",
}


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 90.0) -> None:
    """Let the app run until `condition` holds (grading may first wait for torch's import)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.05)


async def open_exercise(app: RnnPrepApp, pilot: Pilot, name: str) -> ExercisesScreen:
    """Open the exercises screen with `name` highlighted, as a quiz answer's link would."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.open_screen("exercises", exercise=name)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExercisesScreen)
    await app.workers.wait_for_complete()  # the list, and the grading child's start
    await pilot.pause()
    assert screen.current == name
    return screen


def shown(screen: ExercisesScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def status_cell(screen: ExercisesScreen, name: str) -> str:
    return str(screen.query_one("#list", DataTable).get_cell(name, "status"))


def write_learner_file(name: str, source: Path, prefix: str = "") -> Path:
    path = api.learner_file(name)
    path.write_text(prefix + source.read_text(encoding="utf-8"), encoding="utf-8")
    return path


async def test_wrong_then_right_solution_while_keys_still_work(data_home: Path) -> None:
    # The sleep keeps this grading busy long enough to press keys during it, whatever the
    # machine's speed and whatever else the suite runs beside it.
    write_learner_file("lstm_cell", GATE_ORDER, prefix="import time\ntime.sleep(3.0)\n")
    app = RnnPrepApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "lstm_cell")
        await pilot.press("g")
        assert screen.grading == "lstm_cell"
        assert "Grading lstm_cell" in shown(screen, "#progress")

        rows = [row.key.value for row in screen.query_one("#list", DataTable).ordered_rows]
        above = rows[rows.index("lstm_cell") - 1]
        await pilot.press("up", "h")  # handled while the grading runs
        assert screen.grading == "lstm_cell"
        assert screen.current == above
        assert api.hints_shown(above) == 1
        assert screen.query_one("#hints").display

        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.grading is None
        await pilot.press("down")
        verdict = shown(screen, "#verdict")
        assert "lstm.gate_order" in verdict
        assert "PyTorch stacks them i,f,g,o" in verdict  # the diagnosis in plain words
        assert "✗ values (float64)" in verdict
        assert "Queued 3 questions on PyTorch's LSTM gate order" in verdict
        assert "failing" in status_cell(screen, "lstm_cell")
        assert set(app.store.due_ids()) >= GATE_ORDER_QUESTIONS

        await pilot.press("q")  # drill the queued questions
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert {q.id for q in app.screen.session.questions} == GATE_ORDER_QUESTIONS
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen

        write_learner_file("lstm_cell", CORRECT)
        started = time.monotonic()
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert time.monotonic() - started < 10  # warm: no second torch import
        verdict = shown(screen, "#verdict")
        assert "✓ lstm_cell matches PyTorch" in verdict
        assert all(f"✓ {check}" in verdict for check in CHECKS if check != COST)  # no cost here
        assert "✗" not in verdict
        assert "passing" in status_cell(screen, "lstm_cell")
        assert len(grading_children()) == 1  # one warm child served both gradings

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen)
        code = catalogue.load("lstm_cell").solution.read_text(encoding="utf-8")
        assert code.strip() in app.screen.query_one(Markdown).source
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    attempts = Store(data_home / "progress.sqlite3").exercise_status()["lstm_cell"]
    assert (attempts.attempts, attempts.status) == (2, "passing")
    assert not grading_children()  # the app closed its grading process on the way out


def grading_children() -> list[psutil.Process]:
    """The app's grading processes (the judge; its template of learner's processes, a fork of
    it, is below it)."""
    return [
        child
        for child in psutil.Process().children()
        if "exercises.child" in " ".join(child.cmdline())
    ]


async def test_hints_solution_refused_before_a_pass_and_reset(data_home: Path) -> None:
    app = RnnPrepApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_exercise(app, pilot, "gru_cell")
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen
        assert any("once your own file passes" in n.message for n in app._notifications)

        hints = catalogue.load("gru_cell").hints("en")
        await pilot.press("h", "h")
        assert screen.query_one("#hints").border_title == f"Hints: 2 of {len(hints)}"
        assert hints[1] in shown(screen, "#hints")
        await pilot.press(*"h" * len(hints))
        assert api.hints_shown("gru_cell") == len(hints)
        assert any("last hint" in n.message for n in app._notifications)

        path = api.learner_file("gru_cell")
        path.write_text("# my work\n", encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmReset)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert path.read_text(encoding="utf-8") == "# my work\n"
        await pilot.press("r", "y")
        await pilot.pause()
        assert path.read_bytes() == catalogue.load("gru_cell").starter.read_bytes()
        assert "starter again" in shown(screen, "#verdict")


async def test_watch_mode_regrades_on_save(data_home: Path) -> None:
    app = RnnPrepApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "rnn_cell")
        await pilot.press("w")
        assert "watching" in shown(screen, "#status")

        def graded() -> bool:
            return "lstm_cell" in screen.graded

        # The watcher may not be listening yet when the first write lands: write until seen.
        deadline = time.monotonic() + 90
        while not graded():
            assert time.monotonic() < deadline, "no re-grade after saving"
            write_learner_file("lstm_cell", CORRECT)
            with contextlib.suppress(AssertionError):
                await until(pilot, lambda: graded() or screen.grading is not None, timeout=1.0)
            await until(pilot, lambda: screen.grading is None)
        assert screen.current == "lstm_cell"  # the saved exercise comes into view
        assert screen.graded["lstm_cell"].result.passed

        await pilot.press("w")
        assert "watching" not in shown(screen, "#status")
        await app.workers.wait_for_complete()  # the watcher stopped


async def test_edit_hands_the_file_to_the_editor(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"cp {CORRECT}")  # an "editor" that writes a solution
    app = RnnPrepApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_exercise(app, pilot, "lstm_cell")
        path = api.learner_file("lstm_cell")
        await pilot.press("o")  # headless: no terminal to lend, so the path is shown
        assert any(str(path) in n.message for n in app._notifications)
        assert path.read_bytes() != CORRECT.read_bytes()

        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await pilot.press("enter")
        assert path.read_bytes() == CORRECT.read_bytes()


def test_readme_equations_stay_plain() -> None:
    """Equation blocks are not handed to Pygments' guesser, which reads them as markup."""
    code = "c' = f * c + i * g\nh' = o * tanh(c')"

    def styles(block: type[MarkdownFence]) -> set[str]:
        return {str(span.style) for span in block.highlight(code, "").spans}

    assert "bold" in styles(MarkdownFence)  # guessed as scdoc: `* c + i *` turns bold
    assert styles(PlainCodeBlock) == {"$text"}


def test_closing_mid_grading_lets_the_grading_finish_then_ends_the_child(data_home: Path) -> None:
    write_learner_file("lstm_cell", CORRECT, prefix="import time\ntime.sleep(1.0)\n")
    grader = WarmGrader(Store(data_home / "progress.sqlite3"))
    with ThreadPoolExecutor(1) as pool:
        grading = pool.submit(grader.grade, "lstm_cell")
        while not grading_children():  # grade() holds the grader and has spawned its child
            time.sleep(0.01)
        grader.close()  # returns at once, leaving the child to the grading
        assert grading.result(timeout=90).passed
    assert not grading_children()
    with pytest.raises(GraderError):
        grader.grade("lstm_cell")
