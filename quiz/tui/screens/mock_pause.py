"""The pause (or end-now) dialog over a running interview."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from quiz.l10n import N_, _
from quiz.tui import STYLES
from quiz.tui.localized import Localized


class PauseScreen(Localized, ModalScreen[bool]):
    """The clock is stopped while this is up; the interview is hidden behind it."""

    CSS_PATH = STYLES / "mock.tcss"
    BINDINGS = [
        Binding(  # the footer shows the first key: the same keys the box names first
            "e,y",
            "dismiss(True)",
            N_("End now"),
            id="mock.confirm-end",
            tooltip=N_("See the report"),
        ),
        Binding(
            "p,escape,n,r",
            "dismiss(False)",
            N_("Resume"),
            id="mock.resume",
            tooltip=N_("Carry on"),
        ),
    ]

    def __init__(self, ending: bool) -> None:
        super().__init__()
        self.ending = ending

    def compose(self) -> ComposeResult:
        if self.ending:
            text = _(
                "[b]End the interview now?[/b]\n\nThe clock is stopped.\n\n"
                "e / y: end and see the report · p / n / escape: carry on"
            )
        else:
            text = _(
                "[b]Paused[/b]: the clock is stopped.\n\n"
                "p / escape: resume · e: end the interview now"
            )
        with Vertical(id="mock-pause", classes="panel"):
            yield Static(text)
        yield Footer()
