"""How much does the warm grading server save a shell's re-grade? Ratios from one run.

    python benchmarks/bench_server.py [--runs N]

- cold `grade exercise lstm_cell --no-server` (grading in-process, as without the server) vs a
  bare `python -c "import torch"`: the cost of a fresh torch import on every command;
- warm `grade exercise lstm_cell` through the server (started by an untimed first call) vs that
  cold grade: target at most 0.3 s on this machine, at least 4x faster than cold.

The commands are interleaved and each figure is a median. Everything runs against a temporary
RNNPREP_HOME, whose server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_grade import GRADE, REPO, RNNPREP, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    runs = parser.parse_args().runs

    home = Path(tempfile.mkdtemp(prefix="rnnprep-bench-"))
    env = {**os.environ, "RNNPREP_HOME": str(home)}
    env.pop("RNNPREP_NO_SERVER", None)
    solution = REPO / "exercises" / "lstm_cell" / "solution.py"
    grade = [str(GRADE), "exercise", "lstm_cell", "--file", str(solution), "--no-record"]
    commands = {
        "bare": [sys.executable, "-c", "import torch"],
        "cold": [*grade, "--no-server"],
        "warm": grade,
    }
    try:
        timed(commands["warm"], env)  # starts the server and warms the disk cache, untimed
        times: dict[str, list[float]] = {key: [] for key in commands}
        for _ in range(runs):
            for key, command in commands.items():
                times[key].append(timed(command, env))
    finally:
        subprocess.run([str(RNNPREP), "server", "stop"], env=env, capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)
    median = {key: statistics.median(values) for key, values in times.items()}

    def row(label: str, value: str, ratio: str = "", target: str = "") -> None:
        print(f"{label:<50}{value:>9}{ratio:>9}{target:>12}")

    print(f"grading server benchmark, median of {runs} runs each, {os.cpu_count()} CPUs")
    row("measure", "value", "ratio", "target")
    row("python -c 'import torch' (the floor)", f"{median['bare']:.2f}s", "1.00")
    cold = median["cold"]
    row(
        "grade exercise lstm_cell --no-server (cold)",
        f"{cold:.2f}s",
        f"{cold / median['bare']:.2f}",
    )
    warm = median["warm"]
    row(
        "grade exercise lstm_cell, warm server, vs cold",
        f"{warm:.2f}s",
        f"{warm / cold:.2f}",
        "<= 0.25",
    )
    print(f"warm re-grade: {cold / warm:.1f}x faster than cold (target: >= 4x, <= 0.3 s)")


if __name__ == "__main__":
    main()
