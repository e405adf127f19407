"""Plain data between the judge and the learner's process, and the frames that carry it.

The learner's process (exercises.sandbox) runs learner code and nothing else; the judge
(exercises.checks, in the grader's child) holds the reference and decides. What crosses between
them is plain data: nested tuples, lists and dicts of numbers, strings, plain tensors and random
generators (their state), packed
by `pack` into tagged nodes (a tensor as its dtype, layout and raw bytes) and written as
msgpack, which decodes to nothing but containers, numbers, strings and bytes; `unpack` checks
every node: a tensor subclass arrives as a tensor of a stand-in class (no method of the
learner's runs in the judge), any other object as an `Opaque` stand-in that only names its type.
Anything malformed raises WireError, which the judge turns into a verdict on the learner's code.

Frames are an 8-byte little-endian length and the payload; a frame over MAX_FRAME is refused.
"""

from __future__ import annotations

import os
import select
import struct
import time
from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np
import torch
from torch import Tensor

MAX_FRAME = 128 * 2**20  # a cell's result is kilobytes; this bounds what a learner can send
MAX_DEPTH = 32
NAME_LIMIT = 80
_HEADER = struct.Struct("<Q")
_PLAIN = (bool, int, float, str, bytes, type(None))


class WireError(Exception):
    """A frame or a node that is not what the protocol allows."""


class Closed(Exception):
    """The other side closed its end of the pipe."""


class TimedOut(Exception):
    """No frame came before the deadline."""


class Opaque:
    """Stands in, on the judge's side, for an object of the learner's that is no plain data."""

    def __repr__(self) -> str:
        return type(self).__name__


class CallbackRef:
    """The learner's side of a function input: packed again (the inputs after a call), it is
    the same index."""

    def __init__(self, index: int) -> None:
        self.index = index


def _safe_name(name: str) -> str:
    printable = "".join(c for c in name if c.isprintable())[:NAME_LIMIT]
    return printable.replace(".", "_") or "object"


def stand_in(kind: type, name: str) -> type:
    """A class named like the learner's (its methods are not), derived from `kind`."""
    return type(_safe_name(name), (kind,), {})


# -- packing (either side) ---------------------------------------------------------------------


def pack(value: Any, callbacks: list[Any] | None = None, depth: int = 0) -> Any:
    """`value` as tagged nodes of plain data. Callables that are not plain data go into
    `callbacks` (the judge's inputs: a toy language model) and travel as their index."""
    if depth > MAX_DEPTH:
        return ["opaque", "a structure nested too deep"]
    if isinstance(value, Tensor):
        return _pack_tensor(value)
    if isinstance(value, np.ndarray | np.generic):
        return _pack_array(value)
    if type(value) is complex:
        return ["complex", value.real, value.imag]
    if type(value) in _PLAIN:
        if type(value) is int and not -(2**63) <= value < 2**64:
            return ["opaque", "an int too large to send"]
        return ["value", value]
    if isinstance(value, bool | int | float | str):  # a subclass: its methods stay behind
        base = next(t for t in (bool, int, float, str) if isinstance(value, t))
        return ["value", base(value)]
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return [kind, [pack(v, callbacks, depth + 1) for v in value]]
    if isinstance(value, dict):
        return [
            "dict",
            [[pack(k, None, depth + 1), pack(v, callbacks, depth + 1)] for k, v in value.items()],
        ]
    if isinstance(value, torch.Generator):
        return ["generator", value.device.type, _pack_tensor(value.get_state())]
    if isinstance(value, CallbackRef):
        return ["callback", value.index]
    if callbacks is not None and callable(value):
        callbacks.append(value)
        return ["callback", len(callbacks) - 1]
    return ["opaque", type(value).__name__]


_DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.float64,
        torch.float32,
        torch.float16,
        torch.bfloat16,
        torch.complex128,
        torch.complex64,
        torch.int64,
        torch.int32,
        torch.int16,
        torch.int8,
        torch.uint8,
        torch.bool,
    )
}


def _pack_tensor(t: Tensor) -> Any:
    name = "" if type(t) in (Tensor, torch.nn.Parameter) else type(t).__name__
    plain = t.as_subclass(Tensor) if name else t
    layout = str(plain.layout).removeprefix("torch.")
    data = plain.detach()
    if layout != "strided":
        data = data.to_dense()
    data = data.cpu()
    dtype = str(data.dtype).removeprefix("torch.")
    if dtype not in _DTYPES:
        return ["opaque", f"a tensor of dtype {dtype}"]
    if data.numel() == 0 or not _compact(data):
        data = data.contiguous()  # a view into a larger storage travels as itself
    raw = torch.empty(0, dtype=torch.uint8).set_(data.untyped_storage())
    return [
        "tensor",
        dtype,
        list(data.shape),
        list(data.stride()),
        data.storage_offset(),
        raw.numpy().tobytes(),
        str(plain.device),
        bool(plain.requires_grad),
        layout,
        name,
    ]


def _compact(t: Tensor) -> bool:
    """Whether `t` uses no more than its own storage: a transposed or expanded tensor (sent as
    it is, strides kept), not a small view of a large one."""
    return t.untyped_storage().nbytes() <= max(t.numel(), 1) * t.element_size()


def _pack_array(a: np.ndarray | np.generic) -> Any:
    scalar = isinstance(a, np.generic)
    array = np.asarray(a)
    try:
        data = torch.from_numpy(np.ascontiguousarray(array).copy())
    except (TypeError, RuntimeError):
        return ["opaque", f"ndarray of dtype {array.dtype}"]
    return ["ndarray", _pack_tensor(data), str(array.dtype), scalar]


# -- unpacking (the judge's side checks every node) --------------------------------------------


