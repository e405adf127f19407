"""Chinese text rules applied to YAML files: every `zh:` string, checked or fixed in place.

- `check_file(path)`: `file:line: problem` for every problem (quiz.zhtext's rules) in the file's
  zh strings.
- `fix_file(path)`: rewrites those strings in place, only where the fix is unambiguous, leaving
  every other byte of the file as it was.
- `main`: `python -m quiz.zhfiles` (or `python -m quiz.zhtext`) `--check FILES...` prints the
  problems and exits 1 if there is any; `--fix FILES...` fixes first.

Plain Python (PyYAML): no Textual, no torch.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from quiz.zhtext import (
    Edit,
    apply_edits,
    format_problem,
    glossary_edits,
    punctuation_edits,
    text_problems,
)


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


def check_file(path: Path) -> list[str]:
    """`file:line: problem` for every problem in the file's zh strings."""
    source = path.read_text(encoding="utf-8")
    lines = []
    for zh in zh_strings(source):
        for problem in text_problems(zh.value):
            lines.append(
                f"{path}:{zh.line(source, problem.offset)}: {format_problem(problem, zh.value)}"
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
        edits = glossary_edits(zh.value)
        mapped, ok = _map_edits(zh, edits)
        if not edits or not ok:
            if edits:
                skipped.append(f"{path}:{zh.line(source, 0)}: glossary fix left alone (escapes)")
            edits = [e for e in punctuation_edits(zh.value) if _kept(zh, e)]
            mapped, ok = _map_edits(zh, edits)
            if not ok:
                skipped.append(f"{path}:{zh.line(source, 0)}: punctuation fix left alone")
                edits, mapped = [], []
        source_edits += mapped
        wanted.append(apply_edits(zh.value, edits))
    if not source_edits:
        return 0, skipped
    new_source = apply_edits(source, source_edits)
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
