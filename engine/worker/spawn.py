"""Start the worker process with only the standard library imported.

The CLI calls `start_early()` first thing for the window, so that the worker imports torch
while this process imports Qt, NumPy and the window (issue 13: the first picture then waits
for about one torch import). The first
`stridescope.engine.worker.client._Process` adopts that process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def _neutral_dir() -> str:
    """A folder for the worker's cwd that holds nothing importable of the user's."""
    return tempfile.gettempdir()


_early: tuple[bool, subprocess.Popen, float] | None = None


def spawn(warm: bool) -> subprocess.Popen:
    """A new worker process (stridescope.engine.worker.child), its stdout non-blocking."""
    env = dict(os.environ)
    env["STRIDESCOPE_WORKER_WARM"] = "1" if warm else "0"
    env.setdefault("MALLOC_ARENA_MAX", "2")  # fewer 64 MiB arenas against RLIMIT_AS
    env.pop("QT_QPA_PLATFORM", None)
    debug = os.environ.get("STRIDESCOPE_WORKER_STDERR")
    # -I: the user's folder is not on the child's path (a torch.py or numpy.py there must not
    # be imported in torch's place), nor are PYTHON* variables; the package is found where
    # this process found it (site-packages, or an editable install's finder)
    popen = subprocess.Popen(
        [sys.executable, "-I", "-m", "stridescope.engine.worker.child"], cwd=_neutral_dir(),
        env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL, bufsize=0, close_fds=True)
    os.set_blocking(popen.stdout.fileno(), False)
    return popen


def start_early(warm: bool = True) -> None:
    """Start the worker now, for the first _Process of this process to adopt."""
    global _early
    if _early is None:
        _early = (warm, spawn(warm), time.monotonic())


def take_early(warm: bool) -> tuple[subprocess.Popen, float] | None:
    """The early worker and when it started, once, if it is alive and prepared as `warm`."""
    global _early
    early, _early = _early, None
    if early is None:
        return None
    was_warm, popen, started = early
    if was_warm != warm or popen.poll() is not None:
        popen.kill()
        popen.wait()
        return None
    return popen, started
