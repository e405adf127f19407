"""Key sequences a person would type to answer each question type in the app: one driver per
registered type, in `DRIVERS` (tests/test_question_types.py checks it covers them all)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from quiz.engine import Posed
from quiz.questions import (
    Free,
    Multi,
    Numeric,
    Order,
    QuestionBase,
    Single,
    SpotError,
    TrueFalse,
    question_class,
)


async def answer(pilot: Pilot, posed: Posed, right: bool) -> None:
    """Answer the question on screen with keys alone, rightly or wrongly."""
    await DRIVERS[question_class(posed.question)](pilot, posed, right)
    await pilot.pause()


async def _pick_one(pilot: Pilot, posed: Posed, right: bool) -> None:
    q = posed.question
    assert isinstance(q, Single | SpotError)
    count = len(q.choices) if isinstance(q, Single) else len(q.lines)
    pick = q.answer if right else (q.answer + 1) % count
    await pilot.press(str(posed.number(pick)), "enter")


async def _truth(pilot: Pilot, posed: Posed, right: bool) -> None:
    assert isinstance(posed.question, TrueFalse)
    await pilot.press("t" if posed.question.answer == right else "f")


async def _pick_all(pilot: Pilot, posed: Posed, right: bool) -> None:
    q = posed.question
    assert isinstance(q, Multi)
    picks = q.answer if right else [i for i in range(len(q.choices)) if i not in q.answer]
    await pilot.press(*[str(posed.number(i)) for i in picks], "enter")


async def _number(pilot: Pilot, posed: Posed, right: bool) -> None:
    assert posed.answer is not None
    value = int(posed.answer) if right else int(posed.answer) + 1
    await pilot.press(*f"{value:,}", "enter")


async def _order(pilot: Pilot, posed: Posed, right: bool) -> None:
    if right:
        await _sort_steps(pilot, list(posed.shown_order))
    await pilot.press("enter")


async def _free(pilot: Pilot, posed: Posed, right: bool) -> None:
    assert isinstance(posed.question, Free)
    await pilot.press(*"cell path is additive", "ctrl+s")
    ticks = range(len(posed.question.key_points)) if right else [0]
    await pilot.press(*[str(i + 1) for i in ticks], "enter")


DRIVERS: dict[type[QuestionBase], Callable[[Pilot, Posed, bool], Awaitable[None]]] = {
    Single: _pick_one,
    SpotError: _pick_one,
    TrueFalse: _truth,
    Multi: _pick_all,
    Numeric: _number,
    Order: _order,
    Free: _free,
}


async def _sort_steps(pilot: Pilot, arrangement: list[int]) -> None:
    """Selection sort with the order widget's keys: move the cursor, grab, carry up, drop."""
    cursor = 0
    for target in range(len(arrangement)):
        where = arrangement.index(target)
        step = "down" if where > cursor else "up"
        await pilot.press(*[step] * abs(where - cursor), "space")
        await pilot.press(*["up"] * (where - target), "space")
        item = arrangement.pop(where)
        arrangement.insert(target, item)
        cursor = target
