"""The glossary: one Taiwan term per concept, and the variants to flag (data/glossary.yaml).

- `load_glossary()`: the file, validated (concept id -> Concept).
- `glossary_problems(text)`: variants the glossary lists (激活 for 活化, 門 for 閘門), never inside
  a term or an allowed longer word.
- `simplified_terms()`: zh-Hant term -> zh-Hans term, for the Simplified conversion (quiz.i18n).

The punctuation rules and the text fixes are in quiz.zhtext; the YAML files in quiz.zhfiles.
Plain Python (msgspec, PyYAML): no Textual, no torch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, NamedTuple

import msgspec
import yaml
from msgspec import Meta, Struct

from quiz.locations import glossary_path

GLOSSARY_FILE = glossary_path()

Term = Annotated[str, Meta(min_length=1)]


class Concept(
    Struct,
    frozen=True,
    forbid_unknown_fields=True,
    rename={"zh_hant": "zh-Hant", "zh_hans": "zh-Hans"},
):
    """One concept: its English, its one Taiwan term, its mainland term, and what to flag."""

    en: Term
    zh_hant: Term
    zh_hans: Term
    variants: list[Term] = []
    allow: list[Term] = []  # longer words containing a variant that are right as they are
    note: str = ""


@cache
def load_glossary(path: Path = GLOSSARY_FILE) -> dict[str, Concept]:
    """data/glossary.yaml, validated: concept id -> Concept."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return msgspec.convert(data, dict[str, Concept])


class GlossaryProblem(NamedTuple):
    """`variant` at `offset` where the glossary writes `term` (concept `concept`)."""

    offset: int
    variant: str
    term: str
    concept: str


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    owners: dict[str, list[str]]  # variant -> concepts listing it
    protected: re.Pattern[str] | None  # terms and allowed words, never flagged inside


@cache
def _matcher(path: Path = GLOSSARY_FILE) -> _Matcher:
    glossary = load_glossary(path)
    owners: dict[str, list[str]] = {}
    words: set[str] = set()
    for cid, concept in glossary.items():
        words.add(concept.zh_hant)
        words.update(concept.allow)
        for variant in concept.variants:
            owners.setdefault(variant, []).append(cid)
    words -= set(owners)  # a word that is itself a variant protects nothing
    alternation = "|".join(re.escape(v) for v in sorted(owners, key=len, reverse=True))
    protected = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return _Matcher(
        re.compile(alternation or r"(?!)"),
        owners,
        re.compile(protected) if protected else None,
    )


def glossary_problems(text: str, path: Path = GLOSSARY_FILE) -> list[GlossaryProblem]:
    """Every glossary variant in `text`, longest first, not inside a term or an allowed word."""
    glossary = load_glossary(path)
    matcher = _matcher(path)
    covered = [False] * len(text)
    if matcher.protected is not None:
        for span in _overlapping(matcher.protected, text):
            for i in range(span[0], span[1]):
                covered[i] = True
    problems = []
    for found in matcher.pattern.finditer(text):
        start, end = found.span()
        if all(covered[start:end]):
            continue
        cids = matcher.owners[found.group()]
        term = " / ".join(dict.fromkeys(glossary[c].zh_hant for c in cids))
        problems.append(GlossaryProblem(start, found.group(), term, ",".join(cids)))
    return problems


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Spans of every match of `pattern` starting at every position (matches may overlap)."""
    pos = 0
    while True:
        found = pattern.search(text, pos)
        if found is None:
            return
        yield found.span()
        pos = found.start() + 1


def simplified_terms(path: Path = GLOSSARY_FILE) -> dict[str, str]:
    """zh-Hant term -> zh-Hans term, for every concept."""
    return {c.zh_hant: c.zh_hans for c in load_glossary(path).values()}
