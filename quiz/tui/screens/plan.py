"""The study plan's settings (`d` from home; `rnnprep plan` on the command line): the interview
date, desired retention, new questions a day and the leech threshold, with where the learner
stands and the daily load the plan implies, recomputed on save."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from quiz import fsrs_fit, study_plan
from quiz.l10n import N_, _
from quiz.locations import data_dir
from quiz.settings import Study, save_study
from quiz.store import now_utc
from quiz.tui import STYLES
from quiz.tui.localized import Localized

FIELDS = (  # (Study field, label, placeholder)
    ("interview_date", N_("Interview date"), "YYYY-MM-DD"),
    ("desired_retention", N_("Desired retention"), "0.90"),
    ("new_per_day", N_("New questions a day"), N_("as the date needs")),
    ("leech_after", N_("Leech after wrong answers"), "8"),
)


class FitDone(Message):
    """The fit's result, or why it failed."""

    def __init__(self, result: fsrs_fit.FitResult | str) -> None:
        super().__init__()
        self.result = result


class PlanScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "plan.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="plan.save", tooltip=N_("Keep these settings")),
        Binding(
            "ctrl+o",
            "fit",
            N_("Fit FSRS"),
            id="plan.fit",
            tooltip=N_("Fit the scheduler to your own reviews (in a process of its own)"),
        ),
        Binding("escape", "back", N_("Back"), id="plan.back", tooltip=N_("Back to home")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan"):
            yield Static(id="standing")
            for name, label, placeholder in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(_(label))
                    yield Input(self._shown(name), placeholder=_(placeholder), id=name)
            yield Static(
                _(
                    "Reviews due after the date are brought into its last 3 days; new questions"
                    " are spread so the whole bank is met before them. Empty fields take the"
                    " default. ctrl+s saves; ctrl+o fits FSRS to your own reviews."
                ),
                id="help",
            )
            yield Static(id="problem")
            yield Static(id="fit")
        yield Footer()

    def on_mount(self) -> None:
        self._show_standing()
        self.query_one(Input).focus()

    def _shown(self, name: str) -> str:
        value = getattr(self.rnn.study, name)
        return "" if value is None else str(value)

    def _show_standing(self) -> None:
        standing = study_plan.standing(
            self.rnn.loaded_bank, self.rnn.store, self.rnn.study, now_utc()
        )
        self.query_one("#standing", Static).update(study_plan.describe(standing))

    def _read(self) -> Study | str:
        """The settings typed, or why they can't be kept."""
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name, *_ in FIELDS}
        changes: dict[str, object] = {}
        try:
            typed = values["interview_date"]
            changes["interview_date"] = dt.date.fromisoformat(typed) if typed else None
        except ValueError:
            return _("The interview date is not a date like 2026-12-18.")
        try:
            changes["desired_retention"] = float(values["desired_retention"] or 0.9)
            changes["new_per_day"] = int(values["new_per_day"]) if values["new_per_day"] else None
            changes["leech_after"] = int(values["leech_after"] or 8)
        except ValueError:
            return _("Retention is a number like 0.9; the other two are whole numbers.")
        study = msgspec.structs.replace(self.rnn.study, **changes)
        problem = study.problem()
        date = study.interview_date
        if problem is None and date is not None and date <= now_utc().astimezone().date():
            problem = _("The interview date must be after today.")
        return problem if problem is not None else study

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        read = self._read()
        problem = self.query_one("#problem", Static)
        if isinstance(read, str):
            problem.update(read)
            return
        problem.update("")
        save_study(data_dir(), read)
        self.rnn.study = read
        moved = study_plan.pull_forward(self.rnn.store, read, now_utc())
        self._show_standing()
        self.notify(
            _("Plan saved; {count} reviews moved before the interview.").format(count=moved)
            if moved
            else _("Plan saved.")
        )

    def action_fit(self) -> None:
        """Fit FSRS to the learner's reviews: torch runs in the fit's own process, waited for
        on a thread, so the screen keeps answering keys (quiz.fsrs_fit)."""
        shown = self.query_one("#fit", Static)
        store = self.rnn.store
        needed = fsrs_fit.reviews_needed(store)
        if needed:
            shown.update(fsrs_fit.needed_message(needed))
            return
        shown.update(_("Fitting FSRS to your reviews in a process of its own (seconds)…"))
        self._fit(store.path)

    @work(thread=True, exclusive=True, group="fit", exit_on_error=False)
    def _fit(self, db: Path) -> None:
        try:
            result: fsrs_fit.FitResult | str = fsrs_fit.fit(
                db, fsrs_fit.parameters_in_use(self.rnn.study)
            )
        except fsrs_fit.FitError as exc:
            result = str(exc)
        self.post_message(FitDone(result))

    @on(FitDone)
    def _fitted(self, message: FitDone) -> None:
        shown = self.query_one("#fit", Static)
        result = message.result
        if isinstance(result, str):
            shown.update(_("The fit failed: {reason}").format(reason=result))
            return
        text = fsrs_fit.describe(result)
        if result.improves:
            self.rnn.study = fsrs_fit.adopted(self.rnn.study, result, now_utc())
            save_study(data_dir(), self.rnn.study)
            text += "\n" + _("Saved: the schedule uses the fitted parameters from now on.")
        else:
            text += "\n" + _(
                "The fitted parameters predict your reviews no better; kept those in use."
            )
        shown.update(text)

    def action_back(self) -> None:
        self.dismiss()
