"""Sources: questions cite works by id from data/sources.yaml, and every citation is readable.

A learner should see "Pascanu, Mikolov & Bengio (2013). On the difficulty of training recurrent
neural networks. ICML 2013." — never a seed file name, a path on the team's machine or the team's
facts sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec
import pytest

from quiz.bank import load_bank
from quiz.interview.scripts import INLINE_PREFIX, load_scripts
from quiz.questions import Question, Text
from quiz.sources import Source, cite, load_sources, source_ids
from tests.conftest import FIXTURES

ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
# A seed file ("003_46fcf6ac178a3aca.txt", "seed 003", "Seed 000's"), an absolute path, or the
# team's facts sheet: none of these means anything to a learner.
UNREADABLE = re.compile(
    r"\b\d{3}_[0-9a-f]{16}\b|\.txt\b|\bseed\s*0\d\d|\bthe seed\b|\bseed's\b|seed\s*(的|中|把)"
    r"|(?<![\w.])/(work|home|tmp|Users|mnt)/|rnn-facts",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def table() -> dict[str, Source]:
    return load_sources()


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    """Every question a learner can meet: the bank's and the interview scripts' inline ones."""
    bank = load_bank()
    scripts, problems = load_scripts(bank=bank)
    assert scripts and not problems
    inline = [
        step.question
        for script in scripts
        for step in script.steps.values()
        if step.question is not None and step.question.id.startswith(INLINE_PREFIX)
    ]
    assert inline, "the scripts have inline questions; the test should see them"
    return [*bank.questions.values(), *inline]


def texts(obj: object) -> Iterator[Text]:
    if isinstance(obj, Text):
        yield obj
    elif isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            yield from texts(getattr(obj, name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from texts(item)


def test_the_table_loads_with_readable_entries(table: dict[str, Source]) -> None:
    assert len(table) >= 50
    for sid, source in table.items():
        assert ID.match(sid), sid
        assert source.title.strip() and source.author.strip(), sid
        if source.url is not None:
            assert source.url.startswith("https://"), sid
        if source.year is not None:
            assert 1950 <= source.year <= 2030, sid


def test_every_cited_id_exists(table: dict[str, Source], questions: list[Question]) -> None:
    missing = [(q.id, sid) for q in questions for sid in source_ids(q.source) if sid not in table]
    assert missing == []


def test_every_question_cites_ids_not_prose(questions: list[Question]) -> None:
    for q in questions:
        ids = source_ids(q.source)
        assert ids, q.id
        assert len(set(ids)) == len(ids), q.id
        assert all(ID.match(sid) for sid in ids), (q.id, q.source)


def test_no_dead_entries(table: dict[str, Source], questions: list[Question]) -> None:
    cited = {sid for q in questions for sid in source_ids(q.source)}
    assert sorted(set(table) - cited) == []


def test_no_source_names_a_seed_file_or_a_path(table: dict[str, Source]) -> None:
    for sid, source in table.items():
        for field in (source.title, source.author, source.site or "", source.url or ""):
            assert not UNREADABLE.search(field), (sid, field)


def test_no_question_text_names_a_seed_file_or_a_path(questions: list[Question]) -> None:
    found = [
        (q.id, lang, text)
        for q in questions
        for t in texts(q)
        for lang, text in (("en", t.en), ("zh", t.zh))
        if UNREADABLE.search(text)
    ]
    assert found == []


def test_the_seed_tutorials_appear_under_their_own_titles(table: dict[str, Source]) -> None:
    titles = {source.title for source in table.values()}
    assert "Day 26 長短期記憶網路 LSTM" in titles
    assert "LSTM(三):Illustrated" in titles
    assert "了解LSTM和GRU" in titles
    assert any(title.startswith("【Day15】RNNs的演變") for title in titles)


def test_cite_renders_author_year_and_title(table: dict[str, Source]) -> None:
    line = cite("pascanu-2013", table)
    assert line.startswith("Pascanu, Mikolov & Bengio (2013). ")
    assert "On the difficulty of training recurrent neural networks" in line
    docs = cite("pytorch-docs-lstm", table)
    assert docs.startswith("PyTorch documentation. torch.nn.LSTM.")  # no year: none shown
    both = cite(["cho-2014", "pytorch-docs-gru"], table)
    assert both.split("; ")[0].endswith("EMNLP 2014.") and "torch.nn.GRU" in both
    assert cite("no-such-source", table) == "no-such-source"  # shown as is, never a crash


def test_the_shipped_fixtures_cite_real_ids(table: dict[str, Source]) -> None:
    """The test banks and scripts cite ids of the table too, so they survive strict checks."""
    pattern = re.compile(r"^\s*(?:- )?source:\s*(.+?)\s*$")
    for path in [
        *FIXTURES.joinpath("banks").rglob("*.yaml"),
        *FIXTURES.joinpath("interviews").rglob("*.yaml"),
    ]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.match(line)
            if match is None or "broken" in path.parts:  # broken ones are wrong on purpose
                continue
            value = match.group(1)
            ids = [v.strip() for v in value.strip("[]").split(",")]
            where = f"{path.relative_to(FIXTURES)}:{number}"
            assert all(sid in table for sid in ids), (where, value)
