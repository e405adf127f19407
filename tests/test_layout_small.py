"""Every screen at 80 x 24, the smallest size the README supports, in English and Chinese.

What the current step needs must be in view: each widget checked here lies inside the screen and
inside every container around it (a scrolled-away or clipped widget is not), once the app has
scrolled what it scrolls by itself. Tables show the columns that fit, none cut to a letter or two,
and never need sideways scrolling. The shipped banks and scripts are used where their long titles
and texts are the test; the fixtures where the flow must be known.
"""

from __future__ import annotations

import functools
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from test_grader_support import MISTAKE_FILES
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, DataTable, OptionList, Static

import quiz.tui.screens.mock_start as mock_screen
from exercises import api
from quiz.bank import load_bank
from quiz.interview import scripts
from quiz.interview.run import InterviewRun
from quiz.questions import Free, Multi, Order, Single, SpotError
from quiz.store import Store, now_utc
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.exercises import ExercisesScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.mock import InterviewScreen, MockScreen, PauseScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.registry import ENTRIES
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.fitted_table import Column, FittedTable, fit_columns
from tests.conftest import FIXTURES, MINI_BANK
from tests.test_stats import record
from tests.tui_driver import answer

SMALL = (80, 24)
LANGS = ["en", "zh-Hant"]
GATE_ORDER = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
LAYOUT_SCRIPTS = FIXTURES / "interviews" / "layout"
KINDS = ["single", "multi", "truefalse", "numeric", "order", "spot_error", "free"]


