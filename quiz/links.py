"""Links between questions, coding exercises and grader diagnoses: a mistake leads to practice.

- A grader diagnosis (say lstm.gate_order) names questions in data/links.yaml; `queue` makes
  them due now, so the very next review drills the idea the learner's code got wrong.
- Questions, exercises and interview steps share topic ids: `related_exercise` points a wrong
  answer to the exercise on its topic ("Related exercise: lstm_cell").

Plain Python with no UI and no torch, cheap enough for the UI thread: the exercises' topics come
from exercises.catalogue.topics (parsed once per exercise, then cached by the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from exercises import catalogue
from quiz.bank import Bank, safe_load
from quiz.i18n import Lang
from quiz.l10n import ngettext_for
from quiz.locations import links_path
from quiz.questions import Question, QuestionId, Text
from quiz.scheduler import due_at
from quiz.store import Store, now_utc

LINKS_FILE = links_path()


class DiagnosisLink(Struct, frozen=True, forbid_unknown_fields=True):
    """The questions behind one diagnosis; `about` completes "Queued 3 questions on ..."."""

    about: Text
    questions: Annotated[list[QuestionId], Meta(min_length=1)]


class Links(Struct, frozen=True, forbid_unknown_fields=True):
    """The contents of data/links.yaml."""

    diagnoses: dict[str, DiagnosisLink]


@cache
def load_links(path: Path = LINKS_FILE) -> Links:
    """data/links.yaml, validated (msgspec.ValidationError names the field that is wrong)."""
    return msgspec.convert(safe_load(path.read_text(encoding="utf-8")), Links)


def diagnosis_link(diagnosis: str) -> DiagnosisLink | None:
    """The questions linked to a diagnosis id; None for ids with none (crash, timeout, ...)."""
    return load_links().diagnoses.get(diagnosis)


def exercise_topics() -> dict[str, str]:
    """Topic id -> exercise name: catalogue.topics turned round (the first name wins a tie)."""
    by_topic: dict[str, str] = {}
    for name, topic in catalogue.topics().items():
        by_topic.setdefault(topic, name)
    return by_topic


def exercise_for_topic(topic: str) -> str | None:
    """The exercise that implements `topic` (a question's, or an interview step's), if any."""
    return exercise_topics().get(topic)


def related_exercise(question: Question) -> str | None:
    """The exercise to suggest after a wrong answer to `question`: the one on its topic."""
    return exercise_for_topic(question.topic)


@dataclass(frozen=True)
class Queued:
    """Questions a diagnosis made due, to tell the learner and to drill at once."""

    diagnosis: str
    about: Text
    question_ids: tuple[str, ...]

    def describe(self, lang: Lang = "en") -> str:
        count = len(self.question_ids)
        return ngettext_for(
            lang, "Queued {n} question on {about}", "Queued {n} questions on {about}", count
        ).format(n=count, about=self.about.get(lang))


def queue(store: Store, bank: Bank, diagnosis: str, at: datetime | None = None) -> Queued | None:
    """Make the questions linked to `diagnosis` due at `at` (default now) in `store`.

    Questions missing from `bank` are skipped; None when nothing is linked or left.
    """
    link = diagnosis_link(diagnosis)
    if link is None:
        return None
    ids = tuple(qid for qid in link.questions if qid in bank.questions)
    if not ids:
        return None
    store.make_due(ids, at or now_utc(), due_at)
    return Queued(diagnosis, link.about, ids)
