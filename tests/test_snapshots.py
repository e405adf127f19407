"""What the screens look like, pinned as SVG snapshots (update with --snapshot-update)."""

from __future__ import annotations

from textual.widgets import Input

from quiz.tui.app import RnnPrepApp, StartRequest
from tests.conftest import MINI_BANK

SIZE = (100, 32)


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_home_screen(snap_compare) -> None:
    assert snap_compare(RnnPrepApp(bank_dir=MINI_BANK), terminal_size=SIZE, run_before=loaded)


def test_generated_numeric_question(snap_compare) -> None:
    async def steady_cursor(pilot) -> None:
        await loaded(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blink caught mid-way is not a change
        await pilot.pause()

    app = RnnPrepApp(
        bank_dir=MINI_BANK, start=StartRequest("practice", topic="counting", count=1), seed=4
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)


def test_feedback_after_a_wrong_answer_in_chinese(snap_compare) -> None:
    async def answer_wrong(pilot) -> None:
        await loaded(pilot)
        posed = pilot.app.screen.session.current()
        assert posed.question.id == "gates.lstm-order"
        assert posed.number(posed.question.answer) != 1  # choices are shown shuffled
        await pilot.press("1", "enter")
        await pilot.pause()

    app = RnnPrepApp(
        bank_dir=MINI_BANK,
        lang="zh-Hant",
        start=StartRequest("practice", topic="gates", count=6, difficulty=[1], tags=["pytorch"]),
        seed=1,
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=answer_wrong)


def test_home_screen_in_traditional_chinese(snap_compare) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_question_in_traditional_chinese(snap_compare) -> None:
    async def steady_cursor(pilot) -> None:
        await loaded(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    app = RnnPrepApp(
        bank_dir=MINI_BANK,
        lang="zh-Hant",
        start=StartRequest("practice", topic="counting", count=1),
        seed=4,
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)
