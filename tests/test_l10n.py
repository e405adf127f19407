"""The interface in English, Traditional and Simplified Chinese: catalogues, choice, CLI, app."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from textual.widgets import Button, Footer

from quiz.i18n import to_simplified
from quiz.l10n import (
    _,
    choose_language,
    remember_language,
    remembered_language,
    set_language,
    translations,
)
from quiz.l10n_build import extract, mo_path, po_path
from quiz.tui.app import RnnPrepApp
from tests.conftest import MINI_BANK

# The code under test, from this checkout: never the venv's `rnnprep` script, which runs whatever
# checkout its editable install points at.
REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[srd]|%[srd]|\$\{[a-z_]+\}")


@pytest.fixture(autouse=True)
def english_after() -> None:
    yield
    set_language("en")  # the language is process-wide: leave it as other tests expect


def catalogue(locale: str):
    with po_path(locale).open("rb") as fp:
        return read_po(fp, locale=locale)


def strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def test_every_string_in_the_source_is_translated() -> None:
    hant = catalogue("zh_Hant")
    problems = []
    for message in extract():
        if not message.id:
            continue
        found = hant.get(message.id)
        if found is None:
            problems.append(f"missing: {ids(message)[0]!r}")
        elif found.fuzzy or not all(strings(found)):
            problems.append(f"untranslated or fuzzy: {ids(message)[0]!r}")
    assert not problems, "run `make catalogues` and translate:\n" + "\n".join(problems)


def test_simplified_is_the_opencc_conversion_of_traditional() -> None:
    hant, hans = catalogue("zh_Hant"), catalogue("zh_Hans")
    want = {m.id: tuple(to_simplified(s) for s in strings(m)) for m in hant if m.id}
    got = {m.id: strings(m) for m in hans if m.id}
    assert got == want


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_compiled_catalogues_match_the_po_files(locale: str) -> None:
    with mo_path(locale).open("rb") as fp:
        compiled = {ids(m): strings(m) for m in read_mo(fp) if m.id}
    source = {ids(m): strings(m) for m in catalogue(locale) if m.id and not m.fuzzy}
    assert compiled == source, "stale .mo: run `python -m quiz.l10n_build`"


def test_placeholders_survive_translation() -> None:
    for message in catalogue("zh_Hant"):
        if not message.id:
            continue
        want = Counter(PLACEHOLDER.findall(ids(message)[-1]))
        for text in strings(message):
            assert Counter(PLACEHOLDER.findall(text)) == want, message.id


def test_translated_punctuation_is_full_width() -> None:
    """Commas, colons, semicolons and brackets next to Chinese are full-width (Taiwan usage)."""
    han = r"[\u4e00-\u9fff]"
    ascii_next_to_han = re.compile(rf"{han}[,;:?!()]|[,;:?!(]{han}")
    for message in catalogue("zh_Hant"):
        for text in strings(message) if message.id else ():
            assert not ascii_next_to_han.search(text), text


def test_gettext_follows_the_chosen_language() -> None:
    assert _("Quit") == "Quit"
    set_language("zh-Hant")
    assert _("Quit") == "離開"
    set_language("zh-Hans")
    assert _("Questions are still loading…") == to_simplified("題目仍在載入中…")
    assert _("not in any catalogue") == "not in any catalogue"
    with pytest.raises(ValueError):
        set_language("fr")  # type: ignore[arg-type]


def test_choice_order_flag_env_remembered_english(tmp_path: Path) -> None:
    assert choose_language("zh-Hans", "zh-Hant", "en") == "zh-Hans"
    assert choose_language(None, "zh-Hant", "zh-Hans") == "zh-Hant"
    assert choose_language(None, "klingon", "zh-Hans") == "zh-Hans"
    assert choose_language(None, None, None) == "en"
    assert remembered_language(tmp_path) is None
    (tmp_path / "settings.json").write_text('{"other": 1}')
    remember_language(tmp_path, "zh-Hant")
    assert remembered_language(tmp_path) == "zh-Hant"
    assert json.loads((tmp_path / "settings.json").read_text())["other"] == 1
    (tmp_path / "settings.json").write_text("not json")
    assert remembered_language(tmp_path) is None


def test_runtime_needs_no_babel_textual_or_torch() -> None:
    code = (
        "import sys, quiz.l10n as l; l.set_language('zh-Hant'); l._('Quit');"
        "print(sorted(m for m in ('babel', 'textual', 'torch', 'opencc') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "RNNPREP_LANG"} | (env or {})
    return subprocess.run(
        [*RNNPREP, *args], cwd=REPO, capture_output=True, text=True, timeout=120, env=full
    )


def test_help_in_simplified_chinese_argparse_words_too() -> None:
    out = run("--lang", "zh-Hans", "--help").stdout
    for words in ("用法：", "选项：", "显示这则说明并结束", "循环神经网络", "测验"):
        assert words in out, words
    assert "usage:" not in out and "show this help" not in out
    assert "usage: rnnprep" in run("--help").stdout  # English stays English


def test_env_picks_the_language_and_errors_are_translated(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    flagged = run("--data-dir", home, "bank", "flagged", env={"RNNPREP_LANG": "zh-Hant"})
    assert flagged.stdout.strip() == "沒有標記的題目。"
    bad = run("quiz", "--count", "0", env={"RNNPREP_LANG": "zh-Hant"})
    assert bad.returncode == 2 and "錯誤：" in bad.stderr and "至少須為 1" in bad.stderr
    assert not (tmp_path / "home" / "settings.json").exists()  # only --lang is remembered


def test_lang_flag_is_remembered_across_runs(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    assert run("--data-dir", home, "--lang", "zh-Hant", "bank", "flagged").returncode == 0
    assert run("--data-dir", home, "bank", "flagged").stdout.strip() == "沒有標記的題目。"
    hans = run("--data-dir", home, "bank", "flagged", env={"RNNPREP_LANG": "zh-Hans"})
    assert hans.stdout.strip() == to_simplified("沒有標記的題目。")
    assert run("--data-dir", home, "--lang", "en", "bank", "flagged").stdout.strip() == (
        "No flagged questions."
    )
    assert run("--data-dir", home, "bank", "flagged").stdout.strip() == "No flagged questions."


def footer_text(app: RnnPrepApp) -> str:
    return " ".join(str(key.description) for key in app.screen.query_one(Footer).children)


async def test_switching_language_in_the_app_redraws_and_is_remembered(data_home: Path) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Quiz" in footer_text(app) and "Quit" in footer_text(app)
        await pilot.press("f2")  # English -> Traditional
        for _tick in range(20):
            await pilot.pause(0.05)
            if "離開" in footer_text(app):
                break
        assert app.lang == "zh-Hant"
        footer = footer_text(app)
        assert "測驗" in footer and "離開" in footer and "Quit" not in footer
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels[0].startswith("測驗") and labels[-1].startswith("速查表")
        assert app.sub_title == "RNN · LSTM · GRU 面試準備"
        assert remembered_language(data_home) == "zh-Hant"
        await pilot.press("f2")  # -> Simplified
        for _tick in range(20):  # the home screen recomposes; its new footer fills in a moment
            await pilot.pause(0.05)
            if footer_text(app):
                break
        assert "测验" in footer_text(app)
        assert remembered_language(data_home) == "zh-Hans"


async def test_app_opened_in_chinese_translates_its_footer() -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK, lang="zh-Hant")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "複習" in footer_text(app)
        assert translations("zh-Hant").gettext("Review") == "複習"
