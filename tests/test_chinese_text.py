"""Chinese text: full-width punctuation in prose and the glossary's terms, everywhere it is shipped.

Every zh text of every bank, interview script, data/links.yaml, exercise and test fixture goes
through quiz.zhtext; a failure names the file, the question (or step) id, the field and the
offending snippet. `python -m quiz.zhtext --fix FILE` fixes what is unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from quiz import glossary as zhglossary
from quiz import zhfiles, zhtext
from quiz.bank import load_bank
from quiz.i18n import to_simplified
from quiz.interview.scripts import INLINE_PREFIX, load_scripts
from quiz.links import load_links
from quiz.locations import REPO_ROOT, exercises_dir, questions_dir
from quiz.questions import Text

FIXTURES = Path(__file__).parent / "fixtures"


def texts(obj: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside a question (or any msgspec Struct), with its field path."""
    if isinstance(obj, Text):
        yield path, obj
    elif isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            yield from texts(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            yield from texts(item, f"{path}[{index}]")


def problems_in(where: str, text: str) -> list[str]:
    return [f"{where}: {line}" for line in zhtext.describe(text)]


def report(problems: list[str]) -> str:
    head = f"{len(problems)} Chinese text problems (python -m quiz.zhtext --fix FILE fixes most):"
    return "\n".join([head, *problems[:80], *(["..."] if len(problems) > 80 else [])])


# --- the shipped content ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.mark.parametrize("bank_file", sorted(questions_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_bank_chinese(bank, bank_file: Path) -> None:
    found: list[str] = []
    where_file = bank_file.relative_to(REPO_ROOT)
    for topic in bank.topics.values():
        if any(
            bank.files[q.id] == bank_file for q in bank.questions.values() if q.topic == topic.id
        ):
            found += problems_in(f"{where_file} [topic {topic.id}] title", topic.title.zh)
    for qid, question in bank.questions.items():
        if bank.files[qid] != bank_file:
            continue
        for path, text in texts(question):
            found += problems_in(f"{where_file} [{qid}] {path}", text.zh)
    assert not found, report(found)


def test_interview_scripts_chinese(bank) -> None:
    scripts, _ = load_scripts(bank=bank)  # the scripts' own problems are test_interview_scripts'
    assert scripts
    found: list[str] = []
    for script in scripts:
        where = script.file.relative_to(REPO_ROOT)
        found += problems_in(f"{where} title", script.title.zh)
        found += problems_in(f"{where} intro", script.intro.zh)
        for step in script.steps.values():
            if step.say is not None:
                found += problems_in(f"{where} [{step.id}] say", step.say.zh)
            if step.question is not None and step.question.id.startswith(INLINE_PREFIX):
                for path, text in texts(step.question):
                    found += problems_in(f"{where} [{step.id}] ask.{path}", text.zh)
    assert not found, report(found)


def test_links_chinese() -> None:
    found: list[str] = []
    for diagnosis, link in load_links().diagnoses.items():
        found += problems_in(f"data/links.yaml [{diagnosis}] about", link.about.zh)
    assert not found, report(found)


def yaml_zh_problems(files: list[Path]) -> list[str]:
    found: list[str] = []
    for path in files:
        try:
            found += zhfiles.check_file(path)
        except Exception as exc:  # a fixture that is broken on purpose (bad YAML)
            if path.parent.name != "bad_yaml" and "broken" not in path.parts:
                raise AssertionError(f"{path}: cannot read: {exc}") from exc
    return [line.removeprefix(f"{REPO_ROOT}/") for line in found]


def test_exercises_chinese() -> None:
    specs = sorted(exercises_dir().glob("*/exercise.yaml"))
    assert specs
    found = yaml_zh_problems(specs)
    assert not found, report(found)


def test_fixtures_chinese() -> None:
    files = sorted((FIXTURES / "banks" / "mini").rglob("*.yaml")) + sorted(
        (FIXTURES / "interviews").rglob("*.yaml")
    )
    assert files
    found = yaml_zh_problems(files)
    assert not found, report(found)


# --- the glossary -------------------------------------------------------------------------------


def test_glossary_loads_and_is_sizeable() -> None:
    glossary = zhglossary.load_glossary()
    assert len(glossary) >= 40
    for cid, concept in glossary.items():
        assert concept.zh_hant not in concept.variants, cid
        assert len(set(concept.variants)) == len(concept.variants), cid


def test_glossary_simplified_is_what_to_simplified_makes() -> None:
    wrong = {
        cid: (concept.zh_hant, concept.zh_hans, to_simplified(concept.zh_hant))
        for cid, concept in zhglossary.load_glossary().items()
        if to_simplified(concept.zh_hant) != concept.zh_hans
    }
    assert not wrong


def test_glossary_no_term_is_a_variant() -> None:
    glossary = zhglossary.load_glossary()
    variants = {v: cid for cid, c in glossary.items() for v in c.variants}
    clashes = {cid: c.zh_hant for cid, c in glossary.items() if c.zh_hant in variants}
    assert not clashes
    # and no term, written as the glossary says, is flagged
    flagged = {cid: zhglossary.glossary_problems(c.zh_hant) for cid, c in glossary.items()}
    assert not {cid: p for cid, p in flagged.items() if p}


def test_glossary_terms_in_simplified() -> None:
    assert to_simplified("循環神經網路的活化函數") == "循环神经网络的激活函数"
    assert to_simplified("遺忘閘門與記憶單元狀態") == "遗忘门与细胞状态"
    assert to_simplified("最佳化器的預設值") == "优化器的默认值"
    assert to_simplified("序列到序列，詞向量") == "序列到序列，词向量"  # not 串行, 矢量
    assert to_simplified("層正規化") == "层归一化"


def test_glossary_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yaml"
    bad.write_text("gate: {en: gate, zh-Hant: 閘門}\n", encoding="utf-8")
    with pytest.raises(msgspec.ValidationError, match="zh-Hans"):
        zhglossary.load_glossary(bad)


# --- the checker on tricky strings --------------------------------------------------------------

CLEAN = [
    "用 nn.LSTM(128, 64) 建立模型。",
    "值為 [3, -0.2, -7]。",
    "公式 h_t = tanh(W x + b) 對每個時間步都成立。",
    "共有 4,096 個參數。",
    "輸出形狀為 (T, B, H)。",
    "答案（取 2 位小數）是多少？",
    "i, f, g, o",  # a choice with no Chinese at all
    "順序是 i, f, g, o。",  # identifiers listed inside a Chinese sentence stay as they are
    "執行 `x.view(-1, 4)`，再看 `a, b = f(x)`。",  # code spans are left alone
    "見 https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html。",
    "取 x[:, -1] 作為最後一步。",
    "若 a != b 就停止。",
    "範圍是 [0, 1)。",
    "每批 {batch} 條，長度 {length}。",  # generator placeholders
    "torch.nn.utils.clip_grad_norm_ 回傳裁剪前的總範數。",
    "比例 3:1 的資料。",
    "見 Greff 等人 2016（「LSTM: A Search Space Odyssey」）。",  # an English title keeps its colon
    "把 {a: 1, b: 2} 傳進去。",
]


@pytest.mark.parametrize("text", CLEAN)
def test_checker_leaves_code_and_numbers(text: str) -> None:
    assert zhtext.punctuation_problems(text) == []


FLAGGED = [
    ("4 變成 0.8,3 變成 0.6", [(8, ",", "，")]),
    ("很好,接著呢?", [(2, ",", "，"), (6, "?", "？")]),
    ("值為 [3, -0.2, -7],接著", [(16, ",", "，")]),
    ("答案 (取 2 位小數)", [(3, "(", "（"), (11, ")", "）")]),
    ("用 sigmoid 還是 tanh?", [(17, "?", "？")]),
    ("例如: x", [(2, ":", "：")]),
    ("LSTM 有 h 與 c;GRU 只有 h", [(12, ";", "；")]),
    ("結束.", [(2, ".", "。")]),
    ("torch:n = tanh(W x)；重置在後", [(5, ":", "：")]),  # a label typed without the space
    ("偏置放進 b_ih,b_hh 設為零", [(9, ",", "，")]),  # a clause comma without its space
    ("f = 0.99,0.99^500 也很小", [(8, ",", "，")]),
    ("遺忘閘門(f)控制保留多少", []),  # brackets around a symbol only: left alone
]


@pytest.mark.parametrize(("text", "expected"), FLAGGED)
def test_checker_flags_ascii_in_prose(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert [tuple(p) for p in zhtext.punctuation_problems(text)] == expected


def test_fix_punctuation() -> None:
    assert zhtext.fix_punctuation("很好, 接著呢 ?") == "很好，接著呢？"
    assert zhtext.fix_punctuation("答案 (取 2 位小數) 是") == "答案（取 2 位小數）是"
    assert zhtext.fix_punctuation("用 nn.LSTM(128, 64) 建立") == "用 nn.LSTM(128, 64) 建立"
    # not unambiguous: left for a person (，or 、?)
    assert zhtext.fix_punctuation("4 變成 0.8,3 變成 0.6") == "4 變成 0.8,3 變成 0.6"


def test_glossary_problems() -> None:
    found = zhglossary.glossary_problems("激活函數與三個門，閘門的門檻")
    assert [(p.variant, p.term) for p in found] == [("激活", "活化"), ("門", "閘門")]
    assert zhglossary.glossary_problems("輸入閘門、入門、專門") == []
    assert zhglossary.glossary_problems("詞表示層，同時步進") == []  # 詞表 and 時步 inside words
    assert [p.term for p in zhglossary.glossary_problems("LSTM 的細胞狀態")] == ["記憶單元狀態"]
    assert zhtext.fix_glossary("遞迴網絡的輸入門") == "循環網路的輸入閘門"


def test_cli_check_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = (
        "# a comment, kept: as it is\n"
        "q:\n"
        '  - {en: "Why, then?", zh: "為什麼, 那激活呢?"}\n'
        "  - en: >-\n"
        "      Long, folded: text\n"
        "    zh: >-\n"
        "      很長的文字,\n"
        "      折行後繼續 (例如 nn.GRU(8, 16))\n"
        "  - {en: plain, zh: 沒問題}\n"
    )
    path = tmp_path / "bank.yaml"
    path.write_text(source, encoding="utf-8")
    assert zhfiles.main(["--check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: ASCII ','" in out
    assert f"{path}:3: 激活 → 活化" in out
    assert f"{path}:7: ASCII ','" in out
    assert f"{path}:8: ASCII '('" in out
    assert zhfiles.main(["--fix", str(path)]) == 0
    fixed = path.read_text(encoding="utf-8")
    assert fixed == (
        "# a comment, kept: as it is\n"
        "q:\n"
        '  - {en: "Why, then?", zh: "為什麼，那活化呢？"}\n'
        "  - en: >-\n"
        "      Long, folded: text\n"
        "    zh: >-\n"
        "      很長的文字，\n"
        "      折行後繼續（例如 nn.GRU(8, 16)）\n"
        "  - {en: plain, zh: 沒問題}\n"
    )
    assert zhfiles.main(["--check", str(path)]) == 0


def test_check_visits_an_aliased_node_once(tmp_path: Path) -> None:
    lines = ['a: &a [{zh: "好,"}]'] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(20)
    ]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(zhfiles.check_file(path)) == 1  # 2**20 references, one string
