"""Your data, your way: progress exported and imported through the real `rnnprep` command (JSON
and CSV round trips, merging without duplicates, a copy kept, bad files refused in one line), and
the Anki deck read back from the .apkg with zipfile and sqlite3."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz import anki
from quiz.bank import Bank
from quiz.engine import replay
from quiz.questions import QUESTION_CLASSES
from quiz.scheduler import due_at
from quiz.store import Store
from tests.test_grader_support import REPO, Run, run
from tests.test_stats import AT, clock, record

RNNPREP = [sys.executable, "-m", "quiz"]
DAY = timedelta(days=1)


def rnnprep(home: Path, *args: str) -> Run:
    return run([*RNNPREP, *args], home)


def fill(home: Path) -> None:
    """Every table: scheduled cards (one never reviewed), a session with an answer in it, a
    practice answer, flags, exercise attempts and two interviews, one unfinished."""
    store = Store(home / "progress.sqlite3")
    record(store, "gates.lstm-order", AT - 3 * DAY, 3)
    record(store, "gates.lstm-order", AT - DAY, 4)
    record(store, "counting.gru-gates", AT - 2 * DAY, 1)
    record(store, "counting.rnn-bias", AT - 9 * DAY, 2, practice=True)
    record(store, "gates.sigmoid-gates", AT - 4 * DAY, 3)
    with clock(AT - 2 * DAY):
        session = store.start_session("quiz", "gates")
        store.record_review(
            session_id=session,
            question_id="gates.sigmoid-gates",
            card_json=None,
            due=None,
            elapsed_s=12.25,
            correct=False,
            score=0.5,
            rating=2,
            answer={"text": '遺忘閘門, "quoted"', "covered": [0, 2]},
        )
        store.end_session(session)
        store.flag("gates.sigmoid-gates", "unclear, see line 2")
        store.record_exercise_attempt(
            "lstm_cell", passed=False, diagnosis="x", device="cpu", seed=7
        )
        store.start_interview("lstm-basics", "junior")
        done = store.start_interview("gru-basics", "senior")
        store.finish_interview(done, 0.75, "/tmp/report.md")
    with clock(AT):
        store.make_due(["shapes.never-seen"], AT, due_at)
    store.release_leech("gates.sigmoid-gates", AT - DAY)
    store.close()


def rows(home: Path, sql: str, file: str = "progress.sqlite3") -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(home / file)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def exported(home: Path, fmt: str = "json") -> str:
    done = rnnprep(home, "export", "progress", "--format", fmt)
    assert done.code == 0, done.stderr
    return done.stdout


def without_time(text: str) -> dict[str, Any]:
    data = json.loads(text)
    assert data.pop("exported_at")
    return data  # type: ignore[no-any-return]


# progress ---------------------------------------------------------------------------------------


def test_json_round_trip_through_an_empty_folder(data_home: Path, tmp_path: Path) -> None:
    fill(data_home)
    first = tmp_path / "progress.json"
    done = rnnprep(data_home, "export", "progress", "--output", str(first))
    assert done.code == 0 and str(first) in done.stdout, done.stderr
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["format"] == "rnnprep-progress" and data["format_version"] == 1
    assert data["rnnprep_version"] and data["exported_at"]
    counts = {t: len(data[t]) for t in ("cards", "sessions", "reviews", "flags")}
    assert counts == {"cards": 4, "sessions": 1, "reviews": 6, "flags": 1}
    assert [len(data[t]) for t in ("exercise_attempts", "interviews", "leech_releases")] == [
        1,
        2,
        1,
    ]
    [answered] = [r for r in data["reviews"] if r["session_id"] is not None]
    assert answered["answer"] == {"text": '遺忘閘門, "quoted"', "covered": [0, 2]}

    empty = tmp_path / "empty"
    done = rnnprep(empty, "import", "progress", str(first))
    assert done.code == 0, done.stderr
    assert "reviews: 6 imported, 0 skipped" in done.stdout
    assert without_time(exported(empty)) == without_time(first.read_text(encoding="utf-8"))


def test_csv_is_the_review_log_and_round_trips(data_home: Path, tmp_path: Path) -> None:
    fill(data_home)
    text = exported(data_home, "csv")
    lines = text.splitlines()
    assert lines[0] == "question_id,answered_at,elapsed_s,correct,score,rating,answer"
    assert len(lines) == 7  # the header and six answers
    assert '"{""text"": ""遺忘閘門, \\""quoted\\""""' in text  # the answer, JSON in one cell
    path = tmp_path / "reviews.csv"
    path.write_text(text, encoding="utf-8", newline="")

    empty = tmp_path / "empty"
    done = rnnprep(empty, "import", "progress", str(path))
    assert done.code == 0, done.stderr
    assert "reviews: 6 imported" in done.stdout
    assert exported(empty, "csv") == text
    assert rows(empty, "SELECT COUNT(*) FROM cards") == [(0,)]  # nothing re-derived
    assert rows(empty, "SELECT COUNT(*) FROM sessions") == [(0,)]


