"""Key sequences a person would type to answer each question type in the app."""

from __future__ import annotations

from textual.pilot import Pilot

from quiz.engine import Posed
from quiz.questions import Free, Multi, Numeric, Order, Single, SpotError, TrueFalse


async def answer(pilot: Pilot, posed: Posed, right: bool) -> None:
    """Answer the question on screen with keys alone, rightly or wrongly."""
    q = posed.question
    if isinstance(q, Single | SpotError):
        count = len(q.choices) if isinstance(q, Single) else len(q.lines)
        pick = q.answer if right else (q.answer + 1) % count
        await pilot.press(str(posed.number(pick)), "enter")
    elif isinstance(q, TrueFalse):
        await pilot.press("t" if q.answer == right else "f")
    elif isinstance(q, Multi):
        picks = q.answer if right else [i for i in range(len(q.choices)) if i not in q.answer]
        await pilot.press(*[str(posed.number(i)) for i in picks], "enter")
    elif isinstance(q, Numeric):
        value = int(posed.answer) if right else int(posed.answer) + 1
        await pilot.press(*f"{value:,}", "enter")
    elif isinstance(q, Order):
        if right:
            await _sort_steps(pilot, list(posed.shown_order))
        await pilot.press("enter")
    elif isinstance(q, Free):
        await pilot.press(*"cell path is additive", "ctrl+s")
        ticks = range(len(q.key_points)) if right else [0]
        await pilot.press(*[str(i + 1) for i in ticks], "enter")
    await pilot.pause()


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
