"""The order of a sitting: topics and question types interleaved, not blocked.

Mixing topics makes the learner first decide which idea a question is about, which is much of
what an interviewer tests; a block of one topic hides that step. The sitting's questions are
chosen elsewhere (quiz.session.plan, by due date and newness); here they are only reordered,
keeping that priority wherever the mixing allows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from quiz.questions import Question

MAX_TOPIC_RUN = 3  # at most this many in a row from one topic while another topic is left
MAX_TYPE_RUN = 2  # at most this many of one question type in a row while another type is left

T = TypeVar("T")


def interleave(questions: Sequence[Question]) -> list[Question]:
    """Reorder for mixing: each place takes the earliest question (in the given priority order)
    that keeps both run limits, preferring one whose topic and type differ from the last."""
    return mix(questions, topic=lambda q: q.topic, kind=lambda q: type(q).__name__)


def mix(items: Sequence[T], *, topic: Callable[[T], str], kind: Callable[[T], str]) -> list[T]:
    left = list(items)
    out: list[T] = []
    while left:
        last = out[-1] if out else None

        def fits(item: T, limit: int, key: Callable[[T], str]) -> bool:
            """Whether `item` keeps `key`'s run within `limit`, or nothing else could."""
            run = _run(out, key)
            if run < limit or key(item) != key(out[-1]):
                return True
            return all(key(other) == key(item) for other in left)

        allowed = [i for i in left if fits(i, MAX_TOPIC_RUN, topic)]
        allowed = [i for i in allowed if fits(i, MAX_TYPE_RUN, kind)] or allowed
        if last is not None:
            fresh = [i for i in allowed if topic(i) != topic(last) and kind(i) != kind(last)]
            allowed = fresh or [i for i in allowed if topic(i) != topic(last)] or allowed
        chosen = allowed[0]
        left.remove(chosen)
        out.append(chosen)
    return out


def _run(items: list[T], key: Callable[[T], str]) -> int:
    """How many items at the end of `items` share the last one's key."""
    if not items:
        return 0
    last = key(items[-1])
    count = 0
    for item in reversed(items):
        if key(item) != last:
            break
        count += 1
    return count
