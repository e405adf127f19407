"""A DataTable that fits its width: the columns that do not fit are left out, least needed first.

A table wider than its place scrolls sideways in Textual, so the columns on the right (often the
ones that matter, such as what is due) end up out of sight. FittedTable keeps every row's cells
and, whenever its width changes, shows the columns that fit: one column (a title, say) may first
shorten down to a minimum, ending in "…"; then columns are dropped by priority, highest first.
A column of priority 0 is never dropped. Wide (Chinese) characters count as two cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.widgets import DataTable


@dataclass(frozen=True)
class Column:
    """One column: `priority` 0 is always shown, higher numbers are dropped first; `shrink` is the
    fewest cells the column may shorten to (with "…") before any column is dropped."""

    key: str
    label: str
    priority: int = 0
    shrink: int | None = None


Cell = RenderableType | int | float


def as_text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(str(cell))


def fit_columns(
    columns: list[Column], widths: Mapping[str, int], room: int, padding: int
) -> tuple[list[str], tuple[str, int] | None]:
    """Which columns to show in `room` cells, and the width of the one that shortens (if any).

    `widths` are the natural widths (the widest cell or label). Returns (keys shown, in order;
    the shortened column's key and width, or None).
    """
    shown = list(columns)
    while True:
        total = sum(widths[c.key] + 2 * padding for c in shown)
        if total <= room:
            return [c.key for c in shown], None
        shrinkable = [c for c in shown if c.shrink is not None]
        if shrinkable:
            column = shrinkable[0]
            width = widths[column.key] - (total - room)
            if width >= min(column.shrink or 0, widths[column.key]):
                return [c.key for c in shown], (column.key, width)
        droppable = [c for c in shown if c.priority > 0]
        if not droppable:  # nothing left to drop: show what must be shown, sideways scrolling
            return [c.key for c in shown], None
        worst = max(droppable, key=lambda c: (c.priority, shown.index(c)))
        shown.remove(worst)


class FittedTable(DataTable[Cell]):
    """Call `set_columns` once, then `set_rows` (or `update_row`); the table does the fitting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fit_columns: list[Column] = []
        self._fit_rows: dict[str, dict[str, Cell]] = {}
        self._fit_layout: tuple[tuple[str, ...], tuple[str, int] | None] | None = None

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns on show, left to right."""
        return [str(key.value) for key in self.columns]

    def set_columns(self, columns: Iterable[Column]) -> None:
        self._fit_columns = list(columns)
        self._fit_layout = None
        self._refit()

    def set_rows(self, rows: Iterable[tuple[str, Mapping[str, Cell]]]) -> None:
        """Replace every row; `rows` are (row key, {column key: cell}), a cell being a string,
        a number or a rich Text."""
        self._fit_rows = {key: dict(cells) for key, cells in rows}
        self._fit_layout = None
        self._refit()

    def update_row(self, key: str, cells: Mapping[str, Cell]) -> None:
        """Change some cells of one row (added at the end if it is new); the cursor stays."""
        known = key in self._fit_rows
        row = self._fit_rows.setdefault(key, {})
        row.update(cells)
        if known and self._fit_layout is not None and self._fit() == self._fit_layout:
            shortened = self._fit_layout[1]
            for column in self.shown_columns:
                if column in cells:
                    self.update_cell(key, column, self._cell(row, column, shortened))
            return
        self._fit_layout = None
        self._refit()

    def on_resize(self, event: events.Resize) -> None:
        self._refit()
        self.call_after_refresh(self._cursor_on_top)

    def _cursor_on_top(self) -> None:
        """After a resize (a short terminal caps the list's height), the cursor's row at the top
        of the view where it can be: always in view, and in the same place however the resize
        and the cursor's own scrolling interleaved."""
        if self.row_count:
            self.scroll_to(y=min(self.cursor_row, self.max_scroll_y), animate=False)

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        """A scrollbar that appears after the view scrolled starts with its thumb at the top
        (Textual moves it only while it shows): put the thumb where the view stands."""
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    # -- fitting -------------------------------------------------------------------------------

    def _room(self) -> int:
        """Cells across for the columns: the width less a vertical scrollbar, if one shows."""
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar and len(self._fit_rows) + 1 > self.size.height > 0:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _natural_widths(self) -> dict[str, int]:
        """Each column's width: its widest cell or its label."""
        rows = self._fit_rows.values()
        return {
            c.key: max([cell_len(c.label), *(as_text(row.get(c.key, "")).cell_len for row in rows)])
            for c in self._fit_columns
        }

    def _fit(self) -> tuple[tuple[str, ...], tuple[str, int] | None]:
        widths = self._natural_widths()
        room = self._room()
        if room <= 0:  # not laid out yet: everything, the next resize fits it
            return tuple(c.key for c in self._fit_columns), None
        keys, shortened = fit_columns(self._fit_columns, widths, room, self.cell_padding)
        return tuple(keys), shortened

    @staticmethod
    def _cell(row: Mapping[str, Cell], column: str, shortened: tuple[str, int] | None) -> Cell:
        cell = row.get(column, "")
        if shortened is None or shortened[0] != column or as_text(cell).cell_len <= shortened[1]:
            return cell
        text = as_text(cell).copy()
        text.truncate(shortened[1], overflow="ellipsis")
        return text

    def _refit(self) -> None:
        if not self._fit_columns:
            return
        layout = self._fit()
        if layout == self._fit_layout:
            return
        self._fit_layout = layout
        keys, shortened = layout
        cursor = self.cursor_row
        current = None
        if self.row_count and 0 <= cursor < self.row_count:
            current = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        if current in self._fit_rows:  # the same row stays highlighted: nothing to announce
            with self.prevent(DataTable.RowHighlighted, DataTable.CellHighlighted):
                self._rebuild(keys, shortened)
                self.move_cursor(row=list(self._fit_rows).index(current), animate=False)
        else:
            self._rebuild(keys, shortened)

    def _rebuild(self, keys: tuple[str, ...], shortened: tuple[str, int] | None) -> None:
        labels = {c.key: c.label for c in self._fit_columns}
        # Every width given, not left to DataTable: it measures new rows later, when idle, so a
        # screen drawn before then cut cells to the label's width ("Count" for "Counting").
        widths = self._natural_widths()
        if shortened is not None:
            widths[shortened[0]] = shortened[1]
        self.clear(columns=True)
        for key in keys:
            self.add_column(labels[key], key=key, width=widths[key])
        for row_key, row in self._fit_rows.items():
            self.add_row(*(self._cell(row, k, shortened) for k in keys), key=row_key)
