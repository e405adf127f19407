"""Learner files that end or poison the grading process each get their verdict, within the time
limit, with a clear message and no traceback from the grader; one real `grade` run each.

(Misbehaving files that a grading process survives are graded by the catalogue dev check,
tests/test_grader_catalogue.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_grader_support import FIXTURES, Run, expected_verdict, grade_many, verdict

from exercises.runner import MEMORY_ENV

HOSTILE = sorted((FIXTURES / "hostile").glob("*.py"))
LIMIT_S = {"timeout": 2.0}  # the endless loop runs under a short limit; the rest under the default
DEFAULT_LIMIT_S = 10.0
MEMORY_MB = 512  # a smaller allowance than the default 2048 MiB keeps the memory hogs quick
START_ALLOWANCE_S = 20.0  # two children importing torch at once on two cores, plus slow CI

MESSAGES = {
    "timeout__endless_loop": "Stopped after 2 s",
    "crash__memory_hog": "memory",
    "crash__memory_hog_lifts_limit": "memory",
    "crash__segfault": "SIGSEGV",
    "crash__os_exit": "os._exit()",
}


def _limit(path: Path) -> float:
    return LIMIT_S.get(expected_verdict(path), DEFAULT_LIMIT_S)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every hostile file graded once with --json, plus a human-readable one, in parallel."""
    home = tmp_path_factory.mktemp("home")
    syntax = home / "syntax_error__missing_colon.py"  # not in fixtures/: ruff would reject it
    syntax.write_text(
        "import torch\n\ndef rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None)\n    return h\n"
    )
    files = [*HOSTILE, syntax]
    jobs = {
        f.stem: ["exercise", "rnn_cell", "--file", str(f), "--json", "--timeout", str(_limit(f))]
        for f in files
    }
    fake = FIXTURES / "hostile" / "crash__fake_verdict.py"
    jobs["human"] = ["exercise", "rnn_cell", "--file", str(fake)]
    return grade_many(jobs, home, env={MEMORY_ENV: str(MEMORY_MB)})


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_file_gets_its_verdict_in_time(runs: dict[str, Run], path: Path) -> None:
    run = runs[path.stem]
    result = run.json()
    assert verdict(result) == expected_verdict(path), result
    assert run.code == (0 if result["passed"] else 1)
    assert run.elapsed < _limit(path) + START_ALLOWANCE_S
    assert "Traceback" not in run.stdout + run.stderr
    if path.stem in MESSAGES:
        failed = [c for c in result["checks"] if not c["passed"]]
        assert len(failed) == 1 and failed[0] is result["checks"][-1]
        text = failed[0]["message"] + result["diagnosis"]["message"]
        assert MESSAGES[path.stem] in text, text


def test_syntax_error_names_the_line(runs: dict[str, Run]) -> None:
    result = runs["syntax_error__missing_colon"].json()
    assert verdict(result) == "syntax_error"
    assert "line 3" in result["checks"][0]["message"]


def test_forged_verdicts_stay_learner_output(runs: dict[str, Run]) -> None:
    """Fake passing JSON printed to stdout, stderr and every open fd changes nothing."""
    assert runs["crash__fake_verdict"].json()["passed"] is False
    human = runs["human"]
    assert human.code == 1
    report, printed = human.stdout.split("Your code printed", 1)
    assert '"passed": true' not in report
    assert '"passed": true' in printed
    assert "FAILED: rnn_cell." in printed  # the verdict comes after the learner's output
    assert "Same inputs again: grade exercise rnn_cell --seed" in printed
