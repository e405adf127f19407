"""A small dialog over the current screen: one centred, bordered box of content."""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Vertical
from textual.screen import ModalScreen

from quiz.tui.localized import Localized

ResultType = TypeVar("ResultType")


class DialogBox(Vertical):
    """A dialog's content goes in one of these (class "warning" for a warning border)."""

    DEFAULT_CSS = """
    DialogBox {
        width: 70; max-width: 95%; height: auto; border: round $accent; padding: 1 2;
        background: $surface;
    }
    DialogBox.warning { border: round $warning; }
    """


class DialogScreen(Localized, ModalScreen[ResultType]):
    """A modal screen that centres its DialogBox."""

    DEFAULT_CSS = "DialogScreen { align: center middle; }"
