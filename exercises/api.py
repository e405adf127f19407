"""The grader as plain Python, for the TUI and the CLI: functions that return data and never print.

    >>> from exercises import api
    >>> store = Store(db_path())                  # the caller's one Store for the process
    >>> result = api.grade("lstm_cell", store=store)  # one-off: starts and ends a child process
    >>> with api.Grader(store=store) as grader:   # warm: one child, re-grades in milliseconds
    ...     grader.grade("lstm_cell")

Attempts are recorded in the Store the caller passes (the CLI opens one per process, the app
passes its own); exercises never decides where progress lives.
Errors: UsageError (unknown exercise, missing file, no CUDA), GraderError (the grader broke).
Nothing here imports torch; only the child process does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

from exercises import catalogue, report, workspace
from exercises.errors import UsageError
from exercises.results import GradeResult
from exercises.runner import DEFAULT_TIMEOUT, Grades, Job, Worker
from exercises.workspace import Hint, hints_shown, learner_file, next_hint, reset
from quiz.l10n import _
from quiz.store import Store

__all__ = [
    "ExerciseInfo",
    "GradeResult",
    "Grader",
    "Hint",
    "grade",
    "hints_shown",
    "learner_file",
    "list_exercises",
    "next_hint",
    "reset",
]

DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True)
class ExerciseInfo:
    """One catalogue entry and where the learner stands on it."""

    name: str
    title: str
    topics: list[str]  # the bank's topic ids it practises, the main one first
    track: Literal["torch", "numpy"]  # tensors in and out, or arrays (judged against torch)
    difficulty: int
    status: str  # "not started", "failing" or "passing"
    attempts: int
    last_attempt: datetime | None
    last_diagnosis: str | None
    file: Path


def list_exercises(store: Store) -> list[ExerciseInfo]:
    """Every exercise with the learner's standing, from the process's progress `store`."""
    standing = store.exercise_status()
    infos = []
    for exercise in catalogue.load_all():
        seen = standing.get(exercise.name)
        infos.append(
            ExerciseInfo(
                name=exercise.name,
                title=exercise.title(),
                topics=list(exercise.spec.topics),
                track=exercise.spec.track,
                difficulty=exercise.spec.difficulty,
                status=seen.status if seen else "not started",
                attempts=seen.attempts if seen else 0,
                last_attempt=seen.last_attempt if seen else None,
                last_diagnosis=seen.last_diagnosis if seen else None,
                file=workspace.learner_path(exercise.name),
            )
        )
    return infos


def new_seed() -> int:
    return secrets.randbelow(100_000)


class Grader:
    """Grades through one child process kept warm between requests (a fresh one after a crash).

    One grading at a time: from several threads, serialise the calls or give each its own Grader.
    Pass `worker` to reuse one already started (the CLI starts it before importing this module)
    and `store`, the process's progress store, where attempts are recorded (None: nothing is,
    as `grade --no-record` asks).
    """

    def __init__(self, store: Store | None, worker: Grades | None = None) -> None:
        self._worker: Grades = worker or Worker()
        self._store = store
        self._graded: dict[tuple[str, Path], str] = {}  # digest of the content last graded

    def __enter__(self) -> Grader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the child now (it takes torch's import time) instead of at the first grade."""
        self._worker.start()

    def close(self) -> None:
        self._worker.close()

    def grade(
        self,
        name: str,
        file: str | Path | None = None,
        device: str = "cpu",
        seed: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        record: bool = True,
    ) -> GradeResult:
        """Grade `file` (default: the learner's file, created from the starter if missing).

        `record` adds the attempt to the progress store, when it is one: an attempt is a
        grading of changed content. A file graded again as this Grader last graded it (an
        editor's save without changes, a second watch event), or holding the starter once the
        exercise has attempts (a reset), is graded but not recorded; `result.recorded` says
        which.
        """
        if device not in DEVICES:
            raise UsageError(
                _("device must be one of {devices}, not {device}").format(
                    devices=", ".join(DEVICES), device=repr(device)
                )
            )
        if timeout <= 0:
            raise UsageError(_("the time limit must be positive"))
        if seed is not None and not 0 <= seed < 2**32:
            raise UsageError(_("the seed must be a whole number from 0 to 2**32 - 1"))
        catalogue.check_name(name)
        path = Path(file).expanduser() if file is not None else learner_file(name)
        if not path.is_file():
            raise UsageError(_("There is no file {path}.").format(path=path))
        seed = new_seed() if seed is None else seed
        exercise = catalogue.load(name)
        digest = _digest(path)
        job = Job(exercise, path.resolve(), device, seed, timeout)
        result = self._worker.grade(job)
        result.replay = report.replay_command(
            name, seed=seed, device=device, file=None if file is None else path
        )
        key = (name, job.file)
        unchanged = self._graded.get(key) == digest
        self._graded[key] = digest
        store = self._store
        if record and not unchanged and store is not None:
            reset = digest == _digest(exercise.starter) and name in store.exercise_status()
            if not reset:
                store.record_exercise_attempt(
                    name,
                    passed=result.passed,
                    diagnosis=result.diagnosis.id if result.diagnosis else None,
                    device=result.device,
                    seed=seed,
                )
                result.recorded = True
        return result


def _digest(path: Path) -> str:
    """The file's content in short; a file gone mid-save digests as empty."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def grade(
    name: str,
    file: str | Path | None = None,
    device: str = "cpu",
    seed: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    record: bool = True,
    *,
    store: Store,
) -> GradeResult:
    """Grade one exercise in a fresh child process; see Grader.grade."""
    with Grader(store) as grader:
        return grader.grade(name, file, device, seed, timeout, record)
