"""`rnnprep bank check` (validate every bank and interview script, print counts) and
`rnnprep bank flagged` (the questions the learner flagged)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.l10n import N_, _, ngettext

if TYPE_CHECKING:
    from quiz.interview.scripts import Script


# The headings of `rnnprep bank check`'s counts (the JSON keeps the English keys).
BY_HEADINGS = {
    "topic": N_("topic"),
    "type": N_("type"),
    "difficulty": N_("difficulty"),
    "single answer position": N_("single answer position"),
    "multi answer positions": N_("multi answer positions"),
    "spot_error answer line": N_("spot_error answer line"),
    "truefalse answer": N_("truefalse answer"),
    "single right option is the longest": N_("single right option is the longest"),
    "language": N_("language"),
}


def bank_check(directory: Path | None, as_json: bool) -> int:
    """Validate every bank and interview script; counts by topic, type, difficulty, language."""
    from quiz.bank import BankProblem, load_bank
    from quiz.locations import questions_dir

    bank = load_bank(directory)
    problems = list(bank.problems)
    if not bank.questions and not problems:  # a lost bank must not pass as a clean, empty one
        folder = directory or questions_dir()
        problems.append(BankProblem(folder, None, None, f"no questions found in {folder}"))
    counts = bank.counts()
    total = len(bank.questions)
    counts["language"] = {"en": total, "zh-Hant": total, "zh-Hans": total}
    scripts: list[Script] = []
    if directory is None:  # scripts refer to the shipped bank's ids
        from quiz.interview.scripts import load_scripts

        scripts, script_problems = load_scripts(bank=bank)
        problems += script_problems
    levels = {level: sum(s.level == level for s in scripts) for level in ("junior", "senior")}
    if as_json:
        report = {
            "ok": not problems,
            "questions": total,
            "topics": sorted(bank.topics),
            "counts": counts,
            "interviews": {"scripts": len(scripts), "levels": levels},
            "problems": [
                {
                    "file": str(p.file),
                    "line": p.line,
                    "question_id": p.question_id,
                    "message": p.message,
                }
                for p in problems
            ],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        topics = ngettext("{n} topic", "{n} topics", len(bank.topics)).format(n=len(bank.topics))
        print(
            ngettext("{n} question in {topics}", "{n} questions in {topics}", total).format(
                n=total, topics=topics
            )
        )
        for heading, table in counts.items():
            cells = ", ".join(f"{k}: {v}" for k, v in sorted(table.items()))
            label = _(BY_HEADINGS.get(heading, heading))
            print(_("  by {heading}: {cells}").format(heading=label, cells=cells))
        if scripts:
            print(
                ngettext(
                    "{n} interview script: {junior} junior, {senior} senior",
                    "{n} interview scripts: {junior} junior, {senior} senior",
                    len(scripts),
                ).format(n=len(scripts), junior=levels["junior"], senior=levels["senior"])
            )
        for problem in problems:
            print(_("error: {problem}").format(problem=problem), file=sys.stderr)
        if problems:
            print(
                ngettext("{n} problem found", "{n} problems found", len(problems)).format(
                    n=len(problems)
                ),
                file=sys.stderr,
            )
    return 1 if problems else 0


def bank_flagged() -> int:
    """The questions the learner flagged, newest last."""
    from quiz.locations import db_path
    from quiz.store import Store

    flags = Store(db_path()).flags()
    if not flags:
        print(_("No flagged questions."))
    for flag in flags:
        note = f"  {flag.note}" if flag.note else ""
        print(f"{flag.created_at:%Y-%m-%d %H:%M}  {flag.question_id}{note}")
    return 0
