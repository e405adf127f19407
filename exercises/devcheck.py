"""The exercise dev check (`rnnprep dev check`, `grade exercise --all --check-catalogue`).

Like rustlings' dev check, it proves every exercise folder is complete and its grading sound:
  - the folder holds README.md, exercise.yaml (valid), starter.py, solution.py, grading.py (which
    loads and declares what exercises.kit asks) and mistakes/, and nothing else;
  - every known mistake has a file in mistakes/ that the grader names with its id, and no two
    mistakes with different ids give the same results on the drawn inputs (else a verdict could
    name the wrong one); every mistake differs from the reference somewhere;
  - through the real grader: the starter is graded not_implemented, the solution passes, every
    mistake file gets its id.
A mistake file's expected verdict is its name up to "__": `lstm.gate_order__ifog.py` must be
diagnosed lstm.gate_order. In a checkout, tests/fixtures/solutions/<exercise>/ adds the grader's
own behaviour files (pass__*.py must pass, crash__*.py crash, ...).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercises import catalogue
from exercises.api import Grader
from exercises.runner import DEFAULT_TIMEOUT
from quiz.locations import exercises_dir, solution_fixtures_dir
from quiz.zhtext import is_cjk

IGNORED = frozenset({"__pycache__"})


@dataclass(frozen=True)
class Outcome:
    exercise: str
    file: Path
    expected: str  # "pass" or a diagnosis id
    got: str  # likewise, or "" when the entry could not be graded at all
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.got

    def as_json(self) -> dict[str, object]:
        return {
            "exercise": self.exercise,
            "file": str(self.file),
            "expected": self.expected,
            "got": self.got,
            "ok": self.ok,
            "message": self.message,
        }


def expectations(exercise: catalogue.Exercise) -> list[tuple[Path, str]]:
    """(file, expected verdict) for the starter, the solution, every mistake file and, in a
    checkout, the grader's behaviour fixtures for this exercise."""
    cases = [(exercise.starter, "not_implemented"), (exercise.solution, "pass")]
    cases += [(f, f.stem.split("__")[0]) for f in exercise.mistakes]
    extra = solution_fixtures_dir()
    if extra is not None:
        cases += [(f, f.stem.split("__")[0]) for f in sorted((extra / exercise.name).glob("*.py"))]
    return cases


def gaps(exercise: catalogue.Exercise) -> list[str]:
    """What the folder lacks or holds wrongly, found without grading a learner file."""
    missing = [
        f"{p.name} is missing"
        for p in (
            *(exercise.folder / name for name in catalogue.README_FILES.values()),
            exercise.starter,
            exercise.solution,
            exercise.grading,
        )
        if not p.is_file()
    ]
    missing += stray_files(exercise.folder)
    if exercise.grading.is_file():
        missing += _grading_gaps(exercise)
    return missing


