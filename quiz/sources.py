"""Where facts come from: one table of sources (data/sources.yaml) that questions cite by id.

A learner reading "Source: seed 003_46fcf6ac178a3aca.txt" or a path on the team's machine learns
nothing; a citation by author, year and title can be looked up. A question's `source` names one
id or a list of ids, and `bank check` rejects an id that is not in the table.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import msgspec
from msgspec import Struct

from quiz.locations import cache_dir, sources_path
from quiz.questions import NonEmpty, SourceId


class Source(Struct, frozen=True, forbid_unknown_fields=True):
    """One work: a paper, a book, a documentation page, source code, or a tutorial."""

    title: NonEmpty
    author: NonEmpty  # people, or the publisher of a page ("PyTorch documentation")
    year: int | None = None
    site: str | None = None  # where it appeared (a journal, iThome, CSDN, a blog)
    url: str | None = None  # where it is public

    def cite(self) -> str:
        """'Author (year). Title. Site.' as one line."""
        year = f" ({self.year})" if self.year else ""
        site = f" {self.site}." if self.site else ""
        return f"{self.author}{year}. {self.title}.{site}"


class SourceTable(Struct, frozen=True, forbid_unknown_fields=True):
    sources: dict[SourceId, Source]


@cache
def load_sources(path: Path | None = None) -> dict[str, Source]:
    """The table, validated; a broken table raises (it ships with the app and is tested).
    Parsed through the banks' JSON cache, since every start reads it."""
    from quiz.bank import read_yaml

    _text, data = read_yaml(path or sources_path(), cache_dir() / "sources")
    return msgspec.convert(data, SourceTable).sources


def source_ids(source: str | list[str]) -> list[str]:
    return [source] if isinstance(source, str) else list(source)


def unknown_ids(source: str | list[str], table: dict[str, Source] | None = None) -> list[str]:
    """The ids a question cites that the table doesn't have."""
    table = load_sources() if table is None else table
    return [i for i in source_ids(source) if i not in table]


def cite(source: str | list[str], table: dict[str, Source] | None = None) -> str:
    """Every cited source as a readable line, joined by '; '."""
    table = load_sources() if table is None else table
    return "; ".join(table[i].cite() if i in table else i for i in source_ids(source))
