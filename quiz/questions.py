"""The question-bank format: one msgspec Struct per question type, validated on load.

A bank file is `{topic: {id, title}, questions: [...]}`; every question carries a stable `id`
(progress is keyed by it), a `type` and that type's own fields. Each text is an `{en, zh}` pair
with Chinese in Traditional characters. msgspec is used over pydantic because it imports and
validates an order of magnitude faster, and the app validates every bank at start.
"""

from __future__ import annotations

import random
import string
from typing import Annotated

from msgspec import Meta, Struct

from quiz.i18n import Lang, pick

QuestionId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
NonEmpty = Annotated[str, Meta(min_length=1)]
# An id in data/sources.yaml (see quiz.sources): never a path or free text learners can't use.
SourceId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=60)]


class Text(Struct, frozen=True, forbid_unknown_fields=True):
    """One piece of text in English and Traditional Chinese."""

    en: NonEmpty
    zh: NonEmpty

    def get(self, lang: Lang) -> str:
        return pick(self.en, self.zh, lang)


class Topic(Struct, frozen=True, forbid_unknown_fields=True):
    id: QuestionId
    title: Text
    order: int = 100  # place in the syllabus: screens list topics by it, then by id


class _Question(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, tag_field="type"):
    id: QuestionId
    difficulty: Annotated[int, Meta(ge=1, le=3)]
    tags: list[NonEmpty] = []
    source: SourceId | Annotated[list[SourceId], Meta(min_length=1)]  # data/sources.yaml ids
    prompt: Text
    explanation: Text
    topic: str = ""  # filled in by the loader from the file's topic

    @property
    def type(self) -> str:
        return self.__struct_config__.tag


def _check_index(index: int, count: int, what: str, field: str = "answer") -> None:
    if not 0 <= index < count:
        raise ValueError(
            f"{field} index {index} is out of range: {what} has {count} (0-{count - 1})"
        )


class Single(_Question, tag="single"):
    """Pick the one right choice."""

    choices: Annotated[list[Text], Meta(min_length=2)]
    answer: int

    def __post_init__(self) -> None:
        _check_index(self.answer, len(self.choices), "choices")


class Multi(_Question, tag="multi"):
    """Select all that apply."""

    choices: Annotated[list[Text], Meta(min_length=2)]
    answer: list[int]

    def __post_init__(self) -> None:
        if not self.answer:
            raise ValueError("no right answer: `answer` must list at least one choice index")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("`answer` lists a choice twice")
        for index in self.answer:
            _check_index(index, len(self.choices), "choices")


class TrueFalse(_Question, tag="truefalse"):
    answer: bool


class Numeric(_Question, tag="numeric"):
    """A number, within an absolute or relative tolerance.

    With `generator`, the named function in quiz.generators draws fresh parameters for every
    attempt and computes the answer; the prompt names the parameters as `{name}` placeholders.
    """

    answer: float | None = None
    generator: str | None = None
    tolerance: Annotated[float, Meta(ge=0)] = 0.0
    rel_tolerance: Annotated[float, Meta(ge=0)] = 0.0
    unit: str | None = None

    def __post_init__(self) -> None:
        if (self.answer is None) == (self.generator is None):
            raise ValueError("no right answer: give exactly one of `answer` or `generator`")
        if self.generator is not None:
            from quiz.generators import GENERATORS

            if self.generator not in GENERATORS:
                known = ", ".join(sorted(GENERATORS))
                raise ValueError(f"unknown generator {self.generator!r} (known: {known})")
            params = GENERATORS[self.generator](random.Random(0)).params
            for text in (self.prompt.en, self.prompt.zh):
                names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
                missing = names - set(params)
                if missing:
                    raise ValueError(
                        f"prompt uses {sorted(missing)} but generator {self.generator!r}"
                        f" gives only {sorted(params)}"
                    )


class Order(_Question, tag="order"):
    """Put the steps in order; `items` are written in one right order and shown shuffled.

    `may_swap` lists groups of item indices whose order among themselves does not matter (a pair,
    or 3+ indices meaning any order among them). Every other pair keeps its written order, and an
    answer is scored by how many of those pairwise constraints it satisfies, so every valid order
    gets full marks and a near miss partial credit.
    """

    items: Annotated[list[Text], Meta(min_length=3)]
    may_swap: list[Annotated[list[int], Meta(min_length=2)]] = []

    def __post_init__(self) -> None:
        count = len(self.items)
        for group in self.may_swap:
            for index in group:
                _check_index(index, count, "items", "may_swap")
            if len(set(group)) != len(group):
                raise ValueError(f"`may_swap` group {group} lists an item twice")
        free = self.free_pairs()
        before = {(i, j) for i in range(count) for j in range(i + 1, count)} - free
        if not before:
            raise ValueError("`may_swap` frees every pair: there is nothing to put in order")
        reach = set(before)  # transitive closure: i must come before j
        for k in range(count):
            reach |= {(i, j) for (i, m) in reach if m == k for (n, j) in reach if n == k}
        stuck = sorted(pair for pair in free if pair in reach)
        if stuck:
            i, j = stuck[0]
            raise ValueError(
                f"`may_swap` frees items {i} and {j}, but other steps keep {i} before {j}"
            )

    def free_pairs(self) -> set[tuple[int, int]]:
        """(i, j) with i < j whose relative order does not matter."""
        return {
            (min(a, b), max(a, b))
            for group in self.may_swap
            for a in group
            for b in group
            if a != b
        }

    def constraints(self) -> list[tuple[int, int]]:
        """Every (i, j): item i must come before item j."""
        free = self.free_pairs()
        count = len(self.items)
        return [(i, j) for i in range(count) for j in range(i + 1, count) if (i, j) not in free]


class SpotError(_Question, tag="spot_error"):
    """A passage with one planted error; the learner picks the wrong line."""

    lines: Annotated[list[Text], Meta(min_length=2)]
    answer: int
    fix: Text

    def __post_init__(self) -> None:
        _check_index(self.answer, len(self.lines), "lines")


class Free(_Question, tag="free"):
    """An open interview question: typed answer, then self-check against key points."""

    model_answer: Text
    key_points: Annotated[list[Text], Meta(min_length=3, max_length=5)]


Question = Single | Multi | TrueFalse | Numeric | Order | SpotError | Free
QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multi",
    "truefalse",
    "numeric",
    "order",
    "spot_error",
    "free",
)
