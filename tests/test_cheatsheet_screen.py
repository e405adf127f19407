"""The cheat sheet screen through keys alone: `c` from home opens the sheet, `k` the calculator,
whose counts are torch's own modules' for the layers typed in (and Keras's where it has one)."""

from __future__ import annotations

import pytest
import torch
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Select, Static, TabbedContent

from quiz.tui.app import RnnPrepApp
from quiz.tui.screens.cheatsheet import CheatSheetScreen
from quiz.tui.widgets.fitted_table import FittedTable
from tests.conftest import MINI_BANK

SMALL = (80, 24)


async def type_into(pilot: Pilot, field: str, value: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*value)
    await pilot.pause()


def counts(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#counts", Static).render())


async def open_calculator(pilot: Pilot) -> CheatSheetScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CheatSheetScreen)
    assert screen.query_one(TabbedContent).active == "sheet"
    await pilot.press("k")
    await pilot.pause()
    assert screen.query_one(TabbedContent).active == "calculator"
    return screen


@pytest.mark.parametrize(
    ("cell", "sizes", "bidirectional"),
    [
        ("gru", {"input_size": "128", "hidden_size": "64"}, False),
        ("lstm", {"input_size": "7", "hidden_size": "9", "num_layers": "3"}, True),
        (
            "lstm",
            {"input_size": "5", "hidden_size": "8", "num_layers": "2", "proj_size": "3"},
            True,
        ),
        ("rnn", {"input_size": "3", "hidden_size": "4", "num_layers": "2"}, False),
    ],
)
async def test_the_calculator_gives_torchs_counts(
    cell: str, sizes: dict[str, str], bidirectional: bool
) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_calculator(pilot)
        screen.query_one("#cell", Select).value = cell
        for field, value in sizes.items():
            await type_into(pilot, field, value)
        if bidirectional:
            screen.query_one("#bidirectional").focus()
            await pilot.press("space")
        await pilot.pause()
        module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        extra = {"proj_size": int(sizes.get("proj_size", 0))} if cell == "lstm" else {}
        built = module(
            int(sizes["input_size"]),
            int(sizes["hidden_size"]),
            num_layers=int(sizes.get("num_layers", 1)),
            bidirectional=bidirectional,
            **extra,
        )
        expected = sum(p.numel() for p in built.parameters())
        assert f"PyTorch: {expected:,} parameters" in counts(pilot)
        table = screen.query_one("#tensors", FittedTable)
        names = [n for n, _ in built.named_parameters()]
        shown = [
            str(key.value).split(":", 1)[1] for key in table.rows if "PyTorch" in str(key.value)
        ]
        assert shown == names
        if extra.get("proj_size"):
            assert "Keras has no proj_size." in counts(pilot)
        if cell == "gru":  # the facts sheet's figure: Keras (reset_after=True) agrees with torch
            assert "Keras: 37,248 parameters" in counts(pilot)


async def test_a_bad_size_is_said_and_nothing_is_counted() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_calculator(pilot)
        await type_into(pilot, "hidden_size", "0")
        assert "無法計算" in counts(pilot)
        assert screen.query_one("#tensors", FittedTable).row_count == 0
        await type_into(pilot, "hidden_size", "6")
        assert "PyTorch：" in counts(pilot) or "PyTorch:" in counts(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CheatSheetScreen)


async def test_the_sheet_shows_in_the_interface_language() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hans")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("c")
        await pilot.pause()
        sheet = app.screen.query_one("#sheet-text", Markdown)
        assert "速查表" in sheet.source and "参数" in sheet.source