async def settle(pilot: Pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def in_view(widget: Widget, rows: int | None = None) -> bool:
    """Whether `widget` (or its first `rows` rows, border included) is wholly in view: on the
    screen and inside every container around it, scrolled as it is now."""
    region = widget.region
    if not region:
        return False
    if rows is not None:
        region = Region(region.x, region.y, region.width, min(rows, region.height))
    screen = widget.screen
    if not screen.region.contains_region(region):
        return False
    for ancestor in widget.ancestors:
        if ancestor is screen or not isinstance(ancestor, Widget):
            break
        room = ancestor.scrollable_content_region if ancestor.is_scrollable else ancestor.region
        if not room.contains_region(region):
            return False
    return True


def assert_in_view(*widgets: Widget, rows: int | None = None) -> None:
    hidden = [f"{w!r} at {w.region}" for w in widgets if not in_view(w, rows)]
    assert not hidden, f"out of view: {hidden}"


def assert_tables_fit(app: App) -> None:
    """Every table on screen fits its width, no column narrower than a short word."""
    for table in app.screen.query(DataTable):
        if not table.display or not table.columns:
            continue
        widths = [c.get_render_width(table) for c in table.columns.values()]
        room = table.scrollable_content_region.width
        assert sum(widths) <= room, f"{table!r} needs {sum(widths)} cells, has {room}"
        for column in table.columns.values():
            width = column.content_width if column.auto_width else column.width
            wanted = min(cell_len(column.label.plain), 6)
            assert width >= wanted, f"{table!r} column {column.label.plain!r} is {width} wide"


def shown_columns(app: App, selector: str) -> list[str]:
    return app.screen.query_one(selector, FittedTable).shown_columns


# -- study plan and leeches ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_plan_and_leeches(lang: str) -> None:
    from textual.widgets import Input, OptionList

    from quiz.tui.screens.leeches import LeechScreen
    from quiz.tui.screens.plan import PlanScreen

    app = RnnPrepApp(lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert_in_view(app.screen.query_one("#standing"), *app.screen.query(Input))
        await pilot.press("escape", "k")
        await settle(pilot)
        assert isinstance(app.screen, LeechScreen)
        assert_in_view(app.screen.query_one("#summary"), app.screen.query_one(OptionList))


# -- home ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_home(lang: str) -> None:
    app = RnnPrepApp(lang=lang)  # the shipped bank: long topic titles
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert_in_view(screen.query_one("#due"), screen.query_one("#topics"))
        buttons = list(screen.query(Button))
        assert len(buttons) == len([way for way in ENTRIES if way.button_shown])
        assert_in_view(*buttons)
        for button in buttons:  # the label's [key] is shown, and nothing of it is cut
            assert "[" in str(button.label)
            assert button.content_size.width >= cell_len(str(button.label))
        assert {"topic", "due"} <= set(shown_columns(app, "#topics"))
        assert_tables_fit(app)


async def test_home_wide_shows_every_column() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert shown_columns(app, "#topics") == ["topic", "total", "seen", "due", "accuracy"]
        await pilot.resize_terminal(24, 24)  # far too narrow: the least needed go first
        await settle(pilot)
        assert shown_columns(app, "#topics") == ["topic", "due"]
        assert_tables_fit(app)


# -- quiz ----------------------------------------------------------------------------------------


def bulk(question, lang: str) -> int:
    """How much a question puts on screen: the longest of each type is the hardest to fit."""
    parts = [question.prompt, question.explanation]
    if isinstance(question, Single | Multi):
        parts += question.choices
    elif isinstance(question, Order):
        parts += question.items
    elif isinstance(question, SpotError):
        parts += question.lines
    elif isinstance(question, Free):
        parts += [question.model_answer, *question.key_points]
    return sum(cell_len(p.get(lang)) for p in parts)


@functools.cache
def biggest(kind: str, lang: str) -> str:
    bank = load_bank()
    questions = [q for q in bank.questions.values() if q.type == kind]
    return max(questions, key=lambda q: (bulk(q, lang), q.id)).id


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
async def test_quiz_question_and_feedback(kind: str, lang: str) -> None:
    """The largest question of each type: the prompt and the answer in view; after answering,
    the verdict and the rating line."""
    app = RnnPrepApp(lang=lang, seed=5)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.begin("practice", count=1, question_ids=[biggest(kind, lang)])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert_in_view(screen.query_one("#prompt"), rows=1)
        focused = app.focused
        assert focused is not None
        assert_in_view(focused, rows=1)
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            assert focused.highlighted == 0  # the first choice is in view with the top row

        await answer(pilot, screen.session.current(), right=False)
        await settle(pilot)
        assert_in_view(screen.query_one("#feedback"), rows=2)  # the border and the verdict
        assert_in_view(screen.query_one("#rating"))


async def test_summary() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, seed=5)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.begin("practice", count=3)
        await settle(pilot)
        for _ in range(3):
            await answer(pilot, app.screen.session.current(), right=False)
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert_in_view(app.screen.query_one("#summary"), rows=2)


# -- exercises -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_exercises_diagnosis_in_view(
    lang: str, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After grading a known slip, the whole result is in view: every check, the diagnosis and
    the command that replays it (with the data folder in the home folder, as it usually is)."""
    monkeypatch.setenv("HOME", str(data_home.parent))
    shutil.copy(GATE_ORDER, api.learner_file("lstm_cell"))
    app = RnnPrepApp(lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_screen("exercises", exercise="lstm_cell")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await pilot.press("g")
        await settle(pilot)
        verdict = str(screen.query_one("#verdict", Static).render())
        assert "lstm.gate_order" in verdict and "--seed" in verdict
        assert_in_view(screen.query_one("#list"), screen.query_one("#results"))
        assert {"title", "status"} <= set(shown_columns(app, "#list"))
        assert_tables_fit(app)

        await pilot.press("h")  # a hint: the hints box comes into view
        await pilot.pause()
        await pilot.pause()
        assert_in_view(screen.query_one("#hints"))


# -- mock interview ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_mock_start(lang: str, store: Store, data_home: Path) -> None:
    """The shipped scripts (long titles) and a few past interviews with their report paths."""
    for score in (0.5, None, 0.875):
        interview = store.start_interview("lstm-fundamentals-junior", "junior")
        if score is not None:
            report = str(data_home / "reports" / f"interview-{interview}-with-a-long-name.md")
            store.finish_interview(interview, score, report)
    app = RnnPrepApp(lang=lang, store=store, start=StartRequest("mock"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MockScreen)
        scripts_list = screen.query_one("#mock-scripts", OptionList)
        assert scripts_list.option_count >= 2
        assert_in_view(
            screen.query_one("#mock-setup"), scripts_list, screen.query_one("#mock-past")
        )
        assert {"date", "script", "score"} <= set(shown_columns(app, "#mock-past"))
        assert_tables_fit(app)


@pytest.fixture
def layout_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scripts, "interviews_dir", lambda: LAYOUT_SCRIPTS)
    monkeypatch.setattr(
        mock_screen, "InterviewRun", functools.partial(InterviewRun, clock=lambda: 1000.0)
    )


@pytest.mark.usefixtures("layout_scripts")
@pytest.mark.parametrize("lang", LANGS)
async def test_mock_interview_steps(lang: str) -> None:
    """Each step in view as it comes: the question, the verdict, the free answer's key points,
    the coding step's result after grading; and the pause box."""
    shutil.copy(GATE_ORDER, api.learner_file("lstm_cell"))
    start = StartRequest("mock", options={"script": "mock-layout"})
    app = RnnPrepApp(bank_dir=MINI_BANK, lang=lang, start=start, seed=5)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert_in_view(screen.query_one("#mock-clock"), screen.query_one("#mock-prompt"))
        assert_in_view(screen.query_one("#mock-answer"))

        for _ in range(2):  # the opener, then the step it leads to
            await answer(pilot, screen.run.current.posed, right=False)
            await settle(pilot)
            assert_in_view(screen.query_one("#mock-verdict"))
            await pilot.press("enter")
            await settle(pilot)
        if screen.run.current.posed is not None:  # the free question
            await answer(pilot, screen.run.current.posed, right=True)
            await settle(pilot)
            assert_in_view(screen.query_one("#mock-verdict"))
            await pilot.press("enter")
            await settle(pilot)
        assert screen.run.current.step.exercise == "lstm_cell"
        await pilot.press("g")
        await settle(pilot)
        assert_in_view(screen.query_one("#mock-results"), rows=8)

        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert_in_view(app.screen.query_one("#mock-pause"))


# -- stats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_stats(lang: str, store: Store) -> None:
    now = now_utc()
    bank = load_bank()
    for days, qid in enumerate(sorted(bank.questions)[:: len(bank.questions) // 12]):
        record(store, qid, now - timedelta(days=days), 1 + days % 4, due=now + timedelta(days=days))
    app = RnnPrepApp(lang=lang, store=store, start=StartRequest("stats"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert_in_view(screen.query_one("#summary"), screen.query_one("#mastery"), rows=3)
        assert {"topic", "due"} <= set(shown_columns(app, "#mastery"))
        assert_tables_fit(app)
        # the panels side by side, each day of the forecast and each answer button on one line
        for selector, lines in (("#heatmap", 9), ("#forecast", 14), ("#buttons", 4)):
            panel = screen.query_one(selector, Static)
            panel.scroll_visible(animate=False, top=True)
            await pilot.pause()
            assert_in_view(panel)
            text = str(panel.render()).splitlines()[:lines]
            assert len(text) == lines
            assert max(cell_len(line) for line in text) <= panel.content_size.width, selector


async def test_stats_wording_one_answer(store: Store) -> None:
    """One answer reads "1 answer"; the two per-topic figures are named for what they measure
    and explained under the table."""
    record(store, "gates.lstm-order", now_utc() - timedelta(hours=1), 1)
    app = RnnPrepApp(bank_dir=MINI_BANK, store=store, start=StartRequest("stats"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "1 answer, 0% right" in summary and "1 answers" not in summary
        table = app.screen.query_one("#mastery", DataTable)
        labels = [c.label.plain for c in table.columns.values()]
        assert "Predicted recall" in labels and "Answered right" in labels
        note = str(app.screen.query_one("#mastery-note", Static).render())
        assert "Predicted recall:" in note and "Answered right:" in note


# -- fitting columns -----------------------------------------------------------------------------


def test_fit_columns_shortens_then_drops_by_priority() -> None:
    columns = [
        Column("title", "Title", shrink=8),
        Column("a", "A", priority=2),
        Column("b", "B", priority=1),
        Column("due", "Due"),
    ]
    widths = {"title": 30, "a": 5, "b": 5, "due": 3}  # 43 cells, 51 with padding
    assert fit_columns(columns, widths, room=60, padding=1) == (["title", "a", "b", "due"], None)
    # the title shortens first ...
    assert fit_columns(columns, widths, room=41, padding=1) == (
        ["title", "a", "b", "due"],
        ("title", 20),
    )
    # ... down to its minimum, then the highest priority number goes, then the next
    assert fit_columns(columns, widths, room=30, padding=1)[1] == ("title", 9)
    assert fit_columns(columns, widths, room=28, padding=1) == (
        ["title", "b", "due"],
        ("title", 14),
    )
    assert fit_columns(columns, widths, room=15, padding=1) == (["title", "due"], ("title", 8))
    # what must stay stays, even if it does not fit
    assert fit_columns(columns, widths, room=5, padding=1) == (["title", "due"], None)


class ListApp(App[None]):
    """A list capped at a few rows, filled with many."""

    CSS = "FittedTable { height: auto; max-height: 6; }"

    def compose(self):  # type: ignore[no-untyped-def]
        table = FittedTable(cursor_type="row")
        table.set_columns([Column("name", "Name")])
        yield table

    def fill(self) -> None:
        table = self.query_one(FittedTable)
        table.set_rows((f"r{i}", {"name": f"row {i}"}) for i in range(20))
        table.move_cursor(row=12)


async def test_a_scrollbar_shown_after_the_list_scrolled_shows_where_it_stands() -> None:
    """Textual moves a scrollbar's thumb only while it shows; which came first, the scroll or
    the scrollbar, depended on timing (a flaky snapshot of the exercise list)."""
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        app.fill()
        await settle(pilot)
        table = app.query_one(FittedTable)
        table.show_vertical_scrollbar = False
        table.scroll_y = 9
        table.show_vertical_scrollbar = True
        assert table.scroll_y == 9
        assert table.vertical_scrollbar.position == 9
