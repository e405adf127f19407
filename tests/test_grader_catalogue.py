"""The catalogue dev check: every exercise's starter, solution and mistake fixtures get the verdict
they should, and every known mistake has a fixture. Adding an exercise without them fails here.

One `grade exercise --all --check-catalogue --json` run grades everything in one child process.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
import torch
import torch.nn.functional as F
from test_grader_support import grade

from exercises import catalogue, devcheck
from exercises.cases import SHAPES, are_close, draw, first_mismatch, tolerance
from exercises.diagnosis import as_outputs, find_mistake
from quiz.bank import load_bank
from reference.cells import REFERENCES
from reference.mistakes import MISTAKES, diagnosis_ids, for_exercise

EXPECTED = [
    (exercise.name, path, expected)
    for exercise in catalogue.load_all()
    for path, expected in devcheck.expectations(exercise)
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    result = grade(
        "exercise", "--all", "--check-catalogue", "--json", home=tmp_path_factory.mktemp("home")
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert lines, result.stderr
    return lines


def test_catalogue_has_the_three_cells() -> None:
    assert {"rnn_cell", "lstm_cell", "gru_cell"} <= set(catalogue.names())


@pytest.mark.parametrize("name", catalogue.names())
def test_each_exercise_loads_with_a_reference_and_a_bank_topic(name: str) -> None:
    """Every exercise validates, PyTorch has a reference for it, and its quiz topic exists."""
    exercise = catalogue.load(name)
    assert name in REFERENCES
    assert exercise.spec.topic in load_bank().topics, exercise.spec.topic


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


def test_every_mistake_has_a_fixture() -> None:
    for exercise in catalogue.load_all():
        covered = {expected for _, expected in devcheck.expectations(exercise)}
        assert diagnosis_ids(exercise.name) <= covered, exercise.name
        assert exercise.name in REFERENCES


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
    spec = catalogue.load(name).spec
    cell = _hand_written_cell(name, order)
    runs, wrong = [], False
    for k, shape in enumerate(SHAPES):
        inputs = draw(
            shape,
            gates=spec.gates,
            states=list(spec.states),
            dtype=torch.float64,
            device=torch.device("cpu"),
            seed=3,
            index=k,
        )
        got = as_outputs(cell(**inputs))
        wrong |= not are_close(got, as_outputs(REFERENCES[name](**inputs)), rtol=1e-9, atol=1e-9)
        runs.append((inputs, got, {"rtol": 1e-9, "atol": 1e-9}))
    if "".join(order) in ("ifgo", "rzn"):  # PyTorch's own order: right, nothing to name
        assert not wrong
        return
    assert wrong
    mistake = find_mistake(name, runs)
    assert mistake is not None and mistake.id == f"{name.removesuffix('_cell')}.gate_order"
    assert ",".join(order) in mistake.message  # e.g. "i,f,o,g", CS231n's order


def test_every_mistake_id_belongs_to_its_exercise_or_is_shared() -> None:
    """A prefixed id (lstm.*) is only used by that exercise; an unprefixed one by more than one."""
    users: dict[str, set[str]] = {}
    for m in MISTAKES:
        users.setdefault(m.id, set()).add(m.exercise)
    for mistake_id, exercises in users.items():
        prefix, dot, _ = mistake_id.partition(".")
        if dot:
            assert exercises == {f"{prefix}_cell"}, (mistake_id, exercises)
        else:
            assert len(exercises) > 1, (mistake_id, exercises)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_mistakes_are_wrong_and_tell_apart(name: str) -> None:
    """Each variant differs from PyTorch somewhere, and no earlier variant of another id shadows it
    (the grader names the first that matches, so a shadowed one could never be named)."""
    spec = catalogue.load(name).spec
    cases = [
        draw(
            s,
            gates=spec.gates,
            states=list(spec.states),
            dtype=torch.float64,
            device=torch.device("cpu"),
            seed=7,
            index=k,
        )
        for k, s in enumerate(SHAPES)
    ]
    mistakes = for_exercise(name)

    def outputs(mistake_index: int) -> list[tuple[torch.Tensor, ...] | None]:
        rows = []
        for inputs in cases:
            try:
                rows.append(as_outputs(mistakes[mistake_index].compute(**inputs)))
            except (ValueError, RuntimeError):
                rows.append(None)
        return rows

    table = [outputs(k) for k in range(len(mistakes))]
    expected = [as_outputs(REFERENCES[name](**inputs)) for inputs in cases]
    for k, rows in enumerate(table):
        ran = [(got, want) for got, want in zip(rows, expected, strict=True) if got is not None]
        assert any(not are_close(g, w, rtol=1e-7, atol=1e-7) for g, w in ran), mistakes[k]
        for j in range(k):
            if mistakes[j].id == mistakes[k].id:
                continue
            same = all(
                a is not None and are_close(a, b, rtol=1e-7, atol=1e-7)
                for a, b in zip(table[j], rows, strict=True)
                if b is not None
            )
            assert not same, (mistakes[j].message, mistakes[k].message)


CORRECT = [
    (exercise.name, path)
    for exercise in catalogue.load_all()
    for path, expected in devcheck.expectations(exercise)
    if expected == "pass" and "chatty" not in path.stem
]


@pytest.mark.parametrize(("name", "path"), CORRECT, ids=lambda v: getattr(v, "stem", v))
def test_correct_cells_pass_on_many_seeds(name: str, path: Path) -> None:
    """Tolerances leave room for any correct style: 25 seeds, every shape, both dtypes."""
    spec = catalogue.load(name).spec
    module_spec = importlib.util.spec_from_file_location(f"correct_{path.stem}", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    cell = getattr(module, name)
    tolerances = msgspec.to_builtins(spec.tolerances)
    for seed, (k, shape), dtype in itertools.product(
        range(25), enumerate(SHAPES), (torch.float64, torch.float32)
    ):
        inputs = draw(
            shape,
            gates=spec.gates,
            states=list(spec.states),
            dtype=dtype,
            device=torch.device("cpu"),
            seed=seed,
            index=k,
        )
        got = as_outputs(cell(*inputs.values()))
        want = as_outputs(REFERENCES[name](**inputs))
        tol = tolerance(tolerances[str(dtype).removeprefix("torch.")], shape)
        assert first_mismatch(got, want, list(spec.outputs), **tol, case=f"seed {seed}") is None
