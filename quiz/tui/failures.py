"""Errors shown, logged and survived: the app's one handler for workers that fail.

Every worker in the app runs with `exit_on_error=False`, so a worker that raises (a malformed
exercise.yaml read by the exercises screen, say) does not end the app. Textual tells only the
node that ran a worker how it ended, and that is mostly a screen; ReportingWorkers passes every
failure on to the app as well, where FailureReportingApp's Worker.StateChanged handler notifies
the learner with the error (which names the file) and logs it with its traceback (quiz.logs).
Screens need no failure handler of their own; one may still tidy its own widgets.
"""

from __future__ import annotations

import logging
from typing import Any

from textual import on
from textual.app import App
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

from quiz.l10n import _
from quiz.logs import current_log_file

log = logging.getLogger(__name__)


class ReportingWorkers(WorkerManager):
    """Textual's worker manager, also posting each failed worker's state change to the app.

    Relies on Textual calling `_remove_worker` when a worker ends (tests/test_worker_errors.py
    fails if a Textual upgrade changes that).
    """

    def _remove_worker(self, worker: Worker[Any]) -> None:
        super()._remove_worker(worker)
        if worker.state == WorkerState.ERROR and worker.node is not self._app:
            self._app.post_message(Worker.StateChanged(worker, WorkerState.ERROR))


class FailureReportingApp(App[int]):
    """An App whose failed workers, its own and its screens', are reported and survived."""

    def __init__(self) -> None:
        super().__init__()
        self._workers = ReportingWorkers(self)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        worker, error = event.worker, event.worker.error
        log.error(
            "%s worker %r (group %r) failed",
            type(worker.node).__name__,
            worker.name,
            worker.group,
            exc_info=(type(error), error, error.__traceback__),
        )
        where = current_log_file()
        details = _(" Details are in {file}.").format(file=where) if where else ""
        # The error names what failed (a CatalogueError starts with the exercise.yaml's path).
        self.notify(
            (str(error) or type(error).__name__) + details,
            title=_("Something went wrong"),
            severity="error",
            timeout=30,
        )
