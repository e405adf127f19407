"""Linking, without the UI: data/links.yaml against the grader and the bank, queueing, drilling."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from fsrs import Rating

from exercises import catalogue
from quiz import links
from quiz.bank import Bank, load_bank
from quiz.locations import REPO_ROOT
from quiz.scheduler import Spacing
from quiz.session import plan
from quiz.store import Store, now_utc
from reference.mistakes import MISTAKES


@pytest.fixture(scope="module")
def bank() -> Bank:
    shipped = load_bank()
    assert not shipped.problems
    return shipped


def test_every_known_mistake_links_to_questions_that_exist(bank: Bank) -> None:
    diagnoses = links.load_links().diagnoses
    assert set(diagnoses) == {m.id for m in MISTAKES}  # all mapped, no typo'd extras
    for diagnosis, link in diagnoses.items():
        missing = [qid for qid in link.questions if qid not in bank.questions]
        assert not missing, f"{diagnosis} links to unknown questions {missing}"
        assert len(set(link.questions)) == len(link.questions), diagnosis


def test_gate_order_points_at_pytorchs_gate_order_question() -> None:
    link = links.diagnosis_link("lstm.gate_order")
    assert link is not None and "lstm.torch-gate-order" in link.questions
    assert links.diagnosis_link("timeout") is None


def test_a_malformed_links_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    path.write_text("diagnoses:\n  x:\n    about: {en: a, zh: b}\n    questions: []\n")
    with pytest.raises(msgspec.ValidationError, match="questions"):
        links.load_links(path)


def test_topics_link_questions_to_exercises(bank: Bank) -> None:
    expected = {e.spec.topic: e.name for e in catalogue.load_all()}
    assert links.exercise_topics() == expected  # read without pydantic, same answer
    assert set(expected) <= set(bank.topics)  # exercises use the bank's topic ids
    assert links.related_exercise(bank.questions["lstm.torch-gate-order"]) == "lstm_cell"
    assert links.related_exercise(bank.questions["gru.update-equation"]) == "gru_cell"
    assert links.related_exercise(bank.questions["param_count.lstm"]) is None


def answered(store: Store, question_id: str, due: datetime) -> str:
    """Record a right answer whose card comes back at `due`; returns the card."""
    card, _ = Spacing().review(None, Rating.Easy, due - timedelta(days=30))
    store.record_review(
        session_id=None,
        question_id=question_id,
        card_json=card,
        due=due,
        elapsed_s=3.0,
        correct=True,
        score=1.0,
        rating=int(Rating.Easy),
        answer=0,
    )
    return card


def test_queue_makes_linked_questions_due_now(store: Store, bank: Bank) -> None:
    now = now_utc()
    later = answered(store, "lstm.torch-gate-order", now + timedelta(days=30))
    overdue = now - timedelta(days=2)
    answered(store, "lstm.forward-order", overdue)
    # initialisation.forget-chunk-slip, the third linked question, was never seen.
    queued = links.queue(store, bank, "lstm.gate_order", at=now)
    assert queued is not None
    assert queued.describe() == "Queued 3 questions on PyTorch's LSTM gate order"
    assert set(queued.question_ids) == set(store.due_ids(now))
    dues = store.due_dates()
    assert dues["lstm.torch-gate-order"] == now  # brought forward
    assert dues["lstm.forward-order"] == overdue  # already due: left alone
    assert dues["initialisation.forget-chunk-slip"] == now  # a fresh card
    moved = json.loads(store.card_json("lstm.torch-gate-order"))
    assert moved["stability"] == json.loads(later)["stability"]  # memory state kept
    assert len(store.reviews()) == 2  # queueing answers nothing
    assert links.queue(store, bank, "crash") is None


def test_queue_skips_questions_outside_the_bank(store: Store, mini_bank: Bank) -> None:
    assert links.queue(store, mini_bank, "lstm.gate_order") is None
    assert store.cards() == {}


def test_a_drill_asks_only_the_queued_questions(store: Store, bank: Bank) -> None:
    queued = links.queue(store, bank, "gru.reset_before_matmul")
    assert queued is not None
    chosen = plan(bank, store, "quiz", count=10, question_ids=queued.question_ids)
    assert {q.id for q in chosen} == set(queued.question_ids)


def test_the_app_side_never_imports_torch() -> None:
    modules = "quiz.links, quiz.tui.grader, quiz.tui.widgets.grading, quiz.tui.screens.exercises"
    code = f"import sys, {modules}; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
