"""Mock interview screens: pick a script, sit it against the clock, read the report.

MockScreen lists the scripts of a level and the past interviews; starting one pushes
InterviewScreen, which asks each step with the quiz's own answer widgets, grades the coding step
in a worker thread while the clock keeps running, and switches to MockReportScreen at the end.
Popping the report comes back to MockScreen, where the new score is listed. Every id here starts
with `mock-`: screen stylesheets are global once loaded, and the quiz's own ids must not match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from quiz.bank import BankProblem
from quiz.engine import AnswerError, FreeAnswer
from quiz.interview.report import to_markdown
from quiz.interview.run import Ending, InterviewRun, StepRecord
from quiz.interview.scripts import LENGTHS, LEVELS, Script, choose_script, load_scripts
from quiz.l10n import N_, _
from quiz.questions import Free
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.messages import AnswerGiven
from quiz.tui.widgets.answers import answer_widget, how_line, mount_question
from quiz.tui.widgets.fitted_table import Column, FittedTable
from quiz.tui.widgets.grading import (
    Graded,
    GradingFailed,
    GradingPanel,
    grade_off_thread,
    prewarm,
    short_path,
)
from quiz.tui.widgets.pinned import PinnedScroll

LOW_TIME_S = 5 * 60  # the clock turns red with this little left
LEVEL_NAMES = {"junior": N_("junior"), "senior": N_("senior")}


def level_name(level: str) -> str:
    return _(LEVEL_NAMES.get(level, level))


@dataclass
class ScriptsLoaded(Message):
    """The interview scripts finished loading (off the UI thread)."""

    scripts: list[Script]
    problems: list[BankProblem]


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class MockScreen(Localized, Screen):
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
            script, app.loaded_bank, app.store, minutes=self.minutes, lang=app.lang, rng=app.rng
        )
        self.wanted = None
        app.push_screen(InterviewScreen(run, self.report_path))


class Verdict(Static, can_focus=True):
    """How the answer went, briefly; focused so its keys never clash with the answer's."""

    BINDINGS = [
        Binding("enter", "screen.next", N_("Next"), id="mock.next", tooltip=N_("Next question")),
        Binding(
            "n", "screen.next", N_("Next"), show=False, id="mock.n", tooltip=N_("Next question")
        ),
    ]

    def show(self, record: StepRecord) -> None:
        assert record.outcome is not None and record.posed is not None
        text = Text()
        if record.right:
            text.append(_("✓ Right"), style="bold green")
        else:
            text.append(_("✗ Not quite"), style="bold red")
        question = record.posed.question
        if isinstance(question, Free):
            assert isinstance(record.outcome.response, FreeAnswer)
            covered = len(record.outcome.response.covered)
            text.append(
                _("  ({covered} of {total} key points)").format(
                    covered=covered, total=len(question.key_points)
                )
            )
        else:
            text.append("\n\n" + _("Answer: "), style="bold")
            text.append(record.outcome.expected)
        text.append("\n\n" + _("The report explains every answer.  enter: next"), style="dim")
        self.update(text)


class CodingPanel(VerticalScroll):
    """The coding step: the learner's file, the grader's verdict (in the exercises screen's own
    panel) and the task."""

    BINDINGS = [
        Binding("g", "screen.grade", N_("Grade"), id="mock.grade", tooltip=N_("Grade your file")),
        Binding(
            "n",
            "screen.next",
            N_("Move on"),
            id="mock.coding-next",
            tooltip=N_("Next step; code that has not passed scores 0"),
        ),
    ]

    def __init__(self, exercise: str) -> None:
        super().__init__(id="mock-coding")
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        from exercises import api, catalogue

        path = api.learner_file(self.exercise)
        yield Static(
            _(
                "Your file: {path}\nEdit it in your editor, save, then press g to grade it here."
            ).format(path=short_path(path)),
            id="mock-file",
            markup=False,
        )
        yield GradingPanel(id="mock-results")
        readme = catalogue.load(self.exercise).readme
        yield Markdown(readme.read_text(encoding="utf-8"), id="mock-readme")


