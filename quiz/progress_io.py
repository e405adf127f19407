"""Your progress out to a file and back (`rnnprep export progress`, `rnnprep import progress`).

JSON carries everything the progress file keeps, a list per table: scheduled cards, sessions,
every review, flags, exercise attempts, mock interviews and leeches brought back into the
rotation (where this schema has them), with a format version so a later
rnnprep can read an older file. CSV is one table, so it carries the review log (what other
tools want); importing one adds the reviews and re-derives nothing (no schedule, no sessions).

Import validates the whole file first (msgspec; a bad file is one line naming the file, and the
line for CSV), then copies the progress file aside and merges in one transaction: a row already
present (a review with the same question and time, and so on) is skipped, never doubled, and of
two cards for one question the one reviewed later wins.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from quiz import __version__
from quiz.l10n import N_, _
from quiz.sanitize import clean_text
from quiz.store import Store, StoreUnavailable, now_utc
from quiz.store_errors import LockAwareConnection
from quiz.store_schema import SCHEMA_VERSION

FORMAT = "rnnprep-progress"
FORMAT_VERSION = 1  # raise it when a reader of this version could misread a newer file
CSV_COLUMNS = ("question_id", "answered_at", "elapsed_s", "correct", "score", "rating", "answer")

Moment = Annotated[datetime, Meta(tz=True)]  # a time with its zone; stored as UTC
Name = Annotated[str, Meta(min_length=1)]


class CardRow(Struct, frozen=True, forbid_unknown_fields=True):
    question_id: Name
    due: Moment
    card: dict[str, Any]  # the FSRS card, as quiz.scheduler serialises it


class SessionRow(Struct, frozen=True, forbid_unknown_fields=True):
    id: int  # numbered within the file; reviews refer to it
    mode: Name
    topic: str | None
    started_at: Moment
    ended_at: Moment | None


class ReviewRow(Struct, frozen=True, forbid_unknown_fields=True):
    question_id: Name
    answered_at: Moment
    elapsed_s: Annotated[float, Meta(ge=0)]
    correct: bool
    score: Annotated[float, Meta(ge=0, le=1)]
    rating: Annotated[int, Meta(ge=1, le=4)]
    answer: Any = None
    session_id: int | None = None


class FlagRow(Struct, frozen=True, forbid_unknown_fields=True):
    question_id: Name
    note: str
    created_at: Moment


class AttemptRow(Struct, frozen=True, forbid_unknown_fields=True):
    exercise: Name
    attempted_at: Moment
    passed: bool
    diagnosis: str | None
    device: str
    seed: int


class InterviewRow(Struct, frozen=True, forbid_unknown_fields=True):
    script: Name
    level: Name
    started_at: Moment
    ended_at: Moment | None
    score: float | None
    report_path: str | None


class LeechReleaseRow(Struct, frozen=True, forbid_unknown_fields=True):
    question_id: Name
    released_at: Moment


class Header(Struct, frozen=True):
    """Read first, so a file from a newer rnnprep is refused as such, not as malformed."""

    format: str
    format_version: int


class ProgressFile(Struct, frozen=True, forbid_unknown_fields=True):
    format: str
    format_version: int
    rnnprep_version: str
    schema_version: int
    exported_at: Moment
    cards: list[CardRow] = []
    sessions: list[SessionRow] = []
    reviews: list[ReviewRow] = []
    flags: list[FlagRow] = []
    exercise_attempts: list[AttemptRow] = []
    interviews: list[InterviewRow] = []
    leech_releases: list[LeechReleaseRow] = []


# The tables in the order they are merged (sessions before the reviews that refer to them).
TABLES: dict[str, str] = {
    "sessions": N_("sessions"),
    "reviews": N_("reviews"),
    "cards": N_("scheduled cards"),
    "flags": N_("flags"),
    "exercise_attempts": N_("exercise attempts"),
    "interviews": N_("mock interviews"),
    "leech_releases": N_("leeches released"),
}


class ProgressFileError(Exception):
    """The file to import can't be read as progress; the message is one line for the learner."""


# export --------------------------------------------------------------------------------------


