"""Stats: mastery per topic, a review heatmap, accuracy and mock scores over time, the forecast.

The numbers come from quiz.stats (the same ones `rnnprep stats --json` prints), computed in a
thread worker so a long history never stalls the UI; a loading indicator covers the screen
meanwhile. `r` reads the store again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from quiz.l10n import N_, _, ngettext
from quiz.stats import BUTTONS, DailyReviews, ForecastDay, Stats, compute_stats
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.widgets.fitted_table import Column, FittedTable

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
BUTTON_NAMES = {"again": N_("Again"), "hard": N_("Hard"), "good": N_("Good"), "easy": N_("Easy")}
HEAT = ("#0e4429", "#006d32", "#26a641", "#39d353")  # light to heavy days
CELL, EMPTY = "■", "·"
EMPTY_TEXT = N_(
    "[b]No reviews yet.[/b] Take a quiz (q on the home screen) and your mastery, history and"
    " forecast show up here."
)
# The two per-topic figures measure different things and may disagree (a question missed an
# hour ago is both 0% answered right and, just reviewed, very likely recalled now).
MASTERY_NOTE = N_(
    "Predicted recall: the scheduler's estimate of the chance you would remember this topic's"
    " seen questions today. Answered right: the share of all your answers on it that were right."
)
BAR_MIN, BAR_MAX = 4, 30  # the forecast's and the answer buttons' bars, in cells


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal cells (a Chinese character takes two)."""
    return text + " " * max(0, width - cell_len(text))


def cells(text: str) -> list[str]:
    """One entry per terminal cell: a wide character is followed by an empty string."""
    out: list[str] = []
    for ch in text:
        out += [ch, ""] if cell_len(ch) == 2 else [ch]
    return out


@dataclass
class StatsReady(Message):
    """The worker finished computing the figures."""

    stats: Stats


