"""Leeches: questions answered wrong again and again.

Another review of a leech is mostly another wrong answer; what helps is something different —
the explanation read slowly, the gradient lab preset that shows the idea happen, the coding
exercise on it, or a fresh variant of a generated question. So a question answered wrong
`Study.leech_after` times leaves the rotation (quiz.session.plan leaves it out) until the
learner has looked at that help and brought it back (`release`); its count starts again then.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quiz.bank import Bank
from quiz.questions import Numeric, Question
from quiz.settings import Study
from quiz.store import Store

if TYPE_CHECKING:  # what helps is looked up only on the leech screen, not at every home refresh
    from quiz.engine import Posed
    from quiz.lab import Preset


@dataclass(frozen=True)
class Leech:
    question: Question
    wrong: int  # wrong answers since it last came back (or ever)
    last_wrong: dt.datetime


def leeches(bank: Bank, store: Store, study: Study) -> list[Leech]:
    """Every leech in the bank, the most recently failed first."""
    released = store.leech_releases()
    found = []
    for question_id, times in store.wrong_answers().items():
        question = bank.questions.get(question_id)
        since = released.get(question_id)
        counted = [t for t in times if since is None or t > since]
        if question is not None and len(counted) >= study.leech_after:
            found.append(Leech(question, len(counted), counted[-1]))
    return sorted(found, key=lambda leech: leech.last_wrong, reverse=True)


def leech_ids(bank: Bank, store: Store, study: Study) -> set[str]:
    return {leech.question.id for leech in leeches(bank, store, study)}


@dataclass(frozen=True)
class Help:
    """What a leech offers before it comes back."""

    question: Question
    preset: Preset | None  # the gradient lab preset that shows it happen
    exercises: tuple[str, ...]  # coding exercises on the same idea
    variant: Posed | None  # for a generated question: a fresh draw, new numbers


def help_for(question: Question, rng: random.Random) -> Help:
    from quiz.engine import pose
    from quiz.lab import preset_for
    from quiz.links import related_exercises

    generated = isinstance(question, Numeric) and question.generator is not None
    variant = pose(question, rng) if generated else None
    return Help(question, preset_for(question.id), tuple(related_exercises(question)), variant)


def release(store: Store, question: Question, now: dt.datetime) -> None:
    """Back into the rotation, due now, with its wrong answers counted from here."""
    from quiz.scheduler import due_at

    store.release_leech(question.id, now)
    store.make_due([question.id], now, due_at)
