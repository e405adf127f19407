"""The end-of-interview report: score per topic, time per step, mistakes, what to drill next.

`build_report` reads a finished run into plain data (what the app shows and tests check);
`to_markdown` writes it out for the saved file. Headings are English like the rest of the app;
questions, answers and topic titles follow the interview's language. What the learner wrote and
what the grader said are escaped, so the report shows them as they were, line breaks and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from quiz.engine import FreeAnswer, answer_text
from quiz.i18n import Lang
from quiz.l10n import N_, gettext_for
from quiz.questions import Free

if TYPE_CHECKING:
    from quiz.interview.run import InterviewRun, StepRecord

WEAK = 0.8  # a topic scoring below this is worth drilling
SUGGESTIONS = 3  # questions suggested per weak topic
LEVEL_DIFFICULTY = {"junior": (1, 2), "senior": (2, 3)}
# English msgids; a report is written in its interview's language (gettext_for).
ENDINGS = {
    "completed": N_("Completed"),
    "ended early": N_("Ended early"),
    "time up": N_("Time ran out"),
}
STATUS = {
    "right": N_("right"),
    "wrong": N_("wrong"),
    "skipped": N_("skipped"),
    "unanswered": N_("not answered"),
}


@dataclass(frozen=True)
class TopicScore:
    topic: str
    title: str
    score: float  # mean over its steps
    steps: int


@dataclass(frozen=True)
class StepLine:
    """One row of the time-per-question table."""

    number: int
    step_id: str
    label: str  # the question, shortened, or "Coding: <exercise>"
    topic: str
    seconds: float
    score: float
    status: str


@dataclass(frozen=True)
class Mistake:
    """A step not fully right, with what was given and what was wanted."""

    number: int
    label: str  # the full prompt, or "Coding: <exercise>"
    status: str
    given: str | None = None
    expected: str | None = None
    missed_points: tuple[str, ...] = ()
    explanation: str | None = None
    written: bool = False  # `given` is the learner's own words (a free answer), kept as typed
    diagnoses: tuple[str, ...] = ()  # coding: one line per failed grading, "id: message"
    passed_later: bool = False  # coding: a later grading passed
    queued: tuple[str, ...] = ()  # coding: questions the diagnoses made due for review


@dataclass(frozen=True)
class Drill:
    """A weak topic and the ways to work on it."""

    topic: str
    title: str
    score: float
    question_ids: tuple[str, ...]
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    script_id: str
    title: str
    level: str
    started_at: datetime
    minutes: int
    seconds: float  # active time taken
    ending: str
    score: float
    topics: tuple[TopicScore, ...]
    steps: tuple[StepLine, ...]
    mistakes: tuple[Mistake, ...]
    drill: tuple[Drill, ...]
    lang: Lang = "en"  # the interview's language, which the report's own words follow too


def build_report(run: InterviewRun) -> Report:
    lang, bank = run.lang, run.bank

    def title(topic: str) -> str:
        return bank.topics[topic].title.get(lang) if topic in bank.topics else topic

    per_topic: dict[str, list[float]] = {}
    for record in run.records:
        per_topic.setdefault(record.step.topic, []).append(record.score)
    topics = tuple(
        TopicScore(topic, title(topic), sum(scores) / len(scores), len(scores))
        for topic, scores in per_topic.items()
    )
    steps = tuple(
        StepLine(
            r.number,
            r.step.id,
            _shorten(_label(r, lang)),
            title(r.step.topic),
            r.seconds,
            r.score,
            gettext_for(lang, STATUS[r.status or "unanswered"]),
        )
        for r in run.records
    )
    mistakes = tuple(m for m in (_mistake(r, lang) for r in run.records) if m is not None)
    return Report(
        script_id=run.script.id,
        title=run.script.title.get(lang),
        level=run.script.level,
        started_at=run.started_at,
        minutes=run.minutes,
        seconds=run.elapsed(),
        ending=run.ending or "ended early",
        score=run.score,
        topics=topics,
        steps=steps,
        mistakes=mistakes,
        drill=_drill(run, topics),
        lang=lang,
    )


def _label(record: StepRecord, lang: Lang) -> str:
    if record.posed is None:
        return gettext_for(lang, "Coding: {name}").format(name=record.step.exercise)
    return record.posed.prompt(lang)


def _shorten(text: str, width: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _mistake(record: StepRecord, lang: Lang) -> Mistake | None:
    failed = [a for a in record.attempts if not a.passed]
    if record.score >= 1.0 and not failed:
        return None
    status = gettext_for(lang, STATUS[record.status or "unanswered"])
    if record.posed is None:
        diagnoses = tuple(
            f"{a.diagnosis.id}: {a.diagnosis.message}"
            if a.diagnosis
            else next((f"{c.name}: {c.message}" for c in a.checks if not c.passed), a.verdict)
            for a in failed
        )
        return Mistake(
            record.number,
            _label(record, lang),
            status,
            diagnoses=diagnoses,
            passed_later=record.score >= 1.0,
            queued=tuple(record.queued),
        )
    question = record.posed.question
    outcome = record.outcome
    missed: tuple[str, ...] = ()
    if isinstance(question, Free) and outcome is not None:
        assert isinstance(outcome.response, FreeAnswer)
        missed = question.missed_points(outcome.response, lang)
    return Mistake(
        number=record.number,
        label=_label(record, lang),
        status=status,
        given=_given(record, lang) if outcome is not None else None,
        expected=outcome.expected if outcome is not None else None,
        missed_points=missed,
        explanation=question.explanation.get(lang),
        written=isinstance(question, Free) and outcome is not None,
    )


def _given(record: StepRecord, lang: Lang) -> str:
    """The learner's answer in words, from what the engine recorded."""
    posed, outcome = record.posed, record.outcome
    assert posed is not None and outcome is not None
    return answer_text(posed, outcome.response, lang)


