"""Showing a GradeResult: the human report (one line per check, the diagnosis in plain words, the
largest error, the learner's prints apart, the replay command) and the JSON form."""

from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path

from exercises.results import CHECKS, GradeResult

WIDTH = 100


def replay_command(name: str, *, seed: int, device: str, file: Path | None) -> str:
    """The command that grades the same file again on the same inputs."""
    words = ["grade", "exercise", name, "--seed", str(seed)]
    if device != "cpu":
        words += ["--device", device]
    if file is not None:
        words += ["--file", str(file)]
    return shlex.join(words)


def as_json(result: GradeResult) -> str:
    """One line: {"exercise", "passed", "device", "seed", "checks", "diagnosis", "output"}."""
    return json.dumps(result.to_json(), ensure_ascii=False)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _wrapped(text: str, indent: str) -> str:
    lines = []
    for paragraph in text.splitlines() or [""]:
        lines.append(
            textwrap.fill(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent)
            if paragraph.strip()
            else indent.rstrip()
        )
    return "\n".join(lines)


def human(result: GradeResult, *, color: bool = False) -> str:
    """The report a learner reads after `grade exercise NAME`."""
    out = [f"{result.exercise}: {result.file}  (device {result.device}, seed {result.seed})"]
    ran = {c.name: c for c in result.checks}
    for name in CHECKS:
        check = ran.get(name)
        if check is None:
            out.append(_paint(f"  · {name} (not run)", "2", color))
            continue
        mark = _paint("✓", "32", color) if check.passed else _paint("✗", "31", color)
        line = f"  {mark} {name}"
        if check.message:
            line += "\n" + _wrapped(check.message, "      ")
        out.append(line)
    if result.diagnosis:
        said = {c.message for c in result.checks}  # no need to say it twice
        text = "" if result.diagnosis.message in said else f": {result.diagnosis.message}"
        out.append("")
        out.append(_wrapped(f"Diagnosis ({result.diagnosis.id}){text or '.'}", ""))
    if result.worst:
        w = result.worst
        out.append("")
        out.append(
            f"Largest error: {w.error:.3g} at {w.where} (yours {w.got:.6g}, PyTorch"
            f" {w.expected:.6g}), case {w.case}."
        )
    if result.output.strip():
        out.append("")
        out.append("Your code printed (shown apart; it does not affect the verdict):")
        for line in result.output.rstrip("\n").splitlines():  # already cut to 8 KiB
            out.extend(f"  | {line[i : i + WIDTH]}" for i in range(0, max(len(line), 1), WIDTH))
    out.append("")
    if result.passed:
        out.append(_paint(f"PASSED: {result.exercise} matches PyTorch.", "1;32", color))
    else:
        out.append(_paint(f"FAILED: {result.exercise}.", "1;31", color))
    if result.replay:
        out.append(f"Same inputs again: {result.replay}")
    return "\n".join(out)
