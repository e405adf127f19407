"""Checks for numeric questions in applications.yaml."""

from __future__ import annotations

from collections.abc import Callable


def _bio_tag_count(_: dict) -> float:
    types = ["PER", "LOC", "ORG", "MISC"]
    tags = {"O"} | {f"{prefix}-{t}" for prefix in ("B", "I") for t in types}
    return len(tags)


CHECKS: dict[str, Callable[[dict], float]] = {
    "applications.bio-tag-count": _bio_tag_count,
}
