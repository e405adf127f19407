"""One answer widget per question type; each posts `AnswerGiven` when the learner submits.

`ANSWER_UI` is the app's one table per question type (widget, how-to line, feedback), keyed by the
question class; the core's registry (quiz.questions) has everything else about a type.

Everything works from the keyboard: digits pick or toggle, space and enter submit (space toggles
in lists where several can be picked), arrows move, space grabs and drops a step to reorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from quiz.engine import AnswerError, FreeAnswer, Posed, parse_number, truth_label
from quiz.i18n import Lang
from quiz.l10n import N_, _
from quiz.questions import (
    QUESTION_CLASSES,
    Free,
    Multi,
    Numeric,
    Order,
    QuestionBase,
    Single,
    SpotError,
    TrueFalse,
    UnknownQuestionType,
    question_class,
)
from quiz.sanitize import clean_text
from quiz.tui.messages import AnswerGiven

DIGITS = [
    Binding(str(n), f"pick({n - 1})", show=False, id=f"answer.pick{n}", tooltip=f"Choice {n}")
    for n in range(1, 10)
]


def numbered(index: int, text: str) -> str:
    return f"{index + 1}. {text}"


class ChoiceAnswer(OptionList):
    """Single choice, spot-the-error line, or true/false: digits pick, enter/space submit."""

    BINDINGS = [
        *DIGITS,
        Binding(
            "space", "select", N_("Submit"), id="answer.submit", tooltip=N_("Submit this choice")
        ),
        Binding("t", "truth(True)", show=False, id="answer.true", tooltip=N_("True")),
        Binding("f", "truth(False)", show=False, id="answer.false", tooltip=N_("False")),
    ]

    def __init__(self, labels: list[str], values: list[object] | None = None) -> None:
        super().__init__(
            *[Option(numbered(i, label)) for i, label in enumerate(labels)], markup=False
        )
        self.values = values if values is not None else list(range(len(labels)))

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index

    def action_truth(self, value: bool) -> None:
        if value in self.values and all(isinstance(v, bool) for v in self.values):
            self.post_message(AnswerGiven(value))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(AnswerGiven(self.values[event.option_index]))


class MultiAnswer(OptionList):
    """Select all that apply: digits or space toggle, enter submits. `values` are what each
    shown line stands for (bank indices when choices are shown shuffled).

    An option list, not Textual's SelectionList: each line carries its state as a glyph (☑/☐)
    so ticked and unticked read apart without colour (NO_COLOR), and long lines wrap instead of
    being cut."""

    BINDINGS = [
        *DIGITS,
        Binding("space", "tick", N_("Tick"), id="answer.tick", tooltip=N_("Tick or untick")),
        Binding(
            "enter", "submit", N_("Submit"), id="answer.submit", tooltip=N_("Submit the selection")
        ),
    ]

    def __init__(self, labels: list[str], values: list[int] | None = None) -> None:
        self.labels = labels
        self.values = values if values is not None else list(range(len(labels)))
        self.selected: set[int] = set()
        super().__init__(*[Option(self._prompt(i)) for i in range(len(labels))], markup=False)

    def _prompt(self, index: int) -> str:
        mark = "☑" if self.values[index] in self.selected else "☐"
        return f"{mark} {numbered(index, self.labels[index])}"

    def _toggle(self, index: int) -> None:
        self.selected ^= {self.values[index]}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index
            self._toggle(index)

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self._toggle(self.highlighted)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click ticks; enter is bound to submit
        self._toggle(event.option_index)

    def action_submit(self) -> None:
        self.post_message(AnswerGiven(sorted(self.selected)))


class OrderAnswer(OptionList):
    """Put steps in order: arrows move the cursor, space grabs/drops a step, enter submits."""

    BINDINGS = [
        Binding(
            "space", "grab", N_("Grab/drop"), id="answer.grab", tooltip=N_("Pick up or drop a step")
        ),
        Binding("up", "move(-1)", N_("Up"), show=False, id="answer.up", tooltip=N_("Move up")),
        Binding(
            "down", "move(1)", N_("Down"), show=False, id="answer.down", tooltip=N_("Move down")
        ),
        Binding(
            "enter", "submit", N_("Submit"), id="answer.submit", tooltip=N_("Submit this order")
        ),
    ]

    def __init__(self, items: list[str], shown_order: tuple[int, ...]) -> None:
        super().__init__(markup=False)
        self.items = items
        self.arrangement = list(shown_order)
        self.grabbed = False

    def on_mount(self) -> None:
        self._redraw(0)

    def _redraw(self, cursor: int) -> None:
        self.clear_options()
        for position, item in enumerate(self.arrangement):
            mark = "⇅ " if self.grabbed and position == cursor else "  "
            self.add_option(Option(f"{mark}{numbered(position, self.items[item])}"))
        self.highlighted = cursor

    def action_grab(self) -> None:
        self.grabbed = not self.grabbed
        self._redraw(self.highlighted or 0)

    def action_move(self, step: int) -> None:
        here = self.highlighted or 0
        there = max(0, min(len(self.arrangement) - 1, here + step))
        if self.grabbed and there != here:
            self.arrangement[here], self.arrangement[there] = (
                self.arrangement[there],
                self.arrangement[here],
            )
        self._redraw(there)

    def action_submit(self) -> None:
        self.post_message(AnswerGiven(list(self.arrangement)))


class NumericAnswer(Vertical):
    """Type a number (commas, spaces, fractions such as 1/16 and 6.25e-2 allowed); enter
    submits; unreadable input is refused, and the refusal goes once the text is edited."""

    DEFAULT_CSS = "NumericAnswer { height: auto; } NumericAnswer Input { width: 40; }"

    def __init__(self, unit: str | None) -> None:
        super().__init__()
        self.unit = unit

    def compose(self) -> ComposeResult:
        if self.unit:
            placeholder = _("a number ({unit})").format(unit=self.unit)
        else:
            placeholder = _("a number, e.g. 49,664 or 1/16")
        yield Input(placeholder=placeholder, id="number")
        yield Static("", classes="wrong", id="number-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            parse_number(event.value)
        except AnswerError as exc:
            self.query_one("#number-error", Static).update(str(exc))
            return
        self.query_one("#number-error", Static).update("")
        self.post_message(AnswerGiven(event.value))

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#number-error", Static).update("")


class FreeAnswerInput(Vertical):
    """Write an answer, then tick the key points it covered; the ticks make the grade. The
    learner's own words stay on screen beside the model answer while they tick."""

    DEFAULT_CSS = """
    FreeAnswerInput { height: auto; }
    FreeAnswerInput TextArea { height: 8; }
    FreeAnswerInput MultiAnswer { height: auto; max-height: 12; }
    FreeAnswerInput Markdown { height: auto; }
    FreeAnswerInput #free-given { padding: 0 1; border-left: thick $secondary; }
    """
    BINDINGS = [
        Binding(
            "ctrl+s",
            "reveal",
            N_("Done writing"),
            id="answer.reveal",
            tooltip=N_("Show the model answer and tick what you covered"),
            priority=True,
        ),
    ]

    def __init__(self, question: Free, lang: Lang) -> None:
        super().__init__()
        self.question = question
        self.lang = lang
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static(_("Write your answer, then press ctrl+s."), classes="muted", id="free-hint")
        yield TextArea(id="free-text", soft_wrap=True)

    def action_reveal(self) -> None:
        area = self.query("#free-text")
        if not area:
            return
        self.text = clean_text(self.query_one("#free-text", TextArea).text)
        area.remove()
        self.query_one("#free-hint", Static).update(
            _("Tick the key points your answer covered (digits or space), then enter.")
        )
        given = self.text.strip() or _("(nothing written)")
        self.mount(Static(_("Your answer:"), classes="muted"))
        self.mount(Static(given, id="free-given", markup=False))
        self.mount(Static(_("Model answer:"), classes="muted"))
        self.mount(Markdown(self.question.model_answer.get(self.lang), id="model-answer"))
        points = KeyPoints([kp.get(self.lang) for kp in self.question.key_points])
        self.mount(points)
        points.focus()


