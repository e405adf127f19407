"""Where facts come from: one table of sources (data/sources.yaml) that questions cite by id.

A learner reading "Source: seed 003_46fcf6ac178a3aca.txt" or a path on the team's machine learns
nothing; a citation by author, year and title can be looked up. A question's `source` names one
id or a list of ids, and `bank check` rejects an id that is not in the table.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from quiz.locations import sources_path

SourceId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=60)]
NonEmpty = Annotated[str, Meta(min_length=1)]


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
    """The table, validated; a broken table raises (it ships with the app and is tested)."""
    import yaml

    text = (path or sources_path()).read_text(encoding="utf-8")
    return msgspec.convert(yaml.safe_load(text), SourceTable).sources


def source_ids(source: str | list[str]) -> list[str]:
    return [source] if isinstance(source, str) else list(source)


def cite(source: str | list[str], table: dict[str, Source] | None = None) -> str:
    """Every cited source as a readable line, joined by '; '."""
    table = load_sources() if table is None else table
    return "; ".join(table[i].cite() if i in table else i for i in source_ids(source))