def test_imported_text_loses_control_characters(data_home: Path, tmp_path: Path) -> None:
    flag = {"question_id": "gates.x", "note": "red\x1b[31m\rtext", "created_at": AT.isoformat()}
    path = tmp_path / "flags.json"
    path.write_text(good_json(reviews=[], flags=[flag]), encoding="utf-8")
    done = rnnprep(data_home, "import", "progress", str(path))
    assert done.code == 0, done.stderr
    assert rows(data_home, "SELECT question_id, note, created_at FROM flags") == [
        ("gates.x", "red[31mtext", AT.isoformat())
    ]


def test_help_says_what_csv_carries(data_home: Path) -> None:
    done = rnnprep(data_home, "export", "progress", "--help")
    assert done.code == 0
    assert "review log" in done.stdout and "no schedule" in done.stdout


def test_import_merges_keeps_a_copy_and_never_doubles(data_home: Path, tmp_path: Path) -> None:
    fill(data_home)
    source = tmp_path / "theirs.json"
    assert rnnprep(data_home, "export", "progress", "--output", str(source)).code == 0

    mine = tmp_path / "mine"
    store = Store(mine / "progress.sqlite3")
    record(store, "gates.lstm-order", AT - 3 * DAY, 3)  # the same answer as theirs
    record(store, "counting.gru-gates", AT - 5 * DAY, 3)  # my card, reviewed before theirs
    ours = record(store, "gates.sigmoid-gates", AT, 3)  # my card, reviewed after theirs
    store.close()
    before = rows(mine, "SELECT * FROM reviews ORDER BY id")

    done = rnnprep(mine, "import", "progress", str(source))
    assert done.code == 0, done.stderr
    [copy] = mine.glob("progress.sqlite3.before-import-*")
    assert re.fullmatch(r"progress\.sqlite3\.before-import-\d{8}T\d{6}Z", copy.name)
    assert str(copy) in done.stdout
    assert rows(mine, "SELECT * FROM reviews ORDER BY id", copy.name) == before
    assert "reviews: 5 imported, 1 skipped" in done.stdout
    keys = rows(mine, "SELECT question_id, answered_at FROM reviews")
    assert len(keys) == len(set(keys)) == 8

    cards = dict(rows(mine, "SELECT question_id, card_json FROM cards"))
    theirs = {c["question_id"]: c["card"] for c in json.loads(source.read_text())["cards"]}
    assert json.loads(cards["counting.gru-gates"]) == theirs["counting.gru-gates"]  # later wins
    assert cards["gates.sigmoid-gates"] == ours  # ours is later: kept
    assert json.loads(cards["gates.lstm-order"]) == theirs["gates.lstm-order"]

    again = rnnprep(mine, "import", "progress", str(source))
    assert again.code == 0, again.stderr
    assert "reviews: 0 imported, 6 skipped" in again.stdout
    assert "sessions: 0 imported, 1 skipped" in again.stdout
    assert len(rows(mine, "SELECT * FROM reviews")) == 8
    assert len(rows(mine, "SELECT * FROM interviews")) == 2
    assert len(list(mine.glob("progress.sqlite3.before-import-*"))) == 2  # a copy each time


GOOD_REVIEW = "gates.x,2025-03-12T12:00:00+00:00,5.0,1,1.0,3,null\n"
HEADER = "question_id,answered_at,elapsed_s,correct,score,rating,answer\n"


