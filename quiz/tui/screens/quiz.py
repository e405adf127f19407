"""The quiz screen: one question at a time, answered with keys alone, feedback after each."""

from __future__ import annotations

from fsrs import Rating
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quiz import lab
from quiz.engine import AnswerError
from quiz.l10n import N_, _
from quiz.links import related_exercises
from quiz.session import QuizSession
from quiz.store import StoreLocked
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.messages import AnswerGiven
from quiz.tui.widgets.answers import answer_widget, how_line, mount_question
from quiz.tui.widgets.feedback import Feedback, rating_line

STARS = {1: "★☆☆", 2: "★★☆", 3: "★★★"}
SAVE_RETRY = 1.0  # seconds between attempts to save an answer while the file is locked
MODE_NAMES = {"quiz": N_("Quiz"), "review": N_("Review"), "practice": N_("Practice")}


class QuizScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "quiz.tcss"
    DEFAULT_CSS = """
    QuizScreen #rating { height: auto; padding: 0 2; background: $panel; }
    """
    BINDINGS = [
        Binding("escape", "finish", N_("End"), id="quiz.end", tooltip=N_("End the session now")),
        Binding(
            "ctrl+f", "flag", N_("Flag"), id="quiz.flag", tooltip=N_("Flag as wrong or unclear")
        ),
        Binding("ctrl+n", "skip", N_("Skip"), id="quiz.skip", tooltip=N_("Skip this question")),
    ]

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session
        self.related: list[str] = []  # exercises suggested after the last wrong answer
        self.preset: lab.Preset | None = None  # the lab preset offered after it

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Static(id="status", classes="muted")
            yield Static(id="prompt", markup=False)
            yield Static(id="how", classes="muted")
            yield VerticalScroll(id="answer")
            yield Feedback(id="feedback", classes="panel")
        yield Static(id="rating")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_question()

    async def show_question(self) -> None:
        posed = self.session.current()
        if posed is None:
            self.action_finish()
            return
        q = posed.question
        number, total = self.session.position
        topic = self.rnn.loaded_bank.topics[q.topic].title.get(self.session.lang)
        self.query_one("#status", Static).update(
            f"{_(MODE_NAMES.get(self.session.mode, self.session.mode.title()))} · {number}/{total}"
            f" · {topic} · {STARS[q.difficulty]}"
        )
        self.query_one("#prompt", Static).update(posed.prompt(self.session.lang))
        self.query_one("#how", Static).update(how_line(q))
        feedback = self.query_one(Feedback)
        feedback.display = False
        self.query_one("#rating", Static).display = False
        holder = self.query_one("#answer", VerticalScroll)
        await mount_question(holder, answer_widget(posed, self.session.lang))

    @on(AnswerGiven)
    def _answer_given(self, message: AnswerGiven) -> None:
        if self.session.finished or self.query_one(Feedback).display:
            return
        try:
            answered = self.session.submit(message.response)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning")
            return
        except StoreLocked:  # nothing was recorded: keep the answer and try again shortly
            self.query_one("#how", Static).update(
                _("Saving… the progress file is in use by another program; retrying.")
            )
            self.set_timer(SAVE_RETRY, lambda: self.post_message(AnswerGiven(message.response)))
            return
        self.query_one("#answer").disabled = True
        self.related = (
            [] if answered.outcome.correct else related_exercises(answered.posed.question)
        )
        question = answered.posed.question
        self.preset = None if answered.outcome.correct else lab.preset_for(question.id)
        feedback = self.query_one(Feedback)
        title = self.preset.text(self.preset.title) if self.preset else None
        feedback.show_answer(answered, self.session.lang, self.related, title)
        feedback.display = True
        self._show_rating()
        feedback.focus()
        # the verdict at the top of the view, not below the fold
        self.call_after_refresh(feedback.scroll_visible, top=True, animate=False)

    def _show_rating(self) -> None:
        line = self.query_one("#rating", Static)
        line.update(rating_line(self.session.answered[-1]))
        line.display = True

    def action_rate(self, value: int) -> None:
        if self.query_one(Feedback).display:
            self.session.override_rating(Rating(value))
            self._show_rating()

    def action_lab_preset(self) -> None:
        """The gradient lab, running the preset offered after a wrong answer."""
        if self.preset is not None:
            self.rnn.open_screen("lab", preset=self.preset.name)

    def action_related_exercise(self) -> None:
        """The exercises screen, on the first related exercise (the others are in its list)."""
        if self.related:
            self.rnn.open_screen("exercises", exercise=self.related[0])

    async def action_next(self) -> None:
        if self.session.next() is None:
            self.action_finish()
        else:
            await self.show_question()

    async def action_skip(self) -> None:
        if not self.query_one(Feedback).display:
            await self.action_next()

    def action_flag(self) -> None:
        """Ask why (optional), then keep the flag; esc leaves the question unflagged."""
        from quiz.tui.screens.flag import FlagScreen

        posed = self.session.current()
        if posed is None:
            return

        def keep(note: str | None) -> None:
            if note is not None:
                self.session.flag(note)
                self.notify(_("Flagged; see `rnnprep bank flagged`."))

        self.app.push_screen(FlagScreen(posed.prompt(self.session.lang)), keep)

    def action_finish(self) -> None:
        from quiz.tui.screens.summary import SummaryScreen

        if not self.session.finished:
            self.session.store.end_session(self.session.session_id)
        self.app.switch_screen(SummaryScreen(self.session.summary()))
