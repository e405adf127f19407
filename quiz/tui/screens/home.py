"""Home: what is due, progress per topic, and the ways into practice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from quiz.l10n import N_, _
from quiz.progress import topic_progress
from quiz.tui.app import QUIZ_MODES, STYLES
from quiz.tui.localized import Localized
from quiz.tui.messages import OpenScreen, StartQuiz


class HomeScreen(Localized, Screen):
    CSS_PATH = STYLES / "home.tcss"
    BINDINGS = [
        Binding(
            "q", "start('quiz')", N_("Quiz"), id="home.quiz", tooltip=N_("Due first, then new")
        ),
        Binding(
            "r",
            "start('review')",
            N_("Review"),
            id="home.review",
            tooltip=N_("Only due questions"),
        ),
        Binding(
            "p",
            "start('practice')",
            N_("Practice"),
            id="home.practice",
            tooltip=N_("Schedule untouched"),
        ),
        Binding(
            "e", "open('exercises')", N_("Exercises"), id="home.exercises", tooltip=N_("Coding")
        ),
        Binding(
            "m", "open('mock')", N_("Mock"), id="home.mock", tooltip=N_("Timed mock interview")
        ),
        Binding(
            "s", "open('stats')", N_("Stats"), id="home.stats", tooltip=N_("Progress and history")
        ),
        Binding(
            "enter",
            "topic_quiz",
            N_("Quiz topic"),
            id="home.topic",
            tooltip=N_("Quiz on the highlighted topic"),
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(_("Loading questions…"), id="due")
            table = DataTable(id="topics", cursor_type="row", zebra_stripes=True)
            table.add_columns(_("Topic"), _("Questions"), _("Seen"), _("Due"), _("Accuracy"))
            yield table
            with Horizontal(id="actions"):
                yield Button(_("Quiz [q]"), id="quiz", variant="primary")
                yield Button(_("Review [r]"), id="review")
                yield Button(_("Practice [p]"), id="practice")
                yield Button(_("Exercises [e]"), id="exercises")
                yield Button(_("Mock interview [m]"), id="mock")
                yield Button(_("Stats [s]"), id="stats")
        yield Footer()

    def language_changed(self) -> None:
        """Redraw in the new interface language (see RnnPrepApp.switch_language)."""
        self.call_later(self._redraw)

    async def _redraw(self) -> None:
        await self.recompose()
        if self.app.bank is not None:
            self.refresh_progress()
        self.refresh_bindings()  # the new footer fills in on the next bindings signal

    def on_mount(self) -> None:
        if self.app.bank is not None:  # the bank won the race with compose
            self.refresh_progress()

    def on_screen_resume(self) -> None:
        if self.app.bank is not None:
            self.refresh_progress()

    def refresh_progress(self) -> None:
        """Re-read the store: counts change after every sitting."""
        rows = topic_progress(self.app.bank, self.app.store, self.app.lang)
        table = self.query_one("#topics", DataTable)
        table.clear()
        for row in rows:
            accuracy = "—" if row.accuracy is None else f"{row.accuracy:.0%}"
            table.add_row(row.title, row.total, row.seen, row.due, accuracy, key=row.topic)
        due = sum(r.due for r in rows)
        total = sum(r.total for r in rows)
        self.query_one("#due", Static).update(
            _("[b]{due}[/b] due now · {seen} of {total} questions seen").format(
                due=due, seen=sum(r.seen for r in rows), total=total
            )
        )

    def action_start(self, mode: str) -> None:
        self.post_message(StartQuiz(mode))

    def action_open(self, name: str) -> None:
        self.post_message(OpenScreen(name))

    def action_topic_quiz(self) -> None:
        table = self.query_one("#topics", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.post_message(StartQuiz("quiz", key.value))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.post_message(StartQuiz("quiz", event.row_key.value))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or "quiz"
        self.post_message(StartQuiz(name) if name in QUIZ_MODES else OpenScreen(name))
