"""Started by bench_app.py: open the real app headless, report once the home screen is filled.

Prints one JSON line: peak resident memory, whether torch was imported, and the question count.
Only the standard library is added, so the probe does not slow what it measures.
"""

import json
import resource
import sys

from textual import on

from quiz.tui.app import RnnPrepApp
from quiz.tui.messages import BankLoaded
from quiz.tui.screens.home import HomeScreen


class ProbeApp(RnnPrepApp):
    # Checked after each refresh once the bank is in, not on a timer: a timer waking the UI
    # thread every few ms would slow the bank's loading thread (they share the GIL).
    @on(BankLoaded)
    def _probe_bank_loaded(self) -> None:
        self.call_after_refresh(self._check)

    def _check(self) -> None:
        screen = self.screen
        if not isinstance(screen, HomeScreen) or not screen.query_one("#topics").row_count:
            self.call_after_refresh(self._check)
            return
        report = {
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "torch_imported": "torch" in sys.modules,
            "questions": len(self.bank.questions),
        }
        print(json.dumps(report), flush=True)
        self.exit()


ProbeApp().run(headless=True)
