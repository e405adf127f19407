"""The log file: `rnnprep.log` in the data folder, rotating, set up once by the CLI.

Problems the app shows the learner (a worker that failed, store conditions, bank problems, a
grading that could not run) are written here too, with tracebacks, for bug reports
(`rnnprep doctor` prints where it is). The `quiz` and `exercises` loggers write to it at the level
of `rnnprep --log-level` (WARNING unless asked). Setting up costs one file open; a data folder
that can't be written (read-only, say) leaves logging quietly off, never an error.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE = "rnnprep.log"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LEVEL = "WARNING"
MAX_BYTES = 1024 * 1024  # per file; with BACKUPS old files at most 4 MiB in all
BACKUPS = 3
LOGGERS = ("quiz", "exercises")  # the project's packages: third-party chatter stays out
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"

_installed: list[logging.Handler] = []
_path: Path | None = None


def _file_handler(path: Path) -> logging.Handler:
    """A rotating file handler whose failed writes (the disk filled, the folder went read-only)
    are dropped, not printed over the full-screen app. logging.handlers is imported here, not at
    start: `rnnprep --help` need not pay for it."""
    from logging.handlers import RotatingFileHandler

    class Quiet(RotatingFileHandler):
        def handleError(self, record: logging.LogRecord) -> None:
            pass

    return Quiet(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")


def log_path(folder: Path) -> Path:
    return folder / LOG_FILE


def setup(folder: Path, level: str = DEFAULT_LEVEL) -> Path | None:
    """Send the project's log records at `level` and above to `folder`/rnnprep.log.

    Returns the file, or None when it can't be opened (the records are then dropped). Calling it
    again replaces the earlier set-up (tests, a second `main()` in one process).
    """
    global _path
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; choose from {', '.join(LEVELS)}")
    teardown()
    path = log_path(folder)
    handler: logging.Handler
    opened: Path | None = path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = _file_handler(path)
    except OSError:
        handler, opened = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter(FORMAT))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
    _installed.append(handler)
    _path = opened
    return opened


def teardown() -> None:
    """Remove what `setup` installed and close the file."""
    global _path
    for handler in _installed:
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(handler)
        handler.close()
    _installed.clear()
    _path = None


def current_log_file() -> Path | None:
    """The file records go to in this process, or None when no log file is set up."""
    return _path
