"""How fast and how big is one grading? Prints a small table of ratios, all measured in one run.

    python benchmarks/bench_grade.py [--runs N]

- cold `grade exercise lstm_cell` and `grade exercise lstm_layer` (model solutions) vs a bare
  `python -c "import torch"`: torch's import is the floor, the target is at most 1.3x;
- `grade exercise --all` on the model solutions vs one exercise, cold (one judge grades them
  all, each in a fresh learner's process): target at most 3x;
- peak memory (RSS) of one grading, parent and child together, sampled every 10 ms;
- the whole dev check (`rnnprep dev check`: every starter, solution, mistake and fixture file),
  once, as a ratio to one cold grade.

The commands are interleaved and each figure is a median, so a busy machine skews all of them
alike. Everything runs against a temporary RNNPREP_HOME.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
GRADE = Path(sys.executable).with_name("grade")
RNNPREP = Path(sys.executable).with_name("rnnprep")
EXERCISES = sorted(p.parent.name for p in (REPO / "exercises").glob("*/exercise.yaml"))


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def peak_rss(command: list[str], env: dict[str, str]) -> tuple[int, int]:
    """(peak RSS of the whole process tree, peak RSS of the biggest single process), in bytes."""
    proc = psutil.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree_peak = single_peak = 0
    while proc.poll() is None:
        sizes = []
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # it may have just exited
                sizes.append(p.memory_info().rss)
        tree_peak = max(tree_peak, sum(sizes))
        single_peak = max(single_peak, *sizes, 0)
        time.sleep(0.01)
    return tree_peak, single_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    runs = parser.parse_args().runs

    home = Path(tempfile.mkdtemp(prefix="rnnprep-bench-"))
    try:
        workspace = home / "workspace"
        workspace.mkdir()
        for name in EXERCISES:  # --all grades the workspace: make every file a passing one
            shutil.copy(REPO / "exercises" / name / "solution.py", workspace / f"{name}.py")
        # in-process grading: the warm server has its own benchmark (bench_server.py)
        env = {**os.environ, "RNNPREP_HOME": str(home), "RNNPREP_NO_SERVER": "1"}
        commands = {
            "bare": [sys.executable, "-c", "import torch"],
            # The child leaves with os._exit, skipping torch's teardown; this is that floor.
            "quick": [sys.executable, "-c", "import os, torch; os._exit(0)"],
            "one": [str(GRADE), "exercise", "lstm_cell", "--file", str(workspace / "lstm_cell.py")],
            "layer": [
                str(GRADE),
                "exercise",
                "lstm_layer",
                "--file",
                str(workspace / "lstm_layer.py"),
            ],
            "all": [str(GRADE), "exercise", "--all"],
        }
        timed(commands["one"], env)  # warm the disk cache once, untimed
        times: dict[str, list[float]] = {key: [] for key in commands}
        for _ in range(runs):
            for key, command in commands.items():
                times[key].append(timed(command, env))
        median = {key: statistics.median(values) for key, values in times.items()}
        tree, single = peak_rss(commands["one"], env)
        dev_check = timed([str(RNNPREP), "dev", "check"], env)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    def row(label: str, value: str, ratio: str = "", target: str = "") -> None:
        print(f"{label:<46}{value:>10}{ratio:>9}{target:>9}")

    print(f"grading benchmark, median of {runs} runs each, {os.cpu_count()} CPUs")
    row("measure", "value", "ratio", "target")
    row("python -c 'import torch' (the floor)", f"{median['bare']:.2f}s", "1.00")
    quick = median["quick"] / median["bare"]
    row("  the same, leaving with os._exit(0)", f"{median['quick']:.2f}s", f"{quick:.2f}")
    cold = median["one"] / median["bare"]
    row("grade exercise lstm_cell, cold", f"{median['one']:.2f}s", f"{cold:.2f}", "<= 1.3")
    strict = median["one"] / median["quick"]
    row("  the same, against the os._exit floor", "", f"{strict:.2f}")
    layer = median["layer"] / median["bare"]
    row("grade exercise lstm_layer, cold", f"{median['layer']:.2f}s", f"{layer:.2f}", "<= 1.3")
    every = median["all"] / median["one"]
    label = f"grade exercise --all ({len(EXERCISES)} exercises)"
    row(label, f"{median['all']:.2f}s", f"{every:.2f}", "<= 3.0")
    row(
        "rnnprep dev check (whole catalogue, once)",
        f"{dev_check:.1f}s",
        f"{dev_check / median['one']:.1f}",
    )
    row("peak RSS of one grading, parent + child", f"{tree / 2**20:.0f}MB")
    row("peak RSS of the largest process (the child)", f"{single / 2**20:.0f}MB")


if __name__ == "__main__":
    main()
