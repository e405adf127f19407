"""The study plan and the leeches in the app, through keys alone, reading the settings file and
the SQLite store back: `d` sets the interview date, home counts down, `k` lists a leech with
what helps and `b` brings it back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, Static

from quiz.bank import load_bank
from quiz.settings import load_study
from quiz.store import Store, now_utc
from quiz.tui.app import RnnPrepApp
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.leeches import LeechScreen
from quiz.tui.screens.plan import PlanScreen

SMALL = (80, 24)


async def home(pilot: Pilot) -> HomeScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_d_sets_the_interview_date_and_home_counts_down(data_home: Path) -> None:
    interview = dt.date.today() + dt.timedelta(days=12)
    app = RnnPrepApp()
    async with app.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        assert "No interview date" in text(screen, "#standing")

        date = screen.query_one("#interview_date", Input)
        date.focus()
        await pilot.press(*"2001-01-01", "ctrl+s")
        await pilot.pause()
        assert "after today" in text(screen, "#problem")
        assert load_study(data_home).interview_date is None  # nothing kept

        date.value = ""
        await pilot.press(*interview.isoformat(), "tab", "tab", *"15", "ctrl+s")
        await pilot.pause()
        assert text(screen, "#problem") == ""
        kept = load_study(data_home)
        assert kept.interview_date == interview and kept.new_per_day == 15
        assert "12 days left" in text(screen, "#standing")

        await pilot.press("escape")
        await pilot.pause()
        assert "Interview in 12 days" in text(app.screen, "#due")
        assert "0 new today of 15" in text(app.screen, "#due")


async def test_k_shows_a_leech_with_what_helps_and_b_brings_it_back(data_home: Path) -> None:
    bank = load_bank()
    question = next(q for q in bank.questions.values() if q.id == "gradients.why-exponential")
    store = Store(data_home / "progress.sqlite3")
    for _ in range(8):
        store.record_review(
            session_id=store.start_session("quiz"),
            question_id=question.id,
            card_json=None,
            due=None,
            elapsed_s=10.0,
            correct=False,
            score=0.0,
            rating=1,
            answer=None,
        )
    store.close()

    app = RnnPrepApp()
    async with app.run_test(size=SMALL) as pilot:
        screen = await home(pilot)
        assert "1 leech out of the rotation: press k" in text(screen, "#due")
        await pilot.press("k")
        await pilot.pause()
        leeches = app.screen
        assert isinstance(leeches, LeechScreen)
        assert leeches.query_one(OptionList).option_count == 1
        detail = leeches.query_one("#detail", Markdown).source
        assert question.explanation.en[:40] in detail
        assert "press l" in detail  # the lab preset that shows it happen

        await pilot.press("b")
        await pilot.pause()
        assert leeches.query_one(OptionList).option_count == 0
        back = Store(data_home / "progress.sqlite3")
        assert question.id in back.leech_releases()
        assert question.id in back.due_ids(now_utc())
        back.close()


async def test_ctrl_o_fits_fsrs_off_the_ui_thread_and_keeps_better_parameters(
    data_home: Path,
) -> None:
    from test_fsrs_fit import simulate_learner

    from quiz.fsrs_fit import MIN_REVIEWS

    store = Store(data_home / "progress.sqlite3")
    simulate_learner(store, 100)
    store.close()
    app = RnnPrepApp()
    async with app.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("d", "ctrl+o")
        await pilot.pause()
        assert f"{MIN_REVIEWS - 100} more reviews needed" in text(app.screen, "#fit")
        assert load_study(data_home).fsrs_parameters is None

    store = Store(data_home / "progress.sqlite3")
    simulate_learner(store, MIN_REVIEWS + 40, seed=8)
    store.close()
    app = RnnPrepApp()
    async with app.run_test(size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("d", "ctrl+o")
        await pilot.pause()
        assert "Fitting FSRS" in text(app.screen, "#fit")
        await pilot.press("tab")  # keys are handled while torch fits in its own process
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = text(app.screen, "#fit")
        assert "Expected retention fitted" in shown and "Saved" in shown
        assert load_study(data_home).fsrs_parameters == app.study.fsrs_parameters is not None
