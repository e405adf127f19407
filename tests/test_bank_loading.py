"""Bank validation: each class of mistake is reported with file, line and question id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quiz.bank import is_cached, load_bank
from tests.conftest import BROKEN_BANKS, MINI_BANK

CASES = {
    # case folder: (file, line, question id, words the message must contain)
    "bad_yaml": ("bank.yaml", 14, "t.broken", "bad YAML"),
    "unknown_type": ("bank.yaml", 13, "t.essay", "unknown type 'essay'"),
    "missing_field": ("bank.yaml", 12, "t.no-explanation", "missing field `explanation`"),
    "duplicate_id": ("b.yaml", 5, "t.good", "duplicate id: also in a.yaml:5"),
    "index_out_of_range": ("bank.yaml", 12, "t.out-of-range", "answer index 2 is out of range"),
    "no_right_answer": ("bank.yaml", 12, "t.nothing-right", "no right answer"),
    "unknown_generator": ("bank.yaml", 12, "t.no-such-generator", "unknown generator"),
    "unknown_source": ("bank.yaml", 15, "t.uncited", "unknown source id 'someones-blog'"),
    "source_is_a_path": ("bank.yaml", 15, "t.on-my-machine", "not a path or free text"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_bank_is_located(case: str) -> None:
    file, line, qid, words = CASES[case]
    bank = load_bank(BROKEN_BANKS / case)
    assert len(bank.problems) == 1, bank.problems
    problem = bank.problems[0]
    assert (problem.file.name, problem.line, problem.question_id) == (file, line, qid)
    assert words in problem.message
    assert f"{file}:{line} [{qid}]" in str(problem)


def test_every_broken_fixture_has_a_case() -> None:
    assert {p.name for p in BROKEN_BANKS.iterdir()} == set(CASES)


@pytest.mark.parametrize("case", sorted(set(CASES) - {"bad_yaml"}))
def test_a_bad_question_leaves_the_rest_loaded(case: str) -> None:
    bank = load_bank(BROKEN_BANKS / case)
    assert "t.good" in bank.questions


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    shutil.copytree(MINI_BANK, tmp_path, dirs_exist_ok=True)
    shutil.copy(BROKEN_BANKS / "bad_yaml" / "bank.yaml", tmp_path / "zz_broken.yaml")
    bank = load_bank(tmp_path)
    assert len(bank.questions) == len(load_bank(MINI_BANK).questions)
    assert [p.file.name for p in bank.problems] == ["zz_broken.yaml"]


def test_counts_and_selection(mini_bank) -> None:
    counts = mini_bank.counts()
    assert counts["topic"] == {"gates": 6, "counting": 6}
    assert all(counts["type"][t] >= 1 for t in counts["type"])
    assert {q.id for q in mini_bank.select(topic="gates", difficulty=[3])} == {"gates.why-cell"}
    assert [q.id for q in mini_bank.select(tags=["pytorch"])] == ["gates.lstm-order"]


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text("topic: !!python/object/apply:os.system ['true']\n")
    bank = load_bank(tmp_path)
    assert not bank.questions
    assert "bad YAML" in bank.problems[0].message


def test_parse_cache_follows_edits(tmp_path: Path, data_home: Path) -> None:
    bank_file = tmp_path / "gates.yaml"
    shutil.copy(MINI_BANK / "gates.yaml", bank_file)
    first = load_bank(tmp_path)
    assert list((data_home / "cache" / "banks").glob("*.json"))
    assert load_bank(tmp_path).questions == first.questions
    bank_file.write_text(
        bank_file.read_text().replace("PyTorch's LSTM gate order", "Gate order of nn.LSTM")
    )
    assert not is_cached(tmp_path)  # the app loads it in a thread, then
    edited = load_bank(tmp_path).questions["gates.lstm-order"]
    assert edited.prompt.en.startswith("Gate order of nn.LSTM")
    assert is_cached(tmp_path)


def test_the_app_knows_when_loading_is_only_decoding(tmp_path: Path, data_home: Path) -> None:
    shutil.copy(MINI_BANK / "gates.yaml", tmp_path / "gates.yaml")
    assert not is_cached(tmp_path)
    load_bank(tmp_path)
    assert is_cached(tmp_path)
    shutil.copy(MINI_BANK / "gates.yaml", tmp_path / "more.yaml")  # same content: same copy
    assert is_cached(tmp_path)
    (tmp_path / "more.yaml").write_text("topic: {id: x, title: X}\nquestions: []\n")
    assert not is_cached(tmp_path)


def test_values_json_cannot_carry_are_not_cached(tmp_path: Path, data_home: Path) -> None:
    text = (BROKEN_BANKS / "duplicate_id" / "a.yaml").read_text()
    (tmp_path / "dated.yaml").write_text(
        text.replace("source: pytorch-source-rnn", "source: 2024-01-01")
    )
    cold, warm = load_bank(tmp_path), load_bank(tmp_path)
    assert [p.message for p in cold.problems] == [p.message for p in warm.problems]
    assert "`source`" in cold.problems[0].message
    assert not list((data_home / "cache" / "banks").glob("*.json"))


def test_a_duplicate_id_stays_with_the_topic_that_owns_its_prefix(tmp_path: Path) -> None:
    """File names don't decide: an intruder sorting first doesn't take over the id."""
    shutil.copy(BROKEN_BANKS / "duplicate_id" / "a.yaml", tmp_path / "zz_owner.yaml")
    shutil.copy(BROKEN_BANKS / "duplicate_id" / "b.yaml", tmp_path / "00_intruder.yaml")
    bank = load_bank(tmp_path)
    assert bank.questions["t.good"].topic == "t"
    assert bank.files["t.good"].name == "zz_owner.yaml"
    (problem,) = bank.problems
    assert problem.file.name == "00_intruder.yaml" and "zz_owner.yaml:5" in problem.message


def test_a_duplicate_id_no_topic_owns_is_served_from_neither_place(tmp_path: Path) -> None:
    for name, topic in (("one.yaml", "u"), ("two.yaml", "v")):
        text = (BROKEN_BANKS / "duplicate_id" / "b.yaml").read_text()
        (tmp_path / name).write_text(text.replace("id: u", f"id: {topic}"))
    bank = load_bank(tmp_path)
    assert "t.good" not in bank.questions
    assert sorted(p.file.name for p in bank.problems) == ["one.yaml", "two.yaml"]
    assert all("neither is served" in p.message for p in bank.problems)
    assert "two.yaml:5" in bank.problems[0].message and "one.yaml:5" in bank.problems[1].message
