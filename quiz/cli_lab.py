"""`rnnprep lab gradients`: the gradient lab on the command line (a preset, or a configuration
given by options), as text, JSON or a terminal plot."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from quiz import lab
from quiz.l10n import _


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("lab", help=_("watch gradients vanish or explode"))
    labs = parser.add_subparsers(dest="lab_command", metavar="LAB", required=True)
    grads = labs.add_parser(
        "gradients",
        help=_("per-step gradient norms of a recurrent cell unrolled for T steps"),
        description=_(
            "A seeded forward and backward pass through a cell unrolled for T steps (torch runs"
            " in a process of its own). The loss is the last hidden state projected on a random"
            " unit vector; printed are ‖∂L/∂h_t‖ and ‖∂L/∂x_t‖ for every t, their first/last"
            " ratio and the spectral radius of W_hh's candidate block. A preset reproduces a"
            " claim of the question banks; options change any part of it."
        ),
    )
    grads.add_argument("--preset", choices=sorted(lab.PRESETS), help=_("start from a preset"))
    grads.add_argument("--cell", choices=lab.CELLS, help=_("the cell (default rnn_tanh)"))
    grads.add_argument("--T", type=int, dest="steps", help=_("time steps (default 50)"))
    grads.add_argument("--H", type=int, dest="hidden_size", help=_("hidden size (default 32)"))
    grads.add_argument("--init", choices=lab.INITS, help=_("how W_hh starts (default orthogonal)"))
    grads.add_argument("--gain", type=float, help=_("orthogonal or identity gain (default 1)"))
    grads.add_argument("--sigma", type=float, help=_("normal: N(0, (σ/√H)²) (default 1)"))
    grads.add_argument("--input-scale", type=float, help=_("x ~ N(0, scale²) (default 1)"))
    grads.add_argument(
        "--forget-bias",
        type=float,
        help=_(
            "bias of the gate that keeps the state: LSTM forget gate, GRU update gate (default 0)"
        ),
    )
    grads.add_argument("--clip", type=float, help=_("clip the gradient to this global norm"))
    grads.add_argument("--seed", type=int, help=_("random seed (default 0)"))
    shown = grads.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help=_("print one JSON object"))
    shown.add_argument("--plot", action="store_true", help=_("draw the norms in the terminal"))
    grads.add_argument(
        "--png",
        type=Path,
        metavar="PATH",
        help=_("also save a picture: ‖∂L/∂h_t‖ and ‖∂L/∂x_t‖ against t on a log scale"),
    )


def lab_gradients(args: argparse.Namespace) -> int:
    preset = lab.PRESETS.get(args.preset) if args.preset else None
    bases = preset.configs if preset else (lab.LabConfig(),)
    changes = {
        key: getattr(args, key)
        for key in (
            "cell",
            "steps",
            "hidden_size",
            "init",
            "gain",
            "sigma",
            "input_scale",
            "forget_bias",
            "clip",
            "seed",
        )
    }
    configs = tuple(lab.with_changes(base, **changes) for base in bases)
    try:
        results = lab.run_many(configs)
    except lab.LabError as exc:
        print(_("rnnprep lab: {reason}").format(reason=exc), file=sys.stderr)
        return 2 if configs[0].problem() else 1
    if args.png is not None:
        title = preset.text(preset.title) if preset else _("Gradient norms against t")
        problem = save_png(results, args.png.expanduser(), title)
        if problem is not None:
            print(_("rnnprep lab: {reason}").format(reason=problem), file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps({"preset": args.preset, "results": [r.to_json() for r in results]}))
        return 0
    if preset is not None:
        print(f"{preset.text(preset.title)}\n{preset.text(preset.claim)}\n")
    for result in results:
        print(describe(result))
    if args.plot:
        plot(results)
    if args.png is not None:
        print(_("Saved the picture to {path}.").format(path=args.png))
    return 0


def describe(result: lab.LabResult) -> str:
    c = result.config
    lines = [
        f"{c.cell} T={c.steps} H={c.hidden_size} init={c.init} gain={c.gain:g} sigma={c.sigma:g}"
        f" input_scale={c.input_scale:g} forget_bias={c.forget_bias:g} seed={c.seed}",
        _("  ‖∂L/∂h_1‖ = {first:.3g}, ‖∂L/∂h_T‖ = {last:.3g}, first/last = {ratio:.3g}").format(
            first=result.grad_h[0], last=result.grad_h[-1], ratio=result.ratio_first_last
        ),
        _("  spectral radius of W_hh (candidate block): {radius:.3g}").format(
            radius=result.spectral_radius
        ),
    ]
    if result.clip is not None:
        lines.append(
            _("  clipped to {max_norm:g}: gradient norm {before:.3g} → {after:.3g}").format(
                **result.clip
            )
        )
    return "\n".join(lines)


def plot(results: list[lab.LabResult]) -> None:
    import plotext as plt

    plt.clear_figure()
    for result in results:
        c = result.config
        steps = list(range(1, c.steps + 1))
        plt.plot(steps, [lab.log10(v) for v in result.grad_h], label=c.label())
    plt.xlabel("t")
    plt.ylabel("log10")
    plt.plotsize(min(100, plt.terminal_width() or 80), 20)
    plt.show()


# Fonts with Chinese glyphs, tried in order for a Chinese title; matplotlib's own has none.
CJK_FONTS = (
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Source Han Sans TC",
    "WenQuanYi Micro Hei",
    "PingFang TC",
    "Microsoft JhengHei",
    "Microsoft YaHei",
)


def save_png(results: list[lab.LabResult], path: Path, title: str) -> str | None:
    """Draw both norms against t, log scale, one colour per setting; why it failed, or None."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed; set before pyplot loads
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if not title.isascii():
        found = [f for f in CJK_FONTS if _has_font(font_manager, f)]
        if found:
            plt.rcParams["font.family"] = [found[0], "DejaVu Sans"]
        else:  # boxes instead of characters would be worse than English
            title = _label_en(results)
    figure, axes = plt.subplots(figsize=(9, 5), dpi=120)
    for index, result in enumerate(results):
        steps = range(1, result.config.steps + 1)
        colour = f"C{index}"
        name = result.config.label()
        axes.semilogy(steps, result.grad_h, color=colour, label=f"{name}  ‖∂L/∂h_t‖")
        axes.semilogy(
            steps, result.grad_x, color=colour, linestyle="--", label=f"{name}  ‖∂L/∂x_t‖"
        )
    axes.set_xlabel("t")
    axes.set_ylabel("‖∂L/∂·‖")
    axes.set_title(title)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    try:
        figure.savefig(path, format="png")
    except OSError as exc:
        return _("Could not write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
    finally:
        plt.close(figure)
    return None


def _has_font(font_manager: Any, family: str) -> bool:
    try:
        font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return True


def _label_en(results: list[lab.LabResult]) -> str:
    return " vs ".join(r.config.label() for r in results)
