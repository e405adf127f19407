"""The `grade` CLI speaks the interface language: its help, messages and human report, chosen as
rnnprep chooses it (--lang > $RNNPREP_LANG > the choice remembered in settings.json > English);
--json keeps its keys, ids and check names and carries the messages in that language. Real
`grade` runs in subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from test_grader_support import EXERCISE, MISTAKE_FILES, grade, run

GATE_ORDER = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
ZH = {"RNNPREP_LANG": "zh-Hant"}


def test_help_in_traditional_chinese(data_home: Path) -> None:
    out = grade("--lang", "zh-Hant", "exercise", "--help", home=data_home).stdout
    for words in ("用法：", "每次存檔就重新評分", "結束碼：0 通過，1 未通過"):
        assert words in out, words
    top = grade("exercise", "--help", home=data_home, env=ZH).stdout  # from the environment
    assert "結束碼：" in top


def test_report_and_errors_follow_the_language_json_does_not(data_home: Path) -> None:
    args = ("exercise", "lstm_cell", "--file", str(GATE_ORDER), "--seed", "7")
    human = grade(*args, home=data_home, env=ZH)
    assert human.code == 1
    assert "（裝置 cpu，種子 7）" in human.stdout
    assert "診斷（lstm.gate_order）：" in human.stdout
    assert "最大誤差：" in human.stdout and "未通過：lstm_cell。" in human.stdout
    assert "以相同輸入重跑：grade exercise lstm_cell --seed 7" in human.stdout

    # --json: the same object, keys, ids and check names (machine-readable), messages in the
    # chosen language.
    english = grade(*args, "--json", home=data_home).json()
    chinese = grade(*args, "--json", home=data_home, env=ZH).json()
    assert chinese.keys() == english.keys()
    assert chinese["diagnosis"]["id"] == english["diagnosis"]["id"] == "lstm.gate_order"
    names = [(c["name"], c["passed"]) for c in english["checks"]]
    assert [(c["name"], c["passed"]) for c in chinese["checks"]] == names
    assert "PyTorch stacks them i,f,g,o" in english["diagnosis"]["message"]
    assert "閘門" in chinese["diagnosis"]["message"]

    typo = grade("exercise", "lstm_cel", home=data_home, env=ZH)
    assert typo.code == 2
    assert "沒有名為 'lstm_cel' 的練習。你是指 lstm_cell 嗎？" in typo.stderr


def test_flag_beats_environment_beats_remembered_choice(data_home: Path) -> None:
    data_home.mkdir(parents=True, exist_ok=True)
    (data_home / "settings.json").write_text(json.dumps({"lang": "zh-Hans"}))

    def usage_error(*extra: str, env: dict[str, str] | None = None) -> str:
        return grade("exercise", *extra, home=data_home, env=env).stderr

    assert "请给一个练习名称" in usage_error()  # remembered by rnnprep: Simplified
    assert "請給一個練習名稱" in usage_error(env=ZH)
    assert "give an exercise NAME or --all" in usage_error("--lang", "en", env=ZH)
    assert "give an exercise NAME or --all" in usage_error("--lang=en")


def test_exercise_commands_through_rnnprep_follow_its_language(data_home: Path) -> None:
    rnnprep = str(Path(EXERCISE[0]).with_name("rnnprep"))
    hint = run([rnnprep, "--lang", "zh-Hant", "exercise", "hint", "gru_cell"], data_home)
    assert hint.stdout.startswith("gru_cell 的提示 1／4：")
    listing = run([*EXERCISE, "list", "--lang", "zh-Hant"], data_home).stdout
    assert listing.splitlines()[0].split() == [
        "練習",
        "標題",
        "程度",
        "狀態",
        "嘗試次數",
        "上次嘗試",
        "上次診斷",
    ]
