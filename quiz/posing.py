"""A showing of a question (`Posed`), a marked answer (`Outcome`) and the helpers every question
type shares to read and write answers. Plain Python, no UI, and no question types: those live in
quiz.questions, each with its own behaviour, and quiz.engine dispatches to them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quiz.i18n import Lang, pick
from quiz.l10n import _

if TYPE_CHECKING:
    from quiz.questions import QuestionBase, Text


class AnswerError(ValueError):
    """The response cannot be read (e.g. 'abc' for a number); ask again, record nothing."""


@dataclass(frozen=True)
class FreeAnswer:
    """A free answer: the text typed and the key points (indices) the learner ticked as covered.

    The engine keeps it typed in the outcome (text cleaned, ticks limited to real key points), so
    the screens and the report read `.text` and `.covered`, never a dict."""

    text: str
    covered: frozenset[int] = frozenset()


# What an outcome says was answered, in bank indices: single/spot_error an index; multi the sorted
# indices; truefalse a bool; numeric the number read; order the indices in the learner's order.
Response = int | list[int] | bool | float | FreeAnswer


@dataclass(frozen=True)
class Posed:
    """One showing of a question: the numbers drawn and the order options are shown in."""

    question: QuestionBase
    params: dict[str, int | float] = field(default_factory=dict)
    answer: float | None = None  # a numeric question's answer for these params
    shown_order: tuple[int, ...] = ()  # single/multi choices, or order items, as first shown
    seed: int = 0  # pose(question, random.Random(seed)) ... replay(question, seed) shows it again

    def prompt(self, lang: Lang) -> str:
        text = self.question.prompt.get(lang)
        return text.format(**self.params) if self.params else text

    def number(self, index: int) -> int:
        """The 1-based number the learner sees beside option `index` (a bank index)."""
        return self.shown_order.index(index) + 1 if self.shown_order else index + 1

    def numbered(self, options: list[Text], indices: list[int], lang: Lang) -> str:
        """Options as the learner saw them: numbered, in shown order, '; ' between."""
        shown = sorted(indices, key=self.number)
        return "; ".join(f"{self.number(i)}. {options[i].get(lang)}" for i in shown)

    def keys(self, options: list[Text]) -> list[str]:
        """The shown options by identity, in shown order, for the store."""
        return [option_key(options[i]) for i in self.shown_order]


@dataclass(frozen=True)
class Outcome:
    correct: bool
    score: float  # 0-1; partial credit for multi, order and free
    expected: str  # the right answer, written for the learner
    response: Response  # what was answered, in bank indices
    record: Any = None  # JSON-friendly, for the store: what was shown and picked, by identity

    @property
    def verdict(self) -> str:
        """ "right", "partial" (some credit, not all) or "wrong": one word that the feedback,
        the summary and the stats all use, so a 75% answer reads the same everywhere."""
        if self.correct:
            return "right"
        return "partial" if self.score > 0 else "wrong"


def option_key(text: Text) -> str:
    """A choice's identity: stable when choices are reordered in the bank, unlike its index."""
    return hashlib.sha1(text.en.encode()).hexdigest()[:12]


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float:
    """Read '49,664', '49 664', '1.5e-6', '4_457_472' or a fraction such as '1/16' (the way
    explanations write some answers); reject anything else."""
    cleaned = re.sub(r"[,_\s]", "", text.strip())
    numerator, slash, denominator = cleaned.partition("/")
    parts = [numerator, denominator] if slash else [numerator]
    if not all(_NUMBER.match(part) for part in parts):
        raise AnswerError(_("not a number: {text}").format(text=repr(text)))
    if slash and float(denominator) == 0:
        raise AnswerError(_("division by zero: {text}").format(text=repr(text)))
    return float(numerator) / float(denominator) if slash else float(numerator)


def truth_label(value: bool, lang: Lang) -> str:
    return pick("True", "對", lang) if value else pick("False", "錯", lang)


def format_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def pick_index(response: Any, count: int) -> int:
    """The index picked among `count` options; AnswerError when it is not one of them."""
    index = int(response)
    if not 0 <= index < count:
        raise AnswerError(_("choose 1-{n}").format(n=count))
    return index
