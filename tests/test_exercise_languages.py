"""Every exercise in both languages: its README, title, hints and every message its grading module
can give (mistakes, probes, cost slips, published sources) exist in English and Traditional
Chinese, the Chinese with full-width punctuation and the glossary's terms; `--lang` picks them in
the CLI. The verdicts' Chinese through the real `grade` command is in
test_grader_every_file.py (a mistake of every exercise graded with --lang zh-Hant)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_grader_support import EXERCISE, run

from exercises import catalogue, devcheck, grading_module
from quiz import zhtext
from quiz.i18n import to_simplified

EXERCISES = catalogue.load_all()
NAMES = [e.name for e in EXERCISES]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#+ ", re.MULTILINE)


def has_chinese(text: str) -> bool:
    return any(zhtext.is_han(ch) for ch in text)


def problems(where: str, text: str) -> list[str]:
    return [f"{where}: {line}" for line in zhtext.describe(text)]


@pytest.mark.parametrize("exercise", EXERCISES, ids=NAMES)
def test_readme_exists_in_both_languages_with_the_same_shape(
    exercise: catalogue.Exercise,
) -> None:
    english = exercise.task("en")
    chinese = exercise.task("zh-Hant")
    prose = FENCE.sub("", chinese)
    assert has_chinese(prose) and not has_chinese(FENCE.sub("", english))
    # The same sections and the same code blocks (count): a translation, not a summary.
    assert len(HEADING.findall(chinese)) == len(HEADING.findall(english))
    assert len(FENCE.findall(chinese)) == len(FENCE.findall(english))
    found = problems(f"{exercise.name}/README.zh-Hant.md", prose)
    assert not found, "\n".join(found)
    assert exercise.task("zh-Hans") == to_simplified(chinese)


@pytest.mark.parametrize("exercise", EXERCISES, ids=NAMES)
def test_title_hints_and_grading_messages_in_both_languages(
    exercise: catalogue.Exercise,
) -> None:
    module = grading_module.load(exercise.folder)
    texts = [("title", exercise.spec.title.en, exercise.spec.title.zh)]
    texts += [(f"hint {n}", h.en, h.zh) for n, h in enumerate(exercise.spec.hints, 1)]
    texts += devcheck._texts(module)
    found: list[str] = []
    for what, en, zh in texts:
        assert en and not has_chinese(en), (exercise.name, what)
        if not has_chinese(zh):
            found.append(f"{exercise.name} {what}: no Chinese")
        found += problems(f"{exercise.name} {what}", zh)
        # An f-string's placeholders filled alike: the same numbers and names in both.
        assert set(re.findall(r"\{\w+\}", en)) == set(re.findall(r"\{\w+\}", zh)), what
    assert not found, "\n".join(found)
    assert exercise.hints("zh-Hans") == [to_simplified(h.zh) for h in exercise.spec.hints]


def test_the_cli_shows_the_task_and_hints_in_the_chosen_language(tmp_path: Path) -> None:
    name = "fast_lstm_layer" if "fast_lstm_layer" in NAMES else NAMES[0]
    exercise = catalogue.load(name)
    show = run([*EXERCISE, "show", name, "--lang", "zh-Hant"], tmp_path)
    assert show.code == 0 and exercise.task("zh-Hant").splitlines()[0] in show.stdout
    simplified = run([*EXERCISE, "show", name, "--lang", "zh-Hans"], tmp_path)
    assert to_simplified(exercise.task("zh-Hant")).splitlines()[0] in simplified.stdout
    hint = run([*EXERCISE, "hint", name, "--lang", "zh-Hant"], tmp_path)
    assert exercise.spec.hints[0].zh.split()[0] in hint.stdout
    english = run([*EXERCISE, "show", name, "--lang", "en"], tmp_path)
    assert exercise.task("en").splitlines()[0] in english.stdout
    assert not has_chinese(english.stdout)
