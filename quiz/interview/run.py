"""One mock interview in progress: walks a script as the learner answers, on a clock that pauses.

Nothing waits for the end to be saved. The interview gets its row in the store when it starts
and its score and report path when it finishes; every question answered becomes a review at
once, in a session of mode "interview". Answers to bank questions also move that question's FSRS
card, as a quiz answer does: a mock interview is retrieval practice, and a question missed under
interview pressure should come back soon. Inline interview questions are not in the bank (no quiz
could ask them again), so their answers are kept without a schedule. Coding steps are graded by
the caller, which hands in each GradeResult; exercises.api records the attempt itself.

Time is active time: paused stretches count neither against the limit nor towards a step's time.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from exercises.results import GradeResult
from quiz.bank import Bank
from quiz.engine import AnswerError, Outcome, Posed, check, pose
from quiz.i18n import Lang
from quiz.interview.flow import END
from quiz.interview.report import Report, build_report, to_markdown
from quiz.interview.scripts import Script, Step
from quiz.links import queue
from quiz.locations import reports_dir
from quiz.questions import Text
from quiz.scheduler import Spacing
from quiz.session import record_answer
from quiz.settings import Study
from quiz.store import Store

Status = Literal["right", "wrong", "skipped", "unanswered"]
Ending = Literal["completed", "ended early", "time up"]

# What the interviewer says before a step whose script gives no `say`.
DEEPER = Text(en="Good. Let's go a level deeper.", zh="很好。我們再深入一點。")
STEP_BACK = Text(en="Let's step back to something more basic.", zh="我們先退一步,談比較基本的。")
CODING = Text(en="Now let's write some code.", zh="接下來寫一段程式。")
NEXT = Text(en="Next question.", zh="下一題。")


@dataclass
class StepRecord:
    """One step as it was asked: what was shown, how long it took, how it went."""

    number: int  # 1-based, in the order asked
    step: Step
    posed: Posed | None  # None for a coding step
    shown_at: float  # active seconds into the interview
    seconds: float = 0.0
    status: Status | None = None  # None while the step is still open
    outcome: Outcome | None = None  # question steps, once answered
    attempts: list[GradeResult] = field(default_factory=list)  # coding steps: every grading
    queued: list[str] = field(default_factory=list)  # questions its diagnoses made due

    @property
    def done(self) -> bool:
        return self.status is not None

    @property
    def right(self) -> bool:
        return self.status == "right"

    @property
    def score(self) -> float:
        """0-1: the answer's score (partial credit included), or whether the code passed."""
        if self.outcome is not None:
            return self.outcome.score
        return 1.0 if self.attempts and self.attempts[-1].passed else 0.0


