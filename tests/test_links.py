"""Linking, without the UI: data/links.yaml and the exercises' links against the grader and the
bank, exercises by topic, queueing, drilling."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from fsrs import Rating

from exercises import catalogue
from quiz import links
from quiz.bank import Bank, load_bank
from quiz.locations import EXERCISES_ENV, REPO_ROOT
from quiz.scheduler import Spacing
from quiz.session import plan
from quiz.store import Store, now_utc


@pytest.fixture(scope="module")
def bank() -> Bank:
    shipped = load_bank()
    assert not shipped.problems
    return shipped


def known_mistakes() -> set[str]:
    """Every mistake id the exercises' grading modules declare (loading them imports torch)."""
    from exercises import grading_module

    found = set()
    for exercise in catalogue.load_all():
        module = grading_module.load(exercise.folder)
        found |= {mistake.id for mistake in module.mistakes}
        if module.cost is not None:  # what an exercise graded on cost names when over budget
            found |= {slip.id for slip in module.cost.slips} | {module.cost.over_id}
    return found


def test_every_known_mistake_links_to_questions_that_exist(bank: Bank) -> None:
    diagnoses, problems = links.all_links()
    assert problems == []  # no id linked twice, every exercise link valid
    assert set(diagnoses) == known_mistakes()  # all mapped, no typo'd extras
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


def test_an_exercises_own_diagnosis_is_linked_from_its_yaml() -> None:
    link = links.diagnosis_link("rnn.wrong_activation")  # in exercises/rnn_cell/exercise.yaml
    assert link is not None and "rnn_basics.nonlinearity-options" in link.questions
    assert link.about.get("zh-Hant") == "torch.nn.RNN 的活化函數"
    shared = links.diagnosis_link("missing_bias")  # in data/links.yaml
    assert shared is not None and "param_count.two-biases-why" in shared.questions


def test_topics_link_questions_to_exercises(bank: Bank) -> None:
    expected: dict[str, set[str]] = {}
    for exercise in catalogue.load_all():
        for topic in exercise.spec.topics:
            expected.setdefault(topic, set()).add(exercise.name)
    found = links.exercise_topics()
    assert {topic: set(names) for topic, names in found.items()} == expected
    assert set(expected) <= set(bank.topics)  # exercises use the bank's topic ids
    lstm = links.related_exercises(bank.questions["lstm.torch-gate-order"])
    assert lstm == found["lstm"] and lstm[0] == "lstm_cell"  # its main topic, the easiest
    main = [n for n in lstm if catalogue.load(n).spec.topics[0] == "lstm"]
    assert lstm[: len(main)] == main  # then those with lstm as a side topic
    gru = links.related_exercises(bank.questions["gru.update-equation"])
    assert gru == found["gru"] and gru[0] == "gru_cell"
    untaught = next(t for t in bank.topics if t not in expected)  # a topic no exercise teaches
    question = next(q for q in bank.questions.values() if q.topic == untaught)
    assert links.related_exercises(question) == []


# -- a temporary exercises folder ($RNNPREP_EXERCISES) --------------------------------------


def write_exercise(root: Path, name: str, topics: list[str], links_yaml: str = "") -> None:
    """An exercise folder with just its exercise.yaml: all that topics and links read."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / catalogue.SPEC_FILE).write_text(
        f"title: {{en: {name}, zh: {name}}}\ntopics: {topics}\ndifficulty: 1\n"
        f"hints: [{{en: a hint, zh: 一個提示}}]\n{links_yaml}",
        encoding="utf-8",
    )


@pytest.fixture
def exercises_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "exercises"
    root.mkdir()
    monkeypatch.setenv(EXERCISES_ENV, str(root))
    catalogue.load.cache_clear()
    yield root
    catalogue.load.cache_clear()


def link(diagnosis: str, questions: str = "[lstm.cell-update]") -> str:
    return f"links:\n  {diagnosis}:\n    about: {{en: it, zh: 它}}\n    questions: {questions}\n"


def test_every_exercise_on_a_topic_is_related(exercises_dir: Path, bank: Bank) -> None:
    write_exercise(exercises_dir, "zeta_layer", ["lstm", "shapes"])
    write_exercise(exercises_dir, "alpha_cell", ["lstm"])
    write_exercise(exercises_dir, "gru_thing", ["gru"])
    write_exercise(exercises_dir, "beta_stack", ["shapes", "lstm"])  # lstm on the side
    assert links.exercise_topics() == {
        "lstm": ["alpha_cell", "zeta_layer", "beta_stack"],  # all: no "first one wins"
        "shapes": ["beta_stack", "zeta_layer"],
        "gru": ["gru_thing"],
    }
    question = bank.questions["lstm.torch-gate-order"]
    assert links.related_exercises(question) == ["alpha_cell", "zeta_layer", "beta_stack"]
    assert links.exercises_for_topic("shapes") == ["beta_stack", "zeta_layer"]
    assert links.exercises_for_topic("bptt") == []


def test_links_from_exercises_merge_with_the_shared_file(exercises_dir: Path) -> None:
    write_exercise(exercises_dir, "one", ["lstm"], link("one.slip"))
    write_exercise(exercises_dir, "two", ["lstm"], link("two.slip", "[gru.update-equation]"))
    merged, problems = links.all_links()
    assert problems == []
    assert set(merged) == set(links.load_links().diagnoses) | {"one.slip", "two.slip"}
    found = links.diagnosis_link("two.slip")
    assert found is not None and found.questions == ["gru.update-equation"]
    assert found.about.get("en") == "it"


def test_an_id_linked_twice_is_a_problem(exercises_dir: Path) -> None:
    write_exercise(exercises_dir, "one", ["lstm"], link("shared.slip"))
    write_exercise(exercises_dir, "same", ["lstm"], link("shared.slip"))  # identical: fine
    assert links.link_problems() == []
    write_exercise(exercises_dir, "other", ["gru"], link("shared.slip", "[gru.update-equation]"))
    write_exercise(exercises_dir, "third", ["gru"], link("missing_bias"))  # in data/links.yaml
    differently, both = links.link_problems()  # exercises are read by name: other, third
    assert differently.startswith(
        "shared.slip is linked differently in exercises/one/exercise.yaml and"
        " exercises/other/exercise.yaml"
    )
    assert both.startswith("missing_bias is linked in both links.yaml and exercises/third/")
    first = links.diagnosis_link("shared.slip")  # the first definition is kept meanwhile
    assert first is not None and first.questions == ["lstm.cell-update"]


def test_an_invalid_exercise_link_is_a_problem(exercises_dir: Path) -> None:
    write_exercise(exercises_dir, "one", ["lstm"], link("one.slip", "[Not An Id]"))
    (problem,) = links.link_problems()
    assert problem.startswith("exercises/one/exercise.yaml: links.one.slip:")
    assert links.diagnosis_link("one.slip") is None


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
