"""Showing a GradeResult: the human report (one line per check, the diagnosis in plain words, the
largest error, the learner's prints apart, the replay command) and the JSON form."""

from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path

from exercises.results import CHECKS, GradeResult, cost_line, label
from quiz.l10n import _

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
    """The report a learner reads after `grade exercise NAME`, in the interface language (what the
    grading process said, the check and diagnosis messages, stays as it came)."""
    out = [
        _("{exercise}: {file}  (device {device}, seed {seed})").format(
            exercise=result.exercise, file=result.file, device=result.device, seed=result.seed
        )
    ]
    ran = {c.name: c for c in result.checks}
    for name in CHECKS:
        check = ran.get(name)
        if check is None and name in result.skipped:
            continue  # not part of this exercise (no float32, nothing differentiable)
        if check is None:
            not_run = _("{check} (not run)").format(check=label(name))
            out.append(_paint("  · " + not_run, "2", color))
            continue
        mark = _paint("✓", "32", color) if check.passed else _paint("✗", "31", color)
        line = f"  {mark} {label(name)}"
        if check.message:
            line += "\n" + _wrapped(check.message, "      ")
        out.append(line)
    if result.diagnosis:
        said = {c.message for c in result.checks}  # no need to say it twice
        d = result.diagnosis
        ids = " + ".join(d.ids or [d.id])
        line = (
            _("Diagnosis ({id}).").format(id=ids)
            if d.message in said
            else _("Diagnosis ({id}): {message}").format(id=ids, message=d.message)
        )
        out.append("")
        out.append(_wrapped(line, ""))
    if result.worst:
        w = result.worst
        out.append("")
        out.append(
            _(
                "Largest error: {error} at {where} (yours {got}, PyTorch {expected}), case {case}."
            ).format(
                error=f"{w.error:.3g}",
                where=w.where,
                got=f"{w.got:.6g}",
                expected=f"{w.expected:.6g}",
                case=w.case,
            )
        )
    if result.cost:
        out.append("")
        out.append(_wrapped(cost_line(result.cost), ""))
    if result.output.strip():
        out.append("")
        out.append(_("Your code printed (shown apart; it does not affect the verdict):"))
        for line in result.output.rstrip("\n").splitlines():  # already cut to 8 KiB
            out.extend(f"  | {line[i : i + WIDTH]}" for i in range(0, max(len(line), 1), WIDTH))
    out.append("")
    if result.passed:
        passed = _("PASSED: {name} matches PyTorch.").format(name=result.exercise)
        out.append(_paint(passed, "1;32", color))
    else:
        out.append(_paint(_("FAILED: {name}.").format(name=result.exercise), "1;31", color))
    if result.replay:
        out.append(_("Same inputs again: {command}").format(command=result.replay))
    return "\n".join(out)
