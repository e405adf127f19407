"""The screen registry is the one place a way in is declared: home keys, home buttons, the
palette and `open_screen` all come from it, and nothing else is on offer."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from textual.app import App

from quiz.l10n import _
from quiz.tui.app import RnnPrepApp
from quiz.tui.grader import WarmGrader
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.registry import ENTRIES, QUIZ_MODES, Entry, entry
from tests.conftest import MINI_BANK

SIZE = (120, 40)
# the palette entries that are not ways in: Textual's own, the theme and the languages
OWN_COMMANDS = {"Toggle light/dark theme"}


@pytest.fixture(autouse=True)
def no_grader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WarmGrader, "start", lambda self: None)  # no torch child here


class Recording(RnnPrepApp):
    """Records the sittings asked for instead of planning them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(bank_dir=MINI_BANK, **kwargs)
        self.begun: list[str] = []

    def begin(self, mode: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.begun.append(mode)


def opened(app: Recording, way: Entry) -> bool:
    if way.screen is None:
        return app.begun == [way.name]
    module, cls = way.screen
    return isinstance(app.screen, getattr(importlib.import_module(module), cls))


def home_buttons(app: RnnPrepApp, way: Entry) -> list[Any]:
    return list(app.screen.query(f"#{way.name}"))


async def settle(app: RnnPrepApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("how", ["key", "button", "palette", "open_screen"])
@pytest.mark.parametrize("way", ENTRIES, ids=lambda way: way.name)
async def test_every_registered_way_in_opens(way: Entry, how: str) -> None:
    app = Recording()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        if how == "key":
            await pilot.press(way.key)
        elif how == "button":
            if not way.button_shown:
                assert not home_buttons(app, way)  # a key and the palette only
                return
            await pilot.click(f"#{way.name}")
        elif how == "palette":
            (command,) = [
                c for c in app.get_system_commands(app.screen) if c.title == _(way.palette)
            ]
            command.callback()
        else:
            app.open_screen(way.name)
        await pilot.pause()
        await settle(app, pilot)
        assert opened(app, way)


async def test_home_and_palette_offer_nothing_outside_the_registry() -> None:
    app = Recording()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        home = app.screen
        buttons = [button.id for button in home.query("Button")]
        assert buttons == [way.name for way in ENTRIES if way.button_shown]
        keys = [b for b in HomeScreen.BINDINGS if b.id != "home.topic"]  # type: ignore[union-attr]
        assert [(b.key, b.action) for b in keys] == [  # type: ignore[union-attr]
            (way.key, f"go('{way.name}')") for way in ENTRIES
        ]
        textual = {c.title for c in App.get_system_commands(app, home)}
        titles = [c.title for c in app.get_system_commands(home)]
        ours = [
            t
            for t in titles
            if t not in textual and t not in OWN_COMMANDS and not t.startswith("Language:")
        ]
        assert ours == [way.palette for way in ENTRIES]


def test_quiz_modes_are_the_entries_without_a_screen() -> None:
    assert QUIZ_MODES == ("quiz", "review", "practice")
    assert len({way.name for way in ENTRIES}) == len({way.key for way in ENTRIES}) == len(ENTRIES)
    with pytest.raises(KeyError, match="registered"):
        entry("nowhere")
