"""End of a sitting: the score, per topic, and what was missed."""

from __future__ import annotations

import sys

from rich.cells import cell_len, set_cell_size
from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quiz.l10n import N_, _, ngettext
from quiz.session import Summary
from quiz.tui import STYLES
from quiz.tui.localized import Localized


def _one_line(prompt: str, width: int = 70) -> str:
    """A question named by its prompt, on one line of `width` cells (Chinese is two cells a
    character), safe from Rich markup."""
    text = " ".join(prompt.split())
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1).rstrip() + "…"
    return escape(text)


# Where enter (and escape) go back to, in the words of the summary's last line.
BACK_WORDS = {
    "home": N_("[dim]Every answer is saved. Press enter for home.[/dim]"),
    "exercises": N_("[dim]Every answer is saved. Press enter to go back to the exercises.[/dim]"),
}


def _returns_to(app: App[object]) -> str:
    """Where enter goes: the screen beneath the quiz that ends in this summary, "exercises" for
    a drill started from a diagnosis on the Exercises screen, else "home"."""
    stack = app.screen_stack
    exercises = sys.modules.get("quiz.tui.screens.exercises")  # loaded if such a screen exists
    if exercises and len(stack) > 1 and isinstance(stack[-2], exercises.ExercisesScreen):
        return "exercises"
    return "home"


class SummaryScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "quiz.tcss"
    # One pair of keys per destination; check_action keeps the pair for where this one returns.
    BINDINGS = [
        Binding("enter", "back('home')", N_("Home"), id="summary.home", tooltip=N_("Back to home")),
        Binding(
            "enter",
            "back('exercises')",
            N_("Exercises"),
            id="summary.exercises",
            tooltip=N_("Back to the exercises"),
        ),
        Binding(
            "escape", "back('home')", N_("Home"), show=False, id="summary.esc", tooltip=N_("Home")
        ),
        Binding(
            "escape",
            "back('exercises')",
            N_("Exercises"),
            show=False,
            id="summary.esc-exercises",
            tooltip=N_("Back to the exercises"),
        ),
    ]

    def __init__(self, summary: Summary, back_to: str | None = None) -> None:
        """Built by the quiz screen it replaces; `back_to` ("home" or "exercises") defaults to
        the screen beneath that quiz."""
        super().__init__()
        self.summary = summary
        self.back_to = back_to or _returns_to(self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return parameters == (self.back_to,)
        return True

    def action_back(self, where: str) -> None:
        self.app.pop_screen()

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
            title = self.rnn.loaded_bank.topics[topic].title.get(self.rnn.lang)
            lines.append(f"  {escape(title)}: {ok}/{n}")
        for heading, posed in (
            (_("Partly right (they come back soon):"), s.partial),
            (_("Missed (they come back soon):"), s.missed),
        ):
            if posed:
                lines += [
                    "",
                    heading,
                    *[f"  • {_one_line(p.prompt(self.rnn.lang))}" for p in posed],
                ]
        lines += ["", _(BACK_WORDS[self.back_to])]
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Static("\n".join(lines), id="summary", classes="panel")
        yield Footer()
