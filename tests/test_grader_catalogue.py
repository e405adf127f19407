"""The catalogue dev check: every exercise's starter, solution and mistake fixtures get the verdict
they should, and every known mistake has a fixture. Adding an exercise without them fails here.

One `grade exercise --all --check-catalogue --json` run grades everything in one child process.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
import torch
from test_grader_support import grade

from exercises import catalogue, devcheck
from exercises.cases import SHAPES, are_close, draw, first_mismatch, tolerance
from exercises.diagnosis import as_outputs
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
    topics = {e.name: e.spec.topic for e in catalogue.load_all()}
    assert topics["rnn_cell"] == "rnn_basics" and topics["lstm_cell"] == "lstm"
    assert topics["gru_cell"] == "gru"


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


def test_every_brief_diagnosis_id_is_in_the_library() -> None:
    ids = {m.id for m in MISTAKES}
    assert ids == {
        "lstm.gate_order",
        "lstm.candidate_sigmoid",
        "lstm.gate_tanh",
        "lstm.missing_output_tanh",
        "lstm.uses_prev_cell",
        "gru.gate_order",
        "gru.update_complement",
        "gru.reset_before_matmul",
        "gru.reset_outside_bias",
        "rnn.wrong_activation",
        "missing_bias",
        "transposed_weights",
    }
    lstm_orders = [m.message for m in for_exercise("lstm_cell") if m.id == "lstm.gate_order"]
    assert any("order i,f,o,g," in message for message in lstm_orders)  # CS231n's order
    assert sum(m.id == "lstm.gate_order" for m in MISTAKES) == 23
    assert sum(m.id == "gru.gate_order" for m in MISTAKES) == 5


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
