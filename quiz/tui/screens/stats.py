"""Stats: mastery per topic, a review heatmap, accuracy and mock scores over time, the forecast.

The numbers come from quiz.stats (the same ones `rnnprep stats --json` prints), computed in a
thread worker so a long history never stalls the UI; a loading indicator covers the screen
meanwhile. `r` reads the store again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from quiz.stats import BUTTONS, DailyReviews, ForecastDay, Stats, compute_stats
from quiz.tui.app import STYLES

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEAT = ("#0e4429", "#006d32", "#26a641", "#39d353")  # light to heavy days
CELL, EMPTY = "■", "·"
EMPTY_TEXT = (
    "[b]No reviews yet.[/b] Take a quiz (q on the home screen) and your mastery, history and"
    " forecast show up here."
)


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
    months = [" "] * (2 * weeks)
    free_from = 0
    for week in range(weeks):
        monday = daily.start + timedelta(weeks=week)
        if week == 0:  # name the first month only if it fills more than this column
            new_month = (monday + timedelta(weeks=1)).month == monday.month
        else:
            new_month = monday.month != (monday - timedelta(weeks=1)).month
        if new_month and 2 * week >= free_from:
            label = f"{monday:%b}"
            months[2 * week : 2 * week + len(label)] = label
            free_from = 2 * week + len(label) + 1
    out = Text("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday, name in enumerate(WEEKDAYS):
        out.append(f"{name} ", style="dim")
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
    out.append("Less ", style="dim")
    out.append(EMPTY + " ", style="dim")
    for colour in HEAT:
        out.append(CELL + " ", style=colour)
    out.append("More", style="dim")
    if busiest:
        out.append(f" · busiest day {busiest}", style="dim")
    return out


def text_bar(value: float, peak: float, width: int) -> str:
    """A bar of `width * value / peak` blocks (at least one for any value above zero)."""
    if value <= 0 or peak <= 0:
        return ""
    return "█" * max(1, round(width * value / peak))


def forecast_text(forecast: list[ForecastDay], width: int = 20) -> Text:
    peak = max((f.due for f in forecast), default=0)
    out = Text()
    for i, f in enumerate(forecast):
        label = "Today" if i == 0 else f"{f.day:%a %d}"
        out.append(f"{label:<7}", style="bold" if i == 0 else "")
        out.append(f"{text_bar(f.due, peak, width):<{width}} ", style="#4a90d9")
        out.append(f"{f.due:>3}\n" if f.due else "  ·\n", style="" if f.due else "dim")
    out.append("day 0 includes everything overdue", style="dim")
    return out


def buttons_text(buttons: dict[str, int], width: int = 16) -> Text:
    total = sum(buttons.values())
    peak = max(buttons.values(), default=0)
    out = Text()
    for name in BUTTONS:
        n = buttons.get(name, 0)
        share = f"{n / total:>4.0%}" if total else "   —"
        out.append(f"{name.title():<6}{text_bar(n, peak, width):<{width}} {n:>4} {share}\n")
    return out


def recall_cell(value: float | None) -> str:
    if value is None:
        return "—"
    filled = round(value * 8)
    return f"{'▰' * filled}{'▱' * (8 - filled)} {value:>4.0%}"


class StatsScreen(Screen):
    CSS_PATH = STYLES / "stats.tcss"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="stats.back", tooltip="Back to the home screen"),
        Binding("r", "refresh", "Refresh", id="stats.refresh", tooltip="Read progress again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static("Reading your progress…", id="summary")
            yield DataTable(id="mastery", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="row"):
                yield Static(id="heatmap", classes="panel")
                yield Static(id="forecast", classes="panel")
            with Horizontal(classes="row charts"):
                yield PlotextPlot(id="accuracy", classes="chart")
                yield PlotextPlot(id="scores", classes="chart")
            with Horizontal(classes="row"):
                yield Static(id="buttons", classes="panel")
                yield Static(id="exercises", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#heatmap": "Reviews per day",
            "#forecast": "Due in the next 14 days",
            "#buttons": "Answer buttons",
            "#exercises": "Coding exercises",
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
        app = self.app
        self.post_message(StatsReady(compute_stats(app.bank, app.store, lang=app.lang)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "stats" and event.state == WorkerState.ERROR:
            self.query_one("#stats").loading = False
            self.query_one("#summary", Static).update(
                Text(f"Could not read your progress: {event.worker.error}", style="bold red")
            )

    @on(StatsReady)
    def _show(self, message: StatsReady) -> None:
        self.stats = s = message.stats
        self.query_one("#stats").loading = False
        self._show_summary(s)
        self._show_mastery(s)
        self.query_one("#heatmap", Static).update(heatmap(s.reviews_per_day))
        self.query_one("#forecast", Static).update(forecast_text(s.due_forecast))
        self.query_one("#buttons", Static).update(buttons_text(s.buttons))
        self._show_exercises(s)
        self._plot_accuracy(s)
        self._plot_scores(s)

    def _show_summary(self, s: Stats) -> None:
        if not s.reviews:
            text = EMPTY_TEXT
        else:
            days = len(s.reviews_per_day.counts)
            text = (
                f"[b]{s.reviews}[/b] answers, [b]{s.accuracy:.0%}[/b] right · {s.seen} of"
                f" {s.questions} questions seen · {s.due_forecast[0].due} due today ·"
                f" active on {days} of the last {len(s.reviews_per_day.days())} days"
            )
        self.query_one("#summary", Static).update(text)

    def _show_mastery(self, s: Stats) -> None:
        table = self.query_one("#mastery", DataTable)
        table.clear(columns=True)
        table.add_columns("Topic", "Questions", "Seen", "Recall now", "Accuracy", "Due")
        for t in s.topics:
            accuracy = "—" if t.accuracy is None else f"{t.accuracy:.0%}"
            table.add_row(
                t.title,
                t.questions,
                t.seen,
                recall_cell(t.retrievability),
                accuracy,
                t.due,
                key=t.topic,
            )

    def _show_exercises(self, s: Stats) -> None:
        e = s.exercises
        total = "?" if e.total is None else str(e.total)
        out = Text(f"Solved {e.solved} of {total} · attempted {e.attempted}\n")
        for name, status in e.status.items():
            passing = status == "passing"
            out.append("✓ " if passing else "✗ ", style="green" if passing else "red")
            out.append(f"{name}\n")
        if not e.status:
            out.append("None graded yet: press e on the home screen.", style="dim")
        self.query_one("#exercises", Static).update(out)

    def _plot_accuracy(self, s: Stats) -> None:
        weeks = s.accuracy_per_week
        self._plot_percent(
            "#accuracy",
            [w.accuracy for w in weeks],
            [f"{w.week:%m-%d}" for w in weeks],
            "Accuracy per week (%)",
            "Accuracy per week: no reviews yet",
        )

    def _plot_scores(self, s: Stats) -> None:
        scores = s.interviews
        self._plot_percent(
            "#scores",
            [i.score for i in scores],
            [f"{i.day:%m-%d}" for i in scores],
            "Mock interview scores (%)",
            "Mock interviews: none yet",
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
            xs = list(range(len(shares)))
            plt.plot(xs, [100 * v for v in shares], marker="hd")
            step = max(1, len(shares) // 5)
            plt.xticks(xs[::step], labels[::step])
            plt.xlim(-0.5, len(shares) - 0.5)
        else:
            plt.title(empty)
        plt.ylim(0, 100)
        widget.refresh()
