"""The exercise catalogue: one folder per exercise under exercises/, described by exercise.yaml.

A folder counts as an exercise when it holds exercise.yaml; the folder name is both the exercise
name and the name of the function the learner writes. The folder is the whole exercise: its
README, starter, solution, its grading module (grading.py, which only the grader's child loads)
and its mistake files; nothing else in the project lists exercises. Loading validates the YAML
with msgspec so a broken exercise fails loudly at the dev check, not in front of a learner.
No torch here.
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
from quiz.l10n import _
from quiz.locations import exercises_dir

SPEC_FILE = "exercise.yaml"
GRADING_FILE = "grading.py"
MISTAKES_DIR = "mistakes"
# What an exercise folder may hold; anything else is a stray file the dev check reports.
FOLDER_FILES = frozenset({"README.md", SPEC_FILE, "starter.py", "solution.py", GRADING_FILE})

__all__ = ["CatalogueError", "Exercise", "Link", "Spec"]

TopicId = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]


class Link(Struct, frozen=True, forbid_unknown_fields=True):
    """The questions behind one of the exercise's diagnoses; `about` finishes "Queued 3 questions
    on ..." ({en, zh})."""

    about: dict[Literal["en", "zh"], str]
    questions: Annotated[list[str], Meta(min_length=1)]


class Spec(Struct, frozen=True, forbid_unknown_fields=True):
    """The contents of exercise.yaml."""

    title: Annotated[str, Meta(min_length=1)]
    topics: Annotated[list[TopicId], Meta(min_length=1)]  # the bank's topic ids it practises
    difficulty: Annotated[int, Meta(ge=1, le=3)]
    hints: Annotated[list[str], Meta(min_length=1)]  # from gentle to explicit
    # torch: tensors in and out; numpy: arrays in and out (torch off limits), judged against torch.
    track: Literal["torch", "numpy"] = "torch"
    links: dict[str, Link] = {}  # the exercise's own diagnosis ids -> questions that drill them


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

    @property
    def grading(self) -> Path:
        return self.folder / GRADING_FILE

    @property
    def mistakes(self) -> list[Path]:
        """The learner-style files of the known mistakes: `<id>__<what>.py` is graded <id>."""
        return sorted((self.folder / MISTAKES_DIR).glob("*.py"))


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


def topics() -> dict[str, list[str]]:
    """Exercise name -> its topic ids, sorted by name, for every exercise that loads: the one map
    from exercises to the bank's topics (quiz.links and the interview scripts read it). A
    malformed exercise is left out; the grader's dev check and the exercises screen report it."""
    found = {}
    for name in names():
        try:
            found[name] = list(load(name).spec.topics)
        except GraderError:
            continue
    return found
