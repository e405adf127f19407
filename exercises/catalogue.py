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
from quiz.i18n import Lang, pick, to_simplified
from quiz.l10n import _, current_language
from quiz.locations import exercises_dir

SPEC_FILE = "exercise.yaml"
GRADING_FILE = "grading.py"
MISTAKES_DIR = "mistakes"
# What an exercise folder may hold; anything else is a stray file the dev check reports.
README_FILES: dict[Lang, str] = {"en": "README.md", "zh-Hant": "README.zh-Hant.md"}
FOLDER_FILES = frozenset(
    {*README_FILES.values(), SPEC_FILE, "starter.py", "solution.py", GRADING_FILE}
)

__all__ = ["CatalogueError", "Exercise", "Link", "Spec", "Text"]

TopicId = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]


class Link(Struct, frozen=True, forbid_unknown_fields=True):
    """The questions behind one of the exercise's diagnoses; `about` finishes "Queued 3 questions
    on ..." ({en, zh})."""

    about: dict[Literal["en", "zh"], str]
    questions: Annotated[list[str], Meta(min_length=1)]


NonEmpty = Annotated[str, Meta(min_length=1)]


class Text(Struct, frozen=True, forbid_unknown_fields=True):
    """A text the learner reads, in English and Traditional Chinese (Simplified is derived)."""

    en: NonEmpty
    zh: NonEmpty

    def pick(self, lang: Lang | None = None) -> str:
        """The text in `lang` (default: the interface language)."""
        return pick(self.en, self.zh, lang or current_language())


class Spec(Struct, frozen=True, forbid_unknown_fields=True):
    """The contents of exercise.yaml."""

    title: Text
    topics: Annotated[list[TopicId], Meta(min_length=1)]  # the bank's topic ids it practises
    difficulty: Annotated[int, Meta(ge=1, le=3)]
    hints: Annotated[list[Text], Meta(min_length=1)]  # from gentle to explicit
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
        """The English README (the one the dev check and the scaffold start from)."""
        return self.folder / README_FILES["en"]

    def task(self, lang: Lang | None = None) -> str:
        """The README in `lang` (default: the interface language); Simplified from Traditional."""
        lang = lang or current_language()
        path = self.folder / README_FILES["en" if lang == "en" else "zh-Hant"]
        text = path.read_text(encoding="utf-8")
        return to_simplified(text) if lang == "zh-Hans" else text

    def hints(self, lang: Lang | None = None) -> list[str]:
        """The hints in `lang`, gentle first."""
        return [hint.pick(lang) for hint in self.spec.hints]

    def title(self, lang: Lang | None = None) -> str:
        return self.spec.title.pick(lang)

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
