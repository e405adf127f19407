"""Asking and checking: a question becomes a `Posed` instance (fresh numbers, shuffled steps),
and a learner's response becomes an `Outcome`. Plain Python, no UI.

Responses by type: single/spot_error an index; multi a collection of indices; truefalse a bool;
numeric a number or the text typed; order the item indices in the learner's order; free a
`FreeAnswer` (the text typed and the key points the learner ticks as covered). Indices are always
into the bank's lists, whatever order the options were shown in: choices of single and multi
questions are shown shuffled, drawn from a per-showing seed so a showing can be replayed, and the
store keeps what was shown and picked by option identity (`option_key`), not by position.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from quiz.generators import GENERATORS
from quiz.i18n import Lang, pick
from quiz.l10n import _
from quiz.questions import (
    Free,
    Multi,
    Numeric,
    Order,
    Question,
    Single,
    SpotError,
    Text,
    TrueFalse,
)
from quiz.sanitize import clean_text


class AnswerError(ValueError):
    """The response cannot be read (e.g. 'abc' for a number); ask again, record nothing."""


@dataclass(frozen=True)
class FreeAnswer:
    text: str
    covered: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Posed:
    """One showing of a question: the numbers drawn and the order options are shown in."""

    question: Question
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


@dataclass(frozen=True)
class Outcome:
    correct: bool
    score: float  # 0-1; partial credit for multi, order and free
    expected: str  # the right answer, written for the learner
    response: Any  # what was answered, in bank indices (see the module docstring)
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


def pose(question: Question, rng: random.Random) -> Posed:
    """Draw what varies between showings, from a seed of its own so it can be replayed."""
    return replay(question, rng.getrandbits(32))


def replay(question: Question, seed: int) -> Posed:
    """The showing drawn from `seed`: the same numbers and the same option order every time."""
    rng = random.Random(seed)
    if isinstance(question, Numeric) and question.generator:
        drawn = GENERATORS[question.generator](rng)
        return Posed(question, dict(drawn.params), float(drawn.answer), seed=seed)
    if isinstance(question, Numeric):
        return Posed(question, answer=question.answer, seed=seed)
    if isinstance(question, Single | Multi):
        indices = list(range(len(question.choices)))
        rng.shuffle(indices)
        return Posed(question, shown_order=tuple(indices), seed=seed)
    if isinstance(question, Order):
        indices = list(range(len(question.items)))
        while order_score(question, indices) == 1.0:
            rng.shuffle(indices)
        return Posed(question, shown_order=tuple(indices), seed=seed)
    return Posed(question, seed=seed)


def order_score(question: Order, arranged: list[int]) -> float:
    """The share of the question's pairwise constraints (i before j) that `arranged` keeps."""
    place = {item: position for position, item in enumerate(arranged)}
    constraints = question.constraints()
    kept = sum(place[i] < place[j] for i, j in constraints)
    return kept / len(constraints)


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


def _format_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _order_expected(question: Order, lang: Lang) -> str:
    steps = " → ".join(item.get(lang) for item in question.items)
    if not question.may_swap:
        return steps
    groups = [
        pick(" and ", " 與 ", lang).join(question.items[i].get(lang) for i in sorted(group))
        for group in question.may_swap
    ]
    also = pick("  (also right: {} in either order)", "（{}的先後可以互換）", lang)
    return steps + also.format(pick("; ", "；", lang).join(groups))


def check(posed: Posed, response: Any, lang: Lang = "en") -> Outcome:
    """Mark a response; raises AnswerError when it cannot be read."""
    q = posed.question
    seed = posed.seed
    if isinstance(q, Single | SpotError):
        options = q.choices if isinstance(q, Single) else q.lines
        index = int(response)
        if not 0 <= index < len(options):
            raise AnswerError(_("choose 1-{n}").format(n=len(options)))
        expected = f"{posed.number(q.answer)}. {options[q.answer].get(lang)}"
        if isinstance(q, SpotError):
            expected += f"  →  {q.fix.get(lang)}"
            return Outcome(index == q.answer, float(index == q.answer), expected, index, index)
        record = {
            "seed": seed,
            "shown": [option_key(q.choices[i]) for i in posed.shown_order],
            "picked": option_key(q.choices[index]),
        }
        ok = index == q.answer
        return Outcome(ok, float(ok), expected, index, record)
    if isinstance(q, Multi):
        picked = {int(i) for i in response}
        if not picked:
            raise AnswerError(_("select at least one choice"))
        if not picked <= set(range(len(q.choices))):
            raise AnswerError(_("choose 1-{n}").format(n=len(q.choices)))
        right = set(q.answer)
        hits = len(picked & right) - len(picked - right)
        score = max(0.0, hits / len(right))
        in_view = sorted(right, key=posed.number)
        expected = "; ".join(f"{posed.number(i)}. {q.choices[i].get(lang)}" for i in in_view)
        record = {
            "seed": seed,
            "shown": [option_key(q.choices[i]) for i in posed.shown_order],
            "picked": [option_key(q.choices[i]) for i in sorted(picked, key=posed.number)],
        }
        return Outcome(picked == right, score, expected, sorted(picked), record)
    if isinstance(q, TrueFalse):
        ok = bool(response) == q.answer
        return Outcome(ok, float(ok), truth_label(q.answer, lang), bool(response), bool(response))
    if isinstance(q, Numeric):
        value = parse_number(response) if isinstance(response, str) else float(response)
        target = float(posed.answer)  # type: ignore[arg-type]
        tol = max(q.tolerance, q.rel_tolerance * abs(target))
        ok = math.isclose(value, target, rel_tol=0.0, abs_tol=tol) or value == target
        unit = f" {q.unit}" if q.unit else ""
        record = {"seed": seed, "params": posed.params, "value": value} if posed.params else value
        return Outcome(ok, float(ok), _format_number(target) + unit, value, record)
    if isinstance(q, Order):
        arranged = [int(i) for i in response]
        if sorted(arranged) != list(range(len(q.items))):
            raise AnswerError(_("arrange every step exactly once"))
        score = order_score(q, arranged)
        record = {
            "seed": seed,
            "shown": [option_key(q.items[i]) for i in posed.shown_order],
            "arranged": [option_key(q.items[i]) for i in arranged],
        }
        return Outcome(score == 1.0, score, _order_expected(q, lang), arranged, record)
    if isinstance(q, Free):
        if not isinstance(response, FreeAnswer):
            raise AnswerError(_("a free answer needs the text and the key points covered"))
        covered = {i for i in response.covered if 0 <= i < len(q.key_points)}
        score = len(covered) / len(q.key_points)
        given = {"text": clean_text(response.text), "covered": sorted(covered)}
        return Outcome(score >= 0.8, score, q.model_answer.get(lang), given, given)
    raise TypeError(f"unsupported question type {type(q).__name__}")
