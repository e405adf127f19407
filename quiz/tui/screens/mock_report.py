"""The interview's report, as saved."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from quiz.l10n import N_, _
from quiz.tui import STYLES
from quiz.tui.localized import Localized


class MockReportScreen(Localized, Screen[None]):
    """The report as saved, rendered; back returns to the mock interview list."""

    SUB_TITLE = N_("Mock interview report")
    CSS_PATH = STYLES / "mock.tcss"
    BINDINGS = [
        Binding(
            "escape", "app.pop_screen", N_("Back"), id="mock.back", tooltip=N_("Interview list")
        ),
        Binding(
            "enter",
            "app.pop_screen",
            N_("Back"),
            show=False,
            id="mock.back-enter",
            tooltip=N_("Interview list"),
        ),
    ]

    def __init__(self, markdown: str, path: Path) -> None:
        super().__init__()
        self.markdown = markdown
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="mock-report"):
            yield Static(
                _("Saved to {path}").format(path=self.path),
                id="mock-saved",
                classes="muted",
                markup=False,
            )
            yield Markdown(self.markdown, id="mock-report-text")
        yield Footer()
