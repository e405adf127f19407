"""The shipped bank as `rnnprep bank check --json` reports it meets the syllabus numbers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from quiz.bank import load_bank
from quiz.questions import Numeric

RNNPREP = str(Path(sys.executable).parent / "rnnprep")
SYLLABUS = {
    "rnn_basics", "lstm", "gru", "lstm_vs_gru", "gradients", "bptt", "clipping", "param_count",
    "shapes", "seq_tasks", "bidirectional_stacked", "attention_seq2seq", "teacher_forcing",
    "regularisation", "initialisation", "padding_packing", "rnn_vs_transformer", "applications",
    "word2vec",
}  # fmt: skip


@pytest.fixture(scope="module")
def report() -> dict:
    result = subprocess.run(
        [RNNPREP, "bank", "check", "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_bank_check_passes_with_no_warnings(report: dict) -> None:
    assert report["ok"] is True and report["problems"] == []


def test_counts_meet_the_syllabus(report: dict) -> None:
    counts, total = report["counts"], report["questions"]
    assert total >= 220
    assert set(counts["topic"]) == SYLLABUS
    assert min(counts["topic"].values()) >= 8
    kinds = counts["type"]
    assert kinds["spot_error"] >= 20 and kinds["numeric"] >= 25
    assert kinds["free"] >= 30 and kinds["order"] >= 15
    assert all(kinds[t] > 0 for t in ("single", "multi", "truefalse"))
    share = {level: n / total for level, n in counts["difficulty"].items()}
    assert share["1"] == pytest.approx(0.4, abs=0.07)
    assert share["2"] == pytest.approx(0.4, abs=0.07)
    assert share["3"] == pytest.approx(0.2, abs=0.05)
    assert counts["language"] == {"en": total, "zh-Hant": total, "zh-Hans": total}


def test_interview_scripts_validate_at_two_levels(report: dict) -> None:
    interviews = report["interviews"]
    assert interviews["scripts"] >= 6
    assert interviews["levels"]["junior"] >= 1 and interviews["levels"]["senior"] >= 1


def test_at_least_ten_generated_numeric_questions() -> None:
    generated = [
        q for q in load_bank().questions.values() if isinstance(q, Numeric) and q.generator
    ]
    assert len(generated) >= 10


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_near_duplicate_prompts(lang: str) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for q in load_bank().questions.values():
        seen[normalise(getattr(q.prompt, lang))].append(q.id)
    clashes = [ids for ids in seen.values() if len(ids) > 1]
    assert clashes == []


def test_every_question_teaches_and_cites() -> None:
    for q in load_bank().questions.values():
        assert len(q.explanation.en) >= 40, f"{q.id}: explanation too thin to teach why"
        assert q.explanation.zh and q.source.strip(), q.id


def test_topics_come_in_syllabus_order() -> None:
    topics = list(load_bank().topics)
    assert topics[:3] == ["rnn_basics", "lstm", "gru"]
    assert topics[-1] == "word2vec"
