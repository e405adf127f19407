"""Where rnnprep keeps things: shipped content beside the code, progress in the user's data dir.

`RNNPREP_HOME` (or `--data-dir`, which sets it) moves everything the user owns, so tests and child
processes such as the grader agree on one place.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

HOME_ENV = "RNNPREP_HOME"
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The user's rnnprep folder, created on first use."""
    override = os.environ.get(HOME_ENV)
    path = Path(override).expanduser() if override else user_data_path("rnnprep", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Derived files that may be deleted at any time (parsed banks); made by whoever writes
    there first, since a read-only data folder must still work without it."""
    override = os.environ.get(HOME_ENV)
    return Path(override) / "cache" if override else user_cache_path("rnnprep", appauthor=False)


def db_path() -> Path:
    """The SQLite progress file."""
    return data_dir() / "progress.sqlite3"


def workspace_dir() -> Path:
    """Learners' exercise files, copied from the starters on first use."""
    path = data_dir() / "workspace"
    path.mkdir(parents=True, exist_ok=True)
    return path


def reports_dir() -> Path:
    """Saved mock-interview reports."""
    path = data_dir() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def questions_dir() -> Path:
    """The shipped question banks."""
    return REPO_ROOT / "data" / "questions"


def interviews_dir() -> Path:
    """The shipped mock-interview scripts."""
    return REPO_ROOT / "data" / "interviews"


def exercises_dir() -> Path:
    """The shipped coding exercises (one folder each)."""
    return REPO_ROOT / "exercises"
