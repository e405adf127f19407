"""The exercise dev check: every exercise folder's starter, solution and mistake files get the
verdict they should, every known mistake has a file, and the mistakes tell apart. Everything here
is derived from the folders: adding an exercise adds its cases, with no list to edit.

One `grade exercise --all --check-catalogue --json` run grades everything in one child process.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from exercises import catalogue, devcheck, diagnosis, grading_module, kit
from exercises.checks import as_numpy
from exercises.compare import Closeness, first_mismatch
from exercises.diagnosis import Run
from quiz.bank import load_bank
from tests.conftest import CatalogueRun

# One worker runs every test that reads the session's catalogue runs, so they are made once.
pytestmark = pytest.mark.xdist_group("catalogue")

EXPECTED = [
    (exercise.name, path, expected)
    for exercise in catalogue.load_all()
    for path, expected in devcheck.expectations(exercise)
]


@pytest.fixture(scope="module")
def outcomes(catalogue_runs: dict[str, CatalogueRun]) -> list[dict[str, Any]]:
    return catalogue_runs["in_process"].outcomes


def test_catalogue_has_the_coding_round_syllabus() -> None:
    assert {
        "rnn_cell",
        "lstm_cell",
        "gru_cell",
        "lstm_layer",
        "rnn_backward",
        "beam_search",
        "masked_sequence_loss",
        "gru_layer",
        "lstm_step_backward",
        "attention_step",
        "count_parameters",
        "stacked_lstm",
        "bilstm_encoder",
        "clip_grad_norm",
        "sample_next_token",
        "truncated_bptt",
        "fast_lstm_layer",
    } <= set(catalogue.names())


@pytest.mark.parametrize("name", catalogue.names())
def test_each_exercise_loads_with_its_grading_and_bank_topics(name: str) -> None:
    """Every exercise validates, its grading module loads, and its quiz topics exist."""
    exercise = catalogue.load(name)
    module = grading_module.load(exercise.folder)
    assert module.mistakes and module.cases(0)
    for topic in exercise.spec.topics:
        assert topic in load_bank().topics, topic


@pytest.mark.parametrize(
    ("name", "path", "expected"), EXPECTED, ids=lambda v: getattr(v, "name", v)
)
def test_each_file_gets_its_verdict(
    outcomes: list[dict[str, Any]], name: str, path: Path, expected: str
) -> None:
    [outcome] = [o for o in outcomes if o["file"] == str(path)]
    assert outcome["got"] == expected, outcome["message"]


def test_the_catalogue_is_complete(outcomes: list[dict[str, Any]]) -> None:
    gaps = [o for o in outcomes if not o["ok"]]
    assert not gaps, gaps
    assert len(outcomes) == len(EXPECTED)


@pytest.mark.parametrize("name", catalogue.names())
def test_every_mistake_has_a_file_and_they_tell_apart(name: str) -> None:
    """Each mistake id has a learner file; each mistake differs from PyTorch somewhere; no two
    mistakes with different ids give the same results (a verdict could name the wrong one)."""
    exercise = catalogue.load(name)
    module = grading_module.load(exercise.folder)
    covered = {f.stem.split("__")[0] for f in exercise.mistakes}
    named = {m.id for m in module.mistakes}
    if module.cost is not None:  # the cost slips it can name have their files too
        named |= {slip.id for slip in module.cost.slips}
    assert named == covered
    assert devcheck.indistinguishable(module, seed=7) == []


def test_indistinguishable_mistakes_are_reported() -> None:
    """The dev check's own check can fail: a copy of a mistake under another id is caught."""
    module = grading_module.load(catalogue.load("gru_cell").folder)
    twin = next(m for m in module.mistakes if m.id == "gru.update_complement")
    doubled = grading_module.GradingModule(
        **{
            **vars(module),
            "mistakes": (*module.mistakes, kit.Mistake("gru.twin", "", flags=twin.flags)),
        }
    )
    assert any(
        "gru.update_complement and gru.twin" in p for p in devcheck.indistinguishable(doubled)
    )


