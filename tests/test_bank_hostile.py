"""Hostile bank files are named and skipped quickly, within a memory ceiling, and the app starts
with the rest: a YAML bomb (nested aliases) and a 50 MB file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.bank import load_bank
from quiz.tui.app import RnnPrepApp
from quiz.tui.screens.home import HomeScreen
from tests.conftest import FIXTURES, MINI_BANK

BOMB = FIXTURES / "banks" / "hostile" / "yaml_bomb.yaml"
REPO = Path(__file__).resolve().parent.parent

# Runs `bank check` under a 1 GiB address-space ceiling and reports its time and peak memory.
MEASURE = """
import json, resource, subprocess, sys, time
ceiling = lambda: resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
start = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, preexec_fn=ceiling)
print(json.dumps({"rc": done.returncode, "out": done.stdout + done.stderr,
    "seconds": time.monotonic() - start,
    "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    shutil.copytree(MINI_BANK, folder)
    shutil.copy(BOMB, folder / "bomb.yaml")
    with (folder / "huge.yaml").open("w") as big:
        big.write("topic: {id: huge, title: {en: Huge, zh: 巨大}}\nquestions:\n")
        line = "  # " + "padding " * 16 + "\n"
        big.write(line * (50 * 2**20 // len(line) + 1))
    return folder


def test_bank_check_names_both_and_exits_1_fast_and_small(hostile_dir: Path) -> None:
    command = [sys.executable, "-m", "quiz", "bank", "check", "--dir", str(hostile_dir)]
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=True,
    )
    result = json.loads(measured.stdout)
    assert result["rc"] == 1, result["out"]
    assert "bomb.yaml:3" in result["out"] and "aliases" in result["out"]
    assert "huge.yaml" in result["out"] and "the limit is 2 MiB" in result["out"]
    assert result["seconds"] < 2.0, result
    assert result["peak_mib"] < 300, result


def test_the_rest_of_the_bank_loads(hostile_dir: Path) -> None:
    bank = load_bank(hostile_dir)
    assert set(bank.questions) == set(load_bank(MINI_BANK).questions)
    assert sorted(p.file.name for p in bank.problems) == ["bomb.yaml", "huge.yaml"]


async def test_the_app_starts_with_the_rest_and_names_the_files(hostile_dir: Path) -> None:
    app = RnnPrepApp(bank_dir=hostile_dir)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(app.bank.questions) == len(load_bank(MINI_BANK).questions)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "bomb.yaml" in shown and "huge.yaml" in shown


def test_a_bomb_among_the_interview_scripts_is_named_too(tmp_path: Path) -> None:
    from quiz.interview.scripts import load_scripts

    shutil.copy(BOMB, tmp_path / "bomb.yaml")
    scripts, problems = load_scripts(tmp_path, bank=load_bank(MINI_BANK))
    assert scripts == []
    ((file, line),) = [(p.file.name, p.line) for p in problems]
    assert (file, line) == ("bomb.yaml", 3) and "aliases" in problems[0].message
