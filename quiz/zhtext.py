"""Chinese text rules: full-width punctuation in Chinese prose, and one Taiwan term per concept.

- `punctuation_problems(text)`: ASCII , ; : ? ! ( ) . used in Chinese prose, where the
  full-width mark belongs (，；：？！（）。). Code, formulas, numbers and identifiers keep their
  ASCII: anything inside `backticks`, URLs, brackets whose content has no Chinese
  (`nn.LSTM(128, 64)`, `[3, -0.2, -7]`, `(T, B, H)`), thousands separators (4,096), and
  marks with no Chinese next to them (`h_t = tanh(W x + b)`).
- `glossary_problems(text)`: variants that data/glossary.yaml lists (激活 for 活化, 門 for 閘門).
- `python -m quiz.zhtext --check FILES...` prints `file:line: problem` for every `zh:` string of
  the YAML files and exits 1 if there is any; `--fix FILES...` rewrites those strings in place,
  only where the fix is unambiguous, leaving every other byte of the file as it was.

Plain Python (msgspec, PyYAML): no Textual, no torch.
"""

from __future__ import annotations

import argparse
import re
import sys
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

# --- the glossary -------------------------------------------------------------------------------

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
    return _apply(text, _punctuation_edits(text))


def fix_glossary(text: str, path: Path = GLOSSARY_FILE) -> str:
    """`text` with each variant that belongs to exactly one concept replaced by its term."""
    return _apply(text, _glossary_edits(text, path))


def fix_text(text: str, path: Path = GLOSSARY_FILE) -> str:
    """Both fixes: glossary first, then punctuation."""
    return fix_punctuation(fix_glossary(text, path))


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _punctuation_edits(text: str) -> list[Edit]:
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


def _glossary_edits(text: str, path: Path = GLOSSARY_FILE) -> list[Edit]:
    glossary = load_glossary(path)
    edits = []
    for problem in glossary_problems(text, path):
        cids = problem.concept.split(",")
        if len(cids) == 1:
            start = problem.offset
            edits.append((start, start + len(problem.variant), glossary[cids[0]].zh_hant))
    return edits


def _apply(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for start, end, new in sorted(edits):
        if start < pos:
            continue  # overlapping edit: the first one wins
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --- YAML files ---------------------------------------------------------------------------------


@dataclass
class ZhString:
    """One `zh:` scalar of a YAML file, with the map from its value back to the file's text."""

    value: str
    start: int  # source span of the scalar (quotes included)
    end: int
    where: list[int | None]  # source index of each character of value (None: escaped or folded)

    def line(self, source: str, offset: int) -> int:
        """The 1-based line of the file that holds character `offset` of the value."""
        index = next(
            (w for w in self.where[offset:] if w is not None),
            self.start,
        )
        return source.count("\n", 0, index) + 1


def zh_strings(source: str) -> list[ZhString]:
    """Every scalar that is the value of a `zh` key, anywhere in the YAML document."""
    root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found: list[ZhString] = []
    seen: set[int] = set()  # an alias repeats a node: visit it once (and survive a YAML bomb)

    def walk(node: yaml.Node | None) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value == "zh"
                    and isinstance(value, yaml.ScalarNode)
                ):
                    start, end = value.start_mark.index, value.end_mark.index
                    where = _align(value.value, source, start, end)
                    found.append(ZhString(value.value, start, end, where))
                else:
                    walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(root)
    return found


def _align(value: str, source: str, start: int, end: int) -> list[int | None]:
    """Source index of each value character: value characters appear in the source in order,
    the source adding quotes, escapes, indentation and line breaks. A character that is not
    found as itself (an escape, a folded line break) maps to None."""
    where: list[int | None] = []
    j = start
    for ch in value:
        k = j
        while k < end and source[k] != ch:
            if ch == " " and source[k] == "\n":
                break  # a folded line break reads as a space
            k += 1
        if k < end and source[k] == ch:
            folded = ch == " " and _after_break(source, k)
            where.append(None if folded else k)
            j = k + 1
        else:
            where.append(None)
            if k < end and source[k] == "\n":
                j = k + 1
    return where


def _after_break(source: str, k: int) -> bool:
    while k > 0 and source[k - 1] == " ":
        k -= 1
    return k > 0 and source[k - 1] == "\n"


