"""The panel shown after an answer: verdict, the right answer, why, the source, the rating."""

from __future__ import annotations

from fsrs import Rating
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from quiz.i18n import Lang
from quiz.session import Answered


class Feedback(Static, can_focus=True):
    """Focused after each answer, so its keys (ratings, next) never clash with answer keys."""

    BINDINGS = [
        Binding("enter", "screen.next", "Next", id="feedback.next", tooltip="Next question"),
        Binding("n", "screen.next", "Next", show=False, id="feedback.n", tooltip="Next question"),
        Binding(
            "e",
            "screen.related_exercise",
            "Exercise",
            show=False,
            id="feedback.exercise",
            tooltip="Open the coding exercise on this topic",
        ),
        *[
            Binding(
                str(int(r)),
                f"screen.rate({int(r)})",
                r.name,
                id=f"feedback.rate{int(r)}",
                tooltip=f"Rate this answer {r.name}: changes when it comes back",
            )
            for r in Rating
        ],
    ]

    def show_answer(self, answered: Answered, lang: Lang, related: str | None = None) -> None:
        """Verdict, answer, explanation, source and rating; `related` names an exercise to try."""
        q = answered.posed.question
        outcome = answered.outcome
        text = Text()
        if outcome.correct:
            text.append("✓ Right", style="bold green")
        else:
            text.append("✗ Not quite", style="bold red")
        if q.type in ("multi", "order", "free"):
            text.append(f"  ({outcome.score:.0%})")
        text.append("\n\nAnswer: ", style="bold")
        text.append(outcome.expected)
        text.append("\n\n")
        text.append(q.explanation.get(lang))
        text.append("\n\nSource: ", style="dim")
        text.append(q.source, style="dim")
        if related:
            text.append("\n\nPractise it in code: ", style="bold")
            text.append(f"exercise {related} (press e)")
        text.append("\n\nRated ", style="bold")
        text.append(answered.rating.name, style="bold")
        text.append("  ·  1 Again  2 Hard  3 Good  4 Easy to change  ·  enter: next", style="dim")
        self.update(text)
