"""The interview itself: the clock, the interviewer's line, each step, the coding step's grading."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Markdown, Static

from quiz.engine import AnswerError, FreeAnswer
from quiz.interview.report import to_markdown
from quiz.interview.run import Ending, InterviewRun, StepRecord
from quiz.l10n import N_, _
from quiz.questions import Free
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.messages import AnswerGiven
from quiz.tui.screens.mock_pause import PauseScreen
from quiz.tui.screens.mock_report import MockReportScreen
from quiz.tui.widgets.answers import answer_widget, how_line, mount_question
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


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


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
        yield Markdown(catalogue.load(self.exercise).task(), id="mock-readme")


class InterviewScreen(Localized, Screen[None]):
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
