"""`rnnprep doctor` and `--log-level` through the real command (the code under test, run with
`python -m quiz` from the checkout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from quiz import __version__
from quiz.locations import HOME_ENV

REPO = Path(__file__).resolve().parent.parent


def rnnprep(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, HOME_ENV: str(home), "RNNPREP_LANG": "en", **env}
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=environment,
    )


def test_doctor_json_reports_a_working_install(data_home: Path) -> None:
    done = rnnprep("doctor", "--json", home=data_home)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    versions = report["versions"]
    assert versions["rnnprep"] == __version__
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    import textual
    import torch

    assert versions["textual"] == textual.__version__
    assert versions["torch"] == torch.__version__
    assert report["torch"]["details"]["version"] == torch.__version__
    assert report["torch"]["details"]["cuda_available"] == torch.cuda.is_available()
    assert report["torch"]["details"]["cuda_build"] == torch.version.cuda
    paths = report["paths"]
    assert paths["data_dir"] == str(data_home)
    assert paths["log_file"] == str(data_home / "rnnprep.log")
    assert Path(paths["banks"]).is_dir() and Path(paths["exercises"]).is_dir()
    from quiz.bank import load_bank

    assert report["bank"]["details"]["questions"] == len(load_bank().questions)
    assert report["bank"]["details"]["problems"] == 0
    assert report["grader"]["ok"] is True and report["grader"]["details"]["passed"] is True
    # the grading ran in a scratch folder: the learner's progress has no attempt from it
    from quiz.store import Store

    if (data_home / "progress.sqlite3").exists():
        assert Store(data_home / "progress.sqlite3").exercise_status() == {}


def test_doctor_text_and_a_broken_torch_exits_1(data_home: Path, tmp_path: Path) -> None:
    done = rnnprep("doctor", home=data_home)
    assert done.returncode == 0, done.stdout + done.stderr
    for heading in ("Versions", "Paths", "✓ torch", "✓ question banks", "✓ grader", "All is well"):
        assert heading in done.stdout
    # a torch that can't be imported: the doctor says so and exits 1
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "torch.py").write_text("raise ImportError('torch is broken here')\n")
    broken = rnnprep(
        "doctor", "--json", home=data_home, PYTHONPATH=os.pathsep.join([str(fake), str(REPO)])
    )
    assert broken.returncode == 1
    report = json.loads(broken.stdout)
    assert report["ok"] is False and report["bank"]["ok"] is True
    assert report["torch"]["ok"] is False and "torch is broken here" in report["torch"]["error"]


def test_log_level_is_accepted_and_writes_the_log(data_home: Path) -> None:
    done = rnnprep("--log-level", "info", "bank", "check", home=data_home)
    assert done.returncode == 0, done.stderr
    log = (data_home / "rnnprep.log").read_text(encoding="utf-8")
    assert "INFO quiz.cli" in log and "bank check" in log
    # the value before a pass-through command is not taken for the command
    graded = rnnprep("--log-level", "DEBUG", "exercise", "list", home=data_home)
    assert graded.returncode == 0, graded.stderr
    bad = rnnprep("--log-level", "LOUD", "bank", "check", home=data_home)
    assert bad.returncode == 2 and "--log-level" in bad.stderr
    assert "--log-level" in rnnprep("--help", home=data_home).stdout