class InterviewScreen(Localized, Screen):
    """The interview itself: the clock, the interviewer's line, the question, the answer."""

    SUB_TITLE = N_("Mock interview")
    CSS_PATH = STYLES / "mock.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("p", "pause", N_("Pause"), id="mock.pause", tooltip=N_("Stop the clock")),
        Binding("e", "end", N_("End"), id="mock.end", tooltip=N_("End early (asks first)")),
        Binding(
            "escape",
            "end",
            N_("Pause/end"),
            id="mock.escape",
            tooltip=N_("Stop the clock and offer to end; works while typing"),
        ),
        Binding(
            "ctrl+n", "skip", N_("Skip"), id="mock.skip", tooltip=N_("Skip this step; it scores 0")
        ),
    ]

    def __init__(self, run: InterviewRun, report_path: Path | None = None) -> None:
        super().__init__()
        self.run = run
        self.report_path = report_path
        self.grading = False
        self.ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="mock-clock")
        with PinnedScroll(id="mock-stage"):
            yield Static(id="mock-interviewer", markup=False)
            yield Static(id="mock-prompt", markup=False)
            yield Static(id="mock-how", classes="muted")
            yield Vertical(id="mock-answer")
            yield Verdict(id="mock-verdict", classes="panel")
        yield Footer()

    async def on_mount(self) -> None:
        self.ticker = self.set_interval(1.0, self.tick)
        await self.show_step()

    def tick(self) -> None:
        """Once a second: the clock, and the end when time is up (once this screen is on top
        again, if the command palette covers it, so the report replaces the interview)."""
        if self.run.ending is None and self.run.time_up and self.is_current:
            self.finish("time up")
            return
        clock = self.query_one("#mock-clock", Static)
        left = self.run.remaining()
        record = self.run.current
        where = _("step {number}").format(number=record.number) if record else _("done")
        left_text = _("⏱ {clock} left").format(clock=_clock(left))
        state = _("⏸ paused") if self.run.paused else left_text
        clock.update(f"{state} · {self.run.script.title.get(self.run.lang)} · {where}")
        clock.set_class(left < LOW_TIME_S, "low")

    async def show_step(self) -> None:
        record = self.run.current
        assert record is not None
        lang = self.run.lang
        self.query_one("#mock-interviewer", Static).update(self.run.lead_in())
        verdict = self.query_one(Verdict)
        verdict.display = False
        stage = self.query_one("#mock-stage", PinnedScroll)
        stage.unpin()
        stage.scroll_home(animate=False)  # a new step starts with the interviewer's line
        if record.posed is None:
            name = record.step.exercise or ""
            self.query_one("#mock-prompt", Static).update(
                _("Implement {name}: one step of the cell, exactly as PyTorch computes it.").format(
                    name=name
                )
            )
            self.query_one("#mock-how", Static).update(_("g grades your file; n moves on."))
            widget: Widget = CodingPanel(name)
            prewarm(self, self.rnn.grader)
        else:
            self.query_one("#mock-prompt", Static).update(record.posed.prompt(lang))
            self.query_one("#mock-how", Static).update(how_line(record.posed.question))
            widget = answer_widget(record.posed, lang)
        await mount_question(self.query_one("#mock-answer", Vertical), widget)
        self.tick()

    @on(AnswerGiven)
    def _answer_given(self, message: AnswerGiven) -> None:
        record = self.run.current
        if record is None or record.done or record.posed is None:
            return
        try:
            self.run.submit(message.response)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.query_one("#mock-answer").disabled = True
        verdict = self.query_one(Verdict)
        verdict.show(record)
        verdict.display = True
        verdict.focus(scroll_visible=False)
        # once laid out (it was hidden until now), the stage scrolls so the verdict shows whole
        self.query_one("#mock-stage", PinnedScroll).pin(verdict)

    def action_grade(self) -> None:
        record = self.run.current
        if record is None or record.posed is not None:
            return
        if record.done:
            self.notify(_("That passed already; press n for the next step."))
            return
        if self.grading:
            self.notify(_("Still grading…"))
            return
        self.grading = True
        name = record.step.exercise or ""
        grader = self.rnn.grader
        self.query_one(GradingPanel).show_grading(name, cold=not grader.warm)
        self._bring_results_into_view()
        grade_off_thread(self, name, grader)

    def _bring_results_into_view(self) -> None:
        """Scroll the stage so the grading panel starts at its top, once laid out."""
        self.query_one("#mock-stage", PinnedScroll).pin(self.query_one(GradingPanel), top=True)

    @on(Graded)
    def _graded(self, message: Graded) -> None:
        self.grading = False
        record = self.run.current
        if record is None or record.posed is not None or record.done:
            return  # the interview moved on while the grader ran
        self.run.submit(message.result)
        self.query_one(GradingPanel).show_result(message.result)
        self._bring_results_into_view()

    @on(GradingFailed)
    def _grading_failed(self, message: GradingFailed) -> None:
        self.grading = False
        for panel in self.query(GradingPanel):
            panel.show_text(Text(_("Could not grade: {reason}").format(reason=message.reason)))

    async def action_next(self) -> None:
        if self.run.ending is not None:
            return
        if self.run.next() is None:
            self.finish("completed")
        else:
            await self.show_step()

    async def action_skip(self) -> None:
        record = self.run.current
        if record is not None and not record.done:
            await self.action_next()

    def action_pause(self) -> None:
        self._hold(ending=False)

    def action_end(self) -> None:
        self._hold(ending=True)

    def _hold(self, ending: bool) -> None:
        """Stop the clock under a dialog that resumes or ends."""
        if self.run.ending is not None:
            return
        self.run.pause()
        self.tick()

        def after(end: bool | None) -> None:
            if end:
                self.finish("ended early")
            else:
                self.run.resume()
                self.tick()

        self.app.push_screen(PauseScreen(ending), after)

    def finish(self, ending: Ending) -> None:
        """Save the report (to the default place if the asked-for path fails) and show it."""
        if self.ticker is not None:
            self.ticker.stop()
        self.run.end(ending)
        try:
            report, path = self.run.finish(self.report_path)
        except OSError as exc:
            self.notify(
                _("Could not write {path}: {error}").format(path=self.report_path, error=exc),
                severity="error",
            )
            report, path = self.run.finish()
        self.app.switch_screen(MockReportScreen(to_markdown(report), path))


