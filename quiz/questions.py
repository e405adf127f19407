"""The question-bank format: one pydantic model per question type, validated on load.

A bank file is `{topic: {id, title}, questions: [...]}`; every question carries a stable `id`
(progress is keyed by it), a `type` and that type's own fields. Each text is an `{en, zh}` pair
with Chinese in Traditional characters.
"""

from __future__ import annotations

import random
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from quiz.i18n import Lang, pick

QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Text(BaseModel):
    """One piece of text in English and Traditional Chinese."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: NonEmpty
    zh: NonEmpty

    def get(self, lang: Lang) -> str:
        return pick(self.en, self.zh, lang)


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: QuestionId
    title: Text


class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: QuestionId
    difficulty: Annotated[int, Field(ge=1, le=3)]
    tags: list[NonEmpty] = []
    source: NonEmpty
    prompt: Text
    explanation: Text
    topic: str = ""  # filled in by the loader from the file's topic


def _check_index(index: int, count: int, what: str) -> None:
    if not 0 <= index < count:
        raise ValueError(
            f"answer index {index} is out of range: {what} has {count} (0-{count - 1})"
        )


class Single(_Question):
    """Pick the one right choice."""

    type: Literal["single"]
    choices: Annotated[list[Text], Field(min_length=2)]
    answer: int

    @model_validator(mode="after")
    def _answer_in_range(self) -> Single:
        _check_index(self.answer, len(self.choices), "choices")
        return self


class Multi(_Question):
    """Select all that apply."""

    type: Literal["multi"]
    choices: Annotated[list[Text], Field(min_length=2)]
    answer: list[int]

    @model_validator(mode="after")
    def _answers_valid(self) -> Multi:
        if not self.answer:
            raise ValueError("no right answer: `answer` must list at least one choice index")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("`answer` lists a choice twice")
        for index in self.answer:
            _check_index(index, len(self.choices), "choices")
        return self


class TrueFalse(_Question):
    type: Literal["truefalse"]
    answer: bool


class Numeric(_Question):
    """A number, within an absolute or relative tolerance.

    With `generator`, the named function in quiz.generators draws fresh parameters for every
    attempt and computes the answer; the prompt names the parameters as `{name}` placeholders.
    """

    type: Literal["numeric"]
    answer: float | None = None
    generator: str | None = None
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    rel_tolerance: Annotated[float, Field(ge=0)] = 0.0
    unit: str | None = None

    @model_validator(mode="after")
    def _answer_or_generator(self) -> Numeric:
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
        return self


class Order(_Question):
    """Put the steps in order; `items` are written in the right order and shown shuffled."""

    type: Literal["order"]
    items: Annotated[list[Text], Field(min_length=3)]


class SpotError(_Question):
    """A passage with one planted error; the learner picks the wrong line."""

    type: Literal["spot_error"]
    lines: Annotated[list[Text], Field(min_length=2)]
    answer: int
    fix: Text

    @model_validator(mode="after")
    def _answer_in_range(self) -> SpotError:
        _check_index(self.answer, len(self.lines), "lines")
        return self


class Free(_Question):
    """An open interview question: typed answer, then self-check against key points."""

    type: Literal["free"]
    model_answer: Text
    key_points: Annotated[list[Text], Field(min_length=3, max_length=5)]


Question = Annotated[
    Single | Multi | TrueFalse | Numeric | Order | SpotError | Free,
    Field(discriminator="type"),
]
QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multi",
    "truefalse",
    "numeric",
    "order",
    "spot_error",
    "free",
)
