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


# In a private mount namespace, bind each path onto itself read-only, then run the command:
# even root gets "read-only file system" there, and nothing outside the child sees the mounts.
_READ_ONLY_MOUNTS = (
    'for p in "$@"; do [ "$p" = -- ] && break; '
    'mount --bind "$p" "$p" && mount -o remount,ro,bind "$p" "$p" || exit 97; done; '
    'while [ "$1" != -- ]; do shift; done; shift; exec "$@"'
)


def read_only_command(command: list[str], read_only: list[Path]) -> list[str]:
    """`command` run so that the `read_only` paths (already chmod-ed read-only) really are.

    A normal user is bound by chmod. Root is not: it runs the command as `nobody` when that
    user can reach the checkout, else inside a mount namespace where the paths are mounted
    read-only (a clone under a 0700 folder, say). Skips, saying why, when neither is possible.
    """
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    as_nobody = [str(setpriv), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if setpriv is not None:
        probe = [*as_nobody, sys.executable, "-c", "import quiz"]
        if subprocess.run(probe, capture_output=True, env=_env(), check=False).returncode == 0:
            return [*as_nobody, *command]
    unshare = shutil.which("unshare")
    mounts = [str(unshare), "-m", "sh", "-c", _READ_ONLY_MOUNTS, "sh", *map(str, read_only), "--"]
    if unshare is not None:
        probe = [*mounts, sys.executable, "-c", "pass"]
        if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
            return [*mounts, *command]
    pytest.skip(f"root, {REPO} unreadable by nobody and no mount namespace: no read-only case")


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HOME": "/tmp", **extra}


def run_read_only(
    command: list[str], read_only: list[Path], *, timeout: float = 120, **env: str
) -> dict:
    """Run `command` (which prints one JSON object last) with `read_only` unwritable; return it."""
    done = subprocess.run(
        read_only_command(command, read_only),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(**env),
        cwd="/",
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