def _hand_written_cell(name: str, order: tuple[str, ...]) -> Callable[..., Any]:
    """A learner's cell written out by hand that reads the stacked gate blocks in `order`."""

    def blocks(x: torch.Tensor, h: torch.Tensor, w_ih, w_hh, b_ih, b_hh, n: int):
        gi = F.linear(x, w_ih, b_ih).chunk(n, 1)  # each bias may be None
        gh = F.linear(h, w_hh, b_hh).chunk(n, 1)
        return dict(zip(order, gi, strict=True)), dict(zip(order, gh, strict=True))

    def lstm(x, h, c, w_ih, w_hh, b_ih, b_hh):
        gi, gh = blocks(x, h, w_ih, w_hh, b_ih, b_hh, 4)
        i, f, o = (torch.sigmoid(gi[k] + gh[k]) for k in "ifo")
        c_next = f * c + i * torch.tanh(gi["g"] + gh["g"])
        return o * torch.tanh(c_next), c_next

    def gru(x, h, w_ih, w_hh, b_ih, b_hh):
        gi, gh = blocks(x, h, w_ih, w_hh, b_ih, b_hh, 3)
        r, z = (torch.sigmoid(gi[k] + gh[k]) for k in "rz")
        n = torch.tanh(gi["n"] + r * gh["n"])
        return (1 - z) * n + z * h

    return {"lstm_cell": lstm, "gru_cell": gru}[name]


GATE_ORDERS = [
    (name, order)
    for name, torch_order in (("lstm_cell", "ifgo"), ("gru_cell", "rzn"))
    for order in itertools.permutations(torch_order)
]


@pytest.mark.parametrize(("name", "order"), GATE_ORDERS, ids=lambda v: "".join(v))
def test_any_gate_order_is_named_and_only_a_wrong_one(name: str, order: tuple[str, ...]) -> None:
    """A hand-written cell that reads the gate blocks in any order other than PyTorch's is named a
    gate-order slip, and the message quotes the order the learner used; PyTorch's order passes."""
    module = grading_module.load(catalogue.load(name).folder)
    cell = _hand_written_cell(name, order)
    tol = Closeness(1e-9, 1e-9)
    runs, wrong = [], False
    for case in module.cases(3):
        got = cell(**case.inputs)
        want = module.reference(**case.inputs)
        wrong |= first_mismatch(got, want, module.output, tol, case, "") is not None
        runs.append(Run(case.inputs, got, tol))
    if "".join(order) in ("ifgo", "rzn"):  # PyTorch's own order: right, nothing to name
        assert not wrong
        return
    assert wrong
    finding = diagnosis.single(module, runs)
    assert finding is not None and finding.ids == [f"{name.removesuffix('_cell')}.gate_order"]
    assert ",".join(order) in finding.message  # e.g. "i,f,o,g", CS231n's order


def test_every_mistake_id_belongs_to_its_exercise_or_is_shared() -> None:
    """A prefixed id (lstm.*, beam_search.*) is used by one exercise, whose name it starts; an
    unprefixed one by more than one."""
    users: dict[str, set[str]] = {}
    for name in catalogue.names():
        for m in grading_module.load(catalogue.load(name).folder).mistakes:
            users.setdefault(m.id, set()).add(name)
    for mistake_id, exercises in users.items():
        prefix, dot, _ = mistake_id.partition(".")
        if dot:
            [owner] = exercises
            assert owner == prefix or owner == f"{prefix}_cell", (mistake_id, exercises)
        else:
            assert len(exercises) > 1, (mistake_id, exercises)


def _learner_function(path: Path, name: str) -> Callable[..., Any]:
    spec = importlib.util.spec_from_file_location(f"correct_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)  # type: ignore[no-any-return]


SESSION_SEED = random.randrange(2**32)  # a different dozen of seeds on every run
CORRECT = [
    (exercise.name, path)
    for exercise in catalogue.load_all()
    for path, expected in devcheck.expectations(exercise)
    if expected == "pass" and path.name == "solution.py"
]


@pytest.mark.parametrize(("name", "path"), CORRECT, ids=lambda v: getattr(v, "stem", v))
def test_correct_solutions_pass_on_many_seeds(name: str, path: Path) -> None:
    """Tolerances leave room for the model solutions on 12 seeds of the session's draw, every
    case, every dtype, in this process (fast); every other correct file is graded on seeds of
    its own through the real grader by tests/test_grader_isolation.py."""
    exercise = catalogue.load(name)
    module = grading_module.load(exercise.folder)
    function = _learner_function(path, name)
    numpy_track = exercise.spec.track == "numpy"
    cpu = torch.device("cpu")
    first = SESSION_SEED % 1000
    for seed, dtype in itertools.product(range(first, first + 12), module.dtypes):
        for case in module.cases(seed):
            inputs = kit.cast(case.inputs, dtype, cpu)
            want = module.reference(**inputs)  # first: the learner may draw from a generator
            given = as_numpy(inputs) if numpy_track else inputs
            got = function(*given.values())
            if module.mutates:  # what it changed in place is part of its result
                got = (got, *(given[n] for n in module.mutates))
            tol = module.tolerance(dtype, cpu)
            closeness = Closeness(tol.rtol, tol.atol * case.scale)
            label = f"seed {seed}, {dtype}, {case.label}"
            assert first_mismatch(got, want, module.output, closeness, case, label) is None
