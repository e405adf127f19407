"""The real app through Pilot under each store condition: no traceback, nothing moved unless
corrupt, and the learner told what is happening (see tests/test_store_conditions.py for the
store itself; the corrupt case is in tests/test_tui_quiz.py)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from textual.widgets import Static

from quiz.store import Store
from quiz.tui.app import RnnPrepApp, StartRequest
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.store_wait import StoreWaitScreen
from quiz.tui.widgets.feedback import Feedback
from tests.conftest import FIXTURES, MINI_BANK
from tests.test_store_conditions import _answer
from tests.tui_driver import answer
from tests.unprivileged import give_to_nobody, run_read_only, share

SIZE = (100, 32)


def _healthy(data_home: Path) -> Path:
    data_home.mkdir(parents=True, exist_ok=True)
    path = data_home / "progress.sqlite3"
    store = Store(path)
    _answer(store, "gates.lstm-order")
    store.close()
    return path


async def test_a_file_locked_at_start_is_waited_for_on_screen(data_home: Path) -> None:
    path = _healthy(data_home)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    app = RnnPrepApp(bank_dir=MINI_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.5)
        assert isinstance(app.screen, StoreWaitScreen)
        reason = str(app.screen.query_one("#wait-reason", Static).render())
        assert "in use by another program" in reason and "Nothing was moved" in reason
        holder.execute("COMMIT")
        holder.close()
        for _ in range(40):
            await pilot.pause(0.1)
            if isinstance(app.screen, HomeScreen):
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [r.question_id for r in app.store.reviews()] == ["gates.lstm-order"]
    assert app.return_code in (None, 0)
    assert not list(data_home.glob("*corrupt*"))


async def test_an_answer_given_while_locked_is_kept_and_saved_on_release(data_home: Path) -> None:
    path = _healthy(data_home)
    app = RnnPrepApp(bank_dir=MINI_BANK, start=StartRequest("practice", count=1), seed=4)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program writing, and not letting go
        posed = app.screen.session.current()
        await answer(pilot, posed, right=True)
        await pilot.pause(0.3)
        assert "in use by another program" in str(app.screen.query_one("#how", Static).render())
        assert not app.screen.query_one(Feedback).display
        holder.execute("ROLLBACK")
        holder.close()
        for _ in range(30):
            await pilot.pause(0.1)
            if app.screen.query_one(Feedback).display:
                break
        assert "✓ Right" in str(app.screen.query_one(Feedback).render())
    assert app.return_code in (None, 0)
    saved = [r.question_id for r in Store(path).reviews()]
    assert saved == ["gates.lstm-order", posed.question.id]
    assert not list(data_home.glob("*corrupt*"))


def _run_read_only(data_home: Path, read_only: Path) -> dict:
    """The app where the progress file (or its folder) can't be written, even by root."""
    command = [sys.executable, str(FIXTURES / "answer_read_only.py")]
    return run_read_only(command, [read_only], RNNPREP_HOME=str(data_home))


def _assert_answers_not_saved_but_app_works(result: dict) -> None:
    assert result["read_only"] is True and result["return_code"] in (None, 0)
    assert "read-only" in result["sub_title"]
    assert any("will not be kept" in n for n in result["notifications"])
    assert all("✓ Right" in f for f in result["feedback"])
    assert result["answers_this_run"] == 3  # the one already kept, and two in memory


def test_a_read_only_file_opens_with_a_banner_and_stays_untouched(tmp_path: Path) -> None:
    home = share(tmp_path / "home")
    give_to_nobody(home)  # the folder may be written, the file may not
    path = _healthy(home)
    for side in home.glob("progress.sqlite3-*"):
        side.unlink()
    path.chmod(0o444)
    before = path.read_bytes()
    _assert_answers_not_saved_but_app_works(_run_read_only(home, read_only=path))
    assert path.read_bytes() == before and not list(home.glob("*corrupt*"))


def test_a_read_only_folder_is_not_called_corrupt(tmp_path: Path) -> None:
    home = share(tmp_path / "home")
    path = _healthy(home)
    home.chmod(0o555)  # not even the bank cache can be made
    path.chmod(0o444)
    before = path.read_bytes()
    _assert_answers_not_saved_but_app_works(_run_read_only(home, read_only=home))
    assert path.read_bytes() == before and not list(home.glob("*corrupt*"))