class KeyPoints(MultiAnswer):
    """The key-point checklist of a free answer."""

    def action_submit(self) -> None:
        parent = self.parent
        text = parent.text if isinstance(parent, FreeAnswerInput) else ""
        self.post_message(AnswerGiven(FreeAnswer(text, frozenset(self.selected))))


def _single(posed: Posed, lang: Lang) -> Widget:
    q = posed.question
    assert isinstance(q, Single)
    return ChoiceAnswer([q.choices[i].get(lang) for i in posed.shown_order], [*posed.shown_order])


def _multi(posed: Posed, lang: Lang) -> Widget:
    q = posed.question
    assert isinstance(q, Multi)
    shown = list(posed.shown_order)
    return MultiAnswer([q.choices[i].get(lang) for i in shown], shown)


def _lines(posed: Posed, lang: Lang) -> Widget:
    assert isinstance(posed.question, SpotError)
    return ChoiceAnswer([line.get(lang) for line in posed.question.lines])


def _truth(posed: Posed, lang: Lang) -> Widget:
    return ChoiceAnswer([truth_label(True, lang), truth_label(False, lang)], [True, False])


def _number(posed: Posed, lang: Lang) -> Widget:
    assert isinstance(posed.question, Numeric)
    return NumericAnswer(posed.question.unit)


