"""Interview scripts: the YAML format, validation with every problem located, and choosing one.

A script is data/interviews/<id>.yaml:

    id: lstm-fundamentals-junior      # the file's name
    title: {en: ..., zh: ...}
    level: junior                     # junior | senior
    minutes: 30                       # suggested length: 30 | 45
    intro: {en: ..., zh: ...}         # the interviewer's opening line
    steps:
      - id: open                      # unique in the script; `end` is reserved
        question: lstm.explain-gates  # a bank question, ...
        if_right: cell-gradients      # where a right answer leads, ...
        if_wrong: cell-update         # ... and a wrong or skipped one
      - id: cell-gradients
        say: {en: ..., zh: ...}       # optional: the interviewer's line before the question
        ask:                          # ... or an inline question in the bank's format, with
          type: free                  #     `topic` (a bank topic id) and no `id`
          topic: lstm
          ...
        next: code                    # where it goes either way
      - id: code
        exercise: lstm_cell           # ... or a coding exercise, graded in place

Each step does exactly one of `question`, `ask` and `exercise`. A step without `if_right` or
`if_wrong` goes to `next`, or else to the step below it; after the last step, or at `end`, the
interview is over. The first step opens the interview.

Problems are reported like the banks' (quiz.bank.BankProblem, with the step id where the bank
gives a question id): bad YAML and fields, an id that is not the file name, unknown question ids,
topics and exercises, inline questions that break the bank's rules, duplicate step ids, follow-ups
that name no step, loops, steps nothing leads to, and any route from the first step to the end
without a coding step or without a free-response question. A script with a problem is left out
whole: one broken link breaks the chain. The flow checks (loops, reachability, routes) are
quiz.interview.flow.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from exercises import catalogue
from quiz.bank import (
    Bank,
    BankProblem,
    LineFinder,
    Unreadable,
    describe_error,
    load_bank,
    read_yaml,
    unknown_source,
)
from quiz.interview.flow import END, flow_problems
from quiz.locations import cache_dir, interviews_dir
from quiz.questions import Free, NonEmpty, Question, QuestionId, Text
from quiz.store import Interview

Level = Literal["junior", "senior"]
LEVELS: tuple[Level, ...] = ("junior", "senior")
LENGTHS = (30, 45)
INLINE_PREFIX = "mock."  # inline question ids: mock.<script>.<step>, never a bank id

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=32)]
FLOW_FIELDS = ("next", "if_right", "if_wrong")


class _StepFile(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: Slug
    say: Text | None = None
    question: QuestionId | None = None
    ask: dict[str, Any] | None = None
    exercise: NonEmpty | None = None
    next: Slug | None = None
    if_right: Slug | None = None
    if_wrong: Slug | None = None


class _ScriptFile(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: Slug
    title: Text
    level: Level
    minutes: Literal[30, 45]
    intro: Text
    steps: Annotated[list[Any], Meta(min_length=1)]  # checked one by one, to locate each problem


@dataclass(frozen=True)
class Step:
    """One step, resolved: a question (from the bank or inline) or an exercise, and where next."""

    id: str
    topic: str
    question: Question | None  # None for a coding step
    exercise: str | None
    say: Text | None
    on_right: str  # a step id, or END
    on_wrong: str

    @property
    def branches(self) -> bool:
        """Whether the answer decides what comes next (a follow-up or a step back)."""
        return self.on_right != self.on_wrong

    @property
    def successors(self) -> tuple[str, ...]:
        """The steps it can lead to (END included), each once."""
        return tuple(dict.fromkeys((self.on_right, self.on_wrong)))


@dataclass(frozen=True)
class Script:
    id: str
    title: Text
    level: Level
    minutes: int
    intro: Text
    steps: dict[str, Step]  # in file order; the first opens the interview
    file: Path

    @property
    def first(self) -> Step:
        return next(iter(self.steps.values()))

    @property
    def topics(self) -> list[str]:
        """The topics its steps ask about, in order of first appearance."""
        return list(dict.fromkeys(step.topic for step in self.steps.values()))


def load_scripts(
    directory: Path | None = None, bank: Bank | None = None
) -> tuple[list[Script], list[BankProblem]]:
    """Every valid script in `directory` (default: the shipped ones), by file name, and the
    problems found; question ids are checked against `bank` (default: the shipped bank)."""
    bank = bank if bank is not None else load_bank()
    exercises = catalogue.topics()
    scripts: list[Script] = []
    problems: list[BankProblem] = []
    cache = cache_dir() / "interviews"
    for path in sorted((directory or interviews_dir()).glob("*.yaml")):
        script, found = _Loader(path, bank, exercises).load(cache)
        problems += found
        if script is not None:
            scripts.append(script)
    return scripts, problems


_EPOCH = datetime.min.replace(tzinfo=UTC)


def choose_script(
    scripts: Iterable[Script], level: str, minutes: int, past: Iterable[Interview]
) -> Script | None:
    """The script of `level` sat least recently (never sat first), then one of the chosen length:
    taking them in turn covers the syllabus."""
    last_sat: dict[str, datetime] = {}
    for interview in past:
        last_sat[interview.script] = max(
            interview.started_at, last_sat.get(interview.script, _EPOCH)
        )
    candidates = [s for s in scripts if s.level == level]
    return min(
        candidates, key=lambda s: (last_sat.get(s.id, _EPOCH), s.minutes != minutes), default=None
    )


@dataclass(frozen=True)
class _Parsed:
    """A valid step with where it came from, for locating later problems."""

    step: Step
    index: int
    spec: _StepFile

    def at(self, target: str | None = None) -> tuple[Any, ...]:
        """The step's path in the file, at the flow field that names `target` if there is one."""
        field = next((f for f in FLOW_FIELDS if target and getattr(self.spec, f) == target), None)
        return ("steps", self.index, field) if field else ("steps", self.index)


