"""The `rnnprep` command as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from quiz import __version__
from quiz.store import Store
from tests.conftest import BROKEN_BANKS, MINI_BANK

# The code under test, from this checkout: never the venv's `rnnprep` script, which runs whatever
# checkout its editable install points at.
REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RNNPREP, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_version_from_script_and_module() -> None:
    script = run("--version")
    module = subprocess.run(
        [sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, timeout=60
    )
    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout == f"rnnprep {__version__}\n"


def test_help_explains_commands() -> None:
    out = run("--help").stdout
    commands = ("quiz", "review", "practice", "bank", "grade", "exercise", "dev")
    for word in (*commands, "--data-dir", "--lang"):
        assert word in out


def test_bank_check_json_counts() -> None:
    result = run("bank", "check", "--json", "--dir", str(MINI_BANK))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["questions"] == 12
    assert report["counts"]["topic"] == {"gates": 6, "counting": 6}
    assert report["counts"]["difficulty"] == {"1": 6, "2": 4, "3": 2}
    assert report["counts"]["language"]["zh-Hans"] == 12


def test_bank_check_fails_naming_file_line_and_id() -> None:
    result = run("bank", "check", "--dir", str(BROKEN_BANKS / "missing_field"))
    assert result.returncode == 1
    assert "bank.yaml:12 [t.no-explanation]: missing field `explanation`" in result.stderr
    as_json = json.loads(
        run("bank", "check", "--json", "--dir", str(BROKEN_BANKS / "bad_yaml")).stdout
    )
    assert as_json["ok"] is False
    assert as_json["problems"][0]["line"] == 14
    assert as_json["problems"][0]["question_id"] == "t.broken"


def test_data_dir_flag_and_flagged_listing(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    assert run("--data-dir", str(home), "bank", "flagged").stdout.strip() == "No flagged questions."
    Store(home / "progress.sqlite3").flag("gates.lstm-order", "typo in choice 2")
    out = run("--data-dir", str(home), "bank", "flagged").stdout
    assert "gates.lstm-order  typo in choice 2" in out


def test_usage_errors_exit_2() -> None:
    assert run("quiz", "--count", "0").returncode == 2
    assert run("nonsense").returncode == 2