def _drill(run: InterviewRun, topics: tuple[TopicScore, ...]) -> tuple[Drill, ...]:
    """Topics below WEAK, weakest first, each with up to SUGGESTIONS bank questions (those missed
    here first, then those a failed exercise's diagnoses queued, then others of the topic at this
    level) and the commands to practise it; a failed exercise adds its hint and grade commands."""
    bank = run.bank
    asked = [r.posed.question.id for r in run.records if r.posed is not None]
    missed = [r.posed.question.id for r in run.records if r.posed is not None and r.score < 1]
    failed = [r for r in run.records if r.posed is None and r.score < 1]
    levels = LEVEL_DIFFICULTY[run.script.level]
    drills = []
    for topic in sorted((t for t in topics if t.score < WEAK), key=lambda t: t.score):
        coding = [r for r in failed if r.step.topic == topic.topic]
        ids = [q for q in missed if q in bank.questions and bank.questions[q].topic == topic.topic]
        ids += [q for r in coding for q in r.queued]
        ids += [
            q.id for q in bank.select(topic=topic.topic, difficulty=levels) if q.id not in asked
        ]
        commands = [f"rnnprep quiz --topic {topic.topic}"]
        for record in coding:
            name = record.step.exercise
            commands += [f"rnnprep exercise hint {name}", f"rnnprep grade exercise {name}"]
        drills.append(
            Drill(
                topic.topic,
                topic.title,
                topic.score,
                tuple(dict.fromkeys(ids))[:SUGGESTIONS],
                tuple(dict.fromkeys(commands)),
            )
        )
    return tuple(drills)