def heat_level(count: int, busiest: int) -> int:
    """0 for an empty day, else 1-4 by the share of the busiest day in view."""
    if count <= 0:
        return 0
    return min(4, -(-4 * count // max(busiest, 1)))


def heatmap(daily: DailyReviews) -> Text:
    """Weeks as columns (oldest left), weekdays as rows, month names above, a legend below."""
    days = daily.days()
    weeks = (len(days) + 6) // 7
    busiest = max(daily.counts.values(), default=0)
    names = [_(name) for name in WEEKDAYS]
    gutter = max(cell_len(name) for name in names) + 1
    months = [" "] * (2 * weeks)
    free_from = 0
    for week in range(weeks):
        monday = daily.start + timedelta(weeks=week)
        if week == 0:  # name the first month only if it fills more than this column
            new_month = (monday + timedelta(weeks=1)).month == monday.month
        else:
            new_month = monday.month != (monday - timedelta(weeks=1)).month
        if new_month and 2 * week >= free_from:
            label = cells(_(MONTHS[monday.month - 1]))
            months[2 * week : 2 * week + len(label)] = label
            free_from = 2 * week + len(label) + 1
    out = Text(" " * gutter + "".join(months).rstrip() + "\n", style="dim")
    for weekday, name in enumerate(names):
        out.append(pad(name, gutter), style="dim")
        for week in range(weeks):
            day = daily.start + timedelta(days=7 * week + weekday)
            if day > daily.end:
                break
            level = heat_level(daily.counts.get(day, 0), busiest)
            if level:
                out.append(CELL, style=HEAT[level - 1])
            else:
                out.append(EMPTY, style="dim")
            out.append(" ")
        out.append("\n")
    out.append(_("Less") + " ", style="dim")
    out.append(EMPTY + " ", style="dim")
    for colour in HEAT:
        out.append(CELL + " ", style=colour)
    out.append(_("More"), style="dim")
    if busiest:
        out.append(_(" · busiest day {count}").format(count=busiest), style="dim")
    return out


def text_bar(value: float, peak: float, width: int) -> str:
    """A bar of `width * value / peak` blocks (at least one for any value above zero)."""
    if value <= 0 or peak <= 0:
        return ""
    return "█" * max(1, round(width * value / peak))


def bar_width(room: int, taken: int) -> int:
    """The bars' length when `taken` of `room` cells go to the labels and numbers."""
    return max(BAR_MIN, min(BAR_MAX, room - taken))


def forecast_text(forecast: list[ForecastDay], width: int = 20) -> Text:
    """One line a day: its name, a bar of `width` cells at most, how many are due."""
    peak = max((f.due for f in forecast), default=0)
    labels = [
        _("Today") if i == 0 else f"{_(WEEKDAYS[f.day.weekday()])} {f.day:%d}"
        for i, f in enumerate(forecast)
    ]
    gutter = max((cell_len(label) for label in labels), default=0) + 1
    out = Text()
    for i, (f, label) in enumerate(zip(forecast, labels, strict=True)):
        out.append(pad(label, gutter), style="bold" if i == 0 else "")
        out.append(f"{text_bar(f.due, peak, width):<{width}} ", style="#4a90d9")
        out.append(f"{f.due:>3}\n" if f.due else "  ·\n", style="" if f.due else "dim")
    out.append(_("day 0 includes everything overdue"), style="dim")
    return out


def forecast_for(forecast: list[ForecastDay]) -> Callable[[int], Text]:
    """The forecast drawn to fit `room` cells across."""
    return lambda room: forecast_text(forecast, bar_width(room, 12))


def buttons_text(buttons: dict[str, int], width: int = 16) -> Text:
    total = sum(buttons.values())
    peak = max(buttons.values(), default=0)
    names = {name: _(BUTTON_NAMES.get(name, name.title())) for name in BUTTONS}
    gutter = max(6, *(cell_len(label) + 1 for label in names.values()))
    out = Text()
    for name in BUTTONS:
        n = buttons.get(name, 0)
        share = f"{n / total:>4.0%}" if total else "   —"
        bar = text_bar(n, peak, width)
        out.append(f"{pad(names[name], gutter)}{bar:<{width}} {n:>4} {share}\n")
    return out


def buttons_for(buttons: dict[str, int]) -> Callable[[int], Text]:
    """The answer buttons drawn to fit `room` cells across."""
    return lambda room: buttons_text(buttons, bar_width(room, 17))


class Fitted(Static):
    """A panel drawn for its width, and drawn again whenever that changes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draw: Callable[[int], Text] | None = None

    def show(self, draw: Callable[[int], Text]) -> None:
        self.draw = draw
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if self.draw is not None:
            self.update(self.draw(self.size.width or 30))


def recall_cell(value: float | None) -> str:
    if value is None:
        return "—"
    filled = round(value * 8)
    return f"{'▰' * filled}{'▱' * (8 - filled)} {value:>4.0%}"


class StatsScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "stats.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (78, "-wide")]  # narrow: panels one under another
    BINDINGS = [
        Binding(
            "escape,q", "back", N_("Back"), id="stats.back", tooltip=N_("Back to the home screen")
        ),
        Binding(
            "r", "refresh", N_("Refresh"), id="stats.refresh", tooltip=N_("Read progress again")
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(_("Reading your progress…"), id="summary")
            table = FittedTable(id="mastery", cursor_type="row", zebra_stripes=True)
            # what is due stays in sight whatever the width; the totals go first
            table.set_columns(
                [
                    Column("topic", _("Topic"), shrink=12),
                    Column("questions", _("Questions"), priority=4),
                    Column("seen", _("Seen"), priority=3),
                    Column("recall", _("Predicted recall"), priority=2),
                    Column("right", _("Answered right"), priority=1),
                    Column("due", _("Due")),
                ]
            )
            yield table
            yield Static(_(MASTERY_NOTE), id="mastery-note", classes="muted")
            with Horizontal(classes="row"):
                yield Static(id="heatmap", classes="panel")
                yield Fitted(id="forecast", classes="panel")
            with Horizontal(classes="row charts"):
                yield PlotextPlot(id="accuracy", classes="chart")
                yield PlotextPlot(id="scores", classes="chart")
            with Horizontal(classes="row"):
                yield Fitted(id="buttons", classes="panel")
                yield Static(id="exercises", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#heatmap": _("Reviews per day"),
            "#forecast": _("Due in the next 14 days"),
            "#buttons": _("Answer buttons"),
            "#exercises": _("Coding exercises"),
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#stats").loading = True
        self.compute()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def compute(self) -> None:
        """Read the store and work out every figure, off the UI thread."""
        app = self.rnn
        self.post_message(
            StatsReady(compute_stats(app.loaded_bank, app.store, lang=app.lang, study=app.study))
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "stats" and event.state == WorkerState.ERROR:
            self.query_one("#stats").loading = False
            self.query_one("#summary", Static).update(
                Text(
                    _("Could not read your progress: {error}").format(error=event.worker.error),
                    style="bold red",
                )
            )

    @on(StatsReady)
    def _show(self, message: StatsReady) -> None:
        self.stats = s = message.stats
        self.query_one("#stats").loading = False
        self._show_summary(s)
        self._show_mastery(s)
        self.query_one("#heatmap", Static).update(heatmap(s.reviews_per_day))
        self.query_one("#forecast", Fitted).show(forecast_for(s.due_forecast))
        self.query_one("#buttons", Fitted).show(buttons_for(s.buttons))
        self._show_exercises(s)
        self._plot_accuracy(s)
        self._plot_scores(s)

    def _show_summary(self, s: Stats) -> None:
        if not s.reviews:
            text = _(EMPTY_TEXT)
        else:
            span = len(s.reviews_per_day.days())
            parts = (
                ngettext(
                    "[b]{n}[/b] answer, [b]{share}[/b] right",
                    "[b]{n}[/b] answers, [b]{share}[/b] right",
                    s.reviews,
                ).format(n=s.reviews, share=f"{s.accuracy:.0%}"),
                ngettext(
                    "{seen} of {n} question seen", "{seen} of {n} questions seen", s.questions
                ).format(seen=s.seen, n=s.questions),
                _("{due} due today").format(due=s.due_forecast[0].due),
                ngettext(
                    "active on {days} of the last {n} day",
                    "active on {days} of the last {n} days",
                    span,
                ).format(days=len(s.reviews_per_day.counts), n=span),
            )
            text = " · ".join(parts)
        self.query_one("#summary", Static).update(text)

    def _show_mastery(self, s: Stats) -> None:
        self.query_one("#mastery", FittedTable).set_rows(
            (
                t.topic,
                {
                    "topic": t.title,
                    "questions": t.questions,
                    "seen": t.seen,
                    "recall": recall_cell(t.retrievability),
                    "right": "—" if t.accuracy is None else f"{t.accuracy:.0%}",
                    "due": t.due,
                },
            )
            for t in s.topics
        )

    def _show_exercises(self, s: Stats) -> None:
        e = s.exercises
        total = "?" if e.total is None else str(e.total)
        out = Text(
            _("Solved {solved} of {total} · attempted {attempted}").format(
                solved=e.solved, total=total, attempted=e.attempted
            )
            + "\n"
        )
        for name, status in e.status.items():
            passing = status == "passing"
            out.append("✓ " if passing else "✗ ", style="green" if passing else "red")
            out.append(f"{name}\n")
        if not e.status:
            out.append(_("None graded yet: press e on the home screen."), style="dim")
        self.query_one("#exercises", Static).update(out)

    def _plot_accuracy(self, s: Stats) -> None:
        weeks = s.accuracy_per_week
        self._plot_percent(
            "#accuracy",
            [w.accuracy for w in weeks],
            [f"{w.week:%m-%d}" for w in weeks],
            _("Accuracy per week (%)"),
            _("Accuracy per week: no reviews yet"),
        )

    def _plot_scores(self, s: Stats) -> None:
        scores = s.interviews
        self._plot_percent(
            "#scores",
            [i.score for i in scores],
            [f"{i.day:%m-%d}" for i in scores],
            _("Mock interview scores (%)"),
            _("Mock interviews: none yet"),
        )

    def _plot_percent(
        self, selector: str, shares: list[float], labels: list[str], title: str, empty: str
    ) -> None:
        """A 0-100 % line over time, or an empty chart titled `empty`."""
        widget = self.query_one(selector, PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        if shares:
            plt.title(title)
            xs = [float(x) for x in range(len(shares))]
            plt.plot(xs, [100 * v for v in shares], marker="hd")
            step = max(1, len(shares) // 5)
            plt.xticks(xs[::step], labels[::step])
            plt.xlim(-0.5, len(shares) - 0.5)
        else:
            plt.title(empty)
        plt.ylim(0, 100)
        widget.refresh()
