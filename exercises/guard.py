"""Runs learner code with the ready-made recurrent cells out of reach (child side).

While learner code runs, every forbidden torch entry point (torch.lstm_cell, nn.LSTMCell, the
same ops reached through torch._VF, torch._C._VariableFunctions or torch.ops.aten, ...) is
replaced by a tripwire that records the use and raises. Reading the source would miss
`getattr(torch, "lstm" + "_cell")`; a tripwire does not. Afterwards the torch namespaces are put
back exactly as they were, which also undoes any monkeypatching by the learner's file, so the
reference and the next grading in the same process see an untouched torch. Importing the
`reference` or `exercises` packages is refused outright.
"""

from __future__ import annotations

import importlib.abc
import itertools
import operator
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import torch

BLOCKED_PACKAGES = ("reference", "exercises")

_MISSING = object()


class ForbiddenAPIUsed(BaseException):
    """Raised by a tripwire: a BaseException, so `except Exception` in learner code misses it."""


class _Tripwire:
    """Stands in for a forbidden function or class: calling, subclassing or using it trips."""

    def __init__(self, name: str, guard: Guard) -> None:
        self._name = name
        self._guard = guard

    def _trip(self) -> Any:
        self._guard.used.append(self._name)
        raise ForbiddenAPIUsed(f"{self._name} is not allowed in this exercise")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip()

    def __mro_entries__(self, bases: tuple[Any, ...]) -> Any:
        return self._trip()

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._trip()


class _Filtered:
    """A namespace (torch._VF, torch._C._VariableFunctions, ...) with some names tripwired."""

    def __init__(self, inner: Any, blocked: dict[str, _Tripwire]) -> None:
        self._inner = inner
        self._blocked = blocked

    def __getattr__(self, attr: str) -> Any:
        if attr in self._blocked:
            return self._blocked[attr]._trip()
        return getattr(self._inner, attr)

    def __dir__(self) -> list[str]:
        return dir(self._inner)


class _ImportBlocker(importlib.abc.MetaPathFinder):
    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.split(".")[0] in BLOCKED_PACKAGES and not self._guard.trusted:
            self._guard.used.append(f"import {fullname}")
            raise ImportError(f"importing {fullname!r} is not allowed in an exercise")
        return None


def _resolve(dotted: str) -> Any:
    """The object a dotted name like 'torch.nn.LSTMCell' denotes, or _MISSING."""
    parts = dotted.split(".")
    obj: Any = sys.modules.get(parts[0], _MISSING)
    for part in parts[1:]:
        obj = getattr(obj, part, _MISSING)
    return obj


def _torch_modules() -> list[ModuleType]:
    return [
        m
        for name, m in list(sys.modules.items())
        if (name == "torch" or name.startswith("torch.")) and isinstance(m, ModuleType)
    ]


