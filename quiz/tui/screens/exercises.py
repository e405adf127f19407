"""Coding exercises: the list with the learner's standing, the task, and grading on a key.

Grading runs in a thread worker on the app's warm grader (quiz.tui.grader), so the screen stays
responsive: the child process starts (and imports torch) as soon as this screen opens, the first
grading waits for whatever is left of that, and every later one answers in milliseconds. Watch
mode re-grades an exercise whenever its file is saved. A diagnosed mistake queues the questions
behind it (quiz.links), and q drills them at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

import watchfiles
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from exercises import api, catalogue
from quiz.l10n import N_, _
from quiz.links import Queued, queue
from quiz.locations import workspace_dir
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.screens.exercises_dialogs import (
    ConfirmReset,
    PlainCodeBlock,
    SolutionScreen,
    TaskMarkdown,
)
from quiz.tui.screens.exercises_standing import (
    ExercisesLoaded,
    FileSaved,
    Verdict,
    edit_in_terminal,
    exercise_list,
    list_rows,
    standing_text,
)
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


class ExercisesScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "exercises.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("g", "grade", N_("Grade"), id="exercises.grade", tooltip=N_("Grade your file")),
        Binding(
            "o", "edit", N_("Edit"), id="exercises.edit", tooltip=N_("Open your file in $EDITOR")
        ),
        Binding(
            "enter",
            "edit",
            N_("Edit"),
            show=False,
            id="exercises.edit-enter",
            tooltip=N_("Open your file in $EDITOR"),
            priority=True,  # before the list's own enter
        ),
        Binding("h", "hint", N_("Hint"), id="exercises.hint", tooltip=N_("Show the next hint")),
        Binding(
            "s",
            "solution",
            N_("Solution"),
            id="exercises.solution",
            tooltip=N_("Model solution, once passed"),
        ),
        Binding(
            "r",
            "reset",
            N_("Reset"),
            id="exercises.reset",
            tooltip=N_("Start again from the starter"),
        ),
        Binding(
            "w", "watch", N_("Watch"), id="exercises.watch", tooltip=N_("Re-grade on every save")
        ),
        Binding(
            "q",
            "drill",
            N_("Drill"),
            id="exercises.drill",
            tooltip=N_("Quiz the questions just queued"),
        ),
        Binding(
            "escape",
            "back",
            N_("Back"),
            id="exercises.back",
            tooltip=N_("Back to the home screen"),
        ),
    ]

    def __init__(self, exercise: str | None = None) -> None:
        """`exercise` is highlighted once the list loads (from a quiz answer's related exercise,
        say); the first one otherwise."""
        super().__init__()
        self.requested = exercise
        self.infos: dict[str, api.ExerciseInfo] = {}
        self.graded: dict[str, Verdict] = {}  # this visit's latest grading per exercise
        self.current: str | None = None
        self.grading: str | None = None
        self.pending: set[str] = set()  # asked for while another grading ran: graded next
        self.queued: Queued | None = None  # what the latest diagnosis queued, for q
        self._watch_stop: threading.Event | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="exercises"):
            table = FittedTable(id="list", cursor_type="row", zebra_stripes=True)
            # the exercise and its status stay in sight whatever the width
            table.set_columns(
                [
                    Column("title", _("Exercise"), shrink=10),
                    Column("status", _("Status")),
                    Column("attempts", _("Attempts"), priority=3),
                    Column("last", _("Last attempt"), priority=1),
                    Column("level", _("Level"), priority=2),
                    Column("topic", _("Topic"), priority=4),
                ]
            )
            yield table
            yield Static(_("Reading the exercises…"), id="status", classes="muted")
            # one scroll for what is below the list, so no part of it is cut short: the hints,
            # the result (scrolled to the top after a grading), then the task
            with PinnedScroll(id="detail"):
                yield Static(id="hints", classes="panel")
                yield GradingPanel(id="results", classes="panel")
                yield TaskMarkdown(id="readme")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results").border_title = _("Result")
        self.query_one("#hints").display = False
        prewarm(self, self.rnn.grader)
        self.load()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    # -- workers: everything slow stays off the UI thread --------------------------------------

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load(self) -> None:
        self.post_message(ExercisesLoaded(exercise_list(self.rnn.store)))

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_files(self, stop: threading.Event) -> None:
        """Post FileSaved for each exercise file written in the workspace, until `stop`."""
        names = set(catalogue.names())
        for changes in watchfiles.watch(
            workspace_dir(), stop_event=stop, watch_filter=lambda _c, path: path.endswith(".py")
        ):
            for name in sorted({Path(path).stem for _change, path in changes} & names):
                if api.learner_file(name, create=False).exists():  # not deleted meanwhile
                    self.post_message(FileSaved(name))

    # -- messages ------------------------------------------------------------------------------

    @on(ExercisesLoaded)
    def _loaded(self, message: ExercisesLoaded) -> None:
        self._show_list(message.infos)
        if self.requested in self.infos:
            self._select(self.requested)
        self._show_status()

    @on(Graded)
    def _graded(self, message: Graded) -> None:
        """Keep the verdict and queue the questions behind its diagnosis.

        Queueing writes the app's store, so it happens here on the UI thread (a few
        milliseconds), never beside a quiz answer being saved from the UI thread.
        """
        result = message.result
        diagnosis = None if result.passed else result.diagnosis
        queued = queue(self.rnn.store, self.rnn.loaded_bank, diagnosis.id) if diagnosis else None
        self.graded[result.exercise] = Verdict(result, queued)
        self._show_list(message.extra)
        if queued is not None:
            self.queued = queued
            self.refresh_bindings()
        self._grading_done(result.exercise)

    @on(GradingFailed)
    def _grading_failed(self, message: GradingFailed) -> None:
        self.graded.pop(message.name, None)
        self._grading_done(
            message.name,
            Text(_("Could not grade: {reason}").format(reason=message.reason), style="red"),
        )

    @on(FileSaved)
    def _file_saved(self, message: FileSaved) -> None:
        if self._watch_stop is None:  # watching stopped after the save was seen
            return
        self._select(message.name)
        self.start_grading(message.name)

    @on(DataTable.RowHighlighted, "#list")
    async def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.current = event.row_key.value
        self._show_detail()
        readme = catalogue.load(self.current).task()
        await self.query_one(TaskMarkdown).update(readme)
        detail = self.query_one("#detail", PinnedScroll)
        detail.unpin()
        detail.scroll_home(animate=False)

    # -- grading -------------------------------------------------------------------------------

    def start_grading(self, name: str) -> None:
        """Grade `name` now, or right after the grading already running."""
        if self.grading is not None:
            self.pending.add(name)
            self.notify(
                _("Grading {current}; {name} is graded next.").format(
                    current=self.grading, name=name
                )
            )
            return
        self.grading = name
        grader = self.rnn.grader
        if name == self.current:
            self.query_one(GradingPanel).show_grading(name, cold=not grader.warm)
            self._bring_into_view("#results")
        store = self.rnn.store
        grade_off_thread(self, name, grader, then=lambda: exercise_list(store))

    def _grading_done(self, name: str, problem: Text | None = None) -> None:
        self.grading = None
        if name == self.current:
            self._show_detail(problem)
            self._bring_into_view("#results")
        if self.pending:
            self.start_grading(self.pending.pop())

    # -- showing -------------------------------------------------------------------------------

    def _show_list(self, infos: list[api.ExerciseInfo]) -> None:
        """Fill the list on first load, then update its cells in place (the cursor stays)."""
        table = self.query_one("#list", FittedTable)
        rows = list_rows(infos, self.rnn.loaded_bank, self.rnn.lang)
        if self.infos:
            for name, cells in rows:
                table.update_row(name, cells)
        else:
            table.set_rows(rows)
        self.infos.update((info.name, info) for info in infos)

    def _bring_into_view(self, selector: str) -> None:
        """Scroll what is below the list so `selector` starts at its top (after the layout)."""
        self.query_one("#detail", PinnedScroll).pin(self.query_one(selector), top=True)

    def _select(self, name: str) -> None:
        table = self.query_one("#list", DataTable)
        table.move_cursor(row=table.get_row_index(name))

    def _show_status(self) -> None:
        text = Text()
        if self.current is not None:
            table = self.query_one("#list", DataTable)
            if table.row_count > 1:  # where the list stands when it shows only a few rows
                text.append(f"{table.cursor_row + 1}/{table.row_count}  ", style="dim")
            path = short_path(self.infos[self.current].file)
            text.append(_("Your file: {path}").format(path=path))
        if self._watch_stop is not None:
            text.append(_("  · watching: saving a file grades it"), style="bold")
        self.query_one("#status", Static).update(text)

    def _show_detail(self, problem: Text | None = None) -> None:
        """The hints seen and the results panel for the highlighted exercise."""
        name = self.current
        if name is None or name not in self.infos:
            return
        self._show_status()
        self._show_hints(name)
        panel = self.query_one(GradingPanel)
        verdict = self.graded.get(name)
        if name == self.grading:
            panel.show_grading(name, cold=not self.rnn.grader.warm)
        elif problem is not None:
            panel.show_text(problem)
        elif verdict is not None:
            queued = verdict.queued.describe(self.rnn.lang) if verdict.queued else None
            panel.show_result(verdict.result, queued)
        else:
            panel.show_text(standing_text(self.infos[name]))

    def _show_hints(self, name: str) -> None:
        hints = catalogue.load(name).hints()
        seen = api.hints_shown(name)
        box = self.query_one("#hints", Static)
        box.display = seen > 0
        box.border_title = _("Hints: {seen} of {total}").format(seen=seen, total=len(hints))
        box.update(Text("\n".join(f"{n}. {hint}" for n, hint in enumerate(hints[:seen], 1))))

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q shows only once a diagnosis has queued questions."""
        if action == "drill":
            return self.queued is not None
        return True

    def action_grade(self) -> None:
        if self.current is not None:
            self.start_grading(self.current)

    def action_edit(self) -> None:
        """Hand the terminal to the learner's editor; without one, say where the file is."""
        if self.current is None:
            return
        path = api.learner_file(self.current)
        problem = edit_in_terminal(self.app, path)
        if problem is not None:
            self.notify(problem, timeout=20, markup=False)

    def action_hint(self) -> None:
        if self.current is None:
            return
        total = len(catalogue.load(self.current).hints())
        if api.hints_shown(self.current) >= total:
            self.notify(_("That was the last hint. Once your file passes, s shows the solution."))
            return
        api.next_hint(self.current)
        self._show_hints(self.current)
        self._bring_into_view("#hints")

    def action_solution(self) -> None:
        name = self.current
        if name is None:
            return
        if self.infos[name].status != "passing":
            self.notify(
                _(
                    "The model solution opens once your own file passes: working it out is the"
                    " practice. h gives a hint."
                ),
                title=_("Not yet"),
                severity="warning",
            )
            return
        code = catalogue.load(name).solution.read_text(encoding="utf-8")
        self.app.push_screen(SolutionScreen(name, code))

    def action_reset(self) -> None:
        name = self.current
        if name is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                path = api.reset(name)
                self.graded.pop(name, None)
                self._show_detail(Text(_("{file} is the starter again.").format(file=path.name)))

        self.app.push_screen(ConfirmReset(api.learner_file(name)), confirmed)

    def action_watch(self) -> None:
        """Start or stop re-grading on save."""
        if self._watch_stop is None:
            self._watch_stop = threading.Event()
            self.watch_files(self._watch_stop)
        else:
            self._watch_stop.set()
            self._watch_stop = None
        self._show_status()

    def action_drill(self) -> None:
        if self.queued is not None:
            ids = list(self.queued.question_ids)
            self.rnn.begin("quiz", count=len(ids), question_ids=ids)

    def action_back(self) -> None:
        self.app.pop_screen()


__all__ = ["ConfirmReset", "ExercisesScreen", "PlainCodeBlock", "SolutionScreen", "Verdict"]