def unpack(node: Any, callbacks: list[Any] | None = None, depth: int = 0) -> Any:
    """The value `node` stands for; WireError for anything `pack` does not make."""
    if depth > MAX_DEPTH + 1 or not isinstance(node, list) or not node:
        raise WireError("a malformed node")
    kind, *rest = node
    if kind == "value" and len(rest) == 1 and type(rest[0]) in _PLAIN:
        return rest[0]
    if kind == "complex" and len(rest) == 2 and all(type(r) is float for r in rest):
        return complex(*rest)
    if kind in ("tuple", "list") and len(rest) == 1 and isinstance(rest[0], list):
        items = [unpack(v, callbacks, depth + 1) for v in rest[0]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and len(rest) == 1 and isinstance(rest[0], list):
        out = {}
        for pair in rest[0]:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a malformed dict item")
            key = unpack(pair[0], None, depth + 1)
            if not isinstance(key, str | int | float | bool | tuple | type(None)):
                raise WireError("a dict key that is no plain value")
            out[key] = unpack(pair[1], callbacks, depth + 1)
        return out
    if kind == "tensor":
        return _unpack_tensor(rest)
    if kind == "ndarray":
        return _unpack_array(rest)
    if kind == "opaque" and len(rest) == 1 and isinstance(rest[0], str):
        return stand_in(Opaque, rest[0])()
    if kind == "generator" and len(rest) == 2 and rest[0] in ("cpu", "cuda"):
        return _unpack_generator(rest[0], unpack(rest[1], None, depth + 1))
    if (
        kind == "callback"
        and len(rest) == 1
        and type(rest[0]) is int
        and callbacks is not None
        and 0 <= rest[0] < len(callbacks)
    ):
        return callbacks[rest[0]]
    raise WireError(f"an unexpected node {str(kind)[:20]!r}")


def _unpack_generator(device: str, state: Any) -> torch.Generator:
    """A torch.Generator in the state that was sent (the judge's random stream, handed on)."""
    if not isinstance(state, Tensor) or state.dtype != torch.uint8 or state.dim() != 1:
        raise WireError("a generator state that is no byte tensor")
    found = torch.Generator(device=device)
    try:
        found.set_state(state.cpu())
    except RuntimeError:
        raise WireError("a malformed generator state") from None
    return found


def _unpack_tensor(rest: list[Any]) -> Tensor:
    if len(rest) != 9:
        raise WireError("a malformed tensor")
    dtype, shape, stride, offset, raw, device, requires_grad, layout, name = rest
    if (
        dtype not in _DTYPES
        or not _ints(shape)
        or not _ints(stride)
        or len(shape) != len(stride)
        or type(offset) is not int
        or not isinstance(raw, bytes)
        or not all(isinstance(v, str) for v in (device, layout, name))
    ):
        raise WireError("a malformed tensor")
    try:
        storage = (
            torch.frombuffer(bytearray(raw), dtype=torch.uint8)
            if raw
            else torch.empty(0, dtype=torch.uint8)
        )
        data = torch.empty(0, dtype=_DTYPES[dtype]).set_(
            storage.untyped_storage(),
            offset,
            shape,
            stride,
        )
        t = _moved(data, torch.device(device))
    except (RuntimeError, ValueError) as exc:
        raise WireError(f"a malformed tensor ({str(exc)[:80]})") from exc
    if layout != "strided":
        t = t.to_sparse()
    if requires_grad is True and t.is_floating_point():
        t.requires_grad_()
    if name:
        t = t.as_subclass(stand_in(Tensor, name))
    return t


def _ints(values: Any) -> bool:
    return isinstance(values, list) and all(type(v) is int and v >= 0 for v in values)


def _moved(data: Tensor, device: torch.device) -> Tensor:
    """`data` on `device` with its strides kept: a transposed or expanded view stays one."""
    if device.type == "cpu" or data.is_contiguous():
        return data.to(device)
    whole = torch.empty(0, dtype=data.dtype).set_(data.untyped_storage())
    return whole.to(device).as_strided(data.size(), data.stride(), data.storage_offset())


def _unpack_array(rest: list[Any]) -> Any:
    if len(rest) != 3 or not isinstance(rest[0], list) or rest[0][:1] != ["tensor"]:
        raise WireError("a malformed array")
    array = _unpack_tensor(rest[0][1:]).numpy()
    if str(array.dtype) != rest[1]:
        raise WireError("a malformed array")
    return array[()] if rest[2] is True else array


# -- messages and frames -----------------------------------------------------------------------


def dumps(message: Any) -> bytes:
    return msgspec.msgpack.encode(message)


def loads(data: bytes) -> Any:
    try:
        return msgspec.msgpack.decode(data)
    except msgspec.DecodeError as exc:  # whatever the bytes are, they are the sender's fault
        raise WireError("an unreadable message") from exc


def send(fd: int, message: Any) -> None:
    data = dumps(message)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def receive(fd: int, deadline: float | None = None, idle: Callable[[], None] | None = None) -> Any:
    """The next message on `fd`. Closed at end of file, TimedOut past `deadline` (monotonic),
    WireError for a frame too large or unreadable; `idle` runs between polls."""
    header = _read_exactly(fd, _HEADER.size, deadline, idle)
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise WireError(f"a message of {size} bytes, more than the {MAX_FRAME} allowed")
    return loads(_read_exactly(fd, size, deadline, idle))


POLL_S = 0.05


def _read_exactly(
    fd: int, size: int, deadline: float | None, idle: Callable[[], None] | None
) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        wait = POLL_S if deadline is None else min(POLL_S, deadline - time.monotonic())
        if wait <= 0:
            raise TimedOut
        if not select.select([fd], [], [], wait)[0]:
            if idle is not None:
                idle()
            continue
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise Closed
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
