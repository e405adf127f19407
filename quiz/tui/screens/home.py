"""Home: what is due, progress per topic, and the ways into practice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from quiz.l10n import N_, _, ngettext
from quiz.leeches import leech_ids
from quiz.progress import topic_progress
from quiz.store import now_utc
from quiz.tui.localized import Localized
from quiz.tui.messages import OpenScreen, StartQuiz
from quiz.tui.screens.registry import BY_NAME, ENTRIES
from quiz.tui.widgets.fitted_table import Column, FittedTable


class HomeScreen(Localized, Screen[None]):
    # home.tcss is the app's own stylesheet (RnnPrepApp.CSS_PATH): this is its first screen
    # narrow: the buttons take two rows of three (tiny: three rows of two, then one a row, as
    # a button narrower than its label breaks the layout); short: one-line buttons, less padding
    HORIZONTAL_BREAKPOINTS = [(0, "-single"), (30, "-tiny"), (48, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    # one key per registered way in (quiz.tui.screens.registry), then the topic under the cursor
    BINDINGS = [
        *(way.binding for way in ENTRIES),
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
            table = FittedTable(id="topics", cursor_type="row", zebra_stripes=True)
            # what is due stays in sight whatever the width; the totals go first
            table.set_columns(
                [
                    Column("topic", _("Topic"), shrink=12),
                    Column("total", _("Questions"), priority=3),
                    Column("seen", _("Seen"), priority=2),
                    Column("due", _("Due")),
                    Column("accuracy", _("Accuracy"), priority=1),
                ]
            )
            yield table
            with Grid(id="actions"):
                for way in (w for w in ENTRIES if w.button_shown):
                    yield Button(
                        Content(_(way.button)),
                        id=way.name,
                        variant="primary" if way.name == "quiz" else "default",
                    )
        yield Footer()

    def language_changed(self) -> None:
        """Redraw in the new interface language (see RnnPrepApp.switch_language)."""
        self.call_later(self._redraw)

    async def _redraw(self) -> None:
        await self.recompose()
        if self.rnn.bank is not None:
            self.refresh_progress()
        self.refresh_bindings()  # the new footer fills in on the next bindings signal

    def on_screen_resume(self) -> None:
        """Shown, the first time too (mounting alone would fill it twice at start)."""
        if self.rnn.bank is not None:  # else BankLoaded will
            self.refresh_progress()

    def refresh_progress(self) -> None:
        """Re-read the store: counts change after every sitting."""
        rows = topic_progress(self.rnn.loaded_bank, self.rnn.store, self.rnn.lang)
        self.query_one("#topics", FittedTable).set_rows(
            (
                row.topic,
                {
                    "topic": row.title,
                    "total": row.total,
                    "seen": row.seen,
                    "due": row.due,
                    "accuracy": "—" if row.accuracy is None else f"{row.accuracy:.0%}",
                },
            )
            for row in rows
        )
        total = sum(r.total for r in rows)
        lines = [
            ngettext(
                "[b]{due}[/b] due now · {seen} of {total} question seen",
                "[b]{due}[/b] due now · {seen} of {total} questions seen",
                total,
            ).format(due=sum(r.due for r in rows), seen=sum(r.seen for r in rows), total=total)
        ]
        lines.extend(self._plan_lines())
        self.query_one("#due", Static).update("\n".join(lines))

    def _plan_lines(self) -> list[str]:
        """The interview countdown and the leeches, when there are any (d and k open them)."""
        study, bank, store = self.rnn.study, self.rnn.loaded_bank, self.rnn.store
        lines = []
        if study.interview_date is not None:
            from quiz import study_plan  # only with a date: start-up pays for it then

            s = study_plan.standing(bank, store, study, now_utc())
            days = ngettext(
                "Interview in [b]{days}[/b] day",
                "Interview in [b]{days}[/b] days",
                s.days_left or 0,
            ).format(days=s.days_left)
            line = _("{days} · {mastered} mastered · {new} new today of {per_day} (d)").format(
                days=days, mastered=s.mastered, new=s.new_today, per_day=s.new_per_day or "—"
            )
            lines.append(line + (" [b]⚠[/b]" if s.warning else ""))
        count = len(leech_ids(bank, store, study))
        if count:
            lines.append(
                ngettext(
                    "{count} leech out of the rotation: press k",
                    "{count} leeches out of the rotation: press k",
                    count,
                ).format(count=count)
            )
        return lines

    def action_go(self, name: str) -> None:
        """Open a registered screen or start a sitting in a quiz mode."""
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
        if event.button.id in BY_NAME:
            self.action_go(event.button.id)