def read_progress(path: Path) -> dict[str, Any]:
    """Everything in the progress file at `path`, as the JSON export holds it."""
    conn = _snapshot(path)
    try:
        return _rows(conn)
    finally:
        conn.close()


def _snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the progress file, at the current schema: a consistent read that
    works on a read-only folder too (the store opens one as it always does)."""
    store = Store(path)
    try:
        return store.snapshot()
    finally:
        store.close()


# Tables copied row for row: the columns (the row struct's fields), and the ones that tell whether
# a row is already there, its time last (rows are listed by it).
PLAIN: dict[str, tuple[type[Struct], tuple[str, ...]]] = {
    "flags": (FlagRow, ("question_id", "created_at")),
    "exercise_attempts": (AttemptRow, ("exercise", "attempted_at")),
    "interviews": (InterviewRow, ("script", "started_at")),
}
BOOLEANS = {"correct", "passed"}  # INTEGER 0/1 in SQLite, true/false in the file


def _columns(row: type[Struct]) -> tuple[str, ...]:
    return row.__struct_fields__


def _select(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], order: str
) -> list[dict[str, Any]]:
    """Rows of `table` as dicts, booleans as booleans, sorted by `order` then by id."""
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}, rowid")
    return [
        {c: bool(v) if c in BOOLEANS else v for c, v in zip(columns, row, strict=True)}
        for row in cursor
    ]


def _rows(conn: sqlite3.Connection) -> dict[str, Any]:
    sessions = _select(conn, "sessions", _columns(SessionRow), "started_at")
    number = {s["id"]: n for n, s in enumerate(sessions, start=1)}  # ids as the file numbers them
    reviews = _select(
        conn,
        "reviews",
        (
            "question_id",
            "answered_at",
            "elapsed_s",
            "correct",
            "score",
            "rating",
            "answer_json",
            "session_id",
        ),
        "answered_at",
    )
    cards = _select(conn, "cards", ("question_id", "due", "card_json"), "question_id")
    releases = (
        _select(conn, "leech_releases", _columns(LeechReleaseRow), "question_id")
        if _has_table(conn, "leech_releases")
        else []
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "rnnprep_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "exported_at": now_utc().isoformat(),
        "cards": [
            {"question_id": c["question_id"], "due": c["due"], "card": json.loads(c["card_json"])}
            for c in cards
        ],
        "sessions": [{**s, "id": number[s["id"]]} for s in sessions],
        "reviews": [
            {
                **{k: v for k, v in r.items() if k not in ("answer_json", "session_id")},
                "answer": json.loads(r["answer_json"]),
                "session_id": number.get(r["session_id"]),
            }
            for r in reviews
        ],
        **{
            table: _select(conn, table, _columns(row), identity[-1])  # by its time
            for table, (row, identity) in PLAIN.items()
        },
        "leech_releases": releases,
    }


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether this schema has the table (one added by a later schema is carried when there)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def to_json(progress: dict[str, Any]) -> str:
    return json.dumps(progress, ensure_ascii=False, indent=2) + "\n"


def to_csv(progress: dict[str, Any]) -> str:
    """The review log: one row per answer, a header first; the answer as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in progress["reviews"]:
        answer = json.dumps(r["answer"], ensure_ascii=False)
        row = {**r, "correct": int(r["correct"]), "answer": answer}
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()


# reading a file to import ----------------------------------------------------------------------