def to_markdown(report: Report) -> str:
    """The report as a Markdown document, in the interview's language."""
    lang = report.lang

    level = gettext_for(lang, LEVELS.get(report.level, report.level))
    out = [
        gettext_for(lang, "# Mock interview: {title} ({level})").format(
            title=report.title, level=level
        ),
        "",
        gettext_for(lang, "- Date: {date}").format(date=f"{report.started_at:%Y-%m-%d %H:%M}"),
        gettext_for(lang, "- Script: `{script}`").format(script=report.script_id),
        gettext_for(lang, "- Length: {minutes} minutes; took {took} ({ending})").format(
            minutes=report.minutes,
            took=_clock(report.seconds),
            ending=gettext_for(lang, ENDINGS[report.ending]).lower(),
        ),
        gettext_for(lang, "- Score: **{score}** over {steps} steps").format(
            score=f"{report.score:.0%}", steps=len(report.steps)
        ),
        "",
        gettext_for(lang, "## Score per topic"),
        "",
        gettext_for(lang, "| Topic | Score | Steps |"),
        "| --- | ---: | ---: |",
        *[f"| {_cell(t.title)} | {t.score:.0%} | {t.steps} |" for t in report.topics],
        "",
        gettext_for(lang, "## Time per question"),
        "",
        gettext_for(lang, "| # | Question | Topic | Time | Score | Result |"),
        "| ---: | --- | --- | ---: | ---: | --- |",
        *[
            f"| {s.number} | {_cell(s.label)} | {_cell(s.topic)} | {_clock(s.seconds)}"
            f" | {s.score:.0%} | {s.status} |"
            for s in report.steps
        ],
        "",
        gettext_for(lang, "## Mistakes"),
        "",
    ]
    if not report.mistakes:
        out += [gettext_for(lang, "None: every step was right."), ""]
    for m in report.mistakes:
        out += [
            f"### {m.number}. {' '.join(m.label.split())}",
            "",
            gettext_for(lang, "- Result: {status}").format(status=m.status),
        ]
        if m.given is not None and m.written:  # the learner's words, line breaks and all
            out.append(gettext_for(lang, "- Your answer: {answer}").format(answer="").rstrip())
            out += _quoted(m.given, "  ")
        elif m.given is not None:
            out.append(gettext_for(lang, "- Your answer: {answer}").format(answer=_inline(m.given)))
        if m.expected is not None:
            out.append(gettext_for(lang, "- Expected: {answer}").format(answer=_inline(m.expected)))
        if m.missed_points:
            out.append(gettext_for(lang, "- Key points missed:"))
            out += [f"  - {p}" for p in m.missed_points]
        if m.diagnoses:
            out += [gettext_for(lang, "- The grader's diagnoses, one per failed grading:")]
            out += [f"  - {_escaped(_inline(d))}" for d in m.diagnoses]
            if m.passed_later:
                out.append(gettext_for(lang, "- A later grading passed."))
        if m.queued:
            queued = ", ".join(f"`{q}`" for q in m.queued)
            out.append(gettext_for(lang, "- Due for review now: {ids}").format(ids=queued))
        if m.explanation:
            out.append(gettext_for(lang, "- Why: {why}").format(why=_inline(m.explanation)))
        out.append("")
    out += [gettext_for(lang, "## What to drill next"), ""]
    if not report.drill:
        nothing = gettext_for(
            lang, "Nothing scored below {weak}. Try the other level or another script."
        )
        out += [nothing.format(weak=f"{WEAK:.0%}"), ""]
    for n, d in enumerate(report.drill, start=1):
        ids = ", ".join(f"`{qid}`" for qid in d.question_ids) or gettext_for(lang, "its questions")
        commands = "; ".join(f"`{c}`" for c in d.commands)
        line = gettext_for(lang, "{n}. **{title}** ({score}): {ids}. Run {commands}.")
        out.append(
            line.format(n=n, title=d.title, score=f"{d.score:.0%}", ids=ids, commands=commands)
        )
    return "\n".join(out).rstrip() + "\n"


LEVELS = {"junior": N_("junior"), "senior": N_("senior")}


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _inline(text: str) -> str:
    return " ".join(text.split())


# Learner text and grader output go into the report escaped, so that it renders what was typed:
# HTML is written as entities, Markdown's inline syntax is backslash-escaped, and a line cannot
# open a heading, list, rule or code block.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE = re.compile(r"[\\`*\[\]|~$]|(?<![^\W_])_|_(?![^\W_])|[&<>]")
_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")


def _escaped(text: str) -> str:
    """One line of learner text or grader output as Markdown that shows it as it is.

    An underscore inside a word stays as it is (it cannot emphasise there), so a diagnosis id
    like `lstm.gate_order` still reads and searches as itself in the file.
    """
    body = _INLINE.sub(lambda m: _HTML.get(m[0]) or "\\" + m[0], text)
    indent = len(body) - len(body.lstrip(" \t"))
    lead = body[:indent].replace("\t", "    ").replace(" ", "\u00a0")  # not an indented code block
    rest = body[indent:]
    start = _LINE_START.match(rest)
    if start:
        end = start.end()
        rest = rest[:end] + "\\" + rest[end:] if rest[0].isdigit() else "\\" + rest
    return lead + rest


def _quoted(text: str, indent: str) -> list[str]:
    """Learner text as a block quote that keeps its lines: each line escaped, a hard break
    (a trailing backslash) between lines of one paragraph, an empty quoted line between
    paragraphs."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()] or [""]
    out = []
    for i, line in enumerate(lines):
        follows = i + 1 < len(lines) and lines[i + 1].strip()
        if not line.strip():
            out.append(f"{indent}>")
        else:
            out.append(f"{indent}> {_escaped(line)}" + ("\\" if follows else ""))
    return out
