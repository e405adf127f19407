"""Where rnnprep keeps things: every path the app uses is looked up here, and only here.

Shipped content (banks, interview scripts, links, sources, glossary, exercises) lives in
packages and is found with importlib.resources, so a checkout (editable install, or `python -m
quiz` run from it) and an installed wheel resolve it the same way:
  - `rnnprep_data`: the checkout's top-level data/ folder, which pyproject.toml maps to that
    package name in the wheel (a bare `data` would be too generic a name in site-packages);
  - `exercises`: the exercise folders beside the grader's code.
Styles and interface catalogues sit inside the `quiz` package (quiz.tui, quiz.l10n).

What the user owns stays under platformdirs. `RNNPREP_HOME` (or `--data-dir`, which sets it)
moves all of it, so tests and child processes such as the grader agree on one place.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import tempfile
from functools import cache
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

from quiz.l10n import _

HOME_ENV = "RNNPREP_HOME"
# Another folder of exercise folders in place of the shipped one: for exercise authors trying a
# new exercise outside the checkout, and tests that add one to a temporary copy.
EXERCISES_ENV = "RNNPREP_EXERCISES"
DATA_PACKAGE = "rnnprep_data"  # data/ in the checkout; see pyproject.toml [tool.setuptools]
EXERCISES_PACKAGE = "exercises"
# The folder above the `quiz` package: a checkout's root, or site-packages in an installed wheel.
# Only for developer tools that need a checkout (see checkout_dir); never for shipped content.
REPO_ROOT = Path(__file__).resolve().parent.parent


@cache
def _package_dir(package: str) -> Path:
    """The folder of a shipped package, as importlib.resources finds it."""
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError:
        # A checkout run without installing it (`python -m quiz` with nothing but the checkout
        # on sys.path) has no `rnnprep_data` package: only then is data/ taken from beside the code.
        if package == DATA_PACKAGE and (REPO_ROOT / "data" / "__init__.py").is_file():
            return REPO_ROOT / "data"
        raise
    if not isinstance(root, Path):  # a zip import: the banks' cache and globbing need real files
        raise RuntimeError(f"rnnprep must be installed as files, not zipped: {root}")
    return root


def checkout_dir() -> Path | None:
    """The source checkout the code runs from, or None in an installed wheel. Only developer
    tools (the catalogue dev check, the interface-catalogue build) need one."""
    return REPO_ROOT if (REPO_ROOT / "pyproject.toml").is_file() else None


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


def grader_socket() -> Path:
    """Where the warm grading server listens: in the data folder, or, where that path is too
    long for a Unix socket (about 100 bytes), in a private folder (0700) of the system's
    temporary one, named after the data folder so each data folder keeps its own server."""
    path = data_dir().resolve() / "grader.sock"
    if len(os.fsencode(path)) < 100:
        return path
    private = Path(tempfile.gettempdir()) / f"rnnprep-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    if private.stat().st_uid != os.getuid() or private.stat().st_mode & 0o077:
        raise OSError(f"{private} is not a private folder of this user")
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:16]
    return private / f"{digest}.sock"


def reports_dir() -> Path:
    """Saved mock-interview reports."""
    path = data_dir() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shipped_data_dir() -> Path:
    """The shipped content folder (data/ in a checkout, the rnnprep_data package in a wheel)."""
    return _package_dir(DATA_PACKAGE)


def questions_dir() -> Path:
    """The shipped question banks."""
    return shipped_data_dir() / "questions"


def sources_path() -> Path:
    """The table of sources questions cite by id."""
    return shipped_data_dir() / "sources.yaml"


def interviews_dir() -> Path:
    """The shipped mock-interview scripts."""
    return shipped_data_dir() / "interviews"


def links_path() -> Path:
    """data/links.yaml: grader diagnoses -> the questions that drill them."""
    return shipped_data_dir() / "links.yaml"


def glossary_path() -> Path:
    """data/glossary.yaml: one Taiwan term per concept, for the Chinese text checks."""
    return shipped_data_dir() / "glossary.yaml"


def exercises_dir() -> Path:
    """The coding exercises (one folder each): shipped, or $RNNPREP_EXERCISES when set."""
    override = os.environ.get(EXERCISES_ENV)
    return Path(override).expanduser() if override else _package_dir(EXERCISES_PACKAGE)


def solution_fixtures_dir() -> Path | None:
    """tests/fixtures/solutions in a checkout (the dev check's mistake files); None in a wheel."""
    root = checkout_dir()
    return root / "tests" / "fixtures" / "solutions" if root else None
