"""The learner's side of an exercise on disk: their file, and how many hints they have seen.

Learner files live in quiz.locations.workspace_dir(), outside the repository, one `NAME.py` per
exercise, copied from the exercise's starter on first use and never overwritten except by an
explicit reset. Hint progress is a small JSON file beside the progress database.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from exercises import catalogue
from quiz.locations import data_dir, workspace_dir

HINTS_FILE = "exercise_hints.json"


def learner_path(name: str) -> Path:
    """Where the learner's file for `name` lives (whether or not it exists yet)."""
    return workspace_dir() / f"{name}.py"


def ensure_learner_file(name: str) -> tuple[Path, bool]:
    """The learner's file, copied from the starter if missing; True when it was just created."""
    path = learner_path(name)
    if path.exists():
        return path, False
    _copy_starter(name, path)
    return path, True


def learner_file(name: str, create: bool = True) -> Path:
    """The learner's file for `name`; with create=True it exists afterwards."""
    catalogue.check_name(name)
    return ensure_learner_file(name)[0] if create else learner_path(name)


def reset(name: str) -> Path:
    """Replace the learner's file with the starter (the caller asks for confirmation first)."""
    catalogue.check_name(name)
    path = learner_path(name)
    _copy_starter(name, path)
    return path


def _copy_starter(name: str, path: Path) -> None:
    tmp = path.with_suffix(".py.tmp")
    shutil.copyfile(catalogue.load(name).starter, tmp)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Hint:
    number: int  # 1-based
    total: int
    text: str

    @property
    def last(self) -> bool:
        return self.number == self.total


def _hints_path() -> Path:
    return data_dir() / HINTS_FILE


def _hints_shown() -> dict[str, int]:
    try:
        data = json.loads(_hints_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def hints_shown(name: str) -> int:
    """How many hints of `name` the learner has seen (the TUI shows "2 of 4 hints used")."""
    return _hints_shown().get(name, 0)


def next_hint(name: str) -> Hint:
    """The next hint for `name` (gentle first, explicit last); the last one repeats."""
    hints = catalogue.load(name).hints()
    shown = _hints_shown()
    number = min(shown.get(name, 0) + 1, len(hints))
    shown[name] = number
    path = _hints_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(shown, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return Hint(number, len(hints), hints[number - 1])
