"""The exercises screen's pieces that need no screen: standing, messages, the editor."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.app import App, SuspendNotSupported
from textual.message import Message

from exercises import api
from quiz.bank import Bank
from quiz.i18n import Lang
from quiz.l10n import N_, _, ngettext
from quiz.links import Queued
from quiz.store import Store, now_utc
from quiz.tui.widgets.fitted_table import Cell

STARS = {1: "★☆☆", 2: "★★☆", 3: "★★★"}


STATUS_STYLE = {
    "passing": (N_("✓ passing"), "green"),
    "failing": (N_("✗ failing"), "red"),
    "not started": (N_("· not started"), "dim"),
}


FALLBACK_EDITORS = ("nano", "vi")


@dataclass
class ExercisesLoaded(Message):
    """The catalogue and the learner's standing, read off the UI thread."""

    infos: list[api.ExerciseInfo]


@dataclass(frozen=True)
class Verdict:
    """A grading as the screen keeps it: the result, and the questions its diagnosis queued."""

    result: api.GradeResult
    queued: Queued | None


@dataclass
class FileSaved(Message):
    """Watch mode saw the learner's file for `name` change."""

    name: str


def exercise_list(store: Store) -> list[api.ExerciseInfo]:
    """Every exercise with the learner's standing, easiest first (the order to learn them in)."""
    return sorted(api.list_exercises(store), key=lambda info: (info.difficulty, info.name))


def ago(moment: datetime, now: datetime) -> str:
    """A short relative time for the list: "just now", "5 min ago", "3 h ago", "2 d ago"."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        return _("{n} min ago").format(n=f"{seconds // 60:.0f}")
    if seconds < 86400:
        return _("{n} h ago").format(n=f"{seconds // 3600:.0f}")
    if seconds < 30 * 86400:
        return _("{n} d ago").format(n=f"{seconds // 86400:.0f}")
    return f"{moment.astimezone():%Y-%m-%d}"


def editor_command() -> list[str] | None:
    """$VISUAL or $EDITOR (which may carry arguments, e.g. "code -w"), else nano or vi."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    found = next((name for name in FALLBACK_EDITORS if shutil.which(name)), None)
    return [found] if found else None


def standing_text(info: api.ExerciseInfo) -> Text:
    """What the store says about an exercise not graded on this visit."""
    if info.last_attempt is None:
        return Text(
            _("Not graded yet. Write {name} in your file, then press g.").format(name=info.name)
        )
    text = Text(_("Last graded {when}: ").format(when=ago(info.last_attempt, now_utc())))
    label, style = STATUS_STYLE[info.status]
    text.append(_(label), style=style)
    if info.last_diagnosis:
        text.append(f" ({info.last_diagnosis})", style="dim")
    text.append(
        ngettext(" after {n} attempt.", " after {n} attempts.", info.attempts).format(
            n=info.attempts
        )
    )
    text.append(_(" Press g to grade your file now."), style="dim")
    return text


def edit_in_terminal(app: App[object], path: Path) -> str | None:
    """Hand the terminal to the learner's editor on `path`; what went wrong if it could not."""
    command = editor_command()
    if command is None:
        return _("No editor found (set $EDITOR). Your file is {path}").format(path=path)
    try:
        with app.suspend():
            subprocess.run([*command, str(path)], check=False)
    except SuspendNotSupported:
        return _("No terminal to lend an editor here. Your file is {path}").format(path=path)
    except OSError as exc:
        return _("Could not start {editor}: {error}. Your file is {path}").format(
            editor=command[0], error=exc, path=path
        )
    return None


def list_rows(
    infos: list[api.ExerciseInfo], bank: Bank, lang: Lang
) -> list[tuple[str, dict[str, Cell]]]:
    """The list's rows (key, cells by column) for the learner's standing in `infos`."""
    now = now_utc()
    rows: list[tuple[str, dict[str, Cell]]] = []
    for info in infos:
        label, style = STATUS_STYLE[info.status]
        titles = [_topic_title(bank, topic, lang) for topic in info.topics]
        cells: dict[str, Cell] = {
            "title": info.title,
            "status": Text(_(label), style=style),
            "attempts": str(info.attempts),
            "last": ago(info.last_attempt, now) if info.last_attempt else "—",
            "level": STARS[info.difficulty],
            # every topic it practises, the main one first ("LSTM, Shapes")
            "topic": _(", ").join(titles),
        }
        rows.append((info.name, cells))
    return rows


def _topic_title(bank: Bank, topic: str, lang: Lang) -> str:
    """A topic's title from the bank, or its id when the bank does not know it."""
    found = bank.topics.get(topic)
    return found.title.get(lang) if found else topic
