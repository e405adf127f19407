"""The flow of an interview script as a graph: step id -> the steps it can lead to (`end` ends).

`flow_problems` finds what makes a script unusable as an interview: a loop (follow-ups must lead
to the end), steps nothing leads to, and a route from the first step to the end that misses a
kind of step every interview needs (a coding step, a free-response question). quiz.interview.
scripts locates each problem in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

END = "end"

Graph = Mapping[str, tuple[str, ...]]  # step id -> where it goes next, END included


class FlowProblem(NamedTuple):
    """`message` about step `step` (None: the whole script), at its follow-up to `target`."""

    step: str | None
    target: str | None
    message: str


def flow_problems(first: str, graph: Graph, having: Mapping[str, set[str]]) -> list[FlowProblem]:
    """A loop (then nothing else), else the unreached steps and, for each kind of step in
    `having` (its name -> the ids of the steps of that kind), a route that has none."""
    loop = find_loop(first, graph)
    if loop:
        circle = " → ".join(loop)
        message = f"the steps go round in a loop ({circle}); follow-ups must lead to the end"
        return [FlowProblem(loop[-2], loop[-1], message)]
    reached = reachable(first, graph)
    problems = [
        FlowProblem(step, None, "no step leads here, so it is never asked")
        for step in graph
        if step not in reached
    ]
    for what, ids in having.items():
        route = route_without(first, graph, ids.__contains__)
        if route is None:
            continue
        if ids:
            message = f"the route {' → '.join(route)} → end has no {what}"
            problems.append(FlowProblem(route[-1], None, message))
        else:
            message = f"the script has no {what}; every interview needs one"
            problems.append(FlowProblem(None, None, message))
    return problems


def find_loop(first: str, graph: Graph) -> list[str] | None:
    """A path that comes back to a step already on it (first found), or None."""
    done: set[str] = set()

    def visit(path: list[str]) -> list[str] | None:
        for target in graph[path[-1]]:
            if target in path:
                return [*path[path.index(target) :], target]
            if target != END and target not in done:
                found = visit([*path, target])
                if found:
                    return found
        done.add(path[-1])
        return None

    for start in [first, *graph]:
        if start not in done:
            found = visit([start])
            if found:
                return found
    return None


def reachable(first: str, graph: Graph) -> set[str]:
    seen, todo = {first}, [first]
    while todo:
        for target in graph[todo.pop()]:
            if target != END and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def route_without(first: str, graph: Graph, has: Callable[[str], bool]) -> list[str] | None:
    """A route from `first` to the end through no step for which `has(step_id)` holds, or None.

    The steps must not loop."""
    lacking: dict[str, bool] = {END: True}

    def lacks(step_id: str) -> bool:
        if step_id not in lacking:
            lacking[step_id] = not has(step_id) and any(lacks(t) for t in graph[step_id])
        return lacking[step_id]

    if not lacks(first):
        return None
    route = [first]
    while True:
        target = next(t for t in graph[route[-1]] if lacks(t))
        if target == END:
            return route
        route.append(target)
