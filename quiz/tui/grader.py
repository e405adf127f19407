"""The app's warm grading process: one child with torch imported, shared by every grading.

The first grading pays for torch's import (seconds); later ones reuse the child and answer in
milliseconds. The app owns one WarmGrader (RnnPrepApp.grader) for its whole life and closes it
on exit. Gradings run in thread workers, so calls are serialised here: exercises.api.Grader
serves one grading at a time.
"""

from __future__ import annotations

import logging
import threading

from exercises import api
from exercises.errors import GraderError, UsageError
from quiz.store import Store

log = logging.getLogger(__name__)


class WarmGrader:
    """A thread-safe exercises.api.Grader that is started early and closed exactly once."""

    def __init__(self, store: Store) -> None:
        self._grader = api.Grader(store)
        self._lock = threading.Lock()
        self._closed = False
        self.warm = False  # True once a grading came back: the child has torch imported

    def start(self) -> None:
        """Spawn the child now, so torch imports while the learner reads the task."""
        with self._lock:
            if not self._closed:
                self._grader.start()

    def grade(self, name: str) -> api.GradeResult:
        """Grade the learner's file for `name` and record the attempt; waits for a grading that
        is already running. Raises UsageError or GraderError as exercises.api does."""
        try:
            with self._lock:
                if self._closed:
                    raise GraderError("the app is closing")
                result = self._grader.grade(name)
                self.warm = True
                return result
        except (UsageError, GraderError) as exc:  # shown on the screen; kept for bug reports
            log.warning("grading %s could not run: %s", name, exc)
            raise
        finally:
            if self._closed:  # close() came while this grading ran: finish its job
                self._close_if_idle()

    def close(self) -> None:
        """End the child now or, mid-grading, as soon as that grading returns.

        Never blocks the caller (the UI thread, as the app exits): a grading in progress ends
        within its time limit, and its own thread then closes the child.
        """
        self._closed = True
        self._close_if_idle()

    def _close_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                self._grader.close()
            finally:
                self._lock.release()
