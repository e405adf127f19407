"""The gradient lab screen through keys: `l` from home runs the first preset and plots it, keys
are handled while it computes, `x` cancels (its processes end), a preset with two settings
overlays both, and torch never loads in the app's process."""

from __future__ import annotations

import time

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static
from textual_plotext import PlotextPlot

from quiz import lab
from quiz.bank import load_bank
from quiz.tui.app import RnnPrepApp
from quiz.tui.screens.lab import LabScreen
from quiz.tui.widgets.feedback import Feedback
from tests.conftest import MINI_BANK
from tests.tui_driver import answer

SMALL = (80, 24)


async def computed(pilot: Pilot, screen: LabScreen, before: int = 0) -> None:
    """Wait (keys still handled) until the screen has shown a new result."""
    deadline = time.monotonic() + 120
    shown = id(screen.results) if before else 0
    while not screen.results or id(screen.results) == shown:
        assert time.monotonic() < deadline, "no result in time"
        await pilot.pause(0.1)


async def open_lab(pilot: Pilot) -> LabScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.press("l")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LabScreen)
    return screen


def figures(screen: LabScreen) -> str:
    return str(screen.query_one("#figures", Static).render())


async def test_a_preset_runs_and_is_plotted_while_keys_still_work() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot)
        presets = screen.query_one("#presets", OptionList)
        presets.focus()
        assert screen._procs  # computing
        await pilot.press("down")  # handled while it computes
        assert presets.highlighted == 1
        assert screen._procs and not screen.results
        await computed(pilot, screen)
        [result] = screen.results
        assert result.config == lab.PRESETS["rnn-vanishes"].configs[0]
        assert result.ratio_first_last < 1e-9
        assert "first/last" in figures(screen)
        assert "log10 ‖∂L/∂h_t‖ against t" in str(screen.query_one("#plot", PlotextPlot).render())


async def test_cancelling_ends_the_computation() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot)
        procs = list(screen._procs)
        assert procs
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert all(p.poll() is not None for p in procs)
        assert "已取消" in figures(screen) and not screen.results


async def test_a_two_setting_preset_overlays_both_and_edits_apply() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot)
        await computed(pilot, screen)
        presets = screen.query_one("#presets", OptionList)
        presets.focus()
        presets.highlighted = list(lab.PRESETS).index("lstm-forget-bias")
        await pilot.press("enter")
        await computed(pilot, screen, before=1)
        one, zero = screen.results
        assert (one.config.forget_bias, zero.config.forget_bias) == (1.0, 0.0)
        assert one.grad_h[0] > 10 * zero.grad_h[0]
        screen.query_one("#steps", Input).value = "20"
        presets.focus()  # r typed in a field would be text
        await pilot.press("r")
        await computed(pilot, screen, before=1)
        assert [len(r.grad_h) for r in screen.results] == [20, 20]


async def test_a_wrong_answer_offers_the_preset_that_shows_it() -> None:
    app = RnnPrepApp()  # the shipped bank, where the preset's questions are
    async with app.run_test(size=SMALL) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        question = lab.PRESETS["rnn-vanishes"].questions[0]
        app.begin("practice", count=1, question_ids=[question])
        await app.workers.wait_for_complete()
        await pilot.pause()
        await answer(pilot, app.screen.session.current(), right=False)  # type: ignore[attr-defined]
        await pilot.pause()
        shown = str(app.screen.query_one(Feedback).render())
        assert "See it happen:" in shown and "(press l)" in shown
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LabScreen) and app.screen.preset.name == "rnn-vanishes"
        await pilot.press("x")


def test_every_presets_questions_are_in_the_bank() -> None:
    bank = load_bank()
    for preset in lab.PRESETS.values():
        for question in preset.questions:
            assert question in bank.questions, (preset.name, question)
