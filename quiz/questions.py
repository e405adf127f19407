"""The question-bank format and the question types: one msgspec Struct per type, registered once.

A bank file is `{topic: {id, title}, questions: [...]}`; every question carries a stable `id`
(progress is keyed by it), a `type` and that type's own fields. Each text is an `{en, zh}` pair
with Chinese in Traditional characters. msgspec is used over pydantic because it imports and
validates an order of magnitude faster, and the app validates every bank at start.

A question type is one class here and nowhere else in the core: its fields, how a showing is
drawn (`draw`), how an answer is marked (`mark`), how the learner's answer reads in a report
(`given_text`), the time a prepared candidate needs (`expected_seconds`) and whether feedback
shows partial credit (`shows_score`). `@register` puts it in `QUESTION_CLASSES`, the one table
the core reads; `QUESTION_TYPES` and the tagged union `Question` are derived from it. The app's
answer widget and how-to line are the only other place: one table in quiz.tui.widgets.answers,
checked to cover every registered type. The file is longer than 400 lines for that reason:
each type's fields and behaviour stay together in one class, seven types in one place.
"""

from __future__ import annotations

import math
import random
import string
import typing
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, cast

import msgspec
from msgspec import Meta, Struct

from quiz.i18n import Lang, pick
from quiz.l10n import _, gettext_for
from quiz.posing import (
    AnswerError,
    FreeAnswer,
    Outcome,
    Posed,
    format_number,
    option_key,
    parse_number,
    pick_index,
    truth_label,
)
from quiz.sanitize import clean_text

if TYPE_CHECKING:
    from typing import TypeAlias

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


class QuestionBase(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, tag_field="type"):
    """What every question type has; a type adds its fields and behaviour and is `@register`ed."""

    id: QuestionId
    difficulty: Annotated[int, Meta(ge=1, le=3)]
    tags: list[NonEmpty] = []
    source: SourceId | Annotated[list[SourceId], Meta(min_length=1)]  # data/sources.yaml ids
    prompt: Text
    explanation: Text
    topic: str = ""  # filled in by the loader from the file's topic

    # Seconds a prepared candidate needs at difficulty 1 (quiz.scheduler gives harder ones more).
    expected_seconds: ClassVar[float]
    shows_score: ClassVar[bool] = False  # feedback shows the share of credit (partial marks)

    @property
    def type(self) -> str:
        return str(self.__struct_config__.tag)

    def draw(self, rng: random.Random, seed: int) -> Posed:
        """One showing, drawn from `rng` (seeded with `seed`): numbers, option order."""
        return Posed(self, seed=seed)

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        """Mark a response to `posed`; AnswerError when it cannot be read."""
        raise NotImplementedError

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        """The learner's answer (an outcome's `response`) in words, for the report."""
        raise NotImplementedError


class UnknownQuestionType(TypeError):
    """A question class or type name that is not registered."""


QUESTION_CLASSES: dict[str, type[QuestionBase]] = {}  # the registry: type name -> class
_union: Any = None
Q = TypeVar("Q", bound=type[QuestionBase])


def register(cls: Q) -> Q:
    """Add a question type to the registry, after checking it defines every core behaviour."""
    tag = cls.__struct_config__.tag
    if not isinstance(tag, str):
        raise UnknownQuestionType(f"{cls.__name__} needs a tag: class {cls.__name__}(..., tag=...)")
    missing = [
        name for name in ("mark", "given_text") if getattr(cls, name) is getattr(QuestionBase, name)
    ]
    if not hasattr(cls, "expected_seconds"):
        missing.append("expected_seconds")
    if missing:
        raise UnknownQuestionType(f"question type {tag!r} does not define {', '.join(missing)}")
    QUESTION_CLASSES[tag] = cls
    global _union
    _union = cast(Any, typing.Union)[tuple(QUESTION_CLASSES.values())]  # built at run time
    return cls


def question_class(kind: str | QuestionBase | type[QuestionBase]) -> type[QuestionBase]:
    """The registered class for a type name, a question or a class; UnknownQuestionType if none."""
    if isinstance(kind, str):
        cls = QUESTION_CLASSES.get(kind)
    else:
        cls = kind if isinstance(kind, type) else type(kind)
        cls = cls if cls in QUESTION_CLASSES.values() else None
    if cls is None:
        name = kind if isinstance(kind, str) else getattr(kind, "__name__", type(kind).__name__)
        raise UnknownQuestionType(f"unregistered question type {name}")
    return cls


def registered(question: QuestionBase) -> QuestionBase:
    """`question`, after checking its type is registered (the core dispatches only to those)."""
    question_class(question)
    return question


