"""The panel shown after an answer: verdict, the right answer, why, the source, the rating."""

from __future__ import annotations

from collections.abc import Sequence

from fsrs import Rating
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from quiz.i18n import Lang
from quiz.l10n import N_, _, ngettext
from quiz.session import Answered
from quiz.sources import cite
from quiz.tui.widgets.answers import answer_ui

# The same three words as the summary and stats use (see quiz.engine.Outcome.verdict); each
# has its own symbol so they stay apart without colour (NO_COLOR).
VERDICTS = {
    "right": (N_("✓ Right"), "bold green"),
    "partial": (N_("◐ Partly right"), "bold yellow"),
    "wrong": (N_("✗ Not quite"), "bold red"),
}

RATING_NAMES = {
    Rating.Again: N_("Again"),
    Rating.Hard: N_("Hard"),
    Rating.Good: N_("Good"),
    Rating.Easy: N_("Easy"),
}
RATING_TIPS = {
    Rating.Again: N_("Rate this answer Again: changes when it comes back"),
    Rating.Hard: N_("Rate this answer Hard: changes when it comes back"),
    Rating.Good: N_("Rate this answer Good: changes when it comes back"),
    Rating.Easy: N_("Rate this answer Easy: changes when it comes back"),
}


class Feedback(Static, can_focus=True):
    """Focused after each answer, so its keys (ratings, next) never clash with answer keys."""

    BINDINGS = [
        Binding(
            "enter", "screen.next", N_("Next"), id="feedback.next", tooltip=N_("Next question")
        ),
        Binding(
            "n",
            "screen.next",
            N_("Next"),
            show=False,
            id="feedback.n",
            tooltip=N_("Next question"),
        ),
        Binding(
            "l",
            "screen.lab_preset",
            N_("Lab"),
            show=False,
            id="feedback.lab",
            tooltip=N_("See this question's claim happen in the gradient lab"),
        ),
        Binding(
            "e",
            "screen.related_exercise",
            N_("Exercise"),
            show=False,
            id="feedback.exercise",
            tooltip=N_("Open the coding exercises on this topic"),
        ),
        *[
            Binding(
                str(int(r)),
                f"screen.rate({int(r)})",
                RATING_NAMES[r],
                id=f"feedback.rate{int(r)}",
                tooltip=RATING_TIPS[r],
            )
            for r in Rating
        ],
    ]

    def show_answer(
        self,
        answered: Answered,
        lang: Lang,
        related: Sequence[str] = (),
        lab_preset: str | None = None,
    ) -> None:
        """Verdict, answer, explanation and source; `related` names the exercises to try (e
        opens the exercises screen on the first), `lab_preset` the gradient lab's preset that
        shows the claim happen (l opens it)."""
        q = answered.posed.question
        outcome = answered.outcome
        text = Text()
        label, style = VERDICTS[outcome.verdict]
        text.append(_(label), style=style)
        if q.shows_score:  # a type with partial credit
            text.append(f"  ({outcome.score:.0%})")
        if answer_ui(q).feedback_shows_answer:  # not when the answer widget showed it already
            text.append("\n\n" + _("Answer: "), style="bold")
            text.append(outcome.expected)
        text.append("\n\n")
        text.append(q.explanation.get(lang))
        text.append("\n\n" + _("Source: "), style="dim")
        text.append(cite(q.source), style="dim")
        if related:
            heading = ngettext("Related exercise: ", "Related exercises: ", len(related))
            text.append("\n\n" + heading, style="bold")
            text.append(_("{names} (press e)").format(names=", ".join(related)))
        if lab_preset:
            text.append("\n\n" + _("See it happen: "), style="bold")
            text.append(_("{preset} in the gradient lab (press l)").format(preset=lab_preset))
        self.update(text)


def rating_line(answered: Answered) -> Text:
    """The rating and how to change it: a line of its own that the quiz screen keeps in view
    (at 80 x 24 a long explanation would push it below the fold)."""
    text = Text()
    text.append(_("Rated "), style="bold")
    text.append(_(RATING_NAMES[answered.rating]), style="bold")
    text.append(_("  ·  1 Again  2 Hard  3 Good  4 Easy to change  ·  enter: next"), style="dim")
    return text
