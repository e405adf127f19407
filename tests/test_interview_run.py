"""An interview run without the UI: the walk, the clock, what the store keeps, and the report."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from exercises.results import Check, Diagnosis, GradeResult
from quiz.bank import Bank
from quiz.engine import AnswerError, FreeAnswer
from quiz.interview.report import to_markdown
from quiz.interview.run import InterviewRun
from quiz.interview.scripts import Script
from quiz.store import Store


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def run(script: Script, bank: Bank, store: Store, clock: Clock) -> InterviewRun:
    return InterviewRun(script, bank, store, minutes=30, rng=random.Random(0), clock=clock)


def graded(passed: bool, diagnosis: str | None = None) -> GradeResult:
    checks = [Check("loads", True), Check("values (float64)", passed, "" if passed else "off")]
    found = Diagnosis(diagnosis, f"what {diagnosis} means") if diagnosis else None
    return GradeResult("lstm_cell", passed, "cpu", 7, checks, found)


def right_choice(run: InterviewRun) -> int:
    return run.current.posed.question.answer


def test_a_wrong_opening_steps_back_and_every_answer_is_kept(
    run: InterviewRun, store: Store, clock: Clock
) -> None:
    assert run.current.step.id == "open"
    assert run.lead_in() == "Let's talk about LSTMs."
    clock.advance(20)
    record = run.submit((right_choice(run) + 1) % 4)
    assert (record.status, record.seconds, record.score) == ("wrong", 20, 0.0)
    assert run.next().step.id == "gate-order"
    assert run.lead_in() == "Let's step back to something more basic."
    run.submit(right_choice(run))
    assert run.next().step.id == "why-cell"
    assert run.lead_in() == "Why does that update help?"
    run.submit(FreeAnswer("additive path", frozenset({0, 1, 2})))
    assert run.next().step.id == "code"
    assert run.lead_in() == "Now let's write some code."
    kept = [(r.question_id, r.correct) for r in store.reviews()]
    assert kept == [
        ("lstm.cell-update", False),
        ("lstm.torch-gate-order", True),
        ("mock.mock-short.why-cell", True),
    ]
    assert set(store.cards()) == {"lstm.cell-update", "lstm.torch-gate-order"}  # bank only
    assert store.session_reviews(run.session_id) == store.reviews()
    (interview,) = store.interviews()
    assert (interview.script, interview.level, interview.score) == ("mock-short", "junior", None)


def test_a_right_opening_goes_deeper(run: InterviewRun) -> None:
    run.submit(right_choice(run))
    assert run.next().step.id == "why-cell"
    assert run.lead_in() == "Why does that update help?"  # the script's line wins


def test_paused_time_counts_for_nothing(run: InterviewRun, clock: Clock) -> None:
    clock.advance(30)
    run.pause()
    clock.advance(3600)
    assert run.paused and run.remaining() == 30 * 60 - 30 and not run.time_up
    run.resume()
    clock.advance(10)
    record = run.submit(right_choice(run))
    assert record.seconds == 40
    assert run.elapsed() == 40


def test_time_up_leaves_the_open_step_unanswered(run: InterviewRun, clock: Clock) -> None:
    clock.advance(30 * 60)
    assert run.time_up
    run.end("time up")
    assert run.current is None and run.records[-1].status == "unanswered"
    report, _ = run.finish()
    assert report.ending == "time up" and report.score == 0.0
    assert report.mistakes[0].status == "not answered"
    with pytest.raises(RuntimeError):
        run.submit(0)


def test_an_unreadable_answer_records_nothing(run: InterviewRun, store: Store) -> None:
    with pytest.raises(AnswerError):
        run.submit(9)
    with pytest.raises(AnswerError):
        run.submit(graded(True))  # a grading is no answer to a question
    assert store.reviews() == [] and not run.current.done


def test_code_is_graded_until_it_passes(run: InterviewRun, tmp_path: Path, store: Store) -> None:
    run.submit(right_choice(run))
    run.next()
    run.submit(FreeAnswer("", frozenset({0, 1, 2})))
    record = run.next()
    assert record.posed is None and record.step.exercise == "lstm_cell"
    with pytest.raises(AnswerError):
        run.submit(1)
    assert not run.submit(graded(False, "lstm.gate_order")).done
    assert not run.submit(graded(False)).done
    assert run.submit(graded(True)).status == "right"
    assert run.next() is None and run.ending == "completed"
    report, path = run.finish(tmp_path / "deep" / "report.md")
    assert report.score == 1.0 and report.drill == ()
    (mistake,) = report.mistakes
    assert mistake.diagnoses == (
        "lstm.gate_order: what lstm.gate_order means",
        "values (float64): off",
    )
    assert mistake.passed_later
    assert path == tmp_path / "deep" / "report.md" and path.read_text() == to_markdown(report)
    (interview,) = store.interviews()
    assert interview.score == 1.0 and interview.report_path == str(path)
    assert interview.ended_at is not None


def test_skips_failures_and_an_early_end_make_the_drill_list(
    run: InterviewRun, store: Store, data_home: Path, clock: Clock
) -> None:
    clock.advance(5)
    assert run.next().step.id == "gate-order"  # skipped: counts as wrong
    run.submit(right_choice(run))
    run.next()
    run.submit(FreeAnswer("the cell", frozenset({0})))
    run.next()
    run.submit(graded(False, "lstm.gate_order"))
    run.next()  # moving on from failing code
    assert run.ending == "completed"
    assert [r.status for r in run.records] == ["skipped", "right", "wrong", "wrong"]
    report, path = run.finish()
    assert path.parent == data_home / "reports" and path.name.endswith("-mock-short.md")
    assert [(t.topic, round(t.score, 2), t.steps) for t in report.topics] == [
        ("lstm", 0.33, 3),
        ("gradients", 0.33, 1),
    ]
    assert [(s.step_id, s.status) for s in report.steps][:1] == [("open", "skipped")]
    assert report.steps[0].seconds == 5
    drills = {d.topic: d for d in report.drill}
    assert set(drills) == {"lstm", "gradients"}
    lstm = drills["lstm"]
    queued = ["lstm.torch-gate-order", "initialisation.forget-chunk-slip", "lstm.forward-order"]
    assert run.records[-1].queued == queued  # what the diagnosis links to (data/links.yaml)
    assert set(queued) <= set(store.due_ids())
    assert lstm.question_ids == ("lstm.cell-update", *queued[:2])  # missed here first
    assert "rnnprep exercise hint lstm_cell" in lstm.commands
    assert drills["gradients"].commands == ("rnnprep quiz --topic gradients",)
    text = path.read_text()
    for heading in ("## Score per topic", "## Time per question", "## Mistakes"):
        assert heading in text
    assert "- Key points missed:" in text and "lstm.gate_order: what" in text
    assert "`rnnprep quiz --topic lstm`" in text
    assert "- Due for review now: `lstm.torch-gate-order`" in text


def test_ending_early_keeps_what_was_answered(run: InterviewRun, store: Store) -> None:
    run.submit(right_choice(run))
    run.next()
    run.pause()
    run.end("ended early")
    run.resume()  # no effect once over
    assert run.paused
    report, _ = run.finish()
    assert report.ending == "ended early" and report.score == 0.5
    assert "(ended early)" in to_markdown(report)
    assert store.interviews()[0].score == 0.5
