"""Flagging a question as wrong or unclear, with an optional reason for whoever fixes it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quiz.l10n import N_, _
from quiz.tui.localized import Localized


class FlagScreen(Localized, ModalScreen[str | None]):
    """Dismissed with the reason typed ("" when none), or None when cancelled."""

    DEFAULT_CSS = """
    FlagScreen { align: center middle; }
    FlagScreen > Vertical {
        width: 70; max-width: 95%; height: auto; border: round $accent; padding: 1 2;
        background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="flag.cancel", tooltip=N_("Don't flag")),
    ]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Flag this question as wrong or unclear"), classes="title")
            yield Static(self.prompt, classes="muted", markup=False)
            yield Input(placeholder=_("Why? (optional) — enter to flag, esc to cancel"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
