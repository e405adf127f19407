"""Where the learner stands per topic: how much is seen, due and answered right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quiz.bank import Bank
from quiz.i18n import Lang
from quiz.store import Store, now_utc


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    title: str
    total: int
    seen: int  # answered at least once (a card queued by a diagnosis alone does not count)
    due: int
    accuracy: float | None  # share of credit earned (a 75% answer counts 0.75); None before any


def topic_progress(
    bank: Bank, store: Store, lang: Lang = "en", at: datetime | None = None
) -> list[TopicProgress]:
    """One row per topic, in the bank's topic order."""
    moment = at or now_utc()
    due_dates = store.due_dates()
    answers: dict[str, list[float]] = {}
    answered: set[str] = set()
    for review in store.reviews():
        answered.add(review.question_id)
        question = bank.questions.get(review.question_id)
        if question is not None:
            answers.setdefault(question.topic, []).append(review.score)
    rows = []
    for topic_id, topic in bank.topics.items():
        ids = [q.id for q in bank.questions.values() if q.topic == topic_id]
        marks = answers.get(topic_id, [])
        rows.append(
            TopicProgress(
                topic=topic_id,
                title=topic.title.get(lang),
                total=len(ids),
                seen=sum(qid in answered for qid in ids),
                due=sum(qid in due_dates and due_dates[qid] <= moment for qid in ids),
                accuracy=sum(marks) / len(marks) if marks else None,
            )
        )
    return rows