def good_json(**change: Any) -> str:
    data: dict[str, Any] = {
        "format": "rnnprep-progress",
        "format_version": 1,
        "rnnprep_version": "0.1.0",
        "schema_version": 2,
        "exported_at": "2025-03-12T12:00:00+00:00",
        "reviews": [
            {
                "question_id": "gates.x",
                "answered_at": "2025-03-12T12:00:00+00:00",
                "elapsed_s": 5.0,
                "correct": True,
                "score": 1.0,
                "rating": 3,
            }
        ],
    }
    return json.dumps({**data, **change})


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.json", '{"format": "rnnprep-progress", ', "truncated"),
        ("other.json", good_json(format="something-else"), "not an rnnprep progress file"),
        ("newer.json", good_json(format_version=99), "newer rnnprep"),
        ("rating.json", good_json(reviews=[{"question_id": "q"}]), "$.reviews[0]"),
        ("naive.json", good_json(exported_at="2025-03-12T12:00:00"), "timezone"),
        (
            "card.json",
            good_json(cards=[{"question_id": "q", "due": AT.isoformat(), "card": {}}]),
            "card of q",
        ),
        ("rating.csv", HEADER + GOOD_REVIEW + GOOD_REVIEW.replace(",3,", ",9,"), ":3:"),
        ("answer.csv", HEADER + GOOD_REVIEW.replace("null", "{oops"), ":2:"),
        ("header.csv", "when,what\n1,2\n", ":1:"),
        ("binary.csv", "\udcff", "UTF-8"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(
    data_home: Path, tmp_path: Path, name: str, content: str, says: str
) -> None:
    fill(data_home)
    before = rows(data_home, "SELECT * FROM reviews")
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    done = rnnprep(data_home, "import", "progress", str(path))
    assert done.code == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("rnnprep: error: ") and str(path) in line and says in line, line
    assert rows(data_home, "SELECT * FROM reviews") == before
    assert not list(data_home.glob("*.before-import-*"))  # refused before anything was written


def test_a_missing_file_is_refused(data_home: Path, tmp_path: Path) -> None:
    done = rnnprep(data_home, "import", "progress", str(tmp_path / "nowhere.json"))
    assert done.code == 1 and "nowhere.json" in done.stderr and "Traceback" not in done.stderr


# Anki -------------------------------------------------------------------------------------------


def read_apkg(path: Path, tmp_path: Path) -> dict[str, Any]:
    """The notes (guid -> fields, tags, note type) and the cards' decks of an .apkg."""
    with zipfile.ZipFile(path) as package:
        assert {"collection.anki2", "media"} <= set(package.namelist())
        package.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes = {
            guid: {"fields": flds.split("\x1f"), "tags": tags.split(), "model": mid}
            for guid, flds, tags, mid in conn.execute("SELECT guid, flds, tags, mid FROM notes")
        }
        decks = {did for (did,) in conn.execute("SELECT did FROM cards")}
        models, col_decks = conn.execute("SELECT models, decks FROM col").fetchone()
    finally:
        conn.close()
    return {
        "notes": notes,
        "decks": decks,
        "models": json.loads(models),
        "col": json.loads(col_decks),
    }


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """The whole bank exported twice in English, each read back."""
    home = tmp_path_factory.mktemp("home")
    decks = []
    for n in (1, 2):
        out = tmp_path_factory.mktemp(f"deck{n}")
        done = rnnprep(home, "export", "anki", "--lang", "en", "--output", str(out / "d.apkg"))
        assert done.code == 0, done.stderr
        decks.append(read_apkg(out / "d.apkg", out))
    return decks[0], decks[1]


def by_id(deck: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {note["fields"][0]: note for note in deck["notes"].values()}


def test_one_note_per_question_with_fixed_ids(
    english: tuple[dict[str, Any], dict[str, Any]], bank: Bank
) -> None:
    first, second = english
    assert len(first["notes"]) == len(bank.questions)
    assert set(first["notes"]) == set(second["notes"])  # guids stable between exports
    assert set(first["notes"]) == {anki.guid(qid) for qid in bank.questions}
    assert set(by_id(first)) == set(bank.questions)
    assert {note["model"] for note in first["notes"].values()} == {anki.MODEL_ID}
    assert first["decks"] == {anki.DECK_ID}
    assert str(anki.MODEL_ID) in first["models"] and str(anki.DECK_ID) in first["col"]
    assert (anki.MODEL_ID, anki.DECK_ID) == (1_281_609_297, 1_201_150_432)  # never change them


def test_a_known_question_reads_right(english: tuple[dict[str, Any], dict[str, Any]]) -> None:
    note = by_id(english[0])["gradients.step-jacobian"]
    _id, _topic, prompt, answer, explanation, source = note["fields"]
    assert {"rnnprep", "rnnprep::gradients", "difficulty::2", "jacobian"} <= set(note["tags"])
    assert "what is the Jacobian" in prompt
    assert r"\(h_{t-1}\)" in prompt and r"\(W_{hh}\)" in prompt  # formulas in MathJax
    number, right = re.fullmatch(r"(\d)\. (.*)", answer).groups()  # type: ignore[union-attr]
    assert right == r"diag(1 - \(h_{t}^{2}\)) \(W_{hh}\)"
    choices = re.findall(r"<li>(.*?)</li>", prompt)
    assert len(choices) == 4 and choices[int(number) - 1] == right  # the number shown in front
    assert "tanh'(a)" in explanation
    assert "Pascanu" in source and source.startswith("Source: ")


def test_every_type_has_an_answer(
    english: tuple[dict[str, Any], dict[str, Any]], bank: Bank
) -> None:
    assert set(anki.RIGHT) == set(QUESTION_CLASSES)
    notes = by_id(english[0])
    for qtype in QUESTION_CLASSES:
        some = next(q for q in bank.questions.values() if q.type == qtype)
        assert notes[some.id]["fields"][3], qtype
    generated = next(q for q in bank.questions.values() if getattr(q, "generator", None))
    prompt = notes[generated.id]["fields"][2]
    drawn = replay(generated, anki.seed_for(generated.id)).params
    assert drawn and all(str(value) in prompt for value in drawn.values())
    assert "drawn once" in prompt


def test_a_topic_in_simplified_chinese(
    english: tuple[dict[str, Any], dict[str, Any]], bank: Bank, data_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lstm.apkg"
    done = rnnprep(
        data_home, "export", "anki", "--lang", "zh-Hans", "--topic", "lstm", "--output", str(out)
    )
    assert done.code == 0, done.stderr
    deck = read_apkg(out, tmp_path)
    wanted = [q.id for q in bank.select(topic="lstm")]
    assert sorted(by_id(deck)) == sorted(wanted)
    assert set(deck["notes"]) <= set(english[0]["notes"])  # the same notes, by guid
    note = by_id(deck)["lstm.cell-update"]
    assert "细胞状态" in note["fields"][2]  # Simplified characters
    assert note["fields"][5].startswith("出处：")


def test_an_unknown_topic_is_a_usage_error(data_home: Path, tmp_path: Path) -> None:
    done = rnnprep(data_home, "export", "anki", "--topic", "nope", "--output", str(tmp_path / "x"))
    assert done.code == 2 and "nope" in done.stderr and not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("h_{t-1} and W_hh", r"\(h_{t-1}\) and \(W_{hh}\)"),
        ("e_ij = v_a^T tanh(s)", r"\(e_{ij}\) = \(v_{a}^{T}\) tanh(s)"),
        ("2^(L-1) < 5 & more", r"\(2^{L-1}\) &lt; 5 &amp; more"),
        ("(W_hh^T)^k", r"(\(W_{hh}^{T}\))\(^{k}\)"),
        ("alpha_ij", r"\(\alpha_{ij}\)"),
        ("v'_{w_O}", r"\(v'_{w_{O}}\)"),
        ("x_1..x_T", r"\(x_{1}\)..\(x_{T}\)"),
        ("閘門：h_{t-1}。", r"閘門：\(h_{t-1}\)。"),
        ("weight_ih_l0, lstm.x_t, num_layers", "weight_ih_l0, lstm.x_t, num_layers"),  # code
        ("<b>x</b>\nnext", "&lt;b&gt;x&lt;/b&gt;<br>next"),
    ],
)
def test_text_becomes_anki_html(text: str, html: str) -> None:
    assert anki.to_html(text) == html


def test_the_new_modules_import_no_torch_or_textual() -> None:
    code = (
        "import sys, quiz.cli_export, quiz.progress_io, quiz.anki;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'textual')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
