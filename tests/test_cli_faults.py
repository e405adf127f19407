"""The command line meets bad set-ups and scripts with one clear line, never a traceback or a
hang: a data folder that is a file or on a missing drive, no terminal, an unknown topic, a
progress file it must not touch. Runs the code under test (`python -m quiz`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quiz.store import SCHEMA_VERSION, Store
from tests.conftest import MINI_BANK
from tests.unprivileged import REPO


def rnnprep(*args: str, stdin=subprocess.DEVNULL, env=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
    )


def _one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("rnnprep: error: "), line
    for word in words:
        assert word in line


@pytest.mark.parametrize("command", [["stats"], [], ["quiz"], ["review"], ["mock"]])
def test_the_full_screen_app_refuses_without_a_terminal(command: list[str]) -> None:
    start = time.monotonic()
    result = rnnprep(*command)
    assert time.monotonic() - start < 5  # one second of work; generous for a loaded CI machine
    assert result.returncode == 2 and result.stdout == ""
    _one_clear_line(result, "terminal")


def test_stats_into_a_file_suggests_json(tmp_path: Path) -> None:
    with (tmp_path / "out").open("w") as out:
        result = subprocess.run(
            [sys.executable, "-m", "quiz", "stats"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    assert result.returncode == 2
    assert "stdin and stdout are not terminals" in result.stderr
    assert "rnnprep stats --json" in result.stderr
    assert (tmp_path / "out").read_text() == ""


def test_a_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = rnnprep("--data-dir", str(blocker), "stats", "--json")
    assert result.returncode == 2 and result.stdout == ""
    _one_clear_line(result, str(blocker), "not a folder")


def test_a_data_dir_on_a_missing_drive(tmp_path: Path) -> None:
    missing = tmp_path / "not-mounted" / "rnnprep"
    result = rnnprep("--data-dir", str(missing), "bank", "flagged")
    assert result.returncode == 2
    _one_clear_line(result, "does not exist", "mounted")
    assert not missing.parent.exists()  # nothing was created in its place


def test_rnnprep_home_is_checked_the_same_way(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {**os.environ, "RNNPREP_HOME": str(blocker)}
    result = rnnprep("bank", "flagged", env=env)
    assert result.returncode == 2
    _one_clear_line(result, "not a folder")


def test_a_progress_file_from_a_newer_rnnprep_is_named_not_moved(data_home: Path) -> None:
    Store(data_home / "progress.sqlite3").close()
    with sqlite3.connect(data_home / "progress.sqlite3") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    result = rnnprep("bank", "flagged")
    assert result.returncode == 1
    _one_clear_line(result, "newer rnnprep")
    assert not list(data_home.glob("*corrupt*"))


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("nosuch", ["unknown topic 'nosuch'", "Topics: rnn_basics, lstm"]),
        ("lstmm", ["Did you mean lstm"]),
    ],
)
def test_an_unknown_topic_lists_the_topics_and_the_closest(typed: str, words: list[str]) -> None:
    result = rnnprep("quiz", "--topic", typed)
    assert result.returncode == 2
    _one_clear_line(result, *words)


def test_a_topic_in_other_case_is_accepted() -> None:
    result = rnnprep("quiz", "--topic", "LSTM")  # accepted, then refused only for want of a tty
    assert result.returncode == 2 and "unknown topic" not in result.stderr
    assert "terminal" in result.stderr


def test_output_piped_into_head_ends_quietly() -> None:
    """`rnnprep bank check | head -1`: the reader stops early; no BrokenPipeError trace. The
    child prints the report many times over so the pipe surely fills after the reader left."""
    check = f"['--lang', 'en', 'bank', 'check', '--dir', {str(MINI_BANK)!r}]"
    loop = f"from quiz.cli import main\nfor _ in range(400):\n    main({check})"  # ~200 KB
    proc = subprocess.Popen(
        [sys.executable, "-c", loop],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_rnnprep_passes_its_language_to_the_grader_commands() -> None:
    env = {**os.environ, "RNNPREP_LANG": "zh-Hant"}
    english = rnnprep("--lang", "en", "exercise", "list", env=env)
    assert english.returncode == 0 and english.stdout.startswith("exercise ")
    chinese = rnnprep("exercise", "list", env=env)
    assert chinese.stdout.startswith("練習")
