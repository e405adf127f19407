"""Every exercise folder through the real `grade exercise NAME --file F --json` command, one
cold process per file, the path a learner's terminal takes: the starter is not_implemented, the
solution passes, a mistake file is named with its id (exit codes 1, 0, 1). Derived from the
folders: a new exercise is covered without editing this file. Every other mistake file goes
through the same command warm (`grade exercise --all --check-catalogue`, in
test_grader_catalogue.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_grader_support import grade_many

from exercises import catalogue

FILES = [
    (exercise.name, path, expected)
    for exercise in catalogue.load_all()
    for path, expected in [
        (exercise.starter, "not_implemented"),
        (exercise.solution, "pass"),
        *((f, f.stem.split("__")[0]) for f in exercise.mistakes[:1]),
    ]
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, object]]]:
    home = tmp_path_factory.mktemp("home")
    jobs = {str(p): ["exercise", name, "--file", str(p), "--json"] for name, p, _ in FILES}
    return {key: (run.code, run.json()) for key, run in grade_many(jobs, home=home).items()}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "path", "expected"), FILES, ids=lambda v: getattr(v, "name", v))
def test_file_gets_its_verdict_from_the_command(
    results: dict[str, tuple[int, dict[str, object]]], name: str, path: Path, expected: str
) -> None:
    code, result = results[str(path)]
    assert result["exercise"] == name
    if expected == "pass":
        assert (code, result["passed"], result["diagnosis"]) == (0, True, None), result
        return
    diagnosis = result["diagnosis"]
    assert code == 1 and isinstance(diagnosis, dict), result
    assert diagnosis["id"] == expected and diagnosis["ids"] == [expected], diagnosis
