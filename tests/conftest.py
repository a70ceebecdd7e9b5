"""Shared test set-up: offscreen Qt unless a test starts its own X server."""

import os
import sys
import tempfile
from pathlib import Path

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
