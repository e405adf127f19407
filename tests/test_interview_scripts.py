"""Interview scripts: each class of mistake is located like the banks', the shipped scripts are
valid, cover the syllabus at two levels, and their figures agree with torch."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.bank import Bank, load_bank
from quiz.interview.flow import END
from quiz.interview.scripts import choose_script, load_scripts
from quiz.questions import Free
from quiz.store import Interview
from tests.conftest import FIXTURES

BROKEN = FIXTURES / "interviews" / "broken"
SHORT = FIXTURES / "interviews" / "short"

CASES = {
    # case folder: (line, step id, words the message must contain); every file is s.yaml
    "bad_yaml": (10, "code", "bad YAML"),
    "missing_field": (1, None, "missing field `level`"),
    "id_mismatch": (1, None, "must be the file's name, `s`"),
    "unknown_question": (8, "open", "unknown question `lstm.explain-gate`; did you mean"),
    "unknown_exercise": (10, "code", "unknown exercise `transformer_block`"),
    "unknown_topic": (10, "open", "an inline question needs `topic`"),
    "inline_invalid": (16, "open", "`key_points`: Expected `array` of length >= 3"),
    "step_kind": (9, "code", "exactly one of `question`, `ask` or `exercise`"),
    "duplicate_step": (9, "open", "step id `open` is used by an earlier step"),
    "dangling_followup": (9, "open", "`if_right` names no step `deeper`"),
    "loop": (12, "basics", "loop (open → basics → open)"),
    "unreachable": (10, "basics", "no step leads here"),
    "no_coding_step": (6, None, "no coding step"),
    "no_free_question": (6, None, "no free-response question"),
    "route_skips_coding": (11, "basics", "the route open → basics → end has no coding step"),
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def shipped(bank: Bank):
    return load_scripts(bank=bank)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_script_is_located(case: str, bank: Bank) -> None:
    line, step, words = CASES[case]
    scripts, problems = load_scripts(BROKEN / case, bank)
    assert scripts == []
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file.name, problem.line, problem.question_id) == ("s.yaml", line, step)
    assert words in problem.message
    assert str(problem).startswith(f"s.yaml:{line}" + (f" [{step}]" if step else ""))


def test_every_broken_fixture_has_a_case() -> None:
    assert {p.name for p in BROKEN.iterdir()} == set(CASES)


def test_one_broken_script_leaves_the_others(tmp_path: Path, bank: Bank) -> None:
    shutil.copy(SHORT / "mock-short.yaml", tmp_path)
    shutil.copy(BROKEN / "loop" / "s.yaml", tmp_path)
    scripts, problems = load_scripts(tmp_path, bank)
    assert [s.id for s in scripts] == ["mock-short"]
    assert [p.file.name for p in problems] == ["s.yaml"]


def test_flow_defaults_and_inline_questions(bank: Bank) -> None:
    (script,), problems = load_scripts(SHORT, bank)
    assert not problems
    steps = script.steps
    assert script.first.id == "open"
    assert (steps["open"].on_right, steps["open"].on_wrong) == ("why-cell", "gate-order")
    assert steps["gate-order"].on_right == steps["gate-order"].on_wrong == "why-cell"
    assert steps["code"].on_right == END and steps["code"].topic == "lstm"
    inline = steps["why-cell"].question
    assert isinstance(inline, Free) and inline.id == "mock.mock-short.why-cell"
    assert inline.topic == "gradients" and inline.id not in bank.questions
    assert script.topics == ["lstm", "gradients"]


def test_shipped_scripts_are_valid(shipped) -> None:
    scripts, problems = shipped
    assert problems == []
    assert len(scripts) >= 6


def test_shipped_scripts_cover_the_syllabus_at_two_levels(shipped, bank: Bank) -> None:
    scripts, _ = shipped
    for level in ("junior", "senior"):
        assert sum(s.level == level for s in scripts) >= 3, level
    assert set().union(*(s.topics for s in scripts)) == set(bank.topics)
    assert {s.first.question.type for s in scripts} <= {"free"}  # interviews open on a concept


def test_shipped_chains_go_deeper_and_back(shipped) -> None:
    """Every script branches on answers, and its inline questions teach in both languages."""
    for script in shipped[0]:
        assert any(step.branches for step in script.steps.values()), script.id
        for step in script.steps.values():
            question = step.question
            if question is not None and question.id.startswith("mock."):
                assert len(question.explanation.en) >= 40 and question.explanation.zh
                assert all(kp.zh for kp in question.key_points)


def test_interview_figures_agree_with_torch(shipped) -> None:
    """The numbers the inline answers quote, recomputed from torch modules."""
    torch = pytest.importorskip("torch")

    def count(module) -> int:
        return sum(p.numel() for p in module.parameters())

    torch_lstm = count(torch.nn.LSTM(128, 64, device="meta"))
    keras_lstm = 128 * 256 + 64 * 256 + 256  # kernel (in, 4u), recurrent (u, 4u), bias (4u,)
    assert (torch_lstm, keras_lstm, torch_lstm - keras_lstm) == (49_664, 49_408, 256)
    assert round(0.99**500, 4) == 0.0066
    gru = count(torch.nn.GRU(128, 64, device="meta"))
    assert gru == 3 * (128 * 64 + 64 * 64 + 2 * 64)
    texts = [
        step.question.model_answer.en
        for script in shipped[0]
        for step in script.steps.values()
        if isinstance(step.question, Free) and step.question.id.startswith("mock.")
    ]
    quoted = " ".join(texts)
    for figure in ("49,664", "49,408", "0.0066", "= 256"):
        assert figure in quoted


def _sat(script: str, days_ago: int) -> Interview:
    when = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=days_ago)
    return Interview(1, script, "junior", when, when, 0.5, None)


def test_choose_script_rotates_through_the_level(shipped) -> None:
    scripts = shipped[0]
    juniors = [s.id for s in scripts if s.level == "junior"]
    first = choose_script(scripts, "junior", 30, [])
    assert first is not None and first.id == juniors[0]
    past = [_sat(juniors[0], 1)]
    assert choose_script(scripts, "junior", 30, past).id == juniors[1]
    past = [_sat(sid, days) for days, sid in enumerate(juniors)]  # the last one sat longest ago
    assert choose_script(scripts, "junior", 30, past).id == juniors[-1]
    assert choose_script(scripts, "senior", 45, []).level == "senior"
    assert choose_script([], "junior", 30, []) is None
