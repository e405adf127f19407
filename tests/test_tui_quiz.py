"""The real app under Pilot: a whole quiz with keys alone, then the store is read back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from quiz.engine import option_key, replay
from quiz.store import Store
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.feedback import Feedback
from tests.conftest import BROKEN_BANKS, MINI_BANK
from tests.tui_driver import answer

SIZE = (100, 40)


async def ready(app: RnnPrepApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_ten_question_quiz_with_keys_alone(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, seed=3)
    expected: dict[str, bool] = {}
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        for n in range(10):
            posed = app.screen.session.current()
            right = n % 3 != 1  # every third answer wrong, one of each verdict at least
            await answer(pilot, posed, right)
            feedback = app.screen.query_one(Feedback)
            assert feedback.display, f"no feedback after {posed.question.id}"
            shown = str(feedback.render())
            assert ("✓ Right" in shown) == right, (posed.question.id, shown)
            assert posed.question.explanation.en in shown
            expected[posed.question.id] = right
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert f"{sum(expected.values())} of 10 right" in str(
            app.screen.query_one("#summary").render()
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    store = Store(data_home / "progress.sqlite3")
    recorded = {r.question_id: r.correct for r in store.reviews()}
    assert recorded == expected
    assert set(store.due_dates()) == set(expected)


async def test_reopening_shows_progress_kept(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, start=StartRequest("quiz", count=2), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        for _ in range(2):
            await answer(pilot, app.screen.session.current(), right=False)
            await pilot.press("enter")
            await pilot.pause()
    reopened = RnnPrepApp(bank_dir=MINI_BANK)
    async with reopened.run_test(size=SIZE) as pilot:
        await ready(reopened, pilot)
        due_line = str(reopened.screen.query_one("#due").render())
        assert "2 of 12 questions seen" in due_line


async def test_unreadable_number_is_refused_and_nothing_recorded(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, start=StartRequest("practice", topic="counting", count=6))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        while app.screen.session.current().question.type != "numeric":
            await pilot.press("ctrl+n")
            await pilot.pause()
        await pilot.press(*"lots", "enter")
        await pilot.pause()
        assert "not a number" in str(app.screen.query_one("#number-error").render())
        assert not app.screen.query_one(Feedback).display
    assert Store(data_home / "progress.sqlite3").reviews() == []


async def test_flag_and_end_early(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, start=StartRequest("quiz", count=5), seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        flagged = app.screen.session.current().question.id
        await pilot.press("ctrl+f", "escape")  # asked why, then cancelled: nothing flagged
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("ctrl+f", *"choice 3 reads oddly", "enter")
        await pilot.pause()
        await pilot.press("ctrl+f", "enter")  # the reason is optional
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    flags = Store(data_home / "progress.sqlite3").flags()
    assert [(f.question_id, f.note) for f in flags] == [
        (flagged, "choice 3 reads oddly"),
        (flagged, ""),
    ]


async def test_bad_bank_file_warns_and_app_starts(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(MINI_BANK, tmp_path / "banks")
    shutil.copy(BROKEN_BANKS / "unknown_type" / "bank.yaml", tmp_path / "banks" / "zz.yaml")
    app = RnnPrepApp(bank_dir=tmp_path / "banks")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("zz.yaml" in m for m in messages), messages
        assert app.bank is not None and len(app.bank.questions) == 13


async def test_corrupt_store_is_reported(data_home: Path) -> None:
    data_home.mkdir(parents=True)
    (data_home / "progress.sqlite3").write_bytes(b"garbage" * 500)
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(app, pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert "progress.sqlite3.corrupt-" in messages


async def test_theme_toggle_and_palette_commands(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Start quiz", "Review due questions", "Practice"} <= set(titles)


async def test_wrong_answer_points_to_the_exercises_on_its_topic(data_home: Path) -> None:
    """Every exercise on the question's topic is named; e opens the exercises screen on the
    first (lstm: lstm_cell, then lstm_layer, by name)."""
    from quiz.links import exercises_for_topic
    from quiz.tui.screens.exercises import ExercisesScreen

    related = exercises_for_topic("lstm")
    assert related[0] == "lstm_cell"

    app = RnnPrepApp(start=StartRequest("practice", topic="lstm", count=1, tags=["pytorch"]))
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        posed = app.screen.session.current()
        await answer(pilot, posed, right=False)
        shown = str(app.screen.query_one(Feedback).render())
        heading = "Related exercises: " if len(related) > 1 else "Related exercise: "
        assert f"{heading}{', '.join(related)} (press e)" in shown
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen)
        assert app.screen.current == "lstm_cell"


async def test_shuffled_choices_are_answered_by_content(data_home: Path) -> None:
    """The learner reads the options on screen and presses the number beside the right text;
    the store keeps what was shown and what was picked, by option identity."""
    from textual.widgets import OptionList

    start = StartRequest("practice", topic="gates", count=6, difficulty=[1], tags=["pytorch"])
    app = RnnPrepApp(bank_dir=MINI_BANK, start=start, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        posed = app.screen.session.current()
        q = posed.question
        assert q.id == "gates.lstm-order"
        labels = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert labels[0] != f"1. {q.choices[q.answer].en}"  # not shown in bank order
        (line,) = [label for label in labels if label.endswith(f". {q.choices[q.answer].en}")]
        await pilot.press(line.split(".")[0], "enter")
        await pilot.pause()
        assert "✓ Right" in str(app.screen.query_one(Feedback).render())
    with sqlite3.connect(data_home / "progress.sqlite3") as db:
        ((correct, answer_json),) = db.execute("SELECT correct, answer_json FROM reviews")
    record = json.loads(answer_json)
    assert correct == 1
    assert record["picked"] == option_key(q.choices[q.answer])
    assert record["shown"] == [option_key(q.choices[i]) for i in posed.shown_order]
    assert replay(q, record["seed"]).shown_order == posed.shown_order


async def test_a_numeric_refusal_goes_once_fixed_and_fractions_are_read(data_home: Path) -> None:
    from textual.widgets import Static as Text

    start = StartRequest("practice", topic="counting", count=6)
    app = RnnPrepApp(bank_dir=MINI_BANK, start=start, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        while app.screen.session.current().question.type != "numeric":
            await pilot.press("ctrl+n")
            await pilot.pause()
        posed = app.screen.session.current()
        error = app.screen.query_one("#number-error", Text)
        await pilot.press(*"1/0", "enter")
        await pilot.pause()
        assert "division by zero" in str(error.render())
        await pilot.press("backspace")  # editing clears the refusal at once
        await pilot.pause()
        assert str(error.render()) == ""
        await pilot.press("backspace", "backspace", "backspace", *f"{int(posed.answer) * 2}/2")
        await pilot.press("enter")
        await pilot.pause()
        assert "✓ Right" in str(app.screen.query_one(Feedback).render())
        assert str(error.render()) == ""
