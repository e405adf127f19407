"""The stats screen under Pilot, on an empty store and a filled one; and its heatmap drawing."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

import quiz.tui.screens.stats as stats_screen
from exercises import catalogue
from quiz.stats import DailyReviews, compute_stats
from quiz.store import Store, now_utc
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.stats import CELL, HEAT, StatsScreen, heat_level, heatmap
from tests.conftest import MINI_BANK
from tests.test_stats import clock, record

SIZE = (100, 40)


async def ready(app: RnnPrepApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_stats(app: RnnPrepApp, pilot) -> StatsScreen:
    await ready(app, pilot)
    app.open_screen("stats")
    await pilot.pause()
    await ready(app, pilot)
    assert isinstance(app.screen, StatsScreen)
    assert not app.screen.query_one("#stats").loading
    return app.screen


def text_of(screen: StatsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def table_rows(screen: StatsScreen) -> list[list[str]]:
    table = screen.query_one("#mastery", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def cells(heat: str) -> int:
    """Shaded day cells in the heatmap, not counting the legend's four."""
    return heat.count(CELL) - len(HEAT)


async def test_empty_store(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(app, pilot)
        assert "No reviews yet" in text_of(screen, "#summary")
        assert table_rows(screen) == [
            ["Counting", "6", "0", "—", "—", "0"],
            ["Gates", "6", "0", "—", "—", "0"],
        ]
        heat = text_of(screen, "#heatmap")
        assert cells(heat) == 0 and "Less" in heat and "More" in heat
        assert all(day in heat for day in ("Mon", "Wed", "Sun"))
        forecast = text_of(screen, "#forecast").splitlines()
        assert forecast[0].startswith("Today") and forecast[0].endswith("·")
        assert len(forecast) == 15  # 14 days and the note on overdue cards
        assert "Again" in text_of(screen, "#buttons")
        assert f"Solved 0 of {len(catalogue.names())}" in text_of(screen, "#exercises")
        for plot_id, title in (("#accuracy", "no reviews yet"), ("#scores", "none yet")):
            assert title in str(screen.query_one(plot_id, PlotextPlot).render())
        await pilot.press("r")
        await ready(app, pilot)
        assert "No reviews yet" in text_of(screen, "#summary")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_filled_store(store: Store) -> None:
    now = now_utc()
    days_ago = [now - timedelta(days=d) for d in (20, 2, 1, 1)]
    record(store, "gates.lstm-order", days_ago[0], 3)
    record(store, "gates.lstm-order", days_ago[1], 3, due=now + timedelta(days=30))
    record(store, "gates.sigmoid-gates", days_ago[2], 1, due=now - timedelta(hours=1))
    record(store, "counting.gru-gates", days_ago[3], 4, due=now + timedelta(days=5))
    with clock(days_ago[1]):
        store.record_exercise_attempt(
            "lstm_cell", passed=True, diagnosis=None, device="cpu", seed=0
        )
        for score in (0.4, 0.9):
            store.finish_interview(store.start_interview("lstm-basics", "junior"), score, None)
    active_days = {d.astimezone().date() for d in days_ago}

    app = RnnPrepApp(bank_dir=MINI_BANK, store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(app, pilot)
        summary = text_of(screen, "#summary")
        assert "4 answers, 75% right" in summary and "3 of 12 questions seen" in summary
        counting, gates = table_rows(screen)
        assert counting[:3] == ["Counting", "6", "1"] and counting[4:] == ["100%", "0"]
        assert gates[:3] == ["Gates", "6", "2"] and gates[4:] == ["67%", "1"]
        for row in (counting, gates):
            assert row[3].endswith("%") and "▰" in row[3]
        # one shaded cell per active local day, the busiest (two answers) darkest
        heat = text_of(screen, "#heatmap")
        assert cells(heat) == len(active_days)
        assert "busiest day 2" in heat
        forecast = text_of(screen, "#forecast").splitlines()
        assert forecast[0].startswith("Today") and forecast[0].endswith(" 1")
        assert sum(line.rstrip().endswith(" 1") for line in forecast) == 2
        buttons = text_of(screen, "#buttons").splitlines()
        assert [line.split()[-2] for line in buttons] == ["1", "0", "2", "1"]
        exercises = text_of(screen, "#exercises")
        assert f"Solved 1 of {len(catalogue.names())}" in exercises and "✓ lstm_cell" in exercises
        assert "Accuracy per week (%)" in str(screen.query_one("#accuracy", PlotextPlot).render())
        scores = screen.query_one("#scores", PlotextPlot)
        assert "Mock interview scores (%)" in str(scores.render())
        assert screen.stats is not None and [i.score for i in screen.stats.interviews] == [0.4, 0.9]

        # a new answer shows after a refresh
        record(store, "gates.lstm-order", now, 3)
        await pilot.press("r")
        await ready(app, pilot)
        assert "5 answers" in text_of(screen, "#summary")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_loading_indicator_while_computing(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow(*args, **kwargs):
        assert release.wait(30)
        return compute_stats(*args, **kwargs)

    monkeypatch.setattr(stats_screen, "compute_stats", slow)
    app = RnnPrepApp(bank_dir=MINI_BANK, start=StartRequest("stats"))
    async with app.run_test(size=SIZE) as pilot:
        try:
            for _ in range(100):  # the bank loads, then the app opens the stats screen
                if isinstance(app.screen, StatsScreen) and app.screen.is_mounted:
                    break
                await pilot.pause()
            screen = app.screen
            assert screen.query_one("#stats").loading  # covered by a LoadingIndicator
            assert "Reading your progress" in text_of(screen, "#summary")
        finally:
            release.set()
        await ready(app, pilot)
        assert not screen.query_one("#stats").loading
        assert "No reviews yet" in text_of(screen, "#summary")


async def test_failure_is_shown_not_crashed(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(stats_screen, "compute_stats", broken)
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.open_screen("stats")
        await pilot.pause()
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert "disk on fire" in text_of(screen, "#summary")
        assert not screen.query_one("#stats").loading


def test_heat_levels() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8, 9)] == [0, 1, 1, 2, 2, 3, 4, 4]
    assert heat_level(1, 1) == 4  # the busiest day is always the darkest


def test_heatmap_layout() -> None:
    """Columns are weeks from a Monday, rows weekdays; days after `end` are left blank."""
    monday = date(2025, 3, 3)
    daily = DailyReviews(
        start=monday,
        end=date(2025, 3, 12),  # the Wednesday of the second week
        counts={date(2025, 3, 3): 1, date(2025, 3, 5): 4, date(2025, 3, 11): 2},
    )
    text = heatmap(daily)
    lines = text.plain.splitlines()
    assert lines[0].strip() == "Mar"
    assert lines[1:8] == [
        "Mon ■ · ",
        "Tue · ■ ",
        "Wed ■ · ",
        "Thu · ",
        "Fri · ",
        "Sat · ",
        "Sun · ",
    ]
    assert lines[8].startswith("Less · ■ ■ ■ ■ More")
    assert "busiest day 4" in lines[8]
    # shades: 1 of 4 -> lightest, 4 of 4 -> darkest, 2 of 4 -> second
    styles = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styles["■"]  # every cell is coloured
    shaded = [
        str(span.style)
        for span in text.spans
        if text.plain[span.start : span.end] == CELL and span.start < text.plain.index("Less")
    ]
    assert shaded == [HEAT[0], HEAT[1], HEAT[3]]  # Mon 3rd, Tue 11th, Wed 5th in row order