def _steps(posed: Posed, lang: Lang) -> Widget:
    assert isinstance(posed.question, Order)
    return OrderAnswer([item.get(lang) for item in posed.question.items], posed.shown_order)


def _free(posed: Posed, lang: Lang) -> Widget:
    assert isinstance(posed.question, Free)
    return FreeAnswerInput(posed.question, lang)


@dataclass(frozen=True)
class AnswerUI:
    """How the app asks one question type: the widget that takes the answer, the how-to line
    above it (an English msgid, translated where shown), and whether the feedback repeats the
    right answer (not when the widget has already shown it, as a free answer's model answer)."""

    widget: Callable[[Posed, Lang], Widget]
    how: str
    feedback_shows_answer: bool = True


# The app's one table per question type, beside the core's registry (quiz.questions); a
# registered type missing here stops the app at import, not at its first showing.
ANSWER_UI: dict[type[QuestionBase], AnswerUI] = {
    Single: AnswerUI(_single, N_("Pick one: digits or arrows, then enter.")),
    SpotError: AnswerUI(_lines, N_("Which line is wrong? Digits or arrows, then enter.")),
    TrueFalse: AnswerUI(_truth, N_("t / f, or arrows and enter.")),
    Multi: AnswerUI(_multi, N_("Select all that apply: digits or space toggle, enter submits.")),
    Numeric: AnswerUI(_number, N_("Type a number and press enter.")),
    Order: AnswerUI(_steps, N_("Arrows move; space grabs and drops a step; enter submits.")),
    Free: AnswerUI(_free, N_("Answer as you would in an interview."), feedback_shows_answer=False),
}


def answer_ui(question: QuestionBase) -> AnswerUI:
    """The app's entry for this question's type; UnknownQuestionType unless the type is in
    both the core registry and ANSWER_UI."""
    cls = question_class(question)
    if cls not in ANSWER_UI:
        raise UnknownQuestionType(f"no answer widget for question type {cls.__name__}")
    return ANSWER_UI[cls]


def answer_widget(posed: Posed, lang: Lang) -> Widget:
    """The widget that collects an answer to this question."""
    return answer_ui(posed.question).widget(posed, lang)


def how_line(question: QuestionBase) -> str:
    """How to answer this question, translated."""
    return _(answer_ui(question).how)


def missing_answer_ui() -> list[str]:
    """Registered question types that ANSWER_UI does not cover (it must cover them all)."""
    return [tag for tag, cls in QUESTION_CLASSES.items() if cls not in ANSWER_UI]


if missing_answer_ui():
    raise UnknownQuestionType(f"no answer widget for question types {missing_answer_ui()}")


async def mount_question(holder: Widget, widget: Widget) -> None:
    """Put a step's answer widget in `holder` (emptied and enabled again) and focus it: the
    quiz screen and the mock interview ask their questions the same way."""
    holder.disabled = False
    await holder.remove_children()
    await holder.mount(widget)
    focusable = [w for w in (widget, *widget.query("*")) if w.can_focus]
    if focusable:
        focusable[0].focus()