def parse_question(raw: Any) -> Question:
    """A question from plain data (a bank entry), validated against every registered type."""
    return msgspec.convert(raw, _union)  # type: ignore[no-any-return]


if TYPE_CHECKING:
    Question: TypeAlias = QuestionBase  # any registered type
    QUESTION_TYPES: tuple[str, ...]


def __getattr__(name: str) -> Any:
    """`Question` (the tagged union msgspec validates against) and `QUESTION_TYPES`, derived
    from the registry whenever they are read, so they never lag behind it."""
    if name == "Question":
        return _union
    if name == "QUESTION_TYPES":
        return tuple(QUESTION_CLASSES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_index(index: int, count: int, what: str, field: str = "answer") -> None:
    if not 0 <= index < count:
        raise ValueError(
            f"{field} index {index} is out of range: {what} has {count} (0-{count - 1})"
        )


def _shuffled(count: int, rng: random.Random) -> tuple[int, ...]:
    indices = list(range(count))
    rng.shuffle(indices)
    return tuple(indices)


@register
class Single(QuestionBase, frozen=True, tag="single"):
    """Pick the one right choice."""

    choices: Annotated[list[Text], Meta(min_length=2)]
    answer: int
    expected_seconds: ClassVar[float] = 20.0

    def __post_init__(self) -> None:
        _check_index(self.answer, len(self.choices), "choices")

    def draw(self, rng: random.Random, seed: int) -> Posed:
        return Posed(self, shown_order=_shuffled(len(self.choices), rng), seed=seed)

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        index = pick_index(response, len(self.choices))
        ok = index == self.answer
        record = {
            "seed": posed.seed,
            "shown": posed.keys(self.choices),
            "picked": option_key(self.choices[index]),
        }
        expected = posed.numbered(self.choices, [self.answer], lang)
        return Outcome(ok, float(ok), expected, index, record)

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return posed.numbered(self.choices, [response], lang)


@register
class Multi(QuestionBase, frozen=True, tag="multi"):
    """Select all that apply."""

    choices: Annotated[list[Text], Meta(min_length=2)]
    answer: list[int]
    expected_seconds: ClassVar[float] = 30.0
    shows_score: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not self.answer:
            raise ValueError("no right answer: `answer` must list at least one choice index")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("`answer` lists a choice twice")
        for index in self.answer:
            _check_index(index, len(self.choices), "choices")

    def draw(self, rng: random.Random, seed: int) -> Posed:
        return Posed(self, shown_order=_shuffled(len(self.choices), rng), seed=seed)

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        picked = {int(i) for i in response}
        if not picked:
            raise AnswerError(_("select at least one choice"))
        if not picked <= set(range(len(self.choices))):
            raise AnswerError(_("choose 1-{n}").format(n=len(self.choices)))
        right = set(self.answer)
        score = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
        record = {
            "seed": posed.seed,
            "shown": posed.keys(self.choices),
            "picked": [option_key(self.choices[i]) for i in sorted(picked, key=posed.number)],
        }
        expected = posed.numbered(self.choices, self.answer, lang)
        return Outcome(picked == right, score, expected, sorted(picked), record)

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return posed.numbered(self.choices, response, lang)


@register
class TrueFalse(QuestionBase, frozen=True, tag="truefalse"):
    answer: bool
    expected_seconds: ClassVar[float] = 10.0

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        said = bool(response)
        ok = said == self.answer
        return Outcome(ok, float(ok), truth_label(self.answer, lang), said, said)

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return truth_label(response, lang)


@register
class Numeric(QuestionBase, frozen=True, tag="numeric"):
    """A number, within an absolute or relative tolerance.

    With `generator`, the named function in quiz.generators draws fresh parameters for every
    attempt and computes the answer; the prompt names the parameters as `{name}` placeholders.
    """

    answer: float | None = None
    generator: str | None = None
    tolerance: Annotated[float, Meta(ge=0)] = 0.0
    rel_tolerance: Annotated[float, Meta(ge=0)] = 0.0
    unit: str | None = None
    expected_seconds: ClassVar[float] = 45.0

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

    def draw(self, rng: random.Random, seed: int) -> Posed:
        if self.generator is None:
            return Posed(self, answer=self.answer, seed=seed)
        from quiz.generators import GENERATORS

        drawn = GENERATORS[self.generator](rng)
        return Posed(self, dict(drawn.params), float(drawn.answer), seed=seed)

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        value = parse_number(response) if isinstance(response, str) else float(response)
        assert posed.answer is not None  # draw() always sets it
        target = float(posed.answer)
        tol = max(self.tolerance, self.rel_tolerance * abs(target))
        ok = math.isclose(value, target, rel_tol=0.0, abs_tol=tol) or value == target
        unit = f" {self.unit}" if self.unit else ""
        record = (
            {"seed": posed.seed, "params": posed.params, "value": value} if posed.params else value
        )
        return Outcome(ok, float(ok), format_number(target) + unit, value, record)

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return f"{response:,g}"


@register
class Order(QuestionBase, frozen=True, tag="order"):
    """Put the steps in order; `items` are written in one right order and shown shuffled.

    `may_swap` lists groups of item indices whose order among themselves does not matter (a pair,
    or 3+ indices meaning any order among them). Every other pair keeps its written order, and an
    answer is scored by how many of those pairwise constraints it satisfies, so every valid order
    gets full marks and a near miss partial credit.
    """

    items: Annotated[list[Text], Meta(min_length=3)]
    may_swap: list[Annotated[list[int], Meta(min_length=2)]] = []
    expected_seconds: ClassVar[float] = 40.0
    shows_score: ClassVar[bool] = True

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

    def score(self, arranged: list[int]) -> float:
        """The share of the pairwise constraints (i before j) that `arranged` keeps."""
        place = {item: position for position, item in enumerate(arranged)}
        constraints = self.constraints()
        return sum(place[i] < place[j] for i, j in constraints) / len(constraints)

    def draw(self, rng: random.Random, seed: int) -> Posed:
        indices = list(range(len(self.items)))
        while self.score(indices) == 1.0:  # never shown already solved
            rng.shuffle(indices)
        return Posed(self, shown_order=tuple(indices), seed=seed)

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        arranged = [int(i) for i in response]
        if sorted(arranged) != list(range(len(self.items))):
            raise AnswerError(_("arrange every step exactly once"))
        score = self.score(arranged)
        record = {
            "seed": posed.seed,
            "shown": posed.keys(self.items),
            "arranged": [option_key(self.items[i]) for i in arranged],
        }
        return Outcome(score == 1.0, score, self._expected(lang), arranged, record)

    def _expected(self, lang: Lang) -> str:
        steps = " → ".join(item.get(lang) for item in self.items)
        if not self.may_swap:
            return steps
        groups = [
            pick(" and ", " 與 ", lang).join(self.items[i].get(lang) for i in sorted(group))
            for group in self.may_swap
        ]
        also = pick("  (also right: {} in either order)", "（{}的先後可以互換）", lang)
        return steps + also.format(pick("; ", "；", lang).join(groups))

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return " → ".join(self.items[i].get(lang) for i in response)


@register
class SpotError(QuestionBase, frozen=True, tag="spot_error"):
    """A passage with one planted error; the learner picks the wrong line."""

    lines: Annotated[list[Text], Meta(min_length=2)]
    answer: int
    fix: Text
    expected_seconds: ClassVar[float] = 40.0

    def __post_init__(self) -> None:
        _check_index(self.answer, len(self.lines), "lines")

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        index = pick_index(response, len(self.lines))
        ok = index == self.answer
        expected = f"{posed.numbered(self.lines, [self.answer], lang)}  →  {self.fix.get(lang)}"
        return Outcome(ok, float(ok), expected, index, index)

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return posed.numbered(self.lines, [response], lang)


@register
class Free(QuestionBase, frozen=True, tag="free"):
    """An open interview question: typed answer, then self-check against key points.

    Answered with a `FreeAnswer`; the outcome's response is that answer, cleaned, with only the
    real key points ticked. At least 80% of the key points counts as right."""

    model_answer: Text
    key_points: Annotated[list[Text], Meta(min_length=3, max_length=5)]
    expected_seconds: ClassVar[float] = 120.0
    shows_score: ClassVar[bool] = True

    def mark(self, posed: Posed, response: Any, lang: Lang) -> Outcome:
        if not isinstance(response, FreeAnswer):
            raise AnswerError(_("a free answer needs the text and the key points covered"))
        covered = frozenset(i for i in response.covered if 0 <= i < len(self.key_points))
        given = FreeAnswer(clean_text(response.text), covered)
        score = len(covered) / len(self.key_points)
        record = {"text": given.text, "covered": sorted(covered)}
        return Outcome(score >= 0.8, score, self.model_answer.get(lang), given, record)

    def missed_points(self, response: FreeAnswer, lang: Lang) -> tuple[str, ...]:
        """The key points the learner did not tick."""
        return tuple(
            kp.get(lang) for i, kp in enumerate(self.key_points) if i not in response.covered
        )

    def given_text(self, posed: Posed, response: Any, lang: Lang) -> str:
        return response.text.strip() or gettext_for(lang, "(nothing written)")
