"""Typed messages the screens exchange; handlers use `@on(...)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from quiz.bank import Bank


@dataclass
class BankLoaded(Message):
    """The question banks finished loading (off the UI thread)."""

    bank: Bank


@dataclass
class AnswerGiven(Message):
    """An answer widget has a complete response to check."""

    response: Any


@dataclass
class StartQuiz(Message):
    """Start a sitting (from the home screen or the command palette)."""

    mode: str
    topic: str | None = None


@dataclass
class OpenScreen(Message):
    """Open a name registered in quiz.tui.screens.registry (a screen or a quiz mode)."""

    name: str
