"""Started by bench_app.py: open the real app headless, report once the home screen is filled.

Prints one JSON line: peak resident memory, whether torch was imported, and the question count.
Only the standard library is added, so the probe does not slow what it measures.
"""

import json
import resource
import sys

from quiz.tui.app import RnnPrepApp
from quiz.tui.screens.home import HomeScreen


class ProbeApp(RnnPrepApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(0.002, self._check)

    def _check(self) -> None:
        screen = self.screen
        if self.bank is None or not isinstance(screen, HomeScreen):
            return
        if not screen.query_one("#topics").row_count:
            return
        report = {
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "torch_imported": "torch" in sys.modules,
            "questions": len(self.bank.questions),
        }
        print(json.dumps(report), flush=True)
        self.exit()


ProbeApp().run(headless=True)
