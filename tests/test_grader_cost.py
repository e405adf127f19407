"""Grading on cost (fast_lstm_layer), through the real `grade` command: the matmul calls and FLOPs
of one call are counted in the learner's process, held to a budget, and put in the JSON; a naive
per-step loop is right on values and told what to fuse; the model solution passes both."""

from __future__ import annotations

import pytest
import torch
from test_grader_support import MISTAKE_FILES, grade_many
from torch.utils.flop_counter import FlopCounterMode

from exercises import counting

FOLDER = MISTAKE_FILES / "fast_lstm_layer"
NAIVE = FOLDER / "mistakes" / "fast_lstm_layer.per_step_projection__naive_loop.py"
STEPS = 16  # the cost case's T (grading.py's COST_CASE)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    home = tmp_path_factory.mktemp("home")
    base = ["exercise", "fast_lstm_layer", "--json", "--seed", "3"]
    jobs = {
        "solution": [*base, "--file", str(FOLDER / "solution.py")],
        "naive": [*base, "--file", str(NAIVE)],
        "naive_zh": [*base, "--file", str(NAIVE), "--lang", "zh-Hant"],
    }
    return {key: run.json() for key, run in grade_many(jobs, home=home).items()}


def test_the_model_solution_passes_values_and_cost(results: dict[str, dict[str, object]]) -> None:
    result = results["solution"]
    assert result["passed"] is True and result["diagnosis"] is None
    cost = result["cost"]
    assert isinstance(cost, dict)
    assert cost["matmuls"] == cost["budget_matmuls"] == 1 + STEPS
    assert cost["flops"] == cost["budget_flops"] > 0
    assert cost["within_budget"] is True and cost["steps"] == STEPS
    assert cost["wall_clock_ratio_to_torch"] > 0  # information only: no bound on it


def test_a_per_step_loop_passes_values_and_is_told_what_to_fuse(
    results: dict[str, dict[str, object]],
) -> None:
    result = results["naive"]
    checks = {c["name"]: c["passed"] for c in result["checks"]}  # type: ignore[union-attr]
    assert checks.pop("cost") is False and all(checks.values()), checks
    diagnosis = result["diagnosis"]
    assert isinstance(diagnosis, dict)
    assert diagnosis["id"] == "fast_lstm_layer.per_step_projection"
    assert "before the loop" in diagnosis["message"] and "F.linear(x, w_ih)" in diagnosis["message"]
    cost = result["cost"]
    assert isinstance(cost, dict)
    assert cost["matmuls"] == 2 * STEPS and cost["matmuls_per_step"] == 2.0
    assert cost["within_budget"] is False
    chinese = results["naive_zh"]["diagnosis"]
    assert isinstance(chinese, dict) and "迴圈之前" in chinese["message"]


CALLS = {
    "x @ w.T": lambda x, w: x @ w.T,
    "F.linear with bias": lambda x, w: torch.nn.functional.linear(x, w, w[:, 0]),
    "einsum": lambda x, w: torch.einsum("bi,ji->bj", x, w),
    "batched matmul": lambda x, w: torch.stack([x, x]) @ w.T,
    "matrix-vector": lambda x, w: w @ x[0],
    "with its backward": lambda x, w: (x.requires_grad_() @ w.T).sum().backward(),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_flops_are_torchs_flop_counter_figures(call) -> None:  # type: ignore[no-untyped-def]
    """The counter's FLOPs are FlopCounterMode's, op for op, without entering it (which would
    import torch._dynamo into the learner's process)."""
    x, w = torch.randn(4, 6), torch.randn(5, 6)
    with FlopCounterMode(display=False) as reference:
        call(x.clone(), w)
    matmuls, flops = counting.count(lambda: call(x.clone(), w))
    assert flops == reference.get_total_flops()
    assert matmuls >= 1
