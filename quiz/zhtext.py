"""Chinese prose rules for one text: full-width punctuation, the glossary's terms, and their fixes.

- `punctuation_problems(text)`: ASCII , ; : ? ! ( ) . used in Chinese prose, where the
  full-width mark belongs (，；：？！（）。). Code, formulas, numbers and identifiers keep their
  ASCII: anything inside `backticks`, URLs, brackets whose content has no Chinese
  (`nn.LSTM(128, 64)`, `[3, -0.2, -7]`, `(T, B, H)`), thousands separators (4,096), and
  marks with no Chinese next to them (`h_t = tanh(W x + b)`).
- `glossary_problems(text)` lives in quiz.glossary; `text_problems`/`describe` give both kinds.
- `fix_punctuation`, `fix_glossary`, `fix_text`: the unambiguous fixes, as edits on one text.
- The YAML side (every `zh:` string of a file, `--check`/`--fix` in place) is quiz.zhfiles;
  `python -m quiz.zhtext --check/--fix FILES...` still runs it.

Plain Python: no Textual, no torch.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from quiz.glossary import GLOSSARY_FILE, GlossaryProblem, glossary_problems, load_glossary

FULL_WIDTH = {
    ",": "，",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
    ".": "。",
}

# --- punctuation --------------------------------------------------------------------------------


class PunctuationProblem(NamedTuple):
    """ASCII `char` at `offset` of Chinese prose, where `suggestion` belongs."""

    offset: int
    char: str
    suggestion: str


def is_han(ch: str) -> bool:
    """A Chinese character (CJK unified ideographs and extension A, compatibility ideographs)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def is_cjk(ch: str) -> bool:
    """Chinese characters and the full-width marks around them (。，「」…)."""
    code = ord(ch)
    return (
        is_han(ch)
        or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation
        or 0xFF01 <= code <= 0xFF60  # full-width forms
        or code in (0x2026, 0x2014, 0x00B7)  # … — ·
    )


_PROTECTED = re.compile(
    r"`[^`\n]*`"  # inline code
    r"|https?://\S+"  # URLs
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"  # format placeholders of generated questions
    r"|(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d.,])"  # thousands separators: 4,096
    r"|\d+\.\d+"  # decimals
    r"|\.\.\.+"  # ellipsis
    r"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+"  # dotted names: nn.LSTM, torch.nn
    r"|[!=<>]=|->|=>"  # operators
)
_OPENERS = "([{"
_CLOSERS = ")]}"
_SIMPLE_TOKEN = re.compile(r"^-?[A-Za-z0-9_.']+$")


@dataclass
class _Scan:
    """What the scanner found: problems, and which of them a fixer may apply on its own."""

    text: str
    problems: list[PunctuationProblem]
    fixable: set[int]  # offsets


def punctuation_problems(text: str) -> list[PunctuationProblem]:
    """ASCII punctuation used in Chinese prose in `text`, in order of offset."""
    return _scan(text).problems


def _scan(text: str) -> _Scan:
    scan = _Scan(text, [], set())
    if not any(is_han(ch) for ch in text):
        return scan
    n = len(text)
    protected = [False] * n
    for found in _PROTECTED.finditer(text):
        for i in range(*found.span()):
            protected[i] = True

    # brackets: pair them up (any opener with any closer, for intervals like [0, 1)); a pair is
    # Chinese when its own content (nested pairs left out) has a Chinese character, else code
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if protected[i]:
            continue
        if ch in _OPENERS:
            stack.append(i)
        elif ch in _CLOSERS and stack:
            pairs[stack.pop()] = i
    unmatched_open = set(stack)
    matched_close = set(pairs.values())
    chinese_parens: set[int] = set()
    code = [False] * n  # inside a code bracket pair
    for start in sorted(pairs, key=lambda s: pairs[s] - s):  # innermost first
        end = pairs[start]
        inner = [False] * (end - start - 1)
        for s2, e2 in pairs.items():
            if start < s2 and e2 < end:
                for k in range(s2, e2 + 1):
                    inner[k - start - 1] = True
        own = "".join(ch for k, ch in enumerate(text[start + 1 : end]) if not inner[k])
        if any(is_han(ch) for ch in own) and text[start] == "(" and text[end] == ")":
            chinese_parens.update((start, end))
        elif not any(is_han(ch) for ch in own):
            for k in range(start, end + 1):
                code[k] = True
    # a Chinese pair inside a code pair is still Chinese (`f(例如)` is rare; keep it simple)
    for k in chinese_parens:
        code[k] = False

    def cjk_at(i: int) -> bool:
        return 0 <= i < n and (is_cjk(text[i]) or i in chinese_parens)

    def neighbour(i: int, step: int) -> int:
        """The index of the nearest non-space character from i in direction step (-1 or n)."""
        j = i + step
        while 0 <= j < n and text[j] in " \t":
            j += step
        return j

    def add(i: int, fixable: bool) -> None:
        scan.problems.append(PunctuationProblem(i, text[i], FULL_WIDTH[text[i]]))
        if fixable:
            scan.fixable.add(i)

    for i, ch in enumerate(text):
        if ch not in FULL_WIDTH or protected[i]:
            continue
        if ch in "()":
            if i in chinese_parens:
                add(i, True)
            elif (i in unmatched_open or (ch == ")" and i not in matched_close)) and (
                cjk_at(neighbour(i, -1)) or cjk_at(neighbour(i, 1))
            ):
                add(i, False)  # a lone bracket next to Chinese: 1) 第一步
            continue
        if code[i]:
            continue
        left, right = neighbour(i, -1), neighbour(i, 1)
        beside = cjk_at(left) or cjk_at(right)
        if ch == ".":
            # only a full stop straight after a Chinese character, ending the text or a clause
            if (
                i > 0
                and is_han(text[i - 1])
                and (right >= n or cjk_at(right) or text[i + 1] == " ")
            ):
                add(i, True)
            continue
        if ch in "?!":
            if beside or right >= n:
                add(i, True)
            continue
        if beside:
            add(i, True)
            continue
        if ch == ";":
            add(i, True)  # outside code, a semicolon in Chinese text ends a clause
        elif ch == ":":
            # torch:n = ..., Keras:4 * ...: a label in a Chinese sentence, typed without the
            # space English puts after a colon ("LSTM: A Search Space Odyssey" stays; so do
            # 3:1, :: and URLs)
            pair = text[max(0, i - 1) : i + 2]
            tight = 0 < i < n - 1 and not text[i + 1].isspace()
            if tight and not re.fullmatch(r"\d:\d|.?::.?|:/.?", pair):
                add(i, True)
        elif ch == ",":
            # 4 變成 0.8,3 變成 0.6 and b_ih,b_hh 設為零: written without the space a list or
            # code would have; or one comma between two bare tokens, each touching Chinese
            # (0.8, 3 變成). A comma-and-space list of symbols (i, f, g, o) is left alone.
            tight = 0 < i < n - 1 and not text[i + 1].isspace()
            before = _island_token(text, i, -1)
            after = _island_token(text, i, 1)
            if tight or (before is not None and after is not None):
                add(i, False)
    scan.problems.sort()
    return scan


