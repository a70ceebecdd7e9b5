"""Shared test set-up: offscreen Qt unless a test starts its own X server (the xvfb fixture)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# settings and autosaves of the test run go to a throwaway folder, never the user's
os.environ["STRIDESCOPE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="stridescope-tests-")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# CI explores the same random scripts every run (a red CI must be reproducible); local runs
# explore new ones each time and remember failures in .hypothesis/.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def xvfb():
    """A private X server (Xvfb) for a real window; its DISPLAY name."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (Debian: xvfb)")
    for display in range(91, 120):
        if not Path(f"/tmp/.X11-unix/X{display}").exists():
            break
    proc = subprocess.Popen([binary, f":{display}", "-screen", "0", "1600x1000x24", "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{display}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.skip("Xvfb did not start")
        time.sleep(0.1)
    yield f":{display}"
    proc.terminate()
    proc.wait(timeout=10)
