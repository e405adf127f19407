"""Diagnoses that name what happened: two slips at once, a term left out (structural probes),
published formulations that are not PyTorch's, and overflow. Each file under
tests/fixtures/diagnoses/<exercise>/ is a cell as people write it; its name up to "__" lists the
ids the verdict must give, the main one first ("lstm.gate_order+lstm.forget_bias_offset").
All of them are graded by real `grade exercise NAME --file F --json` processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_grader_support import FIXTURES, MISTAKE_FILES, REPO, grade, grade_many

DIAGNOSES = REPO / "tests" / "fixtures" / "diagnoses"
FILES = sorted(DIAGNOSES.glob("*/*.py"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, dict[str, Any]]:
    home = tmp_path_factory.mktemp("home")
    jobs = {str(f): ["exercise", f.parent.name, "--file", str(f), "--json"] for f in FILES}
    return {Path(key): run.json() for key, run in grade_many(jobs, home=home).items()}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_file_is_named_with_every_id(verdicts: dict[Path, dict[str, Any]], path: Path) -> None:
    result = verdicts[path]
    expected = path.stem.split("__")[0].split("+")
    assert not result["passed"]
    assert result["diagnosis"]["ids"] == expected, result["diagnosis"]
    assert result["diagnosis"]["id"] == expected[0]


def test_every_kind_of_finding_has_a_file() -> None:
    """The fixtures cover pairs for LSTM and GRU, each probe, the published variants, overflow."""
    ids = {i for f in FILES for i in f.stem.split("__")[0].split("+")}
    pairs = {f.parent.name for f in FILES if "+" in f.stem.split("__")[0]}
    assert {"lstm_cell", "gru_cell"} <= pairs
    assert {
        "structure.ignores_input",
        "structure.ignores_hidden",
        "structure.missing_bias_term",
        "structure.ignores_cell",
        "numerics.overflow",
        "lstm.forget_bias_offset",
    } <= ids


def test_two_slips_are_both_explained(verdicts: dict[Path, dict[str, Any]]) -> None:
    tf = verdicts[
        DIAGNOSES / "lstm_cell" / "lstm.gate_order+lstm.forget_bias_offset__tensorflow.py"
    ]
    message = tf["diagnosis"]["message"]
    assert "Two slips at once" in message and "order i,g,f,o" in message
    assert "TensorFlow's BasicLSTMCell" in message and "not PyTorch's convention" in message


def test_a_published_variant_is_called_valid_but_not_torchs(tmp_path: Path) -> None:
    cho = MISTAKE_FILES / "gru_cell" / "mistakes" / "gru.reset_before_matmul.py"
    result = grade("exercise", "gru_cell", "--file", str(cho), "--json", home=tmp_path)
    assert result.code == 1
    message = result.json()["diagnosis"]["message"]
    assert "valid formulation (Cho et al. 2014" in message and "not PyTorch's convention" in message


def test_structural_probe_names_the_gate(verdicts: dict[Path, dict[str, Any]]) -> None:
    forget = verdicts[DIAGNOSES / "lstm_cell" / "structure.ignores_input__forget_gate.py"]
    message = forget["diagnosis"]["message"]
    assert "x in the forget gate f (rows H:2H of w_ih)" in message
    assert "input gate" not in message and "candidate" not in message  # only what is missing
    bias = verdicts[DIAGNOSES / "lstm_cell" / "structure.missing_bias_term__candidate.py"]
    assert "b_hh in the candidate g (rows 2H:3H of b_hh)" in bias["diagnosis"]["message"]
    assert "b_ih" not in bias["diagnosis"]["message"]


def test_overflow_says_where(verdicts: dict[Path, dict[str, Any]]) -> None:
    result = verdicts[DIAGNOSES / "lstm_cell" / "numerics.overflow__hand_tanh.py"]
    failed = [c for c in result["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["values (float32)"]  # float64 was right
    message = result["diagnosis"]["message"]
    assert "nan" in message.lower() and "float32" in message and "large inputs" in message


def test_float32_inside_is_named_on_every_seed(tmp_path: Path) -> None:
    """float64 is held to float64's precision, so a cell that computes in float32 and casts back
    is named precision.float32_internal on every seed, not passed on a lucky one."""
    from exercises.api import Grader

    files = {
        "rnn_cell": FIXTURES / "rnn_cell" / "precision.float32_internal__casts_back.py",
        "lstm_cell": FIXTURES / "lstm_cell" / "precision.float32_internal__default_dtype_buffer.py",
    }
    with Grader(None) as grader:
        for name, path in files.items():
            verdicts = {grader.grade(name, path, seed=seed).verdict for seed in range(20)}
            assert verdicts == {"precision.float32_internal"}, (name, verdicts)
