"""`rnnprep doctor`: what a bug report needs, in one screenful (or one JSON object).

Versions (rnnprep, Python, Textual, torch), where things are (data folder, progress file, log
file, banks, scripts, exercises), torch's build and device, the bank check, and whether the
grader starts and passes the rnn_cell model solution. Exit 0 when all is well, 1 otherwise.

torch is never imported in this process: its version comes from the package metadata, and its
build and device from a small child process, run beside the grader's so the two imports overlap.
The grading runs in a temporary data folder, so the learner's progress is untouched.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.l10n import _, ngettext
from quiz.locations import HOME_ENV

TIMEOUT = 180.0  # seconds each child may take: a cold torch import on a slow disk is many
PROBE = """\
import json, torch
cuda = torch.cuda.is_available()
mps = getattr(torch.backends, "mps", None)
print(json.dumps({
    "version": torch.__version__,
    "cuda_build": torch.version.cuda,
    "cuda_available": cuda,
    "device_count": torch.cuda.device_count() if cuda else 0,
    "device": torch.cuda.get_device_name(0) if cuda else "cpu",
    "mps_available": bool(mps and mps.is_available()),
    "threads": torch.get_num_threads(),
}))
"""
GRADED = "rnn_cell"  # the exercise whose model solution proves the grader works


@dataclass
class Check:
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    return {
        "rnnprep": __version__,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "textual": package_version("textual"),
        "torch": package_version("torch"),
    }


def paths() -> dict[str, str]:
    from quiz import locations, logs

    data = locations.data_dir()
    log_file = logs.current_log_file() or logs.log_path(data)
    return {
        "data_dir": str(data),
        "progress_file": str(locations.db_path()),
        "log_file": str(log_file),
        "banks": str(locations.questions_dir()),
        "interviews": str(locations.interviews_dir()),
        "exercises": str(locations.exercises_dir()),
        "workspace": str(data / "workspace"),
    }


def bank_check() -> Check:
    """The same validation as `rnnprep bank check`, summed up."""
    try:
        from quiz.bank import load_bank
        from quiz.interview.scripts import load_scripts

        bank = load_bank()
        scripts, script_problems = load_scripts(bank=bank)
    except Exception as exc:  # a doctor reports what is broken, whatever it is
        return Check(False, error=f"{type(exc).__name__}: {exc}")
    problems = [*bank.problems, *script_problems]
    details = {
        "questions": len(bank.questions),
        "topics": len(bank.topics),
        "scripts": len(scripts),
        "problems": len(problems),
        "problem_files": sorted({str(p.file) for p in problems}),
    }
    return Check(not problems and bool(bank.questions), details)


def _start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def _finish(child: subprocess.Popen[str], timeout: float) -> tuple[int | None, str, str]:
    """(exit code or None on timeout, stdout, stderr)."""
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        return None, out, err
    return child.returncode, out, err


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def torch_check(child: subprocess.Popen[str], timeout: float) -> Check:
    code, out, err = _finish(child, timeout)
    if code is None:
        return Check(False, error=_("no answer within {seconds} s").format(seconds=f"{timeout:g}"))
    if code != 0:
        return Check(False, error=_last_line(err) or f"exit {code}")
    try:
        return Check(True, json.loads(out))
    except ValueError:
        return Check(False, error=_last_line(out) or _last_line(err))


def grader_check(child: subprocess.Popen[str], timeout: float, solution: Path) -> Check:
    code, out, err = _finish(child, timeout)
    details: dict[str, Any] = {"exercise": GRADED, "file": str(solution)}
    if code is None:
        error = _("no answer within {seconds} s").format(seconds=f"{timeout:g}")
        return Check(False, details, error)
    try:
        result = json.loads(out)
    except ValueError:
        return Check(False, details, _last_line(err) or _last_line(out) or f"exit {code}")
    details["passed"] = result.get("passed")
    details["device"] = result.get("device")
    if code == 0 and result.get("passed") is True:
        return Check(True, details)
    failed = [c.get("name") for c in result.get("checks", []) if not c.get("passed")]
    error = _("the model solution did not pass: {checks}").format(checks=", ".join(failed))
    return Check(False, details, error)


def examine(timeout: float = TIMEOUT) -> dict[str, Any]:
    """Everything `rnnprep doctor` reports, as one JSON-ready dict."""
    from quiz.locations import exercises_dir

    probe = _start([sys.executable, "-c", PROBE])
    with tempfile.TemporaryDirectory(prefix="rnnprep-doctor-") as scratch:
        solution = exercises_dir() / GRADED / "solution.py"
        env = {**os.environ, HOME_ENV: scratch}  # the attempt is recorded there, not for real
        grading = _start(
            [
                sys.executable,
                "-m",
                "quiz",
                "grade",
                "exercise",
                GRADED,
                "--file",
                str(solution),
                "--json",
                "--seed",
                "0",
                "--lang",
                "en",
            ],
            env=env,
        )
        bank = bank_check()  # while torch imports in both children
        torch = torch_check(probe, timeout)
        grader = grader_check(grading, timeout, solution)
    report: dict[str, Any] = {
        "ok": bank.ok and torch.ok and grader.ok,
        "versions": versions(),
        "paths": paths(),
        "torch": asdict(torch),
        "bank": asdict(bank),
        "grader": asdict(grader),
    }
    return report


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    """`  label  value` lines with the values in one column, whatever the labels' script."""
    width = max(_width(label) for label, _value in rows)
    return [f"  {label}{' ' * (width - _width(label))}  {value}" for label, value in rows]


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(report: dict[str, Any]) -> str:
    """The report for a person (the JSON keeps English keys)."""
    v, p = report["versions"], report["paths"]
    missing = _("not installed")
    lines = [_("Versions")]
    lines += _table(
        [
            ("rnnprep", v["rnnprep"]),
            ("Python", f"{v['python']} ({v['python_executable']})"),
            (_("platform"), v["platform"]),
            ("Textual", v["textual"] or missing),
            ("torch", v["torch"] or missing),
        ]
    )
    lines += ["", _("Paths")]
    labels = {
        "data_dir": _("data folder"),
        "progress_file": _("progress file"),
        "log_file": _("log file"),
        "banks": _("question banks"),
        "interviews": _("interview scripts"),
        "exercises": _("exercises"),
        "workspace": _("your exercise files"),
    }
    lines += _table([(label, p[key]) for key, label in labels.items()])

    torch = report["torch"]
    lines += ["", f"{_mark(torch['ok'])} " + _("torch")]
    if torch["ok"]:
        t = torch["details"]
        cuda = (
            _("CUDA {version}").format(version=t["cuda_build"])
            if t["cuda_build"]
            else _("CPU only")
        )
        lines.append(_("  build: {version}, {cuda}").format(version=t["version"], cuda=cuda))
        if t["cuda_available"]:
            device = ngettext(
                "  device: {name} ({n} GPU)", "  device: {name} ({n} GPUs)", t["device_count"]
            ).format(name=t["device"], n=t["device_count"])
        elif t["mps_available"]:
            device = _("  device: cpu (Apple MPS available)")
        else:
            device = _("  device: cpu (no GPU visible)")
        lines.append(device)
    else:
        lines.append(_("  could not start: {error}").format(error=torch["error"]))

    bank = report["bank"]
    lines += ["", f"{_mark(bank['ok'])} " + _("question banks")]
    if bank["error"]:
        lines.append(_("  could not load: {error}").format(error=bank["error"]))
    else:
        b = bank["details"]
        counts = _("{questions}, {topics}, {scripts}").format(
            questions=ngettext("{n} question", "{n} questions", b["questions"]).format(
                n=b["questions"]
            ),
            topics=ngettext("{n} topic", "{n} topics", b["topics"]).format(n=b["topics"]),
            scripts=ngettext("{n} interview script", "{n} interview scripts", b["scripts"]).format(
                n=b["scripts"]
            ),
        )
        lines.append("  " + counts)
        if b["problems"]:
            lines.append(
                "  "
                + ngettext("{n} problem found", "{n} problems found", b["problems"]).format(
                    n=b["problems"]
                )
                + _(" in {files} (run `rnnprep bank check` for lines)").format(
                    files=", ".join(Path(f).name for f in b["problem_files"])
                )
            )

    grader = report["grader"]
    lines += ["", f"{_mark(grader['ok'])} " + _("grader")]
    if grader["ok"]:
        lines.append(
            _("  starts, and passes the {exercise} model solution on {device}").format(
                exercise=GRADED, device=grader["details"].get("device")
            )
        )
    else:
        lines.append(_("  could not grade: {error}").format(error=grader["error"]))

    lines += [
        "",
        _("All is well.")
        if report["ok"]
        else _("Something is wrong (✗ above). Attach `rnnprep doctor --json` to a bug report."),
    ]
    return "\n".join(lines)


def doctor(as_json: bool, timeout: float = TIMEOUT) -> int:
    report = examine(timeout)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render(report))
    if not report["ok"]:
        import logging

        logging.getLogger(__name__).warning(
            "doctor found problems: %s",
            json.dumps({k: report[k] for k in ("torch", "bank", "grader")}, ensure_ascii=False),
        )
    return 0 if report["ok"] else 1
