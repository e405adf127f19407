"""An exercise's own grading module (its folder's grading.py), loaded by path (judge side).

Only the judge loads it, after the learner's process template was forked, so no learner's
process ever holds a reference. Its declarations (see exercises.kit) are read once per file
version, with their defaults.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from exercises import kit
from exercises.catalogue import GRADING_FILE
from exercises.protocol import Tolerance

Names = str | tuple["Names", ...]


class GradingModuleError(Exception):
    """grading.py is missing, fails to load, or lacks a declaration: the exercise's bug."""


@dataclass(frozen=True)
class GradingModule:
    """What one exercise declares, defaults filled in."""

    name: str
    output: Names
    cases: Callable[[int], list[kit.Case]]
    reference: kit.Model
    mistakes: Sequence[kit.Mistake]
    dtypes: Sequence[torch.dtype]
    tolerances: Mapping[str, Tolerance]
    forbidden: Sequence[str]
    differentiable: Sequence[str]
    probes: Sequence[kit.Probe]
    variant: Callable[..., kit.Model] | None
    mutates: Sequence[str] = ()
    cost: kit.Cost | None = None

    def tolerance(self, dtype: torch.dtype, device: torch.device) -> Tolerance:
        key = str(dtype).removeprefix("torch.")
        if device.type == "cuda" and f"cuda_{key}" in self.tolerances:
            key = f"cuda_{key}"
        return self.tolerances[key]


_loaded: dict[tuple[str, int], GradingModule] = {}


def load(folder: Path) -> GradingModule:
    """The grading module of the exercise in `folder` (cached while the file is unchanged)."""
    path = folder / GRADING_FILE
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        raise GradingModuleError(f"{path}: {exc.strerror}") from None
    if key not in _loaded:
        _loaded[key] = _read(folder.name, path)
    return _loaded[key]


def _read(name: str, path: Path) -> GradingModule:
    spec = importlib.util.spec_from_file_location(f"rnnprep_grading_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise GradingModuleError(f"{path} fails to load: {type(exc).__name__}: {exc}") from exc
    return GradingModule(
        name=name,
        output=_required(module, "OUTPUT", path),
        cases=_required(module, "cases", path),
        reference=_required(module, "reference", path),
        mistakes=tuple(_required(module, "MISTAKES", path)),
        dtypes=tuple(getattr(module, "DTYPES", kit.DEFAULT_DTYPES)),
        tolerances={**kit.TOLERANCES, **getattr(module, "TOLERANCES", {})},
        forbidden=tuple(getattr(module, "FORBIDDEN", ())),
        differentiable=tuple(getattr(module, "DIFFERENTIABLE", ())),
        probes=tuple(getattr(module, "PROBES", ())),
        variant=getattr(module, "variant", None),
        mutates=tuple(getattr(module, "MUTATES", ())),
        cost=getattr(module, "COST", None),
    )


def _required(module: ModuleType, attr: str, path: Path) -> Any:
    if not hasattr(module, attr):
        raise GradingModuleError(f"{path} declares no {attr} (see exercises/kit.py)")
    return getattr(module, attr)
