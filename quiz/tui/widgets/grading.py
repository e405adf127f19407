"""The exercises screen's results panel: progress while grading, then the verdict.

A verdict marks every check ✓ or ✗ with its message (and names the checks never reached, since
grading stops at the first failure), then gives the diagnosis in plain words, the largest error
and where it is, and the questions the diagnosis queued. What the learner's code printed goes
in a box of its own, so a print is never mistaken for the grader's word.

`prewarm` and `grade_off_thread` are the one grading-worker pattern the exercises screen and the
mock interview's coding step share: the app's warm grader runs in a thread worker and the
screen hears `Graded` or `GradingFailed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import LoadingIndicator, Static

from exercises.errors import GraderError, UsageError
from exercises.results import CHECKS, GradeResult, cost_line, label
from quiz.l10n import _

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

    from quiz.tui.grader import WarmGrader


@dataclass
class Graded(Message):
    """The grader finished with an exercise; `extra` is what the caller's `then` returned."""

    result: GradeResult
    extra: Any = None


@dataclass
class GradingFailed(Message):
    """The file could not be graded at all (a usage problem, or the grader itself broke)."""

    name: str
    reason: str


def prewarm(node: DOMNode, grader: WarmGrader) -> Worker[None]:
    """Start the grading child now, so torch imports while the learner reads the task."""
    return node.run_worker(
        grader.start, name="prewarm", group="grader-prewarm", thread=True, exit_on_error=False
    )


def grade_off_thread(
    node: DOMNode, name: str, grader: WarmGrader, then: Callable[[], Any] | None = None
) -> Worker[None]:
    """Grade `name` on the app's warm grader (which records the attempt) in a thread worker,
    then post `Graded` (with `then()`, run in the thread too) or `GradingFailed` to `node`."""

    def run() -> None:
        try:
            result = grader.grade(name)
        except (UsageError, GraderError) as exc:
            node.post_message(GradingFailed(name, str(exc)))
            return
        node.post_message(Graded(result, then() if then is not None else None))

    return node.run_worker(run, name="grade", group="grade", thread=True, exit_on_error=False)


def short_path(path: Path | str) -> str:
    """`path` with the home folder written `~`, so it takes one line on a small terminal."""
    path = Path(path)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # not under home, or no home to speak of
        return str(path)


def verdict_text(result: GradeResult, queued: str | None = None, compact: bool = False) -> Text:
    """The verdict as the panel shows it; `queued` is the line saying what was queued.

    `compact` (a short terminal) leaves out the blank lines between the parts: their bold
    headings still set them apart, and the diagnosis and the replay command stay in view.
    """
    gap = "" if compact else "\n"
    out = Text()
    if result.passed:
        out.append(_("✓ {name} matches PyTorch").format(name=result.exercise), style="bold green")
    else:
        out.append(
            _("✗ {name} does not match PyTorch yet").format(name=result.exercise),
            style="bold red",
        )
    out.append(
        _("   seed {seed} · {device}").format(seed=result.seed, device=result.device) + "\n",
        style="dim",
    )
    # checks passed with nothing to say share a line (it wraps), so the failure and the
    # diagnosis below it fit on a small terminal
    quiet: list[str] = []
    for check in result.checks:
        if check.passed and not check.message:
            quiet.append(label(check.name))
            continue
        _quiet_line(out, quiet)
        out.append("✓ " if check.passed else "✗ ", style="green" if check.passed else "red")
        out.append(label(check.name), style="" if check.passed else "bold")
        out.append(_(": ") + check.message + "\n" if check.message else "\n")
    _quiet_line(out, quiet)
    ran = {check.name for check in result.checks}
    skipped = [name for name in CHECKS if name not in ran and name not in result.skipped]
    if skipped:
        not_run = _(", ").join(label(name) for name in skipped)
        out.append(_("· not run: {checks}").format(checks=not_run) + "\n", style="dim")
    said = " ".join(check.message for check in result.checks)  # what need not be said twice
    if result.diagnosis is not None:
        out.append(gap + _("What went wrong"), style="bold")
        out.append(f" ({' + '.join(result.diagnosis.ids)})\n", style="dim")
        if result.diagnosis.message not in said:
            out.append(result.diagnosis.message + "\n")
    worst = result.worst
    if worst is not None and worst.where not in said:
        out.append(gap + _("Largest error") + " ", style="bold")
        out.append(
            _("{error} at {where}: yours {got}, PyTorch {expected} (case {case})").format(
                error=f"{worst.error:.3g}",
                where=worst.where,
                got=f"{worst.got:.6g}",
                expected=f"{worst.expected:.6g}",
                case=worst.case,
            )
            + "\n"
        )
    if result.cost is not None:
        out.append(gap + cost_line(result.cost) + "\n", style="dim")
    if queued:
        out.append(
            gap + _("{queued}: press q to drill them now.").format(queued=queued) + "\n",
            style="bold",
        )
    if result.replay:
        out.append(
            gap + _("Same inputs again: {command}").format(command=result.replay), style="dim"
        )
    return out


def _quiet_line(out: Text, names: list[str]) -> None:
    """The passed checks in `names` on one line, each with its tick; empties `names`."""
    for i, name in enumerate(names):
        out.append("  " if i else "")
        out.append("✓ ", style="green")
        out.append(name)
    if names:
        out.append("\n")
    names.clear()


class GradingPanel(VerticalScroll):
    """Shows one exercise's grading: in progress, its verdict, or a line of standing."""

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        yield LoadingIndicator()
        yield Static(id="verdict")
        yield Static(id="output", markup=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[GradeResult, str | None] | None = None  # the verdict on show

    def on_mount(self) -> None:
        self.query_one("#output").border_title = _("Your code printed (not part of the verdict)")
        self.show_text(Text(""))

    def show_grading(self, name: str, cold: bool) -> None:
        """Grading has started; `cold` when the child may still be importing torch."""
        wait = _(" (the first grading waits for PyTorch to load: a few seconds)") if cold else ""
        self.query_one("#progress", Static).update(_("Grading {name}…").format(name=name) + wait)
        self._show(grading=True, output="")

    def show_result(self, result: GradeResult, queued: str | None = None) -> None:
        self._shown = (result, queued)
        self._draw_verdict()
        self._show(grading=False, output=result.output.rstrip())
        self.scroll_home(animate=False)

    def show_text(self, text: Text | str) -> None:
        """Anything else: the stored standing, a grader failure, a reset."""
        self._shown = None
        self.query_one("#verdict", Static).update(text)
        self._show(grading=False, output="")

    def on_resize(self) -> None:
        self._draw_verdict()  # the terminal changed: compact or not

    def _draw_verdict(self) -> None:
        if self._shown is not None:
            compact = self.screen.has_class("-short")  # the screen's VERTICAL_BREAKPOINTS
            self.query_one("#verdict", Static).update(verdict_text(*self._shown, compact=compact))

    def _show(self, *, grading: bool, output: str) -> None:
        self.query_one("#progress").display = grading
        self.query_one(LoadingIndicator).display = grading
        self.query_one("#verdict").display = not grading
        box = self.query_one("#output", Static)
        box.update(output)
        box.display = bool(output)
