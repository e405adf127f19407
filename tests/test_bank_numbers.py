"""Every numeric answer in the bank agrees with an independent computation.

The checks live in tests/numeric_checks/<topic_id>.py, each module exposing
`CHECKS: {question_id: fn(params) -> expected}` (see that package's docstring). This file finds
every module there, and asserts that:
- every numeric question in the shipped bank has exactly one check, and every check belongs to a
  numeric question of its own module's topic;
- a fixed answer matches its check: a learner who types the checked value is marked right;
- a generated answer matches its check for 200 showings posed from random.Random(seed), for
  several seeds: the checked value, typed for that showing's numbers, is marked right.

Whether a value is accepted is decided by the app itself (quiz.engine.check on a posed question),
so these tests use the real tolerance rule rather than a copy of it.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from quiz.bank import load_bank
from quiz.engine import Posed, check, pose, replay
from quiz.questions import Numeric

CHECKS_DIR = Path(__file__).parent / "numeric_checks"
SEEDS = (0, 1, 2, 2024)
DRAWS = 200


def _check_modules() -> dict[str, ModuleType]:
    """Import every module of tests/numeric_checks, keyed by its name (= topic id)."""
    if str(CHECKS_DIR.parent) not in sys.path:
        sys.path.insert(0, str(CHECKS_DIR.parent))
    package = importlib.import_module("numeric_checks")
    return {
        info.name: importlib.import_module(f"numeric_checks.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    }


BANK = load_bank()
NUMERIC: dict[str, Numeric] = {
    qid: q for qid, q in BANK.questions.items() if isinstance(q, Numeric)
}
MODULES = _check_modules()
OWNERS: dict[str, list[str]] = defaultdict(list)
CHECKS: dict[str, Callable[[dict], float]] = {}
for _name, _module in MODULES.items():
    for _qid, _fn in getattr(_module, "CHECKS", {}).items():
        OWNERS[_qid].append(_name)
        CHECKS[_qid] = _fn

FIXED = sorted(qid for qid, q in NUMERIC.items() if q.generator is None)
GENERATED = sorted(qid for qid, q in NUMERIC.items() if q.generator is not None)


def _accepted(posed: Posed, expected: float) -> bool:
    """Would the app mark a learner right who typed the independently computed value?"""
    return check(posed, expected).correct


def test_bank_has_numeric_questions() -> None:
    assert FIXED and GENERATED


def test_every_module_defines_checks() -> None:
    for name, module in MODULES.items():
        checks = getattr(module, "CHECKS", None)
        assert isinstance(checks, dict) and checks, f"numeric_checks/{name}.py defines no CHECKS"
        assert all(callable(fn) for fn in checks.values()), name


def test_every_numeric_question_has_exactly_one_check() -> None:
    missing = sorted(qid for qid in NUMERIC if qid not in CHECKS)
    doubled = {qid: owners for qid, owners in OWNERS.items() if len(owners) > 1}
    assert not missing, f"numeric questions with no check: {missing}"
    assert not doubled, f"questions checked in more than one module: {doubled}"


def test_every_check_belongs_to_a_numeric_question_of_its_topic() -> None:
    orphans = sorted(qid for qid in CHECKS if qid not in NUMERIC)
    assert not orphans, f"checks for questions that are not numeric in the bank: {orphans}"
    misplaced = {
        qid: owners[0]
        for qid, owners in OWNERS.items()
        if qid in NUMERIC and NUMERIC[qid].topic != owners[0]
    }
    assert not misplaced, f"checks filed under another topic's module: {misplaced}"


@pytest.mark.parametrize("qid", FIXED)
def test_fixed_answer_matches_check(qid: str) -> None:
    q = NUMERIC[qid]
    if qid not in CHECKS:
        pytest.fail(f"{qid} has no check")
    expected = float(CHECKS[qid]({}))
    assert _accepted(replay(q, 0), expected), (
        f"{qid}: bank says {q.answer}, check computes {expected}, which the app marks wrong"
        f" (tolerance {q.tolerance}, rel_tolerance {q.rel_tolerance})"
    )


@pytest.mark.parametrize("qid", GENERATED)
def test_generated_answers_match_check(qid: str) -> None:
    q = NUMERIC[qid]
    if qid not in CHECKS:
        pytest.fail(f"{qid} has no check")
    compute = CHECKS[qid]
    failures, seen = [], set()
    for seed in SEEDS:
        rng = random.Random(seed)
        for _ in range(DRAWS):
            posed = pose(q, rng)
            seen.add(tuple(sorted(posed.params.items())))
            expected = float(compute(dict(posed.params)))
            if not _accepted(posed, expected):
                failures.append((seed, posed.params, posed.answer, expected))
    assert not failures, f"{qid} ({q.generator}): {len(failures)} mismatches, e.g. {failures[:3]}"
    assert len(seen) > 1, f"{qid}: the generator never varies its numbers"
