"""End of a sitting: the score, per topic, and what was missed."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quiz.l10n import N_, _, ngettext
from quiz.session import Summary
from quiz.tui.app import STYLES
from quiz.tui.localized import Localized


def _one_line(prompt: str, width: int = 70) -> str:
    """A question named by its prompt, on one line of `width` cells (Chinese is two cells a
    character), safe from Rich markup."""
    text = " ".join(prompt.split())
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1).rstrip() + "…"
    return escape(text)


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
        lines = [over]
        if s.partial:
            lines.append(
                ngettext("{n} partly right", "{n} partly right", len(s.partial)).format(
                    n=len(s.partial)
                )
                + _(" · credit {percent}").format(percent=f"{s.accuracy:.0%}")
            )
        lines.append("")
        for topic, (ok, n) in sorted(self.summary.by_topic.items()):
            title = self.app.bank.topics[topic].title.get(self.app.lang)
            lines.append(f"  {escape(title)}: {ok}/{n}")
        for heading, posed in (
            (_("Partly right (they come back soon):"), s.partial),
            (_("Missed (they come back soon):"), s.missed),
        ):
            if posed:
                lines += [
                    "",
                    heading,
                    *[f"  • {_one_line(p.prompt(self.app.lang))}" for p in posed],
                ]
        lines += ["", _("[dim]Every answer is saved. Press enter for home.[/dim]")]
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Static("\n".join(lines), id="summary", classes="panel")
        yield Footer()