def _format_problem(problem: PunctuationProblem | GlossaryProblem, value: str) -> str:
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
    return [_format_problem(p, text) for p in text_problems(text)]


def check_file(path: Path) -> list[str]:
    """`file:line: problem` for every problem in the file's zh strings."""
    source = path.read_text(encoding="utf-8")
    lines = []
    for zh in zh_strings(source):
        for problem in text_problems(zh.value):
            lines.append(
                f"{path}:{zh.line(source, problem.offset)}: {_format_problem(problem, zh.value)}"
            )
    return lines


def fix_file(path: Path) -> tuple[int, list[str]]:
    """Fix the file's zh strings in place; (edits made, what could not be done safely).

    Each pass makes the glossary edits of a string, or else its punctuation edits (the two are
    computed on different texts); passes repeat until nothing changes."""
    total: int = 0
    skipped: list[str] = []
    for _ in range(4):
        count, skipped = _fix_pass(path)
        total += count
        if not count:
            break
    return total, skipped


def _fix_pass(path: Path) -> tuple[int, list[str]]:
    source = path.read_text(encoding="utf-8")
    source_edits: list[Edit] = []
    skipped: list[str] = []
    wanted: list[str] = []
    for zh in zh_strings(source):
        edits = _glossary_edits(zh.value)
        mapped, ok = _map_edits(zh, edits)
        if not edits or not ok:
            if edits:
                skipped.append(f"{path}:{zh.line(source, 0)}: glossary fix left alone (escapes)")
            edits = [e for e in _punctuation_edits(zh.value) if _kept(zh, e)]
            mapped, ok = _map_edits(zh, edits)
            if not ok:
                skipped.append(f"{path}:{zh.line(source, 0)}: punctuation fix left alone")
                edits, mapped = [], []
        source_edits += mapped
        wanted.append(_apply(zh.value, edits))
    if not source_edits:
        return 0, skipped
    new_source = _apply(source, source_edits)
    # the safety net: the file still parses, every zh string is what we meant, nothing else moved
    try:
        old_data = yaml.safe_load(source)
        new_data = yaml.safe_load(new_source)
        got = [z.value for z in zh_strings(new_source)]
    except yaml.YAMLError as exc:
        return 0, [*skipped, f"{path}: fix not written, it would break the YAML: {exc}"]
    if got != wanted or _without_zh(old_data) != _without_zh(new_data):
        return 0, [*skipped, f"{path}: fix not written, the result was not as planned"]
    path.write_text(new_source, encoding="utf-8")
    return len(source_edits), skipped


def _kept(zh: ZhString, edit: Edit) -> bool:
    """Whether a punctuation edit survives mapping (a dropped space that is a folded break does
    not)."""
    start, _end, new = edit
    return not (new == "" and zh.where[start] is None)


def _map_edits(zh: ZhString, edits: list[Edit]) -> tuple[list[Edit], bool]:
    """Value edits as source edits; False when a span is not found verbatim in the source."""
    out: list[Edit] = []
    for start, end, new in edits:
        where = [w for w in zh.where[start:end] if w is not None]
        if len(where) != end - start or where != list(range(where[0], where[0] + len(where))):
            return [], False
        out.append((where[0], where[-1] + 1, new))
    return out, True


def _without_zh(data: object) -> object:
    if isinstance(data, dict):
        return {k: ("<zh>" if k == "zh" else _without_zh(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_zh(v) for v in data]
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quiz.zhtext",
        description="Check or fix the Chinese (zh:) strings of YAML files: full-width "
        "punctuation and the glossary's terms (data/glossary.yaml).",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="print problems; exit 1 if any")
    mode.add_argument("--fix", action="store_true", help="fix what is unambiguous, in place")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.fix:
        for path in args.files:
            try:
                count, skipped = fix_file(path)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue  # reported by the check below
            for line in skipped:
                print(line, file=sys.stderr)
            if count:
                print(f"{path}: {count} edits")
    problems = []
    for path in args.files:
        try:
            problems += check_file(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reason = str(exc).replace("\n", " ")
            problems.append(f"{path}:1: cannot check: {reason}")
    if args.check or problems:
        for line in problems:
            print(line)
        if args.fix and problems:
            print(f"{len(problems)} problems left to fix by hand", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