def _island_token(text: str, i: int, step: int) -> str | None:
    """The run of non-space characters beside the mark at i (skipping spaces), if it is a bare
    number or identifier with Chinese (or the text's edge) right after it; else None."""
    n = len(text)
    j = i + step
    while 0 <= j < n and text[j] == " ":
        j += step
    start = j
    while 0 <= j < n and not text[j].isspace() and not is_cjk(text[j]) and text[j] not in ",;":
        j += step
    token = text[min(start, j - step) : max(start, j - step) + 1] if j != start else ""
    if not token or not _SIMPLE_TOKEN.match(token):
        return None
    while 0 <= j < n and text[j] == " ":
        j += step
    if 0 <= j < n and not is_cjk(text[j]):
        return None
    return token


def fix_punctuation(text: str) -> str:
    """`text` with the unambiguous punctuation problems fixed (spaces beside them dropped)."""
    return apply_edits(text, punctuation_edits(text))


def fix_glossary(text: str, path: Path = GLOSSARY_FILE) -> str:
    """`text` with each variant that belongs to exactly one concept replaced by its term."""
    return apply_edits(text, glossary_edits(text, path))


def fix_text(text: str, path: Path = GLOSSARY_FILE) -> str:
    """Both fixes: glossary first, then punctuation."""
    return fix_punctuation(fix_glossary(text, path))


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def punctuation_edits(text: str) -> list[Edit]:
    scan = _scan(text)
    edits: list[Edit] = []
    drop: set[int] = set()
    for offset in sorted(scan.fixable):
        edits.append((offset, offset + 1, FULL_WIDTH[text[offset]]))
        for step in (-1, 1):
            j = offset + step
            while 0 <= j < len(text) and text[j] == " ":
                drop.add(j)
                j += step
    edits += [(j, j + 1, "") for j in sorted(drop)]
    return sorted(edits)


def glossary_edits(text: str, path: Path = GLOSSARY_FILE) -> list[Edit]:
    glossary = load_glossary(path)
    edits = []
    for problem in glossary_problems(text, path):
        cids = problem.concept.split(",")
        if len(cids) == 1:
            start = problem.offset
            edits.append((start, start + len(problem.variant), glossary[cids[0]].zh_hant))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for start, end, new in sorted(edits):
        if start < pos:
            continue  # overlapping edit: the first one wins
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def format_problem(problem: PunctuationProblem | GlossaryProblem, value: str) -> str:
    offset = problem.offset
    snippet = value[max(0, offset - 8) : offset + 9].replace("\n", " ")
    if isinstance(problem, PunctuationProblem):
        return f"ASCII {problem.char!r} in Chinese, use {problem.suggestion!r}: …{snippet}…"
    return f"{problem.variant} → {problem.term} (glossary: {problem.concept}): …{snippet}…"


def text_problems(text: str) -> list[PunctuationProblem | GlossaryProblem]:
    """Both kinds of problem in one text, by offset."""
    found: list[PunctuationProblem | GlossaryProblem] = [
        *punctuation_problems(text),
        *glossary_problems(text),
    ]
    return sorted(found, key=lambda p: p.offset)


def describe(text: str) -> list[str]:
    """One line per problem in `text`, with the offending snippet (for tests and reports)."""
    return [format_problem(p, text) for p in text_problems(text)]


if __name__ == "__main__":
    from quiz.zhfiles import main

    sys.exit(main())
