"""Asking and checking: a question becomes a `Posed` instance (fresh numbers, shuffled steps),
and a learner's response becomes an `Outcome`. Plain Python, no UI.

Each question type does its own drawing and marking (quiz.questions); this module is the one
door to them, and it opens only for registered types. Responses by type: single/spot_error an
index; multi a collection of indices; truefalse a bool; numeric a number or the text typed;
order the item indices in the learner's order; free a `FreeAnswer` (the text typed and the key
points the learner ticks as covered). Indices are always into the bank's lists, whatever order
the options were shown in: choices of single and multi questions are shown shuffled, drawn from a
per-showing seed so a showing can be replayed, and the store keeps what was shown and picked by
option identity (`option_key`), not by position.
"""

from __future__ import annotations

import random
from typing import Any

from quiz.i18n import Lang
from quiz.posing import (
    AnswerError,
    FreeAnswer,
    Outcome,
    Posed,
    Response,
    option_key,
    parse_number,
    truth_label,
)
from quiz.questions import Question, registered


def pose(question: Question, rng: random.Random) -> Posed:
    """Draw what varies between showings, from a seed of its own so it can be replayed."""
    return replay(question, rng.getrandbits(32))


def replay(question: Question, seed: int) -> Posed:
    """The showing drawn from `seed`: the same numbers and the same option order every time."""
    return registered(question).draw(random.Random(seed), seed)


def check(posed: Posed, response: Any, lang: Lang = "en") -> Outcome:
    """Mark a response; raises AnswerError when it cannot be read."""
    return registered(posed.question).mark(posed, response, lang)


def answer_text(posed: Posed, response: Response, lang: Lang) -> str:
    """What the learner answered (an outcome's `response`), in words."""
    return registered(posed.question).given_text(posed, response, lang)


__all__ = [
    "AnswerError",
    "FreeAnswer",
    "Outcome",
    "Posed",
    "Response",
    "answer_text",
    "check",
    "option_key",
    "parse_number",
    "pose",
    "replay",
    "truth_label",
]
