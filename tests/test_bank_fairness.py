"""The shipped banks can't be gamed: a test-wise learner does no better than chance.

The app shows choices shuffled, but the banks themselves must not lean either (a script, an
export or a future screen may show them in file order), so each tell is checked in the files:
where the right answer stands, whether it is the longest option, which lines spot-the-error
marks, and how true/false answers split. Then a learner who always presses 1 sits many sessions
through the real engine and must score no better than a learner picking at random.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quiz.bank import load_bank, right_is_longest
from quiz.engine import check, pose
from quiz.questions import Multi, Question, Single, SpotError, TrueFalse

BANK = load_bank()
QUESTIONS = list(BANK.questions.values())
SINGLES = [q for q in QUESTIONS if isinstance(q, Single)]
MULTIS = [q for q in QUESTIONS if isinstance(q, Multi)]
SPOTS = [q for q in QUESTIONS if isinstance(q, SpotError)]
TRUTHS = [q for q in QUESTIONS if isinstance(q, TrueFalse)]
MOST = 0.40  # no single tell may cover more than this share of its questions


def test_no_answer_position_holds_more_than_40_percent_of_single_choice() -> None:
    positions = Counter(q.answer for q in SINGLES)
    assert len(SINGLES) >= 50
    assert max(positions.values()) / len(SINGLES) <= MOST, positions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_right_option_is_not_systematically_the_longest(lang: str) -> None:
    longest = [q.id for q in SINGLES if right_is_longest(q, lang)]
    assert len(longest) / len(SINGLES) <= MOST, f"{len(longest)} of {len(SINGLES)}"


def test_multi_answers_are_not_the_leading_options() -> None:
    leading = [q.id for q in MULTIS if sorted(q.answer) == list(range(len(q.answer)))]
    assert len(leading) / len(MULTIS) <= MOST, leading
    right_somewhere = {i for q in MULTIS for i in q.answer}
    assert set(range(min(len(q.choices) for q in MULTIS))) <= right_somewhere


def test_spot_the_error_marks_every_line_including_the_first() -> None:
    lines = Counter(q.answer for q in SPOTS)
    assert lines[0] > 0, lines
    assert max(lines.values()) / len(SPOTS) <= MOST, lines


def test_true_false_answers_are_balanced() -> None:
    true = sum(q.answer for q in TRUTHS)
    assert 0.4 <= true / len(TRUTHS) <= 0.6, f"{true} of {len(TRUTHS)} are true"


def _press_first(question: Question, rng: random.Random) -> float:
    """A learner who presses 1 (the first option on screen, 'True' for true/false)."""
    posed = pose(question, rng)
    first = posed.shown_order[0] if posed.shown_order else 0
    if isinstance(question, TrueFalse):
        return check(posed, True).score
    if isinstance(question, Multi):
        return check(posed, [first]).score
    return check(posed, first).score


def _chance(question: Question) -> float:
    """The expected score of pressing one option at random."""
    if isinstance(question, TrueFalse):
        return 0.5
    if isinstance(question, Multi):  # one pick: credit 1/len(answer) when it is right
        return sum(1 / len(question.answer) for _ in question.answer) / len(question.choices)
    options = question.choices if isinstance(question, Single) else question.lines
    return 1 / len(options)


def test_always_pressing_1_scores_no_better_than_chance() -> None:
    gameable = SINGLES + MULTIS + SPOTS + TRUTHS
    rng = random.Random(2026)
    pressed, chance = [], []
    for _ in range(300):  # sessions of 20 questions
        for question in rng.sample(gameable, 20):
            pressed.append(_press_first(question, rng))
            chance.append(_chance(question))
    mean_pressed, mean_chance = sum(pressed) / len(pressed), sum(chance) / len(chance)
    assert mean_pressed <= mean_chance + 0.05, (mean_pressed, mean_chance)


def test_an_answer_first_in_the_file_is_first_on_screen_only_by_chance() -> None:
    rng = random.Random(7)
    first_in_file = [q for q in SINGLES if q.answer == 0]
    hits = [pose(q, rng).shown_order[0] == 0 for q in first_in_file for _ in range(100)]
    chance = sum(1 / len(q.choices) for q in first_in_file) / len(first_in_file)
    assert sum(hits) / len(hits) <= chance + 0.05
