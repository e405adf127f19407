"""The mock interview's start: level, length and script, and the interviews sat so far."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quiz.bank import BankProblem
from quiz.interview.run import InterviewRun
from quiz.interview.scripts import LENGTHS, LEVELS, Script, choose_script, load_scripts
from quiz.l10n import N_, _
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.screens.mock_interview import InterviewScreen
from quiz.tui.widgets.fitted_table import Column, FittedTable

LEVEL_NAMES = {"junior": N_("junior"), "senior": N_("senior")}


def level_name(level: str) -> str:
    return _(LEVEL_NAMES.get(level, level))


@dataclass
class ScriptsLoaded(Message):
    """The interview scripts finished loading (off the UI thread)."""

    scripts: list[Script]
    problems: list[BankProblem]


class MockScreen(Localized, Screen[None]):
    """The start: level, length and script, and the interviews sat so far."""

    SUB_TITLE = N_("Mock interview")
    CSS_PATH = STYLES / "mock.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding(
            "l",
            "toggle_level",
            N_("Level"),
            id="mock.level",
            tooltip=N_("Junior or senior scripts"),
        ),
        Binding(
            "t", "toggle_length", N_("Length"), id="mock.length", tooltip=N_("30 or 45 minutes")
        ),
        Binding("escape", "app.pop_screen", N_("Home"), id="mock.home", tooltip=N_("Back to home")),
    ]

    def __init__(
        self,
        minutes: int = 30,
        level: str = "junior",
        script: str | None = None,
        report_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.minutes = minutes
        self.level = level
        self.wanted = script
        self.report_path = report_path
        self.scripts: list[Script] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="mock-start"):
            yield Static(id="mock-setup")
            yield Static(
                _("Scripts: enter starts the highlighted one; the clock starts with it."),
                classes="muted",
            )
            yield OptionList(id="mock-scripts")
            yield Static(_("Past interviews"), classes="muted")
            table = FittedTable(id="mock-past", cursor_type="row", zebra_stripes=True)
            table.set_columns(
                [
                    Column("date", _("Date")),
                    Column("script", _("Script"), shrink=12),
                    Column("level", _("Level"), priority=1),
                    Column("score", _("Score")),
                    Column("report", _("Report"), priority=2),
                ]
            )
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mock-scripts", OptionList).loading = True
        self.load()
        self.refresh_past()

    def on_screen_resume(self) -> None:
        self.refresh_past()

    @work(thread=True, exclusive=True, group="mock-scripts", exit_on_error=False)
    def load(self) -> None:
        """Validating the scripts reads every file and the exercise catalogue: off the UI."""
        self.post_message(ScriptsLoaded(*load_scripts(bank=self.rnn.loaded_bank)))

    @on(ScriptsLoaded)
    def _loaded(self, message: ScriptsLoaded) -> None:
        self.scripts = message.scripts
        files = sorted({p.file.name for p in message.problems})
        if files:
            self.notify(
                _("Some interview scripts were left out; fix {files}.").format(
                    files=", ".join(files)
                ),
                title=_("Interview script problems"),
                severity="warning",
                timeout=15,
            )
        if self.wanted is not None:
            chosen = next((s for s in self.scripts if s.id == self.wanted), None)
            if chosen is None:
                self.notify(
                    _("There is no interview script {name}.").format(name=repr(self.wanted)),
                    severity="warning",
                )
                self.wanted = None
            else:
                self.level = chosen.level
        self.query_one("#mock-scripts", OptionList).loading = False
        self.fill_scripts()
        self.refresh_past()  # now with the scripts' titles

    def fill_scripts(self) -> None:
        """The scripts of the chosen level, the suggested (or asked-for) one highlighted."""
        lang, bank = self.rnn.lang, self.rnn.loaded_bank
        shown = [s for s in self.scripts if s.level == self.level]
        suggested = choose_script(shown, self.level, self.minutes, self.rnn.store.interviews())
        listing = self.query_one("#mock-scripts", OptionList)
        listing.clear_options()
        for script in shown:
            topics = ("、" if lang.startswith("zh") else ", ").join(
                bank.topics[t].title.get(lang) if t in bank.topics else t for t in script.topics
            )
            mark = _("  ★ suggested") if script is suggested else ""
            label = Text.assemble(
                (script.title.get(lang), "bold"),
                _("  ({minutes} min)").format(minutes=self.minutes) + f"{mark}\n",
                (topics, "dim"),
            )
            listing.add_option(Option(label, id=script.id))
        ids = [s.id for s in shown]
        target = self.wanted or (suggested.id if suggested else None)
        if target in ids:
            listing.highlighted = ids.index(target)
        listing.focus()
        report = _(" · report to {path}").format(path=self.report_path) if self.report_path else ""
        setup = _("Level [b]{level}[/b] (l) · length [b]{minutes} min[/b] (t)").format(
            level=level_name(self.level), minutes=self.minutes
        )
        self.query_one("#mock-setup", Static).update(setup + report)

    def refresh_past(self) -> None:
        titles = {s.id: s.title.get(self.rnn.lang) for s in self.scripts}
        self.query_one("#mock-past", FittedTable).set_rows(
            (
                str(past.id),
                {
                    "date": f"{past.started_at.astimezone():%Y-%m-%d %H:%M}",
                    "script": titles.get(past.script, past.script),
                    "level": level_name(past.level),
                    "score": _("unfinished") if past.score is None else f"{past.score:.0%}",
                    "report": past.report_path or "",
                },
            )
            for past in reversed(self.rnn.store.interviews())
        )

    def action_toggle_level(self) -> None:
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.wanted = None
        self.fill_scripts()

    def action_toggle_length(self) -> None:
        self.minutes = LENGTHS[(LENGTHS.index(self.minutes) + 1) % len(LENGTHS)]
        self.fill_scripts()

    @on(OptionList.OptionSelected, "#mock-scripts")
    def _start(self, event: OptionList.OptionSelected) -> None:
        script = next(s for s in self.scripts if s.id == event.option.id)
        app = self.rnn
        run = InterviewRun(
            script,
            app.loaded_bank,
            app.store,
            minutes=self.minutes,
            lang=app.lang,
            rng=app.rng,
            study=app.study,
        )
        self.wanted = None
        app.push_screen(InterviewScreen(run, self.report_path))
