"""Answer checking for every question type, and what varies between showings."""

from __future__ import annotations

import itertools
import random

import msgspec
import pytest

from quiz.engine import AnswerError, FreeAnswer, check, option_key, parse_number, pose, replay
from quiz.questions import Order


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
    for junk in ("", "abc", "49664x", "1,2.3.4", "1/0", "1/2/3", "/16"):
        with pytest.raises(AnswerError):
            parse_number(junk)


def test_numeric_reads_fractions_and_scientific_notation() -> None:
    for typed in ("1/16", " 1 / 16 ", "6.25e-2", "0.0625", "-1/-16", "2/32"):
        assert parse_number(typed) == 0.0625, typed
    assert parse_number("-3/4") == -0.75


def test_generated_numeric_draws_fresh_numbers(mini_bank) -> None:
    from torch import nn  # the answer is asked of torch, not of a copy of the formula

    drawn = [posed(mini_bank, "counting.lstm-generated", seed) for seed in range(20)]
    assert len({tuple(p.params.values()) for p in drawn}) > 5
    for p in drawn:
        i, h = p.params["I"], p.params["H"]
        assert p.answer == sum(x.numel() for x in nn.LSTM(i, h, device="meta").parameters())
        assert f"nn.LSTM({i}, {h})" in p.prompt("en")
        assert check(p, str(int(p.answer))).correct


def test_order_is_never_shown_solved_and_scores_pairs(mini_bank) -> None:
    for seed in range(30):
        p = posed(mini_bank, "gates.lstm-steps", seed)
        assert list(p.shown_order) != [0, 1, 2, 3]
        assert sorted(p.shown_order) == [0, 1, 2, 3]
    p = posed(mini_bank, "gates.lstm-steps")
    assert check(p, [0, 1, 2, 3]).correct
    near = check(p, [1, 0, 2, 3])  # one adjacent swap breaks 1 of the 6 pairs
    assert not near.correct and near.score == pytest.approx(5 / 6)
    assert check(p, [3, 2, 1, 0]).score == 0.0
    with pytest.raises(AnswerError):
        check(p, [0, 0, 1, 2])


def _order(may_swap: list[list[int]], count: int = 5) -> Order:
    return msgspec.convert(
        {
            "type": "order",
            "id": "t.steps",
            "difficulty": 1,
            "source": "test",
            "prompt": {"en": "Order.", "zh": "排序。"},
            "explanation": {"en": "Why.", "zh": "原因。"},
            "items": [{"en": f"step {i}", "zh": f"步驟 {i}"} for i in range(count)],
            "may_swap": may_swap,
        },
        Order,
    )


def test_order_with_steps_that_may_swap_gives_every_valid_order_full_marks() -> None:
    q = _order([[0, 1], [2, 3, 4]])  # 0,1 in either order, then 2,3,4 in any order
    valid = [a + b for a in ([0, 1], [1, 0]) for b in map(list, itertools.permutations([2, 3, 4]))]
    for arranged in valid:
        assert check(pose(q, random.Random(0)), arranged).correct, arranged
    near = check(pose(q, random.Random(0)), [0, 2, 1, 3, 4])  # breaks only "1 before 2"
    assert not near.correct and near.score == pytest.approx(5 / 6)
    assert "either order" in check(pose(q, random.Random(0)), valid[0]).expected
    for seed in range(30):  # never shown already solved
        shown = list(pose(q, random.Random(seed)).shown_order)
        assert not check(pose(q, random.Random(seed)), shown).correct


@pytest.mark.parametrize(
    ("may_swap", "problem"),
    [([[0, 2]], "keep 0 before 2"), ([[0, 1, 2, 3, 4]], "nothing to put in order")],
)
def test_order_rejects_swaps_that_cannot_happen(may_swap, problem) -> None:
    with pytest.raises(msgspec.ValidationError, match=problem):
        _order(may_swap)


def test_choices_are_shown_shuffled_and_a_showing_replays(mini_bank) -> None:
    q = mini_bank.questions["gates.lstm-order"]
    shown = {pose(q, random.Random(seed)).shown_order for seed in range(40)}
    assert len(shown) > 1 and all(sorted(s) == list(range(len(q.choices))) for s in shown)
    p = pose(q, random.Random(7))
    assert replay(q, p.seed) == p
    first = p.shown_order[0]
    assert p.number(first) == 1 and p.number(q.answer) == p.shown_order.index(q.answer) + 1
    assert check(p, q.answer).expected.startswith(f"{p.number(q.answer)}. ")


def test_store_record_names_options_by_identity_not_position(mini_bank) -> None:
    q = mini_bank.questions["gates.sigmoid-gates"]
    p = posed(mini_bank, "gates.sigmoid-gates", 3)
    outcome = check(p, [0, 2])
    assert outcome.record["seed"] == p.seed
    assert outcome.record["shown"] == [option_key(q.choices[i]) for i in p.shown_order]
    assert set(outcome.record["picked"]) == {option_key(q.choices[0]), option_key(q.choices[2])}
    assert len({option_key(c) for c in q.choices}) == len(q.choices)


def test_spot_error_shows_the_fix(mini_bank) -> None:
    p = posed(mini_bank, "gates.gru-spot")
    assert check(p, 3).correct
    assert "h' = (1 - z) * n + z * h" in check(p, 0).expected


def test_free_is_graded_by_ticked_key_points(mini_bank) -> None:
    p = posed(mini_bank, "gates.why-cell")
    full = check(p, FreeAnswer("additive path", frozenset({0, 1, 2})))
    assert full.correct and full.score == 1.0
    assert full.response == FreeAnswer("additive path", frozenset({0, 1, 2}))  # typed, not a dict
    assert full.record == {"text": "additive path", "covered": [0, 1, 2]}  # JSON for the store
    one = check(p, FreeAnswer("no idea", frozenset({1, 99})))
    assert not one.correct and one.score == pytest.approx(1 / 3)
    assert one.response == FreeAnswer("no idea", frozenset({1}))  # only real key points count
    with pytest.raises(AnswerError):
        check(p, "just text")


def test_simplified_chinese_is_derived(mini_bank) -> None:
    p = posed(mini_bank, "gates.forget-bias-default")
    assert "預設" in p.prompt("zh-Hant")
    assert "默认" in p.prompt("zh-Hans")  # the glossary gives the mainland term


def test_control_characters_from_a_paste_are_not_kept(mini_bank) -> None:
    p = posed(mini_bank, "gates.why-cell")
    pasted = "cell \x1b[31mpath\x1b[0m is\radditive\x00\n\tok"
    outcome = check(p, FreeAnswer(pasted, frozenset({0})))
    assert outcome.record["text"] == "cell [31mpath[0m isadditive\n\tok"
