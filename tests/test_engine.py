"""Answer checking for every question type, and what varies between showings."""

from __future__ import annotations

import random

import pytest

from quiz.engine import AnswerError, FreeAnswer, check, parse_number, pose


def posed(bank, qid: str, seed: int = 0):
    return pose(bank.questions[qid], random.Random(seed))


def test_single(mini_bank) -> None:
    p = posed(mini_bank, "gates.lstm-order")
    assert check(p, 1).correct
    wrong = check(p, 0)
    assert not wrong.correct and wrong.score == 0.0
    assert "i, f, g, o" in wrong.expected
    with pytest.raises(AnswerError):
        check(p, 7)


def test_multi_gives_partial_credit_and_penalises_wrong_picks(mini_bank) -> None:
    p = posed(mini_bank, "gates.sigmoid-gates")
    assert check(p, [0, 2, 3]).correct
    partial = check(p, [0, 2])
    assert not partial.correct and partial.score == pytest.approx(2 / 3)
    assert check(p, [0, 1, 2, 3]).score == pytest.approx(2 / 3)
    with pytest.raises(AnswerError):
        check(p, [])


def test_truefalse_in_chinese(mini_bank) -> None:
    p = posed(mini_bank, "gates.forget-bias-default")
    assert check(p, False).correct
    outcome = check(p, True, lang="zh-Hant")
    assert not outcome.correct and outcome.expected == "錯"


def test_numeric_reads_what_people_type(mini_bank) -> None:
    p = posed(mini_bank, "counting.lstm-fixed")
    for typed in ("49664", "49,664", " 49 664 ", "4.9664e4", "49_664"):
        assert check(p, typed).correct, typed
    assert not check(p, "49408").correct
    assert check(p, "49408").expected == "49,664"
    for junk in ("", "abc", "49664x", "1,2.3.4"):
        with pytest.raises(AnswerError):
            parse_number(junk)


def test_generated_numeric_draws_fresh_numbers(mini_bank) -> None:
    drawn = [posed(mini_bank, "counting.lstm-generated", seed) for seed in range(20)]
    assert len({tuple(p.params.values()) for p in drawn}) > 5
    for p in drawn:
        i, h = p.params["I"], p.params["H"]
        assert p.answer == 4 * (h * i + h * h + 2 * h)
        assert f"nn.LSTM({i}, {h})" in p.prompt("en")
        assert check(p, str(int(p.answer))).correct


def test_order_is_never_shown_solved_and_scores_positions(mini_bank) -> None:
    for seed in range(30):
        p = posed(mini_bank, "gates.lstm-steps", seed)
        assert list(p.shown_order) != [0, 1, 2, 3]
        assert sorted(p.shown_order) == [0, 1, 2, 3]
    p = posed(mini_bank, "gates.lstm-steps")
    assert check(p, [0, 1, 2, 3]).correct
    half = check(p, [1, 0, 2, 3])
    assert not half.correct and half.score == 0.5
    with pytest.raises(AnswerError):
        check(p, [0, 0, 1, 2])


def test_spot_error_shows_the_fix(mini_bank) -> None:
    p = posed(mini_bank, "gates.gru-spot")
    assert check(p, 3).correct
    assert "h' = (1 - z) * n + z * h" in check(p, 0).expected


def test_free_is_graded_by_ticked_key_points(mini_bank) -> None:
    p = posed(mini_bank, "gates.why-cell")
    full = check(p, FreeAnswer("additive path", frozenset({0, 1, 2})))
    assert full.correct and full.score == 1.0
    assert full.response == {"text": "additive path", "covered": [0, 1, 2]}
    one = check(p, FreeAnswer("no idea", frozenset({1, 99})))
    assert not one.correct and one.score == pytest.approx(1 / 3)
    with pytest.raises(AnswerError):
        check(p, "just text")


def test_simplified_chinese_is_derived(mini_bank) -> None:
    p = posed(mini_bank, "gates.forget-bias-default")
    assert "預設" in p.prompt("zh-Hant")
    assert "预设" in p.prompt("zh-Hans")
