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

from quiz.bank import load_bank, right_is_longest
from quiz.questions import Numeric, Single

# The code under test, from this checkout: never the venv's `rnnprep` script, which runs whatever
# checkout its editable install points at.
REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]
SYLLABUS = {
    "rnn_basics", "lstm", "gru", "lstm_vs_gru", "gradients", "bptt", "clipping", "param_count",
    "shapes", "seq_tasks", "bidirectional_stacked", "attention_seq2seq", "teacher_forcing",
    "regularisation", "initialisation", "padding_packing", "rnn_vs_transformer", "applications",
    "word2vec", "expressiveness", "gradient_theory", "architectures_compared",
    "seq2seq_engineering", "language_modelling", "framework_apis",
}  # fmt: skip


@pytest.fixture(scope="module")
def report() -> dict:
    result = subprocess.run(
        [*RNNPREP, "bank", "check", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_bank_check_passes_with_no_warnings(report: dict) -> None:
    assert report["ok"] is True and report["problems"] == []


def test_counts_meet_the_syllabus(report: dict) -> None:
    counts, total = report["counts"], report["questions"]
    assert total >= 340
    assert set(counts["topic"]) == SYLLABUS
    assert min(counts["topic"].values()) >= 8
    kinds = counts["type"]
    assert kinds["spot_error"] >= 20 and kinds["numeric"] >= 25
    assert kinds["free"] >= 30 and kinds["order"] >= 15
    assert all(kinds[t] > 0 for t in ("single", "multi", "truefalse"))
    share = {level: n / total for level, n in counts["difficulty"].items()}
    assert share["3"] >= 0.25  # the senior syllabus: reasoning, not recall
    assert min(share.values()) >= 0.2
    assert counts["language"] == {"en": total, "zh-Hant": total, "zh-Hans": total}


def test_the_report_shows_where_right_answers_stand(report: dict) -> None:
    """Per-position counts agree with the files, so a lopsided bank shows in `bank check`."""
    counts, bank = report["counts"], load_bank()
    singles = [q for q in bank.questions.values() if isinstance(q, Single)]
    positions = counts["single answer position"]
    assert sum(positions.values()) == counts["type"]["single"] == len(singles)
    for position, n in positions.items():
        assert n == sum(q.answer == int(position) - 1 for q in singles)
    assert sum(counts["truefalse answer"].values()) == counts["type"]["truefalse"]
    assert sum(counts["spot_error answer line"].values()) == counts["type"]["spot_error"]
    longest = counts["single right option is the longest"]
    assert longest == {
        lang: sum(right_is_longest(q, lang) for q in singles) for lang in ("en", "zh")
    }


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
        assert q.explanation.zh and q.source, q.id


def test_topics_come_in_syllabus_order() -> None:
    bank = load_bank()
    topics = list(bank.topics)
    assert topics[:3] == ["rnn_basics", "lstm", "gru"]
    assert topics[-6:] == [  # the senior syllabus comes after the core
        "expressiveness", "gradient_theory", "architectures_compared",
        "seq2seq_engineering", "language_modelling", "framework_apis",
    ]  # fmt: skip
    orders = [t.order for t in bank.topics.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


# A figure read off one run (one seed, one measured max error) is not a fact to teach: quote the
# mechanism or a bound instead. Once checked per part (review_a, review_b); now bank-wide.
ONE_MEASUREMENT = re.compile(
    r"one measurement|single measurement|max(imum)? (abs )?error|一次量測|一次測量|最大誤差"
)


def test_no_figures_from_one_measurement() -> None:
    for q in load_bank().questions.values():
        for lang in ("en", "zh"):
            text = getattr(q.explanation, lang)
            assert not ONE_MEASUREMENT.search(text), f"{q.id} ({lang}): {text}"


def test_no_all_of_the_above_option() -> None:
    """'All of the above' is right so often that it is a tell (was a part-a check)."""
    for q in load_bank().questions.values():
        if isinstance(q, Single):
            assert not any("all of the above" in c.en.lower() for c in q.choices), q.id
