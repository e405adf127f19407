"""Languages: English, and Chinese written once in Traditional with Simplified derived by OpenCC."""

from __future__ import annotations

from functools import cache
from typing import Literal

Lang = Literal["en", "zh-Hant", "zh-Hans"]
LANGS: tuple[Lang, ...] = ("en", "zh-Hant", "zh-Hans")


@cache
def _tw2sp():
    import opencc  # loaded on first Simplified text only

    return opencc.OpenCC("tw2sp")


@cache
def to_simplified(text: str) -> str:
    """Traditional (Taiwan) -> Simplified (mainland phrasing), cached per string."""
    return _tw2sp().convert(text)


def pick(en: str, zh: str, lang: Lang) -> str:
    """The text for `lang` from a bank's en/zh pair."""
    if lang == "en":
        return en
    if lang == "zh-Hans":
        return to_simplified(zh)
    return zh