class Guard:
    """Tripwires for forbidden names, installed only inside `with guard.active():`.

    `prepare(forbidden)` picks the names for the next grading and clears `used`, the list of
    every forbidden name touched since (kept even when learner code catches the exception).
    One guard serves a whole child process; each distinct list costs one ~10 ms namespace scan.
    """

    def __init__(self) -> None:
        self.used: list[str] = []
        self.trusted = False  # inside grader_imports(): the grader's own code is importing
        self._hidden: dict[str, ModuleType] = {}  # the grader's modules, out of sys.modules
        self._plans: dict[tuple[str, ...], list[tuple[Any, str, Any]]] = {}
        self._patches: list[tuple[Any, str, Any]] = []
        # Namespaces a learner's file might monkeypatch; restored after every call.
        self._snapshots = [
            (ns, dict(vars(ns))) for ns in (torch, torch.nn, torch.nn.functional, torch.Tensor)
        ]

    def prepare(self, forbidden: list[str]) -> None:
        key = tuple(forbidden)
        if key not in self._plans:
            self._plans[key] = self._plan(forbidden)
        self._patches = self._plans[key]
        self.used.clear()

    def _plan(self, forbidden: list[str]) -> list[tuple[Any, str, Any]]:
        """(owner, attribute, replacement) for every place a forbidden object can be reached."""
        targets: dict[int, _Tripwire] = {}
        op_names: dict[str, _Tripwire] = {}
        for dotted in forbidden:
            obj = _resolve(dotted)
            if obj is _MISSING:
                continue  # absent from this torch build: nothing to reach
            wire = _Tripwire(dotted, self)
            targets[id(obj)] = wire
            if callable(obj) and not isinstance(obj, type):
                op_names[dotted.rsplit(".", 1)[1]] = wire
        vf_class = torch._C._VariableFunctionsClass  # type: ignore[attr-defined]  # no stub
        filtered = {
            id(torch._VF): _Filtered(torch._VF, op_names),
            id(torch._C._VariableFunctions): _Filtered(torch._C._VariableFunctions, op_names),
            id(vf_class): _Filtered(vf_class, op_names),
        }
        replacements: dict[int, Any] = {**targets, **filtered}
        patches: list[tuple[Any, str, Any]] = []
        for module in _torch_modules():
            for attr, value in list(vars(module).items()):
                if id(value) in replacements:
                    patches.append((module, attr, replacements[id(value)]))
        patches.append((sys.modules, "torch._VF", filtered[id(torch._VF)]))
        patches.extend((torch.ops.aten, name, wire) for name, wire in op_names.items())
        return patches

    @contextmanager
    def active(self) -> Iterator[None]:
        """Tripwires in place for the duration; torch restored afterwards, whatever happened."""
        saved = [(owner, attr, _get(owner, attr)) for owner, attr, _ in self._patches]
        try:
            for owner, attr, replacement in self._patches:
                _set(owner, attr, replacement)
            yield
        finally:
            for owner, attr, original in saved:
                _set(owner, attr, original)
            self._restore_namespaces()

    @contextmanager
    def grader_imports(self) -> Iterator[None]:
        """The grader's packages importable for the duration (to load an exercise's grading
        module, which is grader code); hidden from sys.modules again afterwards."""
        sys.modules.update(self._hidden)
        self.trusted = True
        try:
            yield
        finally:
            self.trusted = False
            self.hide_grader_modules()

    def hide_grader_modules(self) -> None:
        """Take the grader's packages out of sys.modules (kept here), so that learner code's
        `import reference...` goes through the blocker instead of the module cache."""
        for name in [n for n in sys.modules if n.split(".")[0] in BLOCKED_PACKAGES]:
            self._hidden[name] = sys.modules.pop(name)

    def _restore_namespaces(self) -> None:
        for namespace, snapshot in self._snapshots:
            current = vars(namespace)
            if isinstance(namespace, type):  # an added method would shadow an inherited one
                for attr in current.keys() - snapshot.keys():
                    delattr(namespace, attr)
            # Additions to modules stay: torch adds submodules as attributes when they load.
            values = map(current.get, snapshot, itertools.repeat(_MISSING))
            if all(map(operator.is_, values, snapshot.values())):
                continue  # the usual case, checked at C speed
            for attr, value in snapshot.items():
                if current.get(attr, _MISSING) is not value:
                    setattr(namespace, attr, value)


def _get(owner: Any, attr: str) -> Any:
    if isinstance(owner, dict):
        return owner.get(attr, _MISSING)
    return vars(owner).get(attr, _MISSING)


def _set(owner: Any, attr: str, value: Any) -> None:
    if isinstance(owner, dict):
        if value is _MISSING:
            owner.pop(attr, None)
        else:
            owner[attr] = value
    elif value is _MISSING:
        if attr in vars(owner):
            delattr(owner, attr)
    else:
        setattr(owner, attr, value)


def block_imports(guard: Guard) -> None:
    """Refuse imports of the grader's own packages from now on, even ones already loaded.

    The grader keeps direct references to what it needs; forgetting the modules in sys.modules
    makes `import reference.cellkit` go through the blocker instead of the module cache.
    """
    guard.hide_grader_modules()
    sys.meta_path.insert(0, _ImportBlocker(guard))
