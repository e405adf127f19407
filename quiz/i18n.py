"""Languages: English, and Chinese written once in Traditional with Simplified derived by OpenCC.

OpenCC's Taiwan-to-mainland phrases miss or mangle some of the field's terms (序列 comes out as
串行, 向量 as 矢量, 活化 stays 活化), so its output then goes through the glossary
(data/glossary.yaml): every concept reads as its mainland term.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

Lang = Literal["en", "zh-Hant", "zh-Hans"]
LANGS: tuple[Lang, ...] = ("en", "zh-Hant", "zh-Hans")


@cache
def _tw2sp() -> Any:  # opencc ships no type information
    import opencc  # loaded on first Simplified text only

    return opencc.OpenCC("tw2sp")


@cache
def _glossary_terms() -> tuple[re.Pattern[str], dict[str, str]]:
    """What OpenCC makes of each glossary term -> the glossary's mainland term, where they differ,
    and a pattern finding them (longest first, so 记忆单元状态 wins over 记忆单元)."""
    from quiz.glossary import simplified_terms  # the glossary, loaded with the first Chinese text

    convert = _tw2sp().convert
    terms: dict[str, str] = {}
    for hant, hans in simplified_terms().items():
        converted = convert(hant)
        if converted != hans:
            terms[converted] = hans
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(alternation or r"(?!)"), terms


@cache
def to_simplified(text: str) -> str:
    """Traditional (Taiwan) -> Simplified (mainland phrasing and the glossary's mainland terms),
    cached per string."""
    pattern, terms = _glossary_terms()
    return pattern.sub(lambda found: terms[found.group()], _tw2sp().convert(text))


def pick(en: str, zh: str, lang: Lang) -> str:
    """The text for `lang` from a bank's en/zh pair."""
    if lang == "en":
        return en
    if lang == "zh-Hans":
        return to_simplified(zh)
    return zh
