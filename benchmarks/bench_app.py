"""App start-up, bank loading and memory, as ratios against baselines measured in this run.

    python benchmarks/bench_app.py [--runs N]

- start: process start -> home screen filled, vs a bare `python -c "import textual.app"`
  (target <= 1.5x), and vs a bare Textual app with the same widget kinds and no rnnprep code,
  the part of start-up that is Textual's, not ours (target <= 1.5x, issue 15). Wall and CPU
  time both: CPU time is steadier on a shared machine. torch must not be imported by then.
- banks: load + validate every shipped bank, per 300 questions, vs the 50 ms target, and vs
  parsing the same YAML alone (the floor).
- memory: resident set at the home screen vs the 100 MiB target.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quiz.bank import load_bank, safe_load  # noqa: E402
from quiz.locations import questions_dir  # noqa: E402


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return time.perf_counter() - start, out


def cpu_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, all threads) and stdout of one run. CPU time
    is the steadier figure on a shared machine: waiting for a core doesn't count."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, out = timed(cmd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    import os

    env = {**os.environ, "RNNPREP_HOME": tempfile.mkdtemp(prefix="rnnprep-bench-")}
    python = sys.executable
    timed([python, "-c", "import textual.app"], env)  # warm the page cache once
    timed([python, str(ROOT / "benchmarks" / "app_probe.py")], env)

    commands = {
        "base": [python, "-c", "import textual.app"],
        "floor": [python, str(ROOT / "benchmarks" / "floor_app.py")],
        "app": [python, str(ROOT / "benchmarks" / "app_probe.py")],
    }
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    out = ""
    for _ in range(runs):  # interleaved so drift hits all alike
        for name, cmd in commands.items():
            seconds, used, out = cpu_timed(cmd, env)
            wall[name].append(seconds)
            cpu[name].append(used)
    report = json.loads(out.strip().splitlines()[-1])
    b, f, a = (statistics.median(wall[name]) for name in commands)
    cb, cf, ca = (statistics.median(cpu[name]) for name in commands)

    files = sorted(questions_dir().glob("*.yaml"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    parse, load = [], []
    for _ in range(runs):
        t = time.perf_counter()
        for text in texts:
            safe_load(text)
        parse.append(time.perf_counter() - t)
        t = time.perf_counter()
        bank = load_bank()
        load.append(time.perf_counter() - t)
    n = len(bank.questions)
    per300 = statistics.median(load) * 300 / max(n, 1)

    print(f"{'measure':<44}{'value':>12}{'ratio':>10}  target")
    print(f"{'bare import textual.app (baseline)':<44}{b * 1000:>10.0f}ms{1.0:>9.2f}x")
    print(f"{'bare Textual app, same widgets (floor)':<44}{f * 1000:>10.0f}ms{f / b:>9.2f}x")
    print(f"{'app start -> home screen filled':<44}{a * 1000:>10.0f}ms{a / b:>9.2f}x  <= 1.50x")
    print(f"{'  the same in CPU time: baseline':<44}{cb * 1000:>10.0f}ms{1.0:>9.2f}x")
    print(f"{'  floor':<44}{cf * 1000:>10.0f}ms{cf / cb:>9.2f}x")
    print(f"{'  app start -> home screen filled':<44}{ca * 1000:>10.0f}ms{ca / cb:>9.2f}x")
    print(
        f"{'  app start vs the floor (wall, CPU)':<44}{'':>12}{a / f:>9.2f}x {ca / cf:.2f}x"
        "  <= 1.50x"
    )
    print(f"{'torch imported at home screen':<44}{report['torch_imported']!s:>12}{'':>10}  False")
    print(
        f"{f'load+validate {n} questions, per 300':<44}{per300 * 1000:>10.1f}ms"
        f"{per300 / 0.050:>9.2f}x  <= 1.00x of 50 ms"
    )
    print(
        f"{'  vs YAML parsing alone (floor)':<44}{statistics.median(parse) * 1000:>10.1f}ms"
        f"{statistics.median(load) / statistics.median(parse):>9.2f}x"
    )
    rss = report["rss_mib"]
    label = "peak resident memory at home screen"
    print(f"{label:<44}{rss:>9.1f}MiB{rss / 100:>9.2f}x  <= 1.00x of 100 MiB")
    if report["torch_imported"]:
        raise SystemExit("torch was imported before the home screen")


if __name__ == "__main__":
    main()
