"""The gradient lab: pick a preset (or change its settings), run a seeded forward and backward
pass, and watch ‖∂L/∂h_t‖ against t on a log scale, one or two configurations overlaid.

The computation runs in processes of their own (quiz.lab), waited on by a thread worker: the UI
answers keys while it runs, torch never loads in the app, and `x` cancels by ending them.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from quiz import lab
from quiz.l10n import N_, _
from quiz.tui import STYLES
from quiz.tui.localized import Localized

FIELDS = (  # the settings that can be typed: (LabConfig field, label)
    ("steps", "T"),
    ("hidden_size", "H"),
    ("gain", N_("gain")),
    ("sigma", "σ"),
    ("input_scale", N_("input scale")),
    ("forget_bias", N_("keep bias")),  # LSTM f, GRU z
)


@dataclass
class LabDone(Message):
    results: list[lab.LabResult]


@dataclass
class LabFailed(Message):
    reason: str


class LabScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "lab.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="lab.back", tooltip=N_("Back to the home screen")),
        Binding("r", "run", N_("Run"), id="lab.run", tooltip=N_("Run the settings shown")),
        Binding("x", "cancel", N_("Cancel"), id="lab.cancel", tooltip=N_("Stop the computation")),
    ]

    def __init__(self, preset: str | None = None) -> None:
        super().__init__()
        self.preset = lab.PRESETS[preset or next(iter(lab.PRESETS))]
        self.configs = self.preset.configs
        self._procs: list[subprocess.Popen[str]] = []
        self._lock = threading.Lock()
        self.results: list[lab.LabResult] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lab"):
            with VerticalScroll(id="side"):
                presets = OptionList(id="presets")
                for p in lab.PRESETS.values():
                    presets.add_option(p.text(p.title))
                yield presets
                with Horizontal(classes="row"):
                    yield Label(_("cell"))
                    yield Select([(c, c) for c in lab.CELLS], allow_blank=False, id="cell")
                with Horizontal(classes="row"):
                    yield Label(_("init"))
                    yield Select([(i, i) for i in lab.INITS], allow_blank=False, id="init")
                for key, label in FIELDS:
                    with Horizontal(classes="row"):
                        yield Label(_(label))
                        yield Input(id=key, type="number")
            with VerticalScroll(id="main"):
                yield Static(id="claim")
                yield PlotextPlot(id="plot")
                yield Static(id="figures")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#presets", OptionList).highlighted = list(lab.PRESETS).index(
            self.preset.name
        )
        self._show_preset()
        self.action_run()

    def on_unmount(self) -> None:
        self.action_cancel()

    # -- settings ----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#presets")
    def _preset_chosen(self, event: OptionList.OptionSelected) -> None:
        self.preset = list(lab.PRESETS.values())[event.option_index]
        self.configs = self.preset.configs
        self._show_preset()
        self.action_run()

    def _show_preset(self) -> None:
        first = self.configs[0]
        self.query_one("#cell", Select).value = first.cell
        self.query_one("#init", Select).value = first.init
        for key, _label in FIELDS:
            self.query_one(f"#{key}", Input).value = f"{getattr(first, key):g}"
        claim = Text(self.preset.text(self.preset.title) + "\n", style="bold")
        claim.append(self.preset.text(self.preset.claim))
        questions = ", ".join(self.preset.questions)
        claim.append("\n" + _("Questions: {ids}").format(ids=questions), style="dim")
        self.query_one("#claim", Static).update(claim)

    def _edited(self) -> tuple[lab.LabConfig, ...]:
        """The first configuration as the fields say (a second one of a preset stays beside it,
        with the same edits but what sets the two apart)."""
        changes: dict[str, object] = {
            "cell": self.query_one("#cell", Select).value,
            "init": self.query_one("#init", Select).value,
        }
        for key, _label in FIELDS:
            raw = self.query_one(f"#{key}", Input).value
            number = float(raw)
            changes[key] = int(number) if key in ("steps", "hidden_size") else number
        first = lab.with_changes(self.configs[0], **changes)
        if len(self.configs) == 1:
            return (first,)
        second = self.configs[1]
        differ = {
            key: getattr(second, key)
            for key in changes
            if getattr(second, key) != getattr(self.configs[0], key)
        }
        return (first, lab.with_changes(first, **differ))

    # -- running -----------------------------------------------------------------------------

    def action_run(self) -> None:
        try:
            configs = self._edited()
        except ValueError:
            self._say(Text(_("Every field needs a number."), style="red"))
            return
        problem = configs[0].problem()
        if problem is not None:
            self._say(Text(problem, style="red"))
            return
        self.action_cancel()
        self.configs = configs
        self._say(Text(_("Computing… (x cancels)"), style="italic"))
        self.compute(configs)

    def action_cancel(self) -> None:
        with self._lock:
            running, self._procs = self._procs, []
        for proc in running:
            proc.kill()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def compute(self, configs: tuple[lab.LabConfig, ...]) -> None:
        started = [(lab.start(c), c) for c in configs]
        with self._lock:
            self._procs = [proc for proc, _c in started]
        try:
            results = [lab.finish(proc, c) for proc, c in started]
        except lab.LabError as exc:
            cancelled = any(
                proc.returncode is not None and proc.returncode < 0 for proc, _ in started
            )
            self.post_message(LabFailed(_("Cancelled.") if cancelled else str(exc)))
            return
        finally:
            with self._lock:
                self._procs = [p for p in self._procs if p.poll() is None]
        self.post_message(LabDone(results))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "lab" and event.state == WorkerState.ERROR:
            self._say(Text(_("The lab failed: {error}").format(error=event.worker.error), "red"))

    @on(LabFailed)
    def _failed(self, message: LabFailed) -> None:
        self._say(Text(message.reason, style="red"))

    @on(LabDone)
    def _done(self, message: LabDone) -> None:
        self.results = message.results
        plot = self.query_one("#plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(_("log10 ‖∂L/∂h_t‖ against t"))
        for result in message.results:
            c = result.config
            steps = [float(t) for t in range(1, c.steps + 1)]
            plt.plot(steps, [lab.log10(v) for v in result.grad_h], label=c.label())
        plot.refresh()
        figures = Text()
        for result in message.results:
            figures.append(result.config.label() + "\n", style="bold")
            figures.append(
                _("  first/last {ratio:.3g} · spectral radius {radius:.3g}").format(
                    ratio=result.ratio_first_last, radius=result.spectral_radius
                )
                + "\n"
            )
            if result.clip is not None:
                figures.append(
                    _("  clipped to {max_norm:g}: gradient norm {before:.3g} → {after:.3g}").format(
                        **result.clip
                    )
                    + "\n"
                )
        self._say(figures)

    def _say(self, text: Text) -> None:
        self.query_one("#figures", Static).update(text)
