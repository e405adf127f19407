"""The shipped bank and its parts, shared by the per-part bank tests (tests/test_bank_*.py).

Each part's tests used to load the bank, list the part's topics and define the same lookup
helpers for themselves; the copies drifted (one asserted a missing id, another raised KeyError).
They share these now: the bank is loaded once, a part's topics are written down once, and a
question is looked up by id in one way.
"""

from __future__ import annotations

from quiz.bank import load_bank
from quiz.questions import Question, Single, SpotError, TrueFalse

BANK = load_bank()

PART_A = (
    "rnn_basics",
    "lstm",
    "gru",
    "lstm_vs_gru",
    "gradients",
    "bptt",
    "clipping",
    "param_count",
    "shapes",
    "seq_tasks",
)
PART_B = (
    "bidirectional_stacked",
    "attention_seq2seq",
    "teacher_forcing",
    "regularisation",
    "initialisation",
    "padding_packing",
    "rnn_vs_transformer",
    "applications",
    "word2vec",
)
SENIOR_A = ("expressiveness", "gradient_theory", "architectures_compared")
SENIOR_B = ("seq2seq_engineering", "language_modelling", "framework_apis")


def questions_of(topics: tuple[str, ...]) -> list[Question]:
    """The shipped questions of these topics, in bank order."""
    return [x for x in BANK.questions.values() if x.topic in topics]


def question(qid: str) -> Question:
    """The shipped question with this id; a missing id fails with its name."""
    assert qid in BANK.questions, f"{qid} is missing from the bank"
    return BANK.questions[qid]


# Lookups by id for the facts tests: each asserts the question has the type it reads.


def right(qid: str) -> str:
    """The right choice (English) of a single-choice question."""
    chosen = question(qid)
    assert isinstance(chosen, Single), qid
    return chosen.choices[chosen.answer].en


def wrong_line(qid: str) -> tuple[str, str]:
    """The marked line and its fix (English) of a spot-the-error question."""
    spot = question(qid)
    assert isinstance(spot, SpotError), qid
    return spot.lines[spot.answer].en, spot.fix.en


def truth(qid: str) -> bool:
    """The answer of a true/false question."""
    statement = question(qid)
    assert isinstance(statement, TrueFalse), qid
    return statement.answer
