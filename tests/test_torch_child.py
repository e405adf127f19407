"""The one way the app runs a torch computation apart (quiz.torch_child), with real children:
an answer is read back, a failure says its child's last words, a child past its time is ended,
and every child runs on one thread."""

from __future__ import annotations

import time

import psutil
import pytest

from quiz import torch_child


def test_an_answer_is_what_the_child_printed() -> None:
    out = torch_child.output(torch_child.start("platform"), timeout=30)
    assert out.strip() and "Linux" in out


def test_a_failure_gives_the_childs_last_words() -> None:
    with pytest.raises(torch_child.ChildFailed) as failed:
        torch_child.output(torch_child.start("json.tool", "/no/such/file.json"), timeout=30)
    assert "No such file" in str(failed.value) and not failed.value.timed_out


def test_a_child_past_its_time_is_ended() -> None:
    proc = torch_child.start("timeit", "-n", "1", "-r", "1", "import time; time.sleep(30)")
    started = time.monotonic()
    with pytest.raises(torch_child.ChildFailed) as failed:
        torch_child.output(proc, timeout=0.5)
    assert failed.value.timed_out and time.monotonic() - started < 10
    assert proc.poll() is not None and not psutil.pid_exists(proc.pid)


def test_children_run_on_one_thread() -> None:
    proc = torch_child.start("timeit", "-n", "1", "-r", "1", "import time; time.sleep(3)")
    try:
        env = psutil.Process(proc.pid).environ()
        assert env["OMP_NUM_THREADS"] == "1" and env["MKL_NUM_THREADS"] == "1"
    finally:
        proc.kill()
        proc.communicate()
