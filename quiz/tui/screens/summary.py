"""End of a sitting: the score, per topic, and what was missed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quiz.l10n import N_, _
from quiz.session import Summary
from quiz.tui.app import STYLES
from quiz.tui.localized import Localized


class SummaryScreen(Localized, Screen):
    CSS_PATH = STYLES / "quiz.tcss"
    BINDINGS = [
        Binding(
            "enter", "app.pop_screen", N_("Home"), id="summary.home", tooltip=N_("Back to home")
        ),
        Binding(
            "escape", "app.pop_screen", N_("Home"), show=False, id="summary.esc", tooltip=N_("Home")
        ),
    ]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        over = _("[b]Session over[/b]: {correct} of {answered} right in {seconds} s").format(
            correct=s.correct, answered=s.answered, seconds=f"{s.seconds:.0f}"
        )
        lines = [over, ""]
        for topic, (ok, n) in sorted(self.summary.by_topic.items()):
            title = self.app.bank.topics[topic].title.get(self.app.lang)
            lines.append(f"  {title}: {ok}/{n}")
        if s.missed:
            lines += ["", _("Missed (they come back soon):"), *[f"  {qid}" for qid in s.missed]]
        lines += ["", _("[dim]Every answer is saved. Press enter for home.[/dim]")]
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Static("\n".join(lines), id="summary", classes="panel")
        yield Footer()
