"""The exercises screen's other views: the task's Markdown, the reset question, the solution."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownFence

from quiz.l10n import N_, _
from quiz.tui.localized import Localized


class PlainCodeBlock(MarkdownFence):
    """A code block without a language, shown as plain text.

    The READMEs write their equations as indented blocks; left to guess, Pygments takes them
    for scdoc markup and bolds whatever lies between two `*` (as in `f * c + i * g`).
    """

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        return super().highlight(code, language or "text", ansi, dark)


class TaskMarkdown(Markdown):
    """An exercise's README, with its equation blocks kept plain."""

    BLOCKS = {**Markdown.BLOCKS, "code_block": PlainCodeBlock}


class ConfirmReset(Localized, ModalScreen[bool]):
    """Asks before the learner's file is replaced by the starter."""

    BINDINGS = [
        Binding("y", "dismiss(True)", N_("Yes"), id="reset.yes", tooltip=N_("Replace the file")),
        Binding("n,escape", "dismiss(False)", N_("No"), id="reset.no", tooltip=N_("Keep the file")),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            before, _sep, after = _(
                "Replace {path} with the starter? Your code is lost."
            ).partition("{path}")
            yield Static(Text.assemble(before, (str(self.path), "bold"), after))
            yield Static(_("y: replace it · n: keep it"), classes="muted")


class SolutionScreen(Localized, ModalScreen[None]):
    """The model solution, shown once the learner's own file has passed."""

    BINDINGS = [
        Binding(
            "escape,s",
            "dismiss",
            N_("Close"),
            id="solution.close",
            tooltip=N_("Back to the list"),
        ),
    ]

    def __init__(self, name: str, code: str) -> None:
        super().__init__()
        self.exercise = name
        self.code = code

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="solution", classes="panel") as box:
            box.border_title = _("Model solution: {name}").format(name=self.exercise)
            box.border_subtitle = _("escape closes")
            yield Markdown(f"```python\n{self.code.rstrip()}\n```")
