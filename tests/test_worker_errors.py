"""Errors shown, logged and survived: a worker that raises is told to the learner, written to
the log file with its traceback, and the app keeps running (quiz.tui.failures, quiz.logs)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from exercises import catalogue
from quiz import locations, logs
from quiz.tui.app import RnnPrepApp
from quiz.tui.grader import WarmGrader
from quiz.tui.screens.exercises import ExercisesScreen
from quiz.tui.screens.home import HomeScreen
from tests.conftest import MINI_BANK

BROKEN = "broken_cell"


@pytest.fixture
def broken_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped catalogue with one more exercise whose exercise.yaml is malformed."""
    shipped = locations.exercises_dir()
    folder = tmp_path / "exercises"
    shutil.copytree(shipped / "rnn_cell", folder / "rnn_cell")
    (folder / BROKEN).mkdir()
    (folder / BROKEN / catalogue.SPEC_FILE).write_text(
        "title: Broken\ntopic: rnn\ndifficulty: nine\n", encoding="utf-8"
    )
    # wherever the catalogue looks the folder up from
    for module in (catalogue, locations):
        if hasattr(module, "exercises_dir"):
            monkeypatch.setattr(module, "exercises_dir", lambda: folder)
    monkeypatch.setattr(WarmGrader, "start", lambda self: None)  # no torch child: not graded here
    catalogue.load.cache_clear()
    yield folder
    catalogue.load.cache_clear()


@pytest.fixture
def log_file(data_home: Path) -> Path:
    path = logs.setup(data_home, "WARNING")
    assert path is not None
    yield path
    logs.teardown()


async def test_a_malformed_exercise_yaml_is_shown_and_the_app_keeps_running(
    broken_catalogue: Path, log_file: Path
) -> None:
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.open_screen("exercises")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1
        spec = str(broken_catalogue / BROKEN / catalogue.SPEC_FILE)
        assert spec in errors[0].message  # names the file to fix
        assert str(log_file) in errors[0].message  # and where the details are
        # still running, still answering keys
        assert app.is_running and isinstance(app.screen, ExercisesScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    text = log_file.read_text(encoding="utf-8")
    assert "ERROR quiz.tui.failures" in text and "ExercisesScreen worker 'load'" in text
    assert "Traceback (most recent call last)" in text and "CatalogueError" in text
    assert spec in text


async def test_the_apps_own_worker_is_reported_once(
    monkeypatch: pytest.MonkeyPatch, log_file: Path
) -> None:
    def broken(_directory: Path | None = None) -> None:
        raise OSError("questions.yaml: disk on fire")

    monkeypatch.setattr("quiz.tui.app.load_bank", broken)
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "disk on fire" in errors[0]
        assert app.is_running
    assert log_file.read_text(encoding="utf-8").count("disk on fire") >= 1


def test_a_folder_that_cannot_be_written_leaves_logging_quietly_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        # under a file: no user can make that folder; read-only: only root can write there
        for target in [blocked / "data", *([] if _writable(folder) else [folder])]:
            assert logs.setup(target, "DEBUG") is None
            logging.getLogger("quiz.test").error("goes nowhere, and says nothing")
            assert logs.current_log_file() is None
    finally:
        logs.teardown()
        folder.chmod(0o700)
    assert capsys.readouterr().err == ""


def _writable(folder: Path) -> bool:
    try:
        (folder / "probe").write_text("", encoding="utf-8")
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def test_the_log_rotates(tmp_path: Path) -> None:
    path = logs.setup(tmp_path, "INFO")
    try:
        line = "x" * 1000
        for _ in range(logs.MAX_BYTES // 1000 * 2):
            logging.getLogger("quiz.test").info(line)
    finally:
        logs.teardown()
    assert path is not None and path.stat().st_size <= logs.MAX_BYTES
    assert (tmp_path / f"{logs.LOG_FILE}.1").exists()
