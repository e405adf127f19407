"""The mock interview in the real app under Pilot, driven by keys alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_grader_support import MISTAKE_FILES
from textual.widgets import DataTable, Markdown, OptionList, Static

from exercises import api, catalogue
from quiz.interview import scripts
from quiz.store import Store
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.mock import InterviewScreen, MockReportScreen, MockScreen, PauseScreen
from tests.conftest import FIXTURES
from tests.tui_driver import answer

SHORT = FIXTURES / "interviews" / "short"
GATE_ORDER_SLIP = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
SIZE = (110, 45)


@pytest.fixture
def short_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the short fixture script is on offer."""
    monkeypatch.setattr(scripts, "interviews_dir", lambda: SHORT)


def mock_app(report_path: Path | None = None, **options) -> RnnPrepApp:
    wanted = {"minutes": 30, "level": "junior", "script": None, **options}
    return RnnPrepApp(start=StartRequest("mock", options={**wanted, "report_path": report_path}))


async def settle(app: RnnPrepApp, pilot) -> None:
    """Let workers (bank, scripts, grader) finish and their messages land."""
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


def shown(app: RnnPrepApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def start(app: RnnPrepApp, pilot) -> InterviewScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, MockScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, InterviewScreen)
    return app.screen


async def grade(app: RnnPrepApp, pilot, solution: Path) -> str:
    shutil.copy(solution, api.learner_file("lstm_cell"))
    await pilot.press("g")
    await pilot.pause()
    assert "Grading lstm_cell" in shown(app, "#mock-results #progress")
    await settle(app, pilot)
    return shown(app, "#mock-results #verdict")


@pytest.mark.usefixtures("short_scripts")
async def test_short_interview_with_keys_alone(data_home: Path) -> None:
    report_path = data_home / "out" / "interview.md"
    app = mock_app(report_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        run = screen.run
        assert "Let's talk about LSTMs." in shown(app, "#mock-interviewer")
        assert "left" in shown(app, "#mock-clock")

        opening = run.current.posed
        await answer(pilot, opening, right=False)  # a weak opening ...
        assert "Not quite" in shown(app, "#mock-verdict")
        await pilot.press("enter")
        await pilot.pause()
        assert run.current.step.id == "gate-order"  # ... steps back
        assert "step back" in shown(app, "#mock-interviewer")
        await answer(pilot, run.current.posed, right=True)
        assert "Right" in shown(app, "#mock-verdict")

        await pilot.press("p")  # pause: the clock stops until resumed
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen) and run.paused
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen and not run.paused

        await pilot.press("enter")
        await pilot.pause()
        assert run.current.step.id == "why-cell"
        await answer(pilot, run.current.posed, right=True)  # typed, then key points ticked
        assert "3 of 3 key points" in shown(app, "#mock-verdict")
        await pilot.press("enter")
        await pilot.pause()

        assert run.current.step.exercise == "lstm_cell"
        assert str(api.learner_file("lstm_cell")) in shown(app, "#mock-file")
        first = await grade(app, pilot, GATE_ORDER_SLIP)
        assert "does not match PyTorch yet" in first and "(lstm.gate_order)" in first
        assert isinstance(app.screen, InterviewScreen)  # the UI stayed up while grading
        second = await grade(app, pilot, catalogue.load("lstm_cell").solution)
        assert "lstm_cell matches PyTorch" in second
        await pilot.press("n")
        await pilot.pause()

        assert isinstance(app.screen, MockReportScreen)
        assert app.screen.path == report_path
        assert str(report_path) in shown(app, "#mock-saved")
        assert "Score per topic" in app.screen.query_one(Markdown).source

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MockScreen)
        row = app.screen.query_one("#mock-past", DataTable).get_row_at(0)
        assert row[1:4] == ["Short LSTM interview", "junior", "75%"]

    text = report_path.read_text(encoding="utf-8")
    assert text.startswith("# Mock interview: Short LSTM interview (junior)")
    assert "- Score: **75%** over 4 steps" in text
    assert "| LSTM gates and cell state | 67% | 3 |" in text
    assert "| Vanishing and exploding gradients | 100% | 1 |" in text
    assert "| 4 | Coding: lstm_cell | LSTM gates and cell state |" in text
    picked = (opening.question.answer + 1) % len(opening.question.choices)  # as the driver does
    given = opening.question.choices[picked].en
    assert f"- Your answer: {opening.number(picked)}. {given}" in text  # numbered as shown
    assert "lstm.gate_order: Your code reads the four stacked gate blocks" in text
    assert "A later grading passed." in text
    assert "1. **LSTM gates and cell state** (67%): `lstm.cell-update`" in text
    store = Store(data_home / "progress.sqlite3")
    (interview,) = store.interviews()
    assert interview.score == pytest.approx(0.75) and interview.report_path == str(report_path)
    assert [r.correct for r in store.reviews()] == [False, True, True]
    assert [s.status for s in store.exercise_status().values()] == ["passing"]


