"""The exercise catalogue: one folder per exercise under exercises/, described by exercise.yaml.

A folder counts as an exercise when it holds exercise.yaml; the folder name is both the exercise
name and the name of the function the learner writes. Loading validates the YAML with msgspec so
a broken exercise fails loudly at the dev check, not in front of a learner. No torch here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import yaml
from msgspec import Meta, Struct

from exercises.errors import GraderError, UsageError
from exercises.protocol import Tolerance, Tolerances
from quiz.l10n import _
from quiz.locations import exercises_dir

SPEC_FILE = "exercise.yaml"

__all__ = ["CatalogueError", "Exercise", "Spec", "Tolerance", "Tolerances"]


class Spec(Struct, frozen=True, forbid_unknown_fields=True):
    """The contents of exercise.yaml."""

    title: Annotated[str, Meta(min_length=1)]
    topic: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]
    difficulty: Annotated[int, Meta(ge=1, le=3)]
    gates: Annotated[int, Meta(ge=1, le=4)]  # G: weight blocks stacked in w_ih and w_hh
    states: Annotated[list[Literal["h", "c"]], Meta(min_length=1)]
    outputs: Annotated[list[str], Meta(min_length=1)]
    hints: Annotated[list[str], Meta(min_length=1)]  # from gentle to explicit
    forbidden: list[str]  # dotted torch names that learner code may not call
    tolerances: Tolerances

    def __post_init__(self) -> None:
        if self.states[0] != "h" or len(self.outputs) != len(self.states):
            raise ValueError("states must start with h and give one output per state")


@dataclass(frozen=True)
class Exercise:
    name: str
    folder: Path
    spec: Spec

    @property
    def readme(self) -> Path:
        return self.folder / "README.md"

    @property
    def starter(self) -> Path:
        return self.folder / "starter.py"

    @property
    def solution(self) -> Path:
        return self.folder / "solution.py"


class CatalogueError(GraderError):
    """An exercise folder whose exercise.yaml is missing pieces or malformed: a bug to fix in the
    catalogue (the dev check finds it), never the learner's fault."""


def names() -> list[str]:
    """Exercise names, sorted, found without parsing any YAML (cheap enough for every keystroke)."""
    root = exercises_dir()
    return sorted(p.parent.name for p in root.glob(f"*/{SPEC_FILE}"))


def suggestions(name: str) -> list[str]:
    """Known names close to a mistyped one ("lstm_cel", "gru" -> gru_cell)."""
    known = names()
    close = [n for n in known if name and name.lower() in n]
    close += difflib.get_close_matches(name.lower(), known, n=3, cutoff=0.7)
    return list(dict.fromkeys(close))


def check_name(name: str) -> None:
    """Raise UsageError, with the closest names, unless `name` is an exercise."""
    if name not in names():
        close = suggestions(name)
        hint = _(" Did you mean {names}?").format(names=_(" or ").join(close)) if close else ""
        raise UsageError(
            _("There is no exercise called {name}.{hint} Known: {names}.").format(
                name=repr(name), hint=hint, names=", ".join(names())
            )
        )


@cache
def load(name: str) -> Exercise:
    """The exercise `name`, validated; UsageError if unknown, CatalogueError if malformed."""
    check_name(name)
    folder = exercises_dir() / name
    path = folder / SPEC_FILE
    try:
        spec = msgspec.convert(yaml.safe_load(path.read_text(encoding="utf-8")), Spec)
    except (yaml.YAMLError, msgspec.ValidationError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    return Exercise(name, folder, spec)


def load_all() -> list[Exercise]:
    return [load(n) for n in names()]


def topics() -> dict[str, str]:
    """Exercise name -> topic id, sorted by name, for every exercise that loads: the one map from
    exercises to the bank's topics (quiz.links and the interview scripts read it). A malformed
    exercise is left out; the grader's dev check and the exercises screen report it."""
    found = {}
    for name in names():
        try:
            found[name] = load(name).spec.topic
        except GraderError:
            continue
    return found