class InterviewRun:
    """A script being walked. Show `current`, hand answers to `submit`, then call `next`."""

    def __init__(
        self,
        script: Script,
        bank: Bank,
        store: Store,
        *,
        minutes: int,
        lang: Lang = "en",
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        study: Study | None = None,  # the learner's FSRS settings (quiz.settings)
    ) -> None:
        self.script = script
        self.bank = bank
        self.store = store
        self.minutes = minutes
        self.lang: Lang = lang
        self.rng = rng or random.Random()
        self.clock = clock
        self.records: list[StepRecord] = []
        self.ending: Ending | None = None
        self.started_at = datetime.now().astimezone()
        self.interview_id = store.start_interview(script.id, script.level)
        self.session_id = store.start_session("interview")
        self._spacing = Spacing(study)
        self._active = 0.0
        self._running_since: float | None = clock()
        self._show(script.first)

    # the clock -------------------------------------------------------------------------------

    @property
    def limit_s(self) -> float:
        return self.minutes * 60.0

    def elapsed(self) -> float:
        """Active seconds so far."""
        running = self.clock() - self._running_since if self._running_since is not None else 0.0
        return self._active + running

    def remaining(self) -> float:
        return max(0.0, self.limit_s - self.elapsed())

    @property
    def time_up(self) -> bool:
        return self.elapsed() >= self.limit_s

    @property
    def paused(self) -> bool:
        return self._running_since is None

    def pause(self) -> None:
        if self._running_since is not None:
            self._active += self.clock() - self._running_since
            self._running_since = None

    def resume(self) -> None:
        if self._running_since is None and self.ending is None:
            self._running_since = self.clock()

    # the walk --------------------------------------------------------------------------------

    @property
    def current(self) -> StepRecord | None:
        """The step on screen (answered or not), or None once the interview is over."""
        return self.records[-1] if self.ending is None else None

    @property
    def score(self) -> float:
        """Mean step score over every step asked; an unanswered step scores 0."""
        return sum(r.score for r in self.records) / len(self.records) if self.records else 0.0

    def lead_in(self) -> str:
        """What the interviewer says before the current step."""
        record = self._open_record()
        lines = [self.script.intro.get(self.lang)] if record.number == 1 else []
        if record.step.say is not None:
            lines.append(record.step.say.get(self.lang))
        elif record.number > 1:
            before = self.records[-2]
            if before.step.branches:
                lines.append((DEEPER if before.right else STEP_BACK).get(self.lang))
            else:
                lines.append((CODING if record.step.exercise else NEXT).get(self.lang))
        return "\n\n".join(lines)

    def submit(self, response: Any) -> StepRecord:
        """Take an answer (a GradeResult on a coding step) and keep it at once.

        A question is answered once; AnswerError leaves nothing recorded. A coding step takes
        any number of gradings and is done when one passes (or when the learner moves on); a
        diagnosed mistake makes its linked questions due now, as on the exercises screen.
        """
        record = self._open_record()
        if record.done:
            raise RuntimeError(f"step {record.step.id} is already answered")
        if record.posed is None:
            if not isinstance(response, GradeResult):
                raise AnswerError("a coding step is answered by grading the code")
            record.attempts.append(response)
            if response.diagnosis is not None:
                queued = queue(self.store, self.bank, response.diagnosis.id)
                if queued is not None:
                    record.queued += [q for q in queued.question_ids if q not in record.queued]
            if response.passed:
                self._close(record, "right")
            return record
        if isinstance(response, GradeResult):
            raise AnswerError("a question is answered with words, not a grading")
        outcome = check(record.posed, response, self.lang)
        record.outcome = outcome
        self._close(record, "right" if outcome.correct else "wrong")
        self._keep_review(record, outcome)
        return record

    def next(self) -> StepRecord | None:
        """Move on: an open step counts as skipped (or wrong, after failed gradings); the
        answer picks the follow-up. Returns the next step, or None at the end."""
        record = self._open_record()
        if not record.done:
            self._close(record, "wrong" if record.attempts else "skipped")
        target = record.step.on_right if record.right else record.step.on_wrong
        if target == END:
            self.end("completed")
            return None
        return self._show(self.script.steps[target])

    def end(self, ending: Ending) -> None:
        """Stop here (a no-op when already over); an open step counts as unanswered."""
        if self.ending is not None:
            return
        record = self.records[-1]
        if not record.done:
            self._close(record, "unanswered")
        self.pause()
        self.ending = ending
        self.store.end_session(self.session_id)

    def finish(self, path: Path | None = None) -> tuple[Report, Path]:
        """End if still going, save the Markdown report (default: in the reports folder) and
        keep the score with the report's path."""
        self.end("ended early")
        report = build_report(self)
        target = path or reports_dir() / f"{self.started_at:%Y%m%d-%H%M%S}-{self.script.id}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(to_markdown(report), encoding="utf-8")
        tmp.replace(target)
        self.store.finish_interview(self.interview_id, report.score, str(target))
        return report, target

    # inside ----------------------------------------------------------------------------------

    def _open_record(self) -> StepRecord:
        if self.ending is not None:
            raise RuntimeError("the interview is over")
        return self.records[-1]

    def _show(self, step: Step) -> StepRecord:
        posed = pose(step.question, self.rng) if step.question is not None else None
        record = StepRecord(len(self.records) + 1, step, posed, self.elapsed())
        self.records.append(record)
        return record

    def _close(self, record: StepRecord, status: Status) -> None:
        record.status = status
        record.seconds = self.elapsed() - record.shown_at

    def _keep_review(self, record: StepRecord, outcome: Outcome) -> None:
        question = record.step.question
        assert question is not None
        record_answer(
            self.store,
            self._spacing,
            session_id=self.session_id,
            question=question,
            outcome=outcome,
            elapsed_s=record.seconds,
            schedule=question.id in self.bank.questions,  # inline questions: no card
        )