@pytest.mark.usefixtures("short_scripts")
async def test_end_early_asks_first_and_reports(data_home: Path) -> None:
    app = mock_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen) and screen.run.paused
        await pilot.press("n")  # carry on
        await pilot.pause()
        assert app.screen is screen and not screen.run.paused
        await answer(pilot, screen.run.current.posed, right=True)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, MockReportScreen)
        assert "(ended early)" in app.screen.markdown
        assert app.screen.path.parent == data_home / "reports"
        assert app.screen.path.read_text(encoding="utf-8") == app.screen.markdown


@pytest.mark.usefixtures("short_scripts")
async def test_time_up_ends_the_interview(data_home: Path) -> None:
    app = mock_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        late = screen.run.clock() + 31 * 60
        screen.run.clock = lambda: late
        await pilot.pause(1.2)  # the once-a-second tick notices
        await pilot.pause()
        assert isinstance(app.screen, MockReportScreen)
        assert "(time ran out)" in app.screen.markdown
    assert Store(data_home / "progress.sqlite3").interviews()[0].score == 0.0


async def test_home_key_level_and_length(data_home: Path, store: Store) -> None:
    store.finish_interview(store.start_interview("lstm-fundamentals-junior", "junior"), 0.5, None)
    app = RnnPrepApp(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("m")
        await settle(app, pilot)
        mock = app.screen
        assert isinstance(mock, MockScreen)
        listing = mock.query_one("#mock-scripts", OptionList)
        juniors = {listing.get_option_at_index(i).id for i in range(listing.option_count)}
        assert "lstm-fundamentals-junior" in juniors and all("junior" in i for i in juniors)
        highlighted = listing.get_option_at_index(listing.highlighted).id
        assert highlighted != "lstm-fundamentals-junior"  # sat already: another is suggested
        row = mock.query_one("#mock-past", DataTable).get_row_at(0)
        assert row[1:4] == ["LSTM fundamentals", "junior", "50%"]
        await pilot.press("l", "t")
        seniors = {listing.get_option_at_index(i).id for i in range(listing.option_count)}
        assert seniors and all("senior" in i for i in seniors)
        assert "senior" in shown(app, "#mock-setup") and "45 min" in shown(app, "#mock-setup")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_script_from_the_command_line(data_home: Path) -> None:
    app = mock_app(script="gru-and-gates-senior", minutes=45)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        assert (screen.run.script.id, screen.run.minutes) == ("gru-and-gates-senior", 45)
        assert screen.run.script.level == "senior"


def test_the_mock_screen_never_imports_torch() -> None:
    code = (
        "import sys, quiz.tui.screens.mock, quiz.interview.scripts as s, exercises.api;"
        " s.load_scripts(); print(sorted(m for m in sys.modules if m.startswith('torch')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