def stray_files(folder: Path) -> list[str]:
    """Files that do not belong in an exercise folder (the dev check keeps folders clean)."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name in IGNORED or path.name in catalogue.FOLDER_FILES:
            continue
        if path.name == catalogue.MISTAKES_DIR and path.is_dir():
            found += [
                f"stray file {p.relative_to(folder)} (mistakes/ holds <id>__<what>.py files)"
                for p in sorted(path.iterdir())
                if p.name not in IGNORED and p.suffix != ".py"
            ]
            continue
        found.append(f"stray file {path.name} (an exercise folder holds {_allowed()})")
    return found


def _allowed() -> str:
    return ", ".join(sorted(catalogue.FOLDER_FILES)) + f" and {catalogue.MISTAKES_DIR}/"


def _grading_gaps(exercise: catalogue.Exercise) -> list[str]:
    # Imported here: they pull in torch, which only this developer tool (not the CLI) may load.
    from exercises import grading_module

    try:
        module = grading_module.load(exercise.folder)
    except grading_module.GradingModuleError as exc:
        return [str(exc)]
    found = [
        f"forbidden name {d} does not exist in this torch (a typo?)"
        for d in module.forbidden
        if not _resolves(d)
    ]
    ids = {m.id for m in module.mistakes}
    if module.cost is not None:
        ids |= {s.id for s in module.cost.slips}
    if len(ids) < 1:
        found.append("grading.py declares no mistake")
    covered = {f.stem.split("__")[0] for f in exercise.mistakes}
    found += [f"no file in mistakes/ for {i}" for i in sorted(ids - covered)]
    found += [
        f"mistakes/ has files for {i}, which grading.py does not declare"
        for i in sorted(covered - ids)
    ]
    found += [
        f"{what} has no Chinese (zh): {text[:60]!r}"
        for what, text, zh in _texts(module)
        if not any(is_cjk(ch) for ch in zh)
    ]
    found += indistinguishable(module)
    return found


def _texts(module: Any) -> list[tuple[str, str, str]]:
    """What the learner reads from a grading module: (which, English, Traditional Chinese)."""
    texts = [(f"mistake {m.id}", m.message, m.zh) for m in module.mistakes]
    texts += [
        (f"source of {m.id}", m.published, m.published_zh) for m in module.mistakes if m.published
    ]
    texts += [(f"probe {p.id}", p.part, p.part_zh) for p in module.probes]
    if module.cost is not None:
        texts += [(f"cost {s.id}", s.message, s.zh) for s in module.cost.slips]
        texts.append((f"cost {module.cost.over_id}", *module.cost.over))
    return texts


def indistinguishable(module: Any, seed: int = 0) -> list[str]:
    """Mistakes with different ids that give the same results on every drawn float64 case where
    both run, and mistakes that never differ from the reference: either would make a verdict
    name the wrong thing."""
    import torch

    from exercises import kit
    from exercises.compare import Closeness, are_close

    tol64 = module.tolerance(torch.float64, torch.device("cpu"))
    dtype = module.dtypes[0]
    cases = [(kit.cast(c.inputs, dtype, torch.device("cpu")), c.scale) for c in module.cases(seed)]

    def results(compute: Callable[[dict[str, Any]], Any]) -> list[Any]:
        out = []
        for inputs, _ in cases:
            try:
                out.append(compute(inputs))
            except (ValueError, RuntimeError, IndexError, TypeError):
                out.append(None)
        return out

    def same(a: list[Any], b: list[Any]) -> bool:
        both = [
            (x, y, scale)
            for x, y, (_, scale) in zip(a, b, cases, strict=True)
            if x is not None and y is not None
        ]
        return bool(both) and all(
            are_close(x, y, module.output, Closeness(tol64.rtol, tol64.atol * s))
            for x, y, s in both
        )

    reference = results(lambda inputs: module.reference(**inputs))
    seen: list[tuple[str, list[Any]]] = []
    problems = []
    for mistake in module.mistakes:
        mine = results(functools.partial(_mistake_outputs, module, mistake))
        if same(mine, reference):
            problems.append(f"the mistake {mistake.id} gives the reference's results on every case")
        for other_id, theirs in seen:
            if other_id != mistake.id and same(mine, theirs):
                problems.append(
                    f"the mistakes {other_id} and {mistake.id} give the same results on every"
                    " drawn case: a verdict could name the wrong one"
                )
        seen.append((mistake.id, mine))
    return sorted(set(problems))


def _mistake_outputs(module: Any, mistake: Any, inputs: dict[str, Any]) -> Any:
    from exercises import diagnosis

    return diagnosis.outputs(module, mistake, inputs)


def _resolves(dotted: str) -> bool:
    head, *rest = dotted.split(".")
    obj: object = importlib.import_module(head)
    for part in rest:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def run(
    grader: Grader,
    seed: int,
    timeout: float = DEFAULT_TIMEOUT,
    names: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Check the exercises `names` (all by default) through one grader; one Outcome per graded
    file or gap. `progress` hears each exercise's name as its check starts."""
    outcomes: list[Outcome] = []
    for name in list(names) if names is not None else catalogue.names():
        if progress is not None:
            progress(name)
        catalogue.check_name(name)
        try:
            exercise = catalogue.load(name)
        except catalogue.CatalogueError as exc:
            outcomes.append(Outcome(name, exercises_dir() / name, "valid yaml", "", str(exc)))
            continue
        outcomes += [Outcome(name, exercise.folder, "complete", "", gap) for gap in gaps(exercise)]
        for path, expected in expectations(exercise):
            result = grader.grade(name, path, seed=seed, timeout=timeout, record=False)
            failed = next((c.message for c in result.checks if not c.passed), "")
            outcomes.append(Outcome(name, path, expected, result.verdict, failed))
    return outcomes
