"""Links between questions, coding exercises and grader diagnoses: a mistake leads to practice.

- A grader diagnosis (say lstm.gate_order) names questions to drill: data/links.yaml holds the
  ids shared by several exercises or given by the grader itself (missing_bias, ...), each
  exercise's exercise.yaml (`links:`) its own. `diagnosis_link` reads both as one table and
  `queue` makes the questions due now, so the very next review drills the idea the learner's
  code got wrong. An id defined twice is a mistake in the catalogue: `link_problems` names it
  (tests/test_links.py fails on any).
- Questions, exercises and interview steps share topic ids: `related_exercises` points a wrong
  answer to every exercise on its topic ("Related exercises: lstm_cell, lstm_layer").

Plain Python with no UI and no torch, cheap enough for the UI thread: the exercises' topics and
links come from exercises.catalogue (parsed once per exercise, then cached by the catalogue).
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
from exercises.errors import GraderError
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


def all_links() -> tuple[dict[str, DiagnosisLink], list[str]]:
    """Every diagnosis id -> its questions, from data/links.yaml and every exercise's `links:`,
    and the problems found merging them: an id in both places, an id two exercises define
    differently, an exercise link that is not valid here. An id with a problem keeps the first
    definition read (data/links.yaml, then the exercises by name); a malformed exercise is left
    out (the dev check reports it)."""
    merged: dict[str, DiagnosisLink] = dict(load_links().diagnoses)
    where = dict.fromkeys(merged, LINKS_FILE.name)
    problems: list[str] = []
    for name in catalogue.names():
        try:
            exercise = catalogue.load(name)
        except GraderError:
            continue
        source = f"exercises/{name}/{catalogue.SPEC_FILE}"
        for diagnosis, spec in exercise.spec.links.items():
            try:
                link = msgspec.convert(msgspec.to_builtins(spec), DiagnosisLink)
            except msgspec.ValidationError as exc:
                problems.append(f"{source}: links.{diagnosis}: {exc}")
                continue
            first = where.get(diagnosis)
            if first is None:
                merged[diagnosis], where[diagnosis] = link, source
            elif first == LINKS_FILE.name:
                problems.append(
                    f"{diagnosis} is linked in both {first} and {source}: keep one (an"
                    " exercise's own diagnosis in its exercise.yaml, a shared one in"
                    f" {first})"
                )
            elif merged[diagnosis] != link:
                problems.append(
                    f"{diagnosis} is linked differently in {first} and {source}: a shared"
                    f" diagnosis belongs in {LINKS_FILE.name}"
                )
    return merged, problems


def link_problems() -> list[str]:
    """What is wrong with the links as a whole (see all_links); empty when nothing is."""
    return all_links()[1]


def diagnosis_link(diagnosis: str) -> DiagnosisLink | None:
    """The questions linked to a diagnosis id, wherever it is defined (data/links.yaml or an
    exercise's exercise.yaml); None for ids with none (crash, timeout, ...)."""
    return all_links()[0].get(diagnosis)


def exercise_topics() -> dict[str, list[str]]:
    """Topic id -> the names of every exercise on it: catalogue.topics turned round, those whose
    main topic it is first, then the easier first (lstm: lstm_cell before fast_lstm_layer, and
    both before bilstm_encoder, whose main topic is bidirectional_stacked), then by name."""
    by_topic: dict[str, list[tuple[bool, int, str]]] = {}
    for name, topics in catalogue.topics().items():
        difficulty = catalogue.load(name).spec.difficulty
        for topic in topics:
            by_topic.setdefault(topic, []).append((topic != topics[0], difficulty, name))
    return {topic: [n for *_, n in sorted(found)] for topic, found in by_topic.items()}


def exercises_for_topic(topic: str) -> list[str]:
    """The exercises that practise `topic` (a question's, or an interview step's), in the
    order of exercise_topics."""
    return exercise_topics().get(topic, [])


def related_exercises(question: Question) -> list[str]:
    """The exercises to suggest after a wrong answer to `question`: every one on its topic."""
    return exercises_for_topic(question.topic)


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
