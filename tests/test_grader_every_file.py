"""Every exercise folder through the real `grade exercise NAME --file F --json` command, one
cold process per file, the path a learner's terminal takes: a mistake file of every exercise is
named with its id, and every third exercise's starter is not_implemented and solution passes
(exit codes 1, 1, 0), each third a different one. Derived from the folders: a new exercise is
covered without editing this file. Every file of every folder goes through the same command
warm (`grade exercise --all --check-catalogue`, in test_grader_catalogue.py); what differs
cold is the start, not the exercise, hence the rotation.

The mistake is graded with --lang zh-Hant and the starter with --lang zh-Hans: the JSON's
messages (the diagnosis, the failed check) are then Chinese, in that script, for every exercise."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_grader_support import grade_many

from exercises import catalogue
from quiz.i18n import to_simplified

FILES = [
    (exercise.name, path, expected)
    for i, exercise in enumerate(catalogue.load_all())
    for path, expected in [
        *([(exercise.starter, "not_implemented")] if i % 3 == 0 else []),
        *([(exercise.solution, "pass")] if i % 3 == 1 else []),
        *((f, f.stem.split("__")[0]) for f in exercise.mistakes[:1]),
    ]
]
LANGS = {"not_implemented": "zh-Hans", "pass": "en"}  # a mistake: zh-Hant


def script_of(text: str) -> str:
    """ "zh-Hant", "zh-Hans" (by characters that differ between the two), or "en"."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "en"
    simplified = to_simplified(text)
    return "zh-Hans" if simplified == text else "zh-Hant"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, object]]]:
    home = tmp_path_factory.mktemp("home")
    jobs = {
        str(p): ["exercise", name, "--file", str(p), "--json", "--lang", LANGS.get(e, "zh-Hant")]
        for name, p, e in FILES
    }
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
    lang = LANGS.get(expected, "zh-Hant")
    assert script_of(diagnosis["message"]) == lang, diagnosis
    [failed] = [c for c in result["checks"] if not c["passed"]]  # type: ignore[attr-defined]
    assert script_of(failed["message"]) == lang, failed
