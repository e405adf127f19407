"""Run Python as a user who really can't write a root-owned file.

Read-only conditions can't be made for root (root writes through a 0444 file), and CI runs as
root, so those tests run their code in a child that drops to `nobody` with setpriv. A normal
user needs no switch: chmod already binds them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOBODY = 65534


def share(folder: Path) -> Path:
    """Create `folder`, reachable by the unprivileged user (pytest's tmp dirs are 0700)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for part in [folder, *folder.parents]:
            if part == Path("/"):
                break
            part.chmod(part.stat().st_mode | 0o555)
    return folder


def give_to_nobody(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


def run_unprivileged(code: str, *, timeout: float = 60) -> dict:
    """Run `code` (which prints one JSON object last) as an unprivileged user; return it."""
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop privileges")
        command = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
        probe = subprocess.run([*command[:4], sys.executable, "-c", "import quiz"], check=False)
        if probe.returncode != 0:
            pytest.skip(f"the checkout {REPO} is not readable by an unprivileged user")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": "/tmp"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, cwd="/", check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
