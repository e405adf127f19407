"""Asking and checking: a question becomes a `Posed` instance (fresh numbers, shuffled steps),
and a learner's response becomes an `Outcome`. Plain Python, no UI.

Responses by type: single/spot_error an index; multi a collection of indices; truefalse a bool;
numeric a number or the text typed; order the item indices in the learner's order; free a
`FreeAnswer` (the text typed and the key points the learner ticks as covered).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from quiz.generators import GENERATORS
from quiz.i18n import Lang, pick
from quiz.questions import Free, Multi, Numeric, Order, Question, Single, SpotError, TrueFalse


class AnswerError(ValueError):
    """The response cannot be read (e.g. 'abc' for a number); ask again, record nothing."""


@dataclass(frozen=True)
class FreeAnswer:
    text: str
    covered: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Posed:
    """One showing of a question: the numbers drawn and the order steps are shown in."""

    question: Question
    params: dict[str, int | float] = field(default_factory=dict)
    answer: float | None = None  # a numeric question's answer for these params
    shown_order: tuple[int, ...] = ()  # order questions: item indices as first shown

    def prompt(self, lang: Lang) -> str:
        text = self.question.prompt.get(lang)
        return text.format(**self.params) if self.params else text


@dataclass(frozen=True)
class Outcome:
    correct: bool
    score: float  # 0-1; partial credit for multi, order and free
    expected: str  # the right answer, written for the learner
    response: Any  # JSON-friendly record of what was answered


def pose(question: Question, rng: random.Random) -> Posed:
    """Draw what varies between showings."""
    if isinstance(question, Numeric) and question.generator:
        drawn = GENERATORS[question.generator](rng)
        return Posed(question, dict(drawn.params), float(drawn.answer))
    if isinstance(question, Numeric):
        return Posed(question, answer=question.answer)
    if isinstance(question, Order):
        indices = list(range(len(question.items)))
        while indices == sorted(indices):
            rng.shuffle(indices)
        return Posed(question, shown_order=tuple(indices))
    return Posed(question)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float:
    """Read '49,664', '49 664', '1.5e-6' or '4_457_472'; reject anything else."""
    cleaned = re.sub(r"[,_\s]", "", text.strip())
    if not _NUMBER.match(cleaned):
        raise AnswerError(f"not a number: {text!r}")
    return float(cleaned)


def truth_label(value: bool, lang: Lang) -> str:
    return pick("True", "對", lang) if value else pick("False", "錯", lang)


def _format_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def check(posed: Posed, response: Any, lang: Lang = "en") -> Outcome:
    """Mark a response; raises AnswerError when it cannot be read."""
    q = posed.question
    if isinstance(q, Single | SpotError):
        options = q.choices if isinstance(q, Single) else q.lines
        index = int(response)
        if not 0 <= index < len(options):
            raise AnswerError(f"choose 1-{len(options)}")
        expected = f"{q.answer + 1}. {options[q.answer].get(lang)}"
        if isinstance(q, SpotError):
            expected += f"  →  {q.fix.get(lang)}"
        ok = index == q.answer
        return Outcome(ok, float(ok), expected, index)
    if isinstance(q, Multi):
        picked = {int(i) for i in response}
        if not picked:
            raise AnswerError("select at least one choice")
        right = set(q.answer)
        hits = len(picked & right) - len(picked - right)
        score = max(0.0, hits / len(right))
        expected = "; ".join(f"{i + 1}. {q.choices[i].get(lang)}" for i in sorted(right))
        return Outcome(picked == right, score, expected, sorted(picked))
    if isinstance(q, TrueFalse):
        ok = bool(response) == q.answer
        return Outcome(ok, float(ok), truth_label(q.answer, lang), bool(response))
    if isinstance(q, Numeric):
        value = parse_number(response) if isinstance(response, str) else float(response)
        target = float(posed.answer)  # type: ignore[arg-type]
        tol = max(q.tolerance, q.rel_tolerance * abs(target))
        ok = math.isclose(value, target, rel_tol=0.0, abs_tol=tol) or value == target
        unit = f" {q.unit}" if q.unit else ""
        return Outcome(ok, float(ok), _format_number(target) + unit, value)
    if isinstance(q, Order):
        arranged = [int(i) for i in response]
        if sorted(arranged) != list(range(len(q.items))):
            raise AnswerError("arrange every step exactly once")
        in_place = sum(a == i for i, a in enumerate(arranged))
        expected = " → ".join(item.get(lang) for item in q.items)
        ok = in_place == len(arranged)
        return Outcome(ok, in_place / len(arranged), expected, arranged)
    if isinstance(q, Free):
        if not isinstance(response, FreeAnswer):
            raise AnswerError("a free answer needs the text and the key points covered")
        covered = {i for i in response.covered if 0 <= i < len(q.key_points)}
        score = len(covered) / len(q.key_points)
        return Outcome(
            score >= 0.8,
            score,
            q.model_answer.get(lang),
            {"text": response.text, "covered": sorted(covered)},
        )
    raise TypeError(f"unsupported question type {type(q).__name__}")
