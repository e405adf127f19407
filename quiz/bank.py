"""Loading question banks: YAML files in, validated questions out, every problem located.

A broken question never stops the app: it is left out and reported with file, line and id, and
the rest of the bank loads. Parsing uses libyaml's safe loader when present (same rules as
`yaml.safe_load`, several times faster) and the parsed data is cached as JSON keyed by the file's
content, so an unchanged bank skips YAML entirely; every load still validates every question.
Line numbers are looked up only when something is wrong.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import yaml

from quiz.locations import cache_dir, questions_dir
from quiz.questions import QUESTION_TYPES, Multi, Question, Single, SpotError, Topic, TrueFalse

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """`yaml.safe_load`, with the C parser where available."""
    return yaml.load(text, Loader=_SafeLoader)


@dataclass(frozen=True)
class BankProblem:
    """Something wrong in a bank file, located for the person fixing it."""

    file: Path
    line: int | None
    question_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file.name}:{self.line}" if self.line else self.file.name
        who = f" [{self.question_id}]" if self.question_id else ""
        return f"{where}{who}: {self.message}"


@dataclass
class Bank:
    """Every valid question, by id, with the problems met while loading."""

    topics: dict[str, Topic] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: list[BankProblem] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def select(
        self,
        topic: str | None = None,
        difficulty: Iterable[int] | None = None,
        tags: Iterable[str] | None = None,
    ) -> list[Question]:
        """Questions matching all given filters, in bank order."""
        levels = set(difficulty) if difficulty is not None else None
        wanted = set(tags) if tags is not None else None
        return [
            q
            for q in self.questions.values()
            if (topic is None or q.topic == topic)
            and (levels is None or q.difficulty in levels)
            and (wanted is None or wanted & set(q.tags))
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts by topic, type and difficulty, and where the right answers stand in the files
        (1-based positions), as `bank check` prints them: a bank whose answers pile up on one
        position can be gamed whenever the options are shown in bank order."""
        qs = list(self.questions.values())
        singles = [q for q in qs if isinstance(q, Single)]
        return {
            "topic": dict(Counter(q.topic for q in qs)),
            "type": {t: sum(q.type == t for q in qs) for t in QUESTION_TYPES},
            "difficulty": {str(d): sum(q.difficulty == d for q in qs) for d in (1, 2, 3)},
            "single answer position": _positions(q.answer for q in singles),
            "multi answer positions": _positions(
                i for q in qs if isinstance(q, Multi) for i in q.answer
            ),
            "spot_error answer line": _positions(q.answer for q in qs if isinstance(q, SpotError)),
            "truefalse answer": dict(
                Counter(str(q.answer).lower() for q in qs if isinstance(q, TrueFalse))
            ),
            "single right option is the longest": {
                lang: sum(right_is_longest(q, lang) for q in singles) for lang in ("en", "zh")
            },
        }


def _positions(indices: Iterable[int]) -> dict[str, int]:
    counted = Counter(indices)
    return {str(i + 1): counted[i] for i in sorted(counted)}


def right_is_longest(question: Single, lang: str) -> bool:
    """Whether the right choice is (one of) the longest: a tell for a test-wise learner."""
    lengths = [len(getattr(choice, lang)) for choice in question.choices]
    return lengths[question.answer] == max(lengths)


def load_bank(directory: Path | None = None) -> Bank:
    """Load every `*.yaml` bank in `directory` (default: the shipped banks)."""
    bank = Bank()
    cache = cache_dir() / "banks"
    claims: dict[str, list[Claim]] = {}
    for path in sorted((directory or questions_dir()).glob("*.yaml")):
        _load_file(path, bank, cache, claims)
    _settle(bank, claims)
    bank.topics = dict(sorted(bank.topics.items(), key=lambda item: (item[1].order, item[0])))
    return bank


MAX_FILE_BYTES = 2 * 1024 * 1024  # the largest shipped bank is ~40 KB
MAX_NODES = 100_000


