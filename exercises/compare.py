"""Comparing a learner's result with the reference's, whatever its structure (the judge's side).

Results are trees: tuples and lists (a tuple where the contract says tuple), dicts, and
leaves (tensors, numpy arrays on the numpy track, ints, floats, strings, None). Leaves are named
by the exercise's OUTPUT ("h_n", "best[0][1]"). A tuple's length, a tensor's shape, dtype and
device are the contract; a list's length and every value are the answer. Closeness follows
torch.testing.assert_close: |got - want| <= atol + rtol * |want|, NaN never close.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from exercises.backprop import tensors as tensors
from exercises.kit import Case
from exercises.protocol import Worst
from quiz.l10n import _

Names = Any  # str, or a tuple of Names mirroring a tuple result


@dataclass(frozen=True)
class Leaf:
    path: str
    got: Any
    want: Any


@dataclass(frozen=True)
class Problem:
    """A broken contract: the diagnosis id (shape, dtype, device), the message, the advice."""

    diagnosis: str
    message: str
    advice: str = ""


def normalise(value: Any) -> Any:
    """A learner's result with numpy arrays as tensors and numpy scalars as Python numbers, so
    both tracks compare alike (a numpy float64 array becomes a torch.float64 tensor)."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return value
        return torch.from_numpy(np.ascontiguousarray(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return type(value)(normalise(v) for v in value)
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def conform(got: Any, want: Any) -> Any:
    """`got` with a 1-D integer tensor read as the list of ints the reference gives there (token
    ids from topk or argmax), recursively; anything else as it is."""
    tokens = isinstance(want, list) and all(isinstance(w, int) for w in want)
    if tokens and isinstance(got, Tensor) and got.dim() == 1 and not got.is_floating_point():
        return got.tolist()
    if isinstance(want, tuple | list) and isinstance(got, tuple | list) and len(got) == len(want):
        return type(got)(conform(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, list) and isinstance(got, tuple | list) and want:
        return type(got)(conform(g, want[0]) for g in got)
    return got


def _child_names(names: Names, count: int) -> list[Names] | None:
    if isinstance(names, tuple) and len(names) == count:
        return list(names)
    return None


def _join(path: str, names: Names, index: int | str) -> str:
    """The name of item `index` of the node named `names` (or at `path`): "best[0]"."""
    base = names if isinstance(names, str) else path
    return f"{base}[{index!r}]" if isinstance(index, str) else f"{base}[{index}]"


def _name(names: Names, path: str) -> str:
    return names if isinstance(names, str) else path or "result"


def describe_type(value: Any) -> str:
    if value is None:
        return _("None (is a `return` missing?)")
    if isinstance(value, Tensor):
        return _("a tensor of shape {shape}").format(shape=list(value.shape))
    if isinstance(value, tuple | list):
        return _("a {type} of {count}").format(type=type(value).__name__, count=len(value))
    return type(value).__name__


def contract(
    got: Any, want: Any, names: Names, *, numpy_track: bool, path: str = ""
) -> Problem | None:
    """What breaks the output contract (structure, type, shape, dtype, device), or None.
    `got` is the learner's raw result (numpy arrays not yet converted)."""
    got = conform(got, want)
    name = _name(names, path)
    if isinstance(want, tuple):
        if not isinstance(got, tuple) or len(got) != len(want):
            if isinstance(names, tuple):
                parts = ", ".join(map(str, names))
            else:
                parts = _("{count} items").format(count=len(want))
            if isinstance(got, list) and len(got) == len(want):
                return Problem(
                    "shape",
                    _(
                        "{name} must be a tuple ({parts}), as documented, not a list: return"
                        " ({parts}), not [{parts}]. Callers unpack, hash or compare it as a tuple."
                    ).format(name=name, parts=parts),
                )
            return Problem(
                "shape",
                _("{name} must be a tuple ({parts}); your code returned {returned}.").format(
                    name=name, parts=parts, returned=describe_type(got)
                ),
            )
        sub = _child_names(names, len(want))
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            child = sub[k] if sub else _join(path, names, k)
            problem = contract(g, w, child, numpy_track=numpy_track, path=_join(path, names, k))
            if problem:
                return problem
        return None
    if isinstance(want, list):
        if not isinstance(got, list | tuple):
            return Problem(
                "shape",
                _("{name} must be a list; your code returned {returned}.").format(
                    name=name, returned=describe_type(got)
                ),
            )
        for k, (g, w) in enumerate(zip(got, want, strict=False)):
            child = _join(path, names, k)
            problem = contract(g, w, child, numpy_track=numpy_track, path=child)
            if problem:
                return problem
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return Problem(
                "shape",
                _("{name} must be a dict with keys {keys}; your code returned {returned}.").format(
                    name=name, keys=sorted(want), returned=describe_type(got)
                ),
            )
        for key in want:
            child = _join(path, names, key)
            problem = contract(got[key], want[key], child, numpy_track=numpy_track, path=child)
            if problem:
                return problem
        return None
    if isinstance(want, Tensor):
        return _tensor_contract(got, want, name, numpy_track=numpy_track)
    if isinstance(want, bool | int | float):
        return _number_contract(got, want, name)
    return None


def _tensor_contract(got: Any, want: Tensor, name: str, *, numpy_track: bool) -> Problem | None:
    kind = _("numpy array") if numpy_track else _("tensor")
    if numpy_track and isinstance(got, np.ndarray) and got.dtype != object:
        got = torch.from_numpy(np.ascontiguousarray(got))
    elif numpy_track or not isinstance(got, Tensor):
        if isinstance(got, tuple | list) and name:
            return Problem(
                "shape",
                _("{name} must be a {kind} itself, not a {type}.").format(
                    name=name, kind=kind, type=type(got).__name__
                ),
            )
        return Problem(
            "shape",
            _("{name} should be a {kind}; your code returned {returned}.").format(
                name=name, kind=kind, returned=describe_type(got)
            ),
        )
    if type(got) not in (Tensor, torch.nn.Parameter):  # a subclass could answer comparisons
        return Problem(
            "shape",
            _(
                "{name} is a {type}, a subclass of torch.Tensor: return a plain tensor (the"
                " result of torch operations on the inputs)."
            ).format(name=name, type=type(got).__name__),
        )
    if got.layout != torch.strided:
        return Problem(
            "shape",
            _(
                "{name} is a {layout} tensor: return an ordinary dense one, as PyTorch does"
                " (drop the .to_sparse())."
            ).format(name=name, layout=str(got.layout).removeprefix("torch.")),
        )
    if tuple(got.shape) != tuple(want.shape):
        return Problem(
            "shape",
            _("{name} has shape {shape}, expected {expected}.").format(
                name=name, shape=list(got.shape), expected=list(want.shape)
            ),
        )
    if got.dtype != want.dtype:
        got_name = str(got.dtype).removeprefix("torch.")
        want_name = str(want.dtype).removeprefix("torch.")
        return Problem(
            "dtype",
            _("{name} is {dtype} where {expected} is expected.").format(
                name=name, dtype=got_name, expected=want_name
            ),
            _(
                "{name} comes back as {dtype} for {expected} inputs: outputs must keep the"
                " inputs' dtype. Look for .float()/.double(), NumPy, or a new tensor"
                " (torch.zeros(...), torch.tensor(...)) made without dtype=x.dtype."
            ).format(name=name, dtype=got_name, expected=want_name),
        )
    if got.device != want.device:
        return Problem(
            "device",
            _("{name} is on {device}, the inputs on {expected}.").format(
                name=name, device=got.device, expected=want.device
            ),
            _(
                "{name} must stay on the inputs' device: create new tensors with"
                " device=x.device (or torch.zeros_like) and never call .cpu() on results."
            ).format(name=name),
        )
    return None


def _number_contract(got: Any, want: bool | int | float, name: str) -> Problem | None:
    value = normalise(got)
    if isinstance(value, Tensor) and value.numel() == 1:
        return None  # a one-element tensor stands for a number
    if isinstance(want, bool):
        ok = isinstance(value, bool)
    elif isinstance(want, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        return None
    return Problem(
        "shape",
        _("{name} should be {type}; your code returned {returned}.").format(
            name=name, type=type(want).__name__, returned=describe_type(got)
        ),
    )


def leaves(got: Any, want: Any, names: Names, path: str = "") -> Iterator[Leaf | Worst]:
    """The pairs of leaves to compare, in order; a Worst for a list whose length differs.
    Assumes the contract holds (normalised results)."""
    if isinstance(want, tuple | list):
        sub = _child_names(names, len(want)) if isinstance(want, tuple) else None
        if len(got) != len(want):
            yield Worst(
                _name(names, path),
                (),
                len(got),
                len(want),
                abs(len(got) - len(want)),
                "",
                length=True,
            )
            return
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            child_path = _join(path, names, k)
            yield from leaves(g, w, sub[k] if sub else child_path, child_path)
    elif isinstance(want, dict):
        for key in want:
            child_path = _join(path, names, key)
            yield from leaves(got[key], want[key], child_path, child_path)
    else:
        yield Leaf(_name(names, path), got, want)


@dataclass(frozen=True)
class Closeness:
    rtol: float
    atol: float


def first_mismatch(
    got: Any, want: Any, names: Names, tol: Closeness, case: Case, label: str
) -> Worst | None:
    """The first output (in order) that is not close, at its largest error; None if all are."""
    for leaf in leaves(conform(normalise(got), want), want, names):
        if isinstance(leaf, Worst):
            return Worst(leaf.output, (), leaf.got, leaf.expected, leaf.error, label, length=True)
        worst = _worst(leaf, tol, label, case.time_axes.get(leaf.path))
        if worst is not None:
            return worst
    return None


def are_close(got: Any, want: Any, names: Names, tol: Closeness) -> bool:
    """Same structure, and every leaf close: a mutant reproduces a learner's result."""
    got = conform(normalise(got), want)
    if contract(got, want, names, numpy_track=False) is not None:
        return False
    if _shapes(got) != _shapes(want):
        return False
    return all(
        not isinstance(leaf, Worst) and _worst(leaf, tol, "", None) is None
        for leaf in leaves(got, want, names)
    )


def _shapes(value: Any) -> Any:
    if isinstance(value, Tensor):
        return ("tensor", tuple(value.shape))
    if isinstance(value, tuple | list):
        return tuple(_shapes(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _shapes(v)) for k, v in value.items()))
    return type(value).__name__ if value is not None else None


def _worst(leaf: Leaf, tol: Closeness, label: str, time_axis: int | None) -> Worst | None:
    got, want = leaf.got, leaf.want
    if want is None or isinstance(want, str):
        if got == want:
            return None
        return Worst(leaf.path, (), math.nan, math.nan, math.inf, label)
    w = torch.as_tensor(want.detach() if isinstance(want, Tensor) else want)
    w = w.to("cpu", torch.float64)
    try:
        g = torch.as_tensor(got.detach() if isinstance(got, Tensor) else got)
        g = g.to("cpu", torch.float64)
    except (TypeError, ValueError, OverflowError, RuntimeError):  # not a number at all
        first = float(w.flatten()[0]) if w.numel() else math.nan
        return Worst(leaf.path, (), math.nan, first, math.inf, label)
    if g.shape != w.shape:
        g = g.reshape(w.shape) if g.numel() == w.numel() else g
    exact = isinstance(want, int) or (isinstance(want, Tensor) and not want.is_floating_point())
    diff = (g - w).abs()
    close = (g == w) if exact else (g == w) | (diff <= tol.atol + tol.rtol * w.abs())
    if bool(close.all()):
        return None
    diff = torch.where(torch.isnan(diff), torch.inf, diff).masked_fill(close, 0)
    index = unravel(int(diff.argmax()), tuple(diff.shape))
    step = None
    if time_axis is not None and diff.dim() > time_axis:
        wrong = (~close).movedim(time_axis, 0).reshape(close.shape[time_axis], -1).any(dim=1)
        step = int(wrong.nonzero()[0])
    return Worst(
        output=leaf.path,
        index=index,
        got=float(g[index]) if g.dim() else float(g),
        expected=float(w[index]) if w.dim() else float(w),
        error=float(diff[index]) if diff.dim() else float(diff),
        case=label,
        step=step,
    )


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index of element `flat` of a tensor of `shape` (torch.unravel_index would pull in
    sympy: over a second on first use)."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))
