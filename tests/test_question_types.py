"""A question type is one class registered in one table: every table covers every registered
type, and a new type is refused everywhere until it is registered (in the core and in the app)."""

from __future__ import annotations

import importlib.util
import random
import sys
import textwrap
import typing
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from textual.widgets import Static

import quiz.questions as questions
from quiz.engine import FreeAnswer, Posed, answer_text, check, pose
from quiz.questions import (
    QUESTION_CLASSES,
    QuestionBase,
    UnknownQuestionType,
    parse_question,
    question_class,
)
from quiz.scheduler import expected_seconds, suggest_rating
from quiz.tui.widgets.answers import ANSWER_UI, AnswerUI, answer_ui, how_line, missing_answer_ui
from tests.tui_driver import DRIVERS

BUILT_IN = ("single", "multi", "truefalse", "numeric", "order", "spot_error", "free")

# A new type, written the way a contributor would: fields and behaviour in one class.
ESSAY = '''
from typing import Any, ClassVar

from quiz.posing import Outcome, Posed
from quiz.questions import QuestionBase


class Essay(QuestionBase, frozen=True, tag="essay"):
    """A word count to reach; full marks at `words` words."""

    words: int
    expected_seconds: ClassVar[float] = 300.0

    def mark(self, posed: Posed, response: Any, lang: str) -> Outcome:
        count = len(str(response).split())
        score = min(1.0, count / self.words)
        return Outcome(score == 1.0, score, f"{self.words} words", count, count)

    def given_text(self, posed: Posed, response: Any, lang: str) -> str:
        return f"{response} words"
'''

RAW = {
    "type": "essay",
    "id": "t.essay",
    "difficulty": 1,
    "source": "test",
    "prompt": {"en": "Write.", "zh": "寫。"},
    "explanation": {"en": "Why.", "zh": "原因。"},
    "words": 3,
}


@pytest.fixture
def essay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[QuestionBase]]:
    """The Essay class from a module written to a temp folder; the tables are restored after."""
    saved = dict(QUESTION_CLASSES), dict(ANSWER_UI)
    monkeypatch.setattr(questions, "_union", questions._union)
    path = tmp_path / "essay_type.py"
    path.write_text(textwrap.dedent(ESSAY))
    spec = importlib.util.spec_from_file_location("essay_type", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "essay_type", module)
    spec.loader.exec_module(module)
    yield module.Essay
    QUESTION_CLASSES.clear()
    QUESTION_CLASSES.update(saved[0])
    ANSWER_UI.clear()
    ANSWER_UI.update(saved[1])


def test_the_built_in_types_are_derived_from_the_registry() -> None:
    assert questions.QUESTION_TYPES == BUILT_IN == tuple(QUESTION_CLASSES)
    assert set(typing.get_args(questions.Question)) == set(QUESTION_CLASSES.values())
    for tag, cls in QUESTION_CLASSES.items():
        assert question_class(tag) is cls and cls.expected_seconds > 0


def test_every_table_covers_every_registered_type() -> None:
    assert missing_answer_ui() == []
    assert set(ANSWER_UI) == set(QUESTION_CLASSES.values())
    assert set(DRIVERS) == set(QUESTION_CLASSES.values())


def test_a_new_type_is_refused_everywhere_until_registered(essay) -> None:
    essay_q = msgspec.convert(RAW, essay)  # a valid Essay, but not a registered type
    posed = Posed(essay_q)
    assert "essay" not in questions.QUESTION_TYPES
    with pytest.raises(msgspec.ValidationError, match="Invalid value 'essay'"):
        parse_question(RAW)
    with pytest.raises(UnknownQuestionType):
        pose(essay_q, random.Random(0))
    with pytest.raises(UnknownQuestionType):
        check(posed, "one two three")
    with pytest.raises(UnknownQuestionType):
        answer_text(posed, 3, "en")
    with pytest.raises(UnknownQuestionType):
        expected_seconds("essay", 1)
    with pytest.raises(UnknownQuestionType):
        answer_ui(essay_q)

    questions.register(essay)  # the core knows it; the app does not yet
    assert (*BUILT_IN, "essay") == questions.QUESTION_TYPES
    loaded = parse_question(RAW)
    assert isinstance(loaded, essay)
    shown = pose(loaded, random.Random(0))
    outcome = check(shown, "one two three")
    assert outcome.correct and outcome.verdict == "right"
    assert check(shown, "one").verdict == "partial"
    assert answer_text(shown, outcome.response, "en") == "3 words"
    assert expected_seconds("essay", 1) == 300.0
    assert suggest_rating(1.0, 400.0, "essay", 1).name == "Good"
    assert missing_answer_ui() == ["essay"]
    with pytest.raises(UnknownQuestionType, match="no answer widget"):
        how_line(loaded)

    ANSWER_UI[essay] = AnswerUI(lambda posed, lang: Static(), "Write.")
    assert missing_answer_ui() == [] and how_line(loaded) == "Write."


def test_registering_a_type_without_its_behaviour_is_refused() -> None:
    class Half(QuestionBase, frozen=True, tag="half"):
        words: int

    with pytest.raises(UnknownQuestionType, match="mark, given_text, expected_seconds"):
        questions.register(Half)
    assert "half" not in questions.QUESTION_TYPES


def test_a_free_answer_stays_typed_into_the_report(mini_bank) -> None:
    q = mini_bank.questions["gates.why-cell"]
    shown = pose(q, random.Random(0))
    outcome = check(shown, FreeAnswer("  the cell\n", frozenset({0, 7})))
    assert outcome.response == FreeAnswer("  the cell\n", frozenset({0}))
    assert answer_text(shown, outcome.response, "en") == "the cell"
    assert len(q.missed_points(outcome.response, "en")) == len(q.key_points) - 1
