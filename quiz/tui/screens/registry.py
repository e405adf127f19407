"""Every way into practice from the home screen, registered once.

An entry gives a name, its key and button on the home screen, its command-palette entry, and
what it opens: a quiz mode (planned by `RnnPrepApp.begin`) or a screen class, imported on first
use so start-up pays only for the home screen. The home bindings and buttons, the palette, the
command line's start names and `RnnPrepApp.open_screen` are all derived from ENTRIES: adding a
screen is one entry here (and its stylesheet). Screens never import each other to navigate; they
ask the app to open a registered name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from quiz.l10n import N_

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class Entry:
    """One way in. Texts are English msgids (marked `N_`), translated where they are shown.

    `screen` is (module, class) for a screen, None for a quiz mode named `name`.
    """

    name: str
    key: str
    button: str  # the home button's label; its [key] is shown as written, not read as markup
    footer: str  # the home footer's word for the key
    tooltip: str
    palette: str
    palette_help: str
    screen: tuple[str, str] | None = None
    button_shown: bool = True  # False: a key (named where it matters) and a palette entry only

    @property
    def is_quiz_mode(self) -> bool:
        return self.screen is None

    @property
    def binding(self) -> Binding:
        """The home screen's key for this entry."""
        action = f"go('{self.name}')"
        return Binding(
            self.key,
            action,
            self.footer,
            id=f"home.{self.name}",
            tooltip=self.tooltip,
            show=self.button_shown,
        )

    def build(self, **options: Any) -> Screen[Any]:
        """The screen, constructed with `options` (not for quiz modes)."""
        if self.screen is None:
            raise ValueError(f"{self.name} is a quiz mode, not a screen")
        module, cls = self.screen
        return getattr(importlib.import_module(module), cls)(**options)  # type: ignore[no-any-return]


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "quiz",
        "q",
        N_("Quiz [q]"),
        N_("Quiz"),
        N_("Due first, then new"),
        N_("Start quiz"),
        N_("Due questions first, then new ones"),
    ),
    Entry(
        "review",
        "r",
        N_("Review [r]"),
        N_("Review"),
        N_("Only due questions"),
        N_("Review due questions"),
        N_("Only what is due"),
    ),
    Entry(
        "practice",
        "p",
        N_("Practice [p]"),
        N_("Practice"),
        N_("Schedule untouched"),
        N_("Practice"),
        N_("Any questions; the schedule is left alone"),
    ),
    Entry(
        "exercises",
        "e",
        N_("Exercises [e]"),
        N_("Exercises"),
        N_("Coding"),
        N_("Exercises"),
        N_("Implement cells and grade them"),
        ("quiz.tui.screens.exercises", "ExercisesScreen"),
    ),
    Entry(
        "mock",
        "m",
        N_("Mock interview [m]"),
        N_("Mock"),
        N_("Timed mock interview"),
        N_("Mock interview"),
        N_("A timed interview with a report"),
        ("quiz.tui.screens.mock", "MockScreen"),
    ),
    Entry(
        "stats",
        "s",
        N_("Stats [s]"),
        N_("Stats"),
        N_("Progress and history"),
        N_("Stats"),
        N_("Mastery, history, forecast"),
        ("quiz.tui.screens.stats", "StatsScreen"),
    ),
    Entry(
        "lab",
        "l",
        N_("Gradient lab [l]"),
        N_("Lab"),
        N_("Watch gradients vanish or explode"),
        N_("Gradient lab"),
        N_("Per-step gradient norms of RNN, LSTM and GRU, plotted"),
        ("quiz.tui.screens.lab", "LabScreen"),
    ),
    Entry(
        "cheatsheet",
        "c",
        N_("Cheat sheet [c]"),
        N_("Sheet"),
        N_("Equations, torch vs Keras, formulas; a parameter calculator"),
        N_("Cheat sheet"),
        N_("Equations, formulas, shapes and a parameter calculator"),
        ("quiz.tui.screens.cheatsheet", "CheatSheetScreen"),
    ),
    Entry(
        "plan",
        "d",
        N_("Study plan [d]"),
        N_("Plan"),
        N_("Interview date, daily new questions, retention"),
        N_("Study plan"),
        N_("Set the interview date and the daily limits; see the load"),
        ("quiz.tui.screens.plan", "PlanScreen"),
        button_shown=False,
    ),
    Entry(
        "leeches",
        "k",
        N_("Leeches [k]"),
        N_("Leeches"),
        N_("Questions answered wrong again and again, and what helps"),
        N_("Leeches"),
        N_("Questions out of the rotation until you look at what helps"),
        ("quiz.tui.screens.leeches", "LeechScreen"),
        button_shown=False,
    ),
)
BY_NAME = {entry.name: entry for entry in ENTRIES}
QUIZ_MODES = tuple(entry.name for entry in ENTRIES if entry.is_quiz_mode)
SCREENS = tuple(entry.name for entry in ENTRIES if not entry.is_quiz_mode)


def entry(name: str) -> Entry:
    """The registered entry called `name`; a clear error for any other name."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no screen or quiz mode is registered as {name!r}") from None
