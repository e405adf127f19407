"""Shown while another program holds the progress file: wait, retry, never move the file."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from quiz.l10n import N_, _
from quiz.locations import db_path
from quiz.store import Store, StoreError, StoreLocked
from quiz.tui.screens.dialog import DialogBox, DialogScreen

RETRY_EVERY = 1.0  # seconds between attempts to open the file


class StoreWaitScreen(DialogScreen[Store | None]):
    """Retries in a worker until the file opens (dismissed with the store) or the learner quits
    (dismissed with None)."""

    BINDINGS = [
        Binding("q", "give_up", N_("Quit"), id="wait.quit", tooltip=N_("Stop waiting and quit")),
        Binding("escape", "give_up", N_("Quit"), show=False, id="wait.esc", tooltip=N_("Quit")),
    ]

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        self.attempts = 0

    def compose(self) -> ComposeResult:
        with DialogBox(classes="warning"):
            yield Static(_("Waiting for the progress file"), classes="title")
            yield Static(self.reason, id="wait-reason", markup=False)
            yield Static(id="wait-status", classes="muted")

    def on_mount(self) -> None:
        self._show_status()
        self.keep_trying()

    def _show_status(self) -> None:
        self.query_one("#wait-status", Static).update(
            _("Retrying every second (attempt {n}). Press q to quit.").format(n=self.attempts + 1)
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="store-wait")
    def keep_trying(self) -> Store | None:
        """The open store (the screen closes with it), or None when it can't be had at all."""
        worker = get_current_worker()
        from quiz.tui.app import STORE_WAIT

        while not worker.is_cancelled:
            try:
                return Store(db_path(), busy_timeout=STORE_WAIT)
            except StoreLocked:
                self.attempts += 1
                self.app.call_from_thread(self._show_status)
                time.sleep(RETRY_EVERY)
            except StoreError as exc:  # no longer merely busy: say why and stop trying
                self.app.call_from_thread(self.query_one("#wait-reason", Static).update, str(exc))
                return None
        return None

    @on(Worker.StateChanged)
    def _opened(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.dismiss(event.worker.result)

    def action_give_up(self) -> None:
        self.workers.cancel_group(self, "store-wait")
        self.dismiss(None)
