"""Sittings interleave topics and question types: no more than three in a row from one topic,
nor two of one type, while anything else is left, on the real bank and store, and on many
random sittings; nothing is lost or repeated, and due questions still come before new ones."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from test_stats import record

from quiz.bank import Bank, load_bank
from quiz.interleave import MAX_TOPIC_RUN, MAX_TYPE_RUN, mix
from quiz.questions import Question
from quiz.session import plan
from quiz.store import Store, now_utc


def longest_avoidable_run(keys: list[str]) -> int:
    """The longest run of one key that ends while another key is still to come."""
    longest, run = 0, 0
    for index, key in enumerate(keys):
        run = run + 1 if index and keys[index - 1] == key else 1
        if any(other != key for other in keys[index + 1 :]):
            longest = max(longest, run)
    return longest


def kind(q: Question) -> str:
    return type(q).__name__


def make_due(store: Store, questions: list[Question]) -> None:
    now = now_utc()
    for i, q in enumerate(questions):
        record(store, q.id, now - timedelta(days=5), 3, due=now - timedelta(minutes=i + 1))


def test_a_review_blocked_by_topic_comes_out_mixed(store: Store) -> None:
    bank = load_bank()
    by_topic: dict[str, list[Question]] = {}
    for q in bank.questions.values():
        by_topic.setdefault(q.topic, []).append(q)
    big, small, smaller = sorted(by_topic, key=lambda t: -len(by_topic[t]))[:3]
    # due in blocks: a whole topic first, the way a schedule often leaves them
    blocked = by_topic[big][:12] + by_topic[small][:6] + by_topic[smaller][:6]
    make_due(store, blocked)
    assert [q.topic for q in blocked[:12]] == [big] * 12

    sitting = plan(bank, store, "review", count=50)
    assert sorted(q.id for q in sitting) == sorted(q.id for q in blocked)
    assert longest_avoidable_run([q.topic for q in sitting]) <= MAX_TOPIC_RUN
    assert longest_avoidable_run([kind(q) for q in sitting]) <= MAX_TYPE_RUN
    assert len({kind(q) for q in sitting[:6]}) >= 2


def test_a_quiz_mixes_but_keeps_due_before_new(store: Store) -> None:
    bank = load_bank()
    lstm = [q for q in bank.questions.values() if q.topic == "lstm"][:5]
    make_due(store, lstm)
    sitting = plan(bank, store, "quiz", count=15, rng=random.Random(3))
    assert {q.id for q in sitting[:5]} == {q.id for q in lstm}
    assert longest_avoidable_run([q.topic for q in sitting[5:]]) <= MAX_TOPIC_RUN


def test_many_random_sittings_keep_the_limits_and_every_question() -> None:
    rng = random.Random(20261201)
    for _ in range(500):
        size = rng.randint(1, 30)
        topics = rng.sample("abcdef", rng.randint(1, 4))
        kinds = rng.sample("STNOF", rng.randint(1, 4))
        items = [(i, rng.choice(topics), rng.choice(kinds)) for i in range(size)]
        out = mix(items, topic=lambda item: item[1], kind=lambda item: item[2])
        assert sorted(out) == sorted(items)
        assert out[0] == items[0]  # the most pressing question still opens the sitting
        assert longest_avoidable_run([t for _, t, _ in out]) <= MAX_TOPIC_RUN


def test_types_mix_when_the_topic_limit_leaves_room() -> None:
    items = [(i, "t" + str(i % 2), "single" if i < 8 else "numeric") for i in range(12)]
    out = mix(items, topic=lambda item: item[1], kind=lambda item: item[2])
    kinds = [k for _, _, k in out]
    assert longest_avoidable_run(kinds) <= MAX_TYPE_RUN
    assert Counter(kinds) == Counter(k for _, _, k in items)


def test_one_topic_of_one_type_is_left_as_chosen(mini_bank: Bank) -> None:
    """A sitting of one topic and one type is left as chosen: nothing to mix."""
    same = [q for q in mini_bank.questions.values() if q.topic == "counting"]
    same = [q for q in same if kind(q) == kind(same[0])]
    assert mix(same, topic=lambda q: q.topic, kind=kind) == same
