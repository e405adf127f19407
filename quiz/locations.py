"""Where rnnprep keeps things: shipped content beside the code, progress in the user's data dir.

`RNNPREP_HOME` (or `--data-dir`, which sets it) moves everything the user owns, so tests and child
processes such as the grader agree on one place.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

from quiz.l10n import _

HOME_ENV = "RNNPREP_HOME"
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The user's rnnprep folder, created on first use."""
    override = os.environ.get(HOME_ENV)
    path = Path(override).expanduser() if override else user_data_path("rnnprep", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir_problem(flag: str | None = None) -> str | None:
    """Why the data folder (`--data-dir`, else $RNNPREP_HOME, else the default) can't be used,
    in one line, or None. A missing folder is fine when its parent exists (it is made on first
    use); a missing parent is more likely an unmounted drive than something to create."""
    raw = flag or os.environ.get(HOME_ENV)
    if not raw:
        return None
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        return _("{path} is a file, not a folder: choose a folder for --data-dir / {env}").format(
            path=path, env=HOME_ENV
        )
    if not path.exists() and not path.parent.is_dir():
        return _("{parent} does not exist (is the drive mounted?); cannot use {path}").format(
            parent=path.parent, path=path
        )
    if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
        return _("{path} cannot be read: check its permissions").format(path=path)
    return None


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


def sources_path() -> Path:
    """The table of sources questions cite by id."""
    return REPO_ROOT / "data" / "sources.yaml"


def interviews_dir() -> Path:
    """The shipped mock-interview scripts."""
    return REPO_ROOT / "data" / "interviews"


def exercises_dir() -> Path:
    """The shipped coding exercises (one folder each)."""
    return REPO_ROOT / "exercises"
