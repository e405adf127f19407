"""What a learner typed or pasted, made safe to keep and to show again."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Without control characters (escape sequences, NULs, carriage returns) that would garble a
    report or a terminal; newlines and tabs stay."""
    return _CONTROL.sub("", text)