def load_file(path: Path) -> ProgressFile:
    """The file at `path`, validated: a JSON export, or a CSV review log (told apart by its first
    character). ProgressFileError, with the file (and line) in one line, when it is neither."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProgressFileError(
            _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc
    if data.lstrip()[:1] == b"{":
        return _load_json(path, data)
    return _load_csv(path, data)


def _load_json(path: Path, data: bytes) -> ProgressFile:
    try:
        header = msgspec.json.decode(data, type=Header)
        if header.format != FORMAT:
            raise ProgressFileError(_("{path} is not an rnnprep progress file").format(path=path))
        if header.format_version > FORMAT_VERSION:
            raise ProgressFileError(
                _(
                    "{path} was written by a newer rnnprep (format {version}, this one reads"
                    " {known}); update rnnprep to import it"
                ).format(path=path, version=header.format_version, known=FORMAT_VERSION)
            )
        progress = msgspec.json.decode(data, type=ProgressFile)
    except msgspec.MsgspecError as exc:
        raise ProgressFileError(
            _("{path} is not a valid progress file: {reason}").format(path=path, reason=exc)
        ) from exc
    for card in progress.cards:
        if not _is_card(card.card):
            raise ProgressFileError(
                _("{path}: the card of {question} is not a schedule rnnprep can read").format(
                    path=path, question=card.question_id
                )
            )
    known = {s.id for s in progress.sessions}
    if len(known) != len(progress.sessions):
        raise ProgressFileError(_("{path}: two sessions have the same id").format(path=path))
    for index, review in enumerate(progress.reviews):
        if review.session_id is not None and review.session_id not in known:
            raise ProgressFileError(
                _("{path}: $.reviews[{index}].session_id is {id}, a session the file lacks").format(
                    path=path, index=index, id=review.session_id
                )
            )
    return progress


def _is_card(card: dict[str, Any]) -> bool:
    """Whether FSRS reads `card` (the scheduler would fail on it at the next review)."""
    from fsrs import Card

    try:
        Card.from_dict(card)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return False
    return True


def _load_csv(path: Path, data: bytes) -> ProgressFile:
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet may save it with a byte-order mark
    except UnicodeDecodeError as exc:
        raise ProgressFileError(
            _("{path} is neither JSON nor UTF-8 CSV: {reason}").format(path=path, reason=exc)
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ProgressFileError(
            _("{path}:1: not a review log: the header lacks {columns}").format(
                path=path, columns=", ".join(missing)
            )
        )
    reviews = []
    try:
        for row in reader:
            reviews.append(_csv_review(row))
    except (ValueError, csv.Error, msgspec.MsgspecError) as exc:
        raise ProgressFileError(
            _("{path}:{line}: not a valid review: {reason}").format(
                path=path, line=reader.line_num, reason=exc
            )
        ) from exc
    return ProgressFile(FORMAT, FORMAT_VERSION, "", SCHEMA_VERSION, now_utc(), reviews=reviews)


def _csv_review(row: dict[str | None, Any]) -> ReviewRow:
    if None in row:
        raise ValueError(_("more fields than the header names"))
    fields = {c: row[c] for c in CSV_COLUMNS if row[c] is not None}
    try:
        fields["answer"] = json.loads(fields.get("answer") or "null")
    except ValueError as exc:
        raise ValueError(_("the answer column is not JSON ({reason})").format(reason=exc)) from exc
    return msgspec.convert(fields, ReviewRow, strict=False)


# merging ------------------------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import did: per table (TABLES), rows added and rows skipped as already there."""

    backup: Path
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))


def import_progress(path: Path, progress: ProgressFile) -> Imported:
    """Merge `progress` into the progress file at `path` in one transaction, after copying the
    file aside (the copy's path is returned); a failure leaves the file as it was."""
    store = Store(path)  # creates, migrates or recovers it; raises when it can't be used
    read_only = store.read_only
    store.close()
    if read_only:
        raise StoreUnavailable(_("{path} can't be written; nothing was imported").format(path=path))
    conn: LockAwareConnection = sqlite3.connect(
        path, timeout=10.0, isolation_level=None, factory=LockAwareConnection
    )
    conn.store_path = path
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: the copy is exactly "before"
        try:
            done = Imported(_backup(conn, path))
            _merge(conn, progress, done)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
    return done