class PauseScreen(Localized, ModalScreen[bool]):
    """The clock is stopped while this is up; the interview is hidden behind it."""

    CSS_PATH = STYLES / "mock.tcss"
    BINDINGS = [
        Binding(  # the footer shows the first key: the same keys the box names first
            "e,y",
            "dismiss(True)",
            N_("End now"),
            id="mock.confirm-end",
            tooltip=N_("See the report"),
        ),
        Binding(
            "p,escape,n,r",
            "dismiss(False)",
            N_("Resume"),
            id="mock.resume",
            tooltip=N_("Carry on"),
        ),
    ]

    def __init__(self, ending: bool) -> None:
        super().__init__()
        self.ending = ending

    def compose(self) -> ComposeResult:
        if self.ending:
            text = _(
                "[b]End the interview now?[/b]\n\nThe clock is stopped.\n\n"
                "e / y: end and see the report · p / n / escape: carry on"
            )
        else:
            text = _(
                "[b]Paused[/b]: the clock is stopped.\n\n"
                "p / escape: resume · e: end the interview now"
            )
        with Vertical(id="mock-pause", classes="panel"):
            yield Static(text)
        yield Footer()


class MockReportScreen(Localized, Screen):
    """The report as saved, rendered; back returns to the mock interview list."""

    SUB_TITLE = N_("Mock interview report")
    CSS_PATH = STYLES / "mock.tcss"
    BINDINGS = [
        Binding(
            "escape", "app.pop_screen", N_("Back"), id="mock.back", tooltip=N_("Interview list")
        ),
        Binding(
            "enter",
            "app.pop_screen",
            N_("Back"),
            show=False,
            id="mock.back-enter",
            tooltip=N_("Interview list"),
        ),
    ]

    def __init__(self, markdown: str, path: Path) -> None:
        super().__init__()
        self.markdown = markdown
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="mock-report"):
            yield Static(
                _("Saved to {path}").format(path=self.path),
                id="mock-saved",
                classes="muted",
                markup=False,
            )
            yield Markdown(self.markdown, id="mock-report-text")
        yield Footer()