class BankLimit(ValueError):
    """A bank file too large or built to explode (aliases): refused before it is expanded."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def check_shape(text: str) -> None:
    """Refuse aliases (a YAML bomb is nested aliases; no bank needs them) and huge node counts,
    from the parser's events, before anything is built."""
    nodes = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise BankLimit(
                event.start_mark.line + 1,
                "YAML anchors and aliases (&, *) are not allowed in banks",
            )
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise BankLimit(event.start_mark.line + 1, f"more than {MAX_NODES:,} YAML nodes")


def is_cached(directory: Path | None = None) -> bool:
    """Whether every bank file in `directory` has its parsed copy in the cache, so loading is
    decoding JSON (about 15 ms for the shipped banks) rather than parsing YAML."""
    cache = cache_dir() / "banks"
    try:
        return all(
            _cached_copy(path.read_bytes(), cache).is_file()
            for path in (directory or questions_dir()).glob("*.yaml")
        )
    except OSError:
        return False


def _cached_copy(raw: bytes, cache: Path) -> Path:
    return cache / f"{hashlib.blake2b(raw, digest_size=16).hexdigest()}.json"


def parse_cached(raw: bytes, cache: Path) -> Any:
    """YAML -> data, through a JSON copy named by the content's hash."""
    cached = _cached_copy(raw, cache)
    try:
        return msgspec.json.decode(cached.read_bytes())
    except (OSError, msgspec.DecodeError):
        pass
    text = raw.decode("utf-8")
    check_shape(text)
    data = safe_load(text)
    encoded = msgspec.json.encode(data)
    if msgspec.json.decode(encoded) == data:  # dates and the like do not survive JSON: no cache
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        try:
            cache.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(encoded)
            tmp.replace(cached)
        except OSError:  # a read-only data folder: parse every time, still load
            pass
    return data


@dataclass(frozen=True)
class Claim:
    """A question as one file states it, before duplicate ids are settled."""

    question: Question
    file: Path
    lines: LineFinder
    index: int

    @property
    def line(self) -> int | None:  # looked up only for a problem: composing YAML is slow
        return self.lines.find(("questions", self.index))


def _settle(bank: Bank, claims: dict[str, list[Claim]]) -> None:
    """Serve each id once. When files share an id, the one whose topic owns the id's prefix
    (`lstm.` belongs to topic lstm) keeps it, whatever the files are called; if none or several
    do, none is served. Every other place is reported, naming the rest."""
    for qid, found in claims.items():
        owners = [c for c in found if qid.split(".", 1)[0] == c.question.topic]
        keep = found[0] if len(found) == 1 else owners[0] if len(owners) == 1 else None
        for claim in found:
            if claim is keep:
                bank.questions[qid] = claim.question
                bank.files[qid] = claim.file
                continue
            others = ", ".join(f"{c.file.name}:{c.line}" for c in found if c is not claim)
            verdict = (
                f"kept there (topic {keep.question.topic} owns the prefix)"
                if keep is not None
                else "neither is served until one is renamed"
            )
            message = f"duplicate id: also in {others}; {verdict}"
            bank.problems.append(BankProblem(claim.file, claim.line, qid, message))


def read_yaml(path: Path, cache: Path) -> tuple[str, Any]:
    """A content file's text and data, within the size and shape limits; anything wrong is a
    BankProblem-ready `Unreadable` (line, question id, message)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(None, None, f"file is {size / 2**20:.1f} MiB; the limit is 2 MiB")
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        return text, parse_cached(raw, cache)
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(None, None, f"cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise Unreadable(*yaml_error(text, exc)) from exc
    except BankLimit as exc:
        raise Unreadable(exc.line, None, str(exc)) from exc


class Unreadable(Exception):
    """A content file that can't be read or parsed, located for the person fixing it."""

    def __init__(self, line: int | None, question_id: str | None, message: str) -> None:
        super().__init__(message)
        self.where = (line, question_id, message)