def _backup(conn: sqlite3.Connection, path: Path) -> Path:
    """A whole copy of the progress file beside it, named by the UTC time. Read through a second
    connection: `conn` holds the write lock (no one can change the file meanwhile), and SQLite
    can't back up from a connection inside its own write transaction."""
    stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.before-import-{stamp}")
    n = 1
    while target.exists():  # two imports within a second
        n += 1
        target = path.with_name(f"{path.name}.before-import-{stamp}-{n}")
    source = sqlite3.connect(path, timeout=10.0)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    return target


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _value(value: Any) -> Any:
    """A value from the file as the store keeps it: times in UTC, booleans 0/1, text without
    control characters (the file may come from anywhere; the store cleans what it is given)."""
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _merge(conn: sqlite3.Connection, progress: ProgressFile, done: Imported) -> None:
    def new(table: str, key: tuple[Any, ...], seen: set[tuple[Any, ...]]) -> bool:
        """Whether the row with `key` is new (and counted so); a row seen already is skipped."""
        fresh = key not in seen
        (done.added if fresh else done.skipped)[table] += 1
        seen.add(key)
        return fresh

    session_ids = {
        (mode, at): i for i, mode, at in conn.execute("SELECT id, mode, started_at FROM sessions")
    }
    seen = set(session_ids)
    new_id: dict[int, int] = {}
    for s in progress.sessions:
        values = {c: _value(getattr(s, c)) for c in _columns(SessionRow) if c != "id"}
        key = (values["mode"], values["started_at"])
        if new("sessions", key, seen):
            session_ids[key] = _insert(conn, "sessions", values)
        new_id[s.id] = session_ids[key]

    seen = set(conn.execute("SELECT question_id, answered_at FROM reviews"))
    for r in progress.reviews:
        values = {c: _value(getattr(r, c)) for c in _columns(ReviewRow)}
        values["answer_json"] = json.dumps(values.pop("answer"), ensure_ascii=False)
        values["session_id"] = new_id.get(r.session_id) if r.session_id is not None else None
        if new("reviews", (values["question_id"], values["answered_at"]), seen):
            _insert(conn, "reviews", values)

    for c in progress.cards:
        _merge_card(conn, c, done)

    for table, (row, identity) in PLAIN.items():
        seen = set(conn.execute(f"SELECT {', '.join(identity)} FROM {table}"))
        for item in getattr(progress, table):
            values = {c: _value(getattr(item, c)) for c in _columns(row)}
            if new(table, tuple(values[k] for k in identity), seen):
                _insert(conn, table, values)

    for release in progress.leech_releases:
        _merge_release(conn, release, done)


def _merge_card(conn: sqlite3.Connection, card: CardRow, done: Imported) -> None:
    """Add the card, or replace ours when the file's was reviewed later; else skip it."""
    row = conn.execute(
        "SELECT card_json FROM cards WHERE question_id = ?", (card.question_id,)
    ).fetchone()
    if row is not None and _last_review(card.card) <= _last_review(json.loads(row[0])):
        done.skipped["cards"] += 1
        return
    done.added["cards"] += 1
    conn.execute(
        "INSERT INTO cards (question_id, card_json, due) VALUES (?, ?, ?)"
        " ON CONFLICT(question_id) DO UPDATE SET card_json = excluded.card_json,"
        " due = excluded.due",
        (card.question_id, json.dumps(card.card), _utc(card.due)),
    )


def _merge_release(conn: sqlite3.Connection, release: LeechReleaseRow, done: Imported) -> None:
    """Of two releases of one leech the later counts (wrong answers count from then on)."""
    at = _utc(release.released_at)
    if not _has_table(conn, "leech_releases"):
        done.skipped["leech_releases"] += 1
        return
    row = conn.execute(
        "SELECT released_at FROM leech_releases WHERE question_id = ?", (release.question_id,)
    ).fetchone()
    if row is not None and datetime.fromisoformat(row[0]) >= release.released_at:
        done.skipped["leech_releases"] += 1
        return
    done.added["leech_releases"] += 1
    conn.execute(
        "INSERT INTO leech_releases (question_id, released_at) VALUES (?, ?)"
        " ON CONFLICT(question_id) DO UPDATE SET released_at = excluded.released_at",
        (release.question_id, at),
    )


_NEVER = datetime.min.replace(tzinfo=UTC)


def _last_review(card: dict[str, Any]) -> datetime:
    """When the card was last reviewed (never: the earliest time), from its FSRS fields."""
    value = card.get("last_review")
    if not isinstance(value, str):
        return _NEVER
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _NEVER
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
