"""Flagging a question as wrong or unclear, with an optional reason for whoever fixes it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from quiz.l10n import N_, _
from quiz.tui.screens.dialog import DialogBox, DialogScreen


class FlagScreen(DialogScreen[str | None]):
    """Dismissed with the reason typed ("" when none), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="flag.cancel", tooltip=N_("Don't flag")),
    ]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Static(_("Flag this question as wrong or unclear"), classes="title")
            yield Static(self.prompt, classes="muted", markup=False)
            yield Input(placeholder=_("Why? (optional) — enter to flag, esc to cancel"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
