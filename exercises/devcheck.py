"""The catalogue dev check (`grade exercise --all --check-catalogue`, `make check-exercises`).

Like rustlings' dev check, it proves every exercise is complete: its YAML validates, its README,
starter and solution exist, PyTorch has a reference for it, the starter is graded
not_implemented, the model solution passes, and every known mistake of the library has a learner
file under tests/fixtures/solutions/<exercise>/ that the grader names correctly. A fixture's
expected verdict is its file name up to "__": `lstm.gate_order__ifog.py` must be diagnosed
lstm.gate_order, `pass__functional.py` must pass.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from exercises import catalogue
from exercises.api import Grader
from exercises.errors import UsageError
from exercises.runner import DEFAULT_TIMEOUT
from quiz.locations import exercises_dir, solution_fixtures_dir

# The mistake fixtures are test files, not shipped: the dev check needs a source checkout.
FIXTURES = solution_fixtures_dir()


def fixtures() -> Path:
    """tests/fixtures/solutions; UsageError, saying why, where there is no checkout."""
    if FIXTURES is None or not FIXTURES.is_dir():
        raise UsageError(
            "the catalogue dev check needs a source checkout (it grades the mistake files in"
            " tests/fixtures/solutions, which the installed package does not ship): run it from"
            " a clone, e.g. `make check-exercises`"
        )
    return FIXTURES


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
    """(file, expected verdict) for the starter, the solution and every fixture."""
    cases = [(exercise.starter, "not_implemented"), (exercise.solution, "pass")]
    folder = fixtures() / exercise.name
    cases += [(f, f.stem.split("__")[0]) for f in sorted(folder.glob("*.py"))]
    return cases


def gaps(exercise: catalogue.Exercise) -> list[str]:
    """What the exercise lacks before any grading: files, a reference, mistake fixtures."""
    # Imported here: they pull in torch, which only this dev tool (not the CLI) may load.
    from reference.cells import REFERENCES
    from reference.mistakes import diagnosis_ids

    missing = [
        f"{p.name} is missing"
        for p in (exercise.readme, exercise.starter, exercise.solution)
        if not p.is_file()
    ]
    if exercise.name not in REFERENCES:
        missing.append("reference/cells.py has no reference for it")
    ids = diagnosis_ids(exercise.name)
    if not ids:
        missing.append("reference/mistakes.py knows no mistake for it")
    for dotted in exercise.spec.forbidden:
        if not _resolves(dotted):
            missing.append(f"forbidden name {dotted} does not exist in this torch (a typo?)")
    covered = {expected for _, expected in expectations(exercise)}
    folder = fixtures() / exercise.name
    missing += [f"no fixture in {folder} for {i}" for i in sorted(ids - covered)]
    return missing


def _resolves(dotted: str) -> bool:
    head, *rest = dotted.split(".")
    obj: object = importlib.import_module(head)
    for part in rest:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def run(grader: Grader, seed: int, timeout: float = DEFAULT_TIMEOUT) -> list[Outcome]:
    """Check the whole catalogue through one grader; one Outcome per graded file or gap."""
    fixtures()  # before any grading: without a checkout there is nothing to check against
    outcomes: list[Outcome] = []
    for name in catalogue.names():
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
