"""The cheat sheet (quiz.cheatsheet, as `rnnprep cheatsheet` prints it) and a parameter
calculator: a layer's sizes in, its count for PyTorch and for Keras out, tensor by tensor.

The figures come from quiz.layer_sizes (plain arithmetic, checked against torch by the tests), so
the calculator answers as a key is typed, and torch never loads in the app.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Markdown,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from quiz import cheatsheet
from quiz.l10n import N_, _, current_language
from quiz.layer_sizes import (
    CELLS,
    Cell,
    Config,
    ConfigError,
    keras_tensors,
    layer_names,
    torch_tensors,
    total,
)
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.widgets.fitted_table import Column, FittedTable

SIZES = (  # the calculator's number fields: id, label, default
    ("input_size", N_("Input size I"), 10),
    ("hidden_size", N_("Hidden size H"), 20),
    ("num_layers", N_("Layers"), 1),
    ("proj_size", N_("proj_size (LSTM)"), 0),
)


class CheatSheetScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "cheatsheet.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "back",
            N_("Back"),
            id="cheatsheet.back",
            tooltip=N_("Back to the home screen"),
        ),
        Binding(
            "s", "show('sheet')", N_("Sheet"), id="cheatsheet.sheet", tooltip=N_("The cheat sheet")
        ),
        Binding(
            "k",
            "show('calculator')",
            N_("Calculator"),
            id="cheatsheet.calculator",
            tooltip=N_("Count a layer's parameters"),
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="sheet"):
            with TabPane(_("Sheet [s]"), id="sheet"), VerticalScroll():
                yield Markdown(cheatsheet.markdown(current_language()), id="sheet-text")
            with TabPane(_("Calculator [k]"), id="calculator"), VerticalScroll():
                with Horizontal(classes="row"):
                    yield Label(_("Layer"))
                    cells = [(layer_names(c), c) for c in CELLS]
                    yield Select(cells, value="lstm", allow_blank=False, id="cell")
                for pair in (SIZES[:2], SIZES[2:]):  # two fields a row: all in view at 80 x 24
                    with Horizontal(classes="row"):
                        for key, label, default in pair:
                            yield Label(_(label))
                            yield Input(str(default), id=key, type="integer")
                with Horizontal(classes="row"):
                    yield Checkbox(_("bidirectional"), id="bidirectional")
                    yield Checkbox(_("bias"), value=True, id="bias")
                yield Static(id="counts")
                table = FittedTable(id="tensors", cursor_type="row", zebra_stripes=True)
                table.set_columns(
                    [
                        Column("framework", _("Framework")),
                        Column("tensor", _("Tensor"), shrink=8),
                        Column("shape", _("Shape")),
                        Column("count", _("Parameters")),
                    ]
                )
                yield table
        yield Footer()

    def on_mount(self) -> None:
        self.recount()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def recount(self) -> None:
        """The counts of the layer as the fields describe it now, or what is wrong with them."""
        counts = self.query_one("#counts", Static)
        table = self.query_one("#tensors", FittedTable)
        try:
            config = self._config()
            pytorch = torch_tensors(config)
        except (ValueError, ConfigError) as exc:
            counts.update(Text(_("Cannot count: {reason}").format(reason=_(str(exc))), "red"))
            table.set_rows([])
            return
        try:
            keras = keras_tensors(config)
        except ConfigError:
            keras = []
        line = Text()
        line.append(_("PyTorch: {count:,} parameters").format(count=total(pytorch)), "bold")
        line.append("   ")
        if keras:
            line.append(_("Keras: {count:,} parameters").format(count=total(keras)), "bold")
        else:
            line.append(_("Keras has no proj_size."), "italic")
        counts.update(line)
        rows = [
            (
                f"{framework}:{t.name}",
                {
                    "framework": framework,
                    "tensor": t.name,
                    "shape": str(t.shape),
                    "count": f"{t.size:,}",
                },
            )
            for framework, tensors in (("PyTorch", pytorch), ("Keras", keras))
            for t in tensors
        ]
        table.set_rows(rows)

    def _config(self) -> Config:
        sizes = {}
        for key, label, _default in SIZES:
            raw = self.query_one(f"#{key}", Input).value.strip()
            if not raw.lstrip("-").isdigit():
                raise ValueError(_("{field} must be a whole number").format(field=_(label)))
            sizes[key] = int(raw)
        cell: Cell = self.query_one("#cell", Select).value  # type: ignore[assignment]
        return Config(
            cell,
            sizes["input_size"],
            sizes["hidden_size"],
            sizes["num_layers"],
            self.query_one("#bidirectional", Checkbox).value,
            self.query_one("#bias", Checkbox).value,
            sizes["proj_size"],
        )