class _Loader:
    """Checks one script file, collecting located problems."""

    def __init__(self, path: Path, bank: Bank, exercises: dict[str, list[str]]) -> None:
        self.path = path
        self.bank = bank
        self.exercises = exercises
        self.problems: list[BankProblem] = []
        self.lines: LineFinder | None = None

    def problem(self, where: tuple[Any, ...] | int | None, step: str | None, message: str) -> None:
        """Record a problem at a line, or at a path in the file (its start if the path is not
        there, as for a missing top-level field)."""
        if isinstance(where, tuple):
            where = (self.lines.find(where) if self.lines else None) or 1
        self.problems.append(BankProblem(self.path, where, step, message))

    def load(self, cache: Path) -> tuple[Script | None, list[BankProblem]]:
        """The script, or None with the reasons why not."""
        try:
            text, data = read_yaml(self.path, cache)
        except Unreadable as exc:
            self.problem(*exc.where)
            return None, self.problems
        self.lines = LineFinder(text)
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            message = "a script needs `id`, `title`, `level`, `minutes`, `intro` and `steps:`"
            self.problem(1, None, message)
            return None, self.problems
        try:
            head = msgspec.convert(data, _ScriptFile)
        except msgspec.ValidationError as exc:
            loc, message = describe_error(exc)
            self.problem(loc, None, message)
            return None, self.problems
        if head.id != self.path.stem:
            message = f"id `{head.id}` must be the file's name, `{self.path.stem}`"
            self.problem(("id",), None, message)
        parsed = self._steps(head)
        if self.problems:
            return None, self.problems
        self._check_flow(parsed)
        if self.problems:
            return None, self.problems
        steps = {p.step.id: p.step for p in parsed}
        script = Script(head.id, head.title, head.level, head.minutes, head.intro, steps, self.path)
        return script, self.problems

    def _steps(self, head: _ScriptFile) -> list[_Parsed]:
        """Every valid step; a problem for each of the others."""
        ids = [s.get("id") if isinstance(s, dict) else None for s in head.steps]
        named = [i if isinstance(i, str) else None for i in ids]
        known = {i for i in named if i} | {END}
        parsed: list[_Parsed] = []
        seen: set[str] = set()
        for index, raw in enumerate(head.steps):
            where = ("steps", index)
            if not isinstance(raw, dict):
                self.problem(where, None, "each step must be a mapping")
                continue
            try:
                spec = msgspec.convert(raw, _StepFile)
            except msgspec.ValidationError as exc:
                loc, message = describe_error(exc)
                self.problem((*where, *loc), named[index], message)
                continue
            if spec.id == END or spec.id in seen:
                why = "is reserved for the end" if spec.id == END else "is used by an earlier step"
                self.problem((*where, "id"), spec.id, f"step id `{spec.id}` {why}")
                continue
            seen.add(spec.id)
            following = next((i for i in named[index + 1 :] if i), END)
            flow = self._flow(spec, where, known, following)
            content = self._content(head.id, spec, where)
            if flow and content:
                question, exercise, topic = content
                step = Step(spec.id, topic, question, exercise, spec.say, *flow)
                parsed.append(_Parsed(step, index, spec))
        return parsed

    def _flow(
        self, spec: _StepFile, where: tuple[Any, ...], known: set[str], following: str
    ) -> tuple[str, str] | None:
        """(after a right answer, after a wrong one), or None when a target names no step."""
        ok = True
        for name in FLOW_FIELDS:
            target = getattr(spec, name)
            if target is not None and target not in known:
                close = difflib.get_close_matches(target, sorted(known), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                self.problem((*where, name), spec.id, f"`{name}` names no step `{target}`{hint}")
                ok = False
        either = spec.next or following
        return (spec.if_right or either, spec.if_wrong or either) if ok else None

    def _content(
        self, script_id: str, spec: _StepFile, where: tuple[Any, ...]
    ) -> tuple[Question | None, str | None, str] | None:
        """(question, exercise, topic) of a step, or None after saying why not."""
        given = [f"`{k}`" for k in ("question", "ask", "exercise") if getattr(spec, k) is not None]
        if len(given) != 1:
            found = " and ".join(given) or "none"
            message = (
                f"a step needs exactly one of `question`, `ask` or `exercise` (it has {found})"
            )
            self.problem(where, spec.id, message)
            return None
        if spec.exercise is not None:
            if spec.exercise not in self.exercises:
                message = f"unknown exercise `{spec.exercise}` (known: {', '.join(self.exercises)})"
                self.problem((*where, "exercise"), spec.id, message)
                return None
            # A coding step counts towards the exercise's main topic, the first it lists.
            return None, spec.exercise, self.exercises[spec.exercise][0]
        if spec.question is not None:
            question = self.bank.questions.get(spec.question)
            if question is None:
                close = difflib.get_close_matches(spec.question, list(self.bank.questions), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                message = f"unknown question `{spec.question}`{hint}"
                self.problem((*where, "question"), spec.id, message)
                return None
            return question, None, question.topic
        return self._inline(script_id, spec, (*where, "ask"))

    def _inline(
        self, script_id: str, spec: _StepFile, where: tuple[Any, ...]
    ) -> tuple[Question, None, str] | None:
        """An `ask:` question, validated by the bank's rules, with its id made up."""
        ask = spec.ask or {}
        if "id" in ask:
            message = "an inline question takes its id from the script and step; remove `id`"
            self.problem((*where, "id"), spec.id, message)
            return None
        if ask.get("topic") not in self.bank.topics:
            message = f"an inline question needs `topic`, one of: {', '.join(self.bank.topics)}"
            self.problem((*where, "topic") if "topic" in ask else where, spec.id, message)
            return None
        try:
            question = msgspec.convert(
                {**ask, "id": f"{INLINE_PREFIX}{script_id}.{spec.id}"}, Question
            )
        except msgspec.ValidationError as exc:
            loc, message = describe_error(exc)
            self.problem((*where, *loc), spec.id, message)
            return None
        unknown = unknown_source(question)
        if unknown:
            self.problem((*where, "source"), spec.id, unknown)
            return None
        return question, None, question.topic

    def _check_flow(self, parsed: list[_Parsed]) -> None:
        """Loops, steps never reached, and routes without a coding step or a free question."""
        by_id = {p.step.id: p for p in parsed}
        graph = {
            p.step.id: tuple(dict.fromkeys((p.step.on_right, p.step.on_wrong))) for p in parsed
        }
        having = {
            "coding step": {p.step.id for p in parsed if p.step.exercise is not None},
            "free-response question": {
                p.step.id for p in parsed if isinstance(p.step.question, Free)
            },
        }
        for problem in flow_problems(parsed[0].step.id, graph, having):
            if problem.step is None:
                self.problem(("steps",), None, problem.message)
            else:
                where = by_id[problem.step].at(problem.target)
                self.problem(where, problem.step, problem.message)