def _load_file(path: Path, bank: Bank, cache: Path, claims: dict[str, list[Claim]]) -> None:
    def problem(line: int | None, qid: str | None, message: str) -> None:
        bank.problems.append(BankProblem(path, line, qid, message))

    try:
        text, data = read_yaml(path, cache)
    except Unreadable as exc:
        problem(*exc.where)
        return

    lines = LineFinder(text)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        problem(1, None, "a bank file needs `topic: {id, title}` and a `questions:` list")
        return
    try:
        topic = msgspec.convert(data.get("topic"), Topic)
    except msgspec.ValidationError as exc:
        loc, message = describe_error(exc)
        problem(lines.find(("topic", *loc)), None, f"bad topic: {message}")
        return
    bank.topics[topic.id] = topic

    for index, raw in enumerate(data["questions"]):
        qid = raw.get("id") if isinstance(raw, dict) else None
        qid = qid if isinstance(qid, str) else None
        if not isinstance(raw, dict):
            problem(lines.find(("questions", index)), qid, "each question must be a mapping")
            continue
        try:
            question = msgspec.convert({**raw, "topic": topic.id}, Question)
        except msgspec.ValidationError as exc:
            loc, message = describe_error(exc)
            problem(lines.find(("questions", index, *loc)), qid, message)
            continue
        unknown = unknown_source(question)
        if unknown:
            problem(lines.find(("questions", index, "source")), qid, unknown)
            continue
        claims.setdefault(question.id, []).append(Claim(question, path, lines, index))


def unknown_source(question: Question) -> str | None:
    """Why a question's `source` can't be shown to a learner: an id not in data/sources.yaml."""
    from quiz.sources import unknown_ids

    missing = unknown_ids(question.source)
    if not missing:
        return None
    return f"unknown source id {', '.join(map(repr, missing))}: add it to data/sources.yaml"


_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?([\w.-]+)")


def yaml_error(text: str, exc: yaml.YAMLError) -> tuple[int | None, str | None, str]:
    """Line, enclosing question id and reason for a parse error."""
    context = getattr(exc, "context_mark", None)
    mark = context or getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    reason = " ".join(
        part for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part
    )
    qid = None
    for raw in text.splitlines()[: line or 0]:
        found = _ID_LINE.match(raw)
        if found:
            qid = found.group(1)
    return line, qid, f"bad YAML: {reason or exc}"


_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def describe_error(exc: msgspec.ValidationError) -> tuple[tuple[Any, ...], str]:
    """The path inside the question and a sentence naming the field, from msgspec's message."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    msg, path = match["msg"], match["path"] or ""
    loc = tuple(int(i) if i else key for key, i in _PATH_PART.findall(path))
    where = ".".join(str(p) for p in loc)
    if loc[:1] == ("source",):
        return loc, "`source` must name ids from data/sources.yaml, not a path or free text"
    if loc == ("type",) and msg.startswith("Invalid value"):
        tag = msg.removeprefix("Invalid value ")
        return loc, f"unknown type {tag} (known: {', '.join(QUESTION_TYPES)})"
    for prefix, sentence in (
        ("Object missing required field ", "missing field "),
        ("Object contains unknown field ", "unknown field "),
    ):
        if msg.startswith(prefix):
            field = msg.removeprefix(prefix).strip("`")
            full = f"{where}.{field}" if where else field
            return loc, f"{sentence}`{full}`"
    return loc, f"`{where}`: {msg}" if where else msg


class LineFinder:
    """Maps a path such as ('questions', 3, 'answer') to a 1-based line, composing on demand."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: yaml.Node | None = None

    def find(self, path: tuple[Any, ...]) -> int | None:
        if self._root is None:
            self._root = yaml.compose(self._text, Loader=_SafeLoader)
        node, line = self._root, None
        for key in path:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
                if match is None:
                    break
                line = next(k for k, v in node.value if v is match).start_mark.line + 1
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    break
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line
