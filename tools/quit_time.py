"""Measure how long quitting takes: from Ctrl+Q to the process's end, in a fresh process.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/quit_time.py [--runs 3] [--slow-exit]

The child opens the tutorial in the real window (gui/launcher.py's run_window), steps through
it and switches the language twice, then presses Ctrl+Q as a key event. It prints when the key
is sent and when the event loop has returned; this parent takes the time the process ends.
`--slow-exit` lets Python tear down the interpreter (with torch loaded) as before the fix.
Runs under Xvfb too (DISPLAY set, QT_QPA_PLATFORM=xcb).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys, tempfile, os
os.environ['STRIDESCOPE_CONFIG_DIR'] = tempfile.mkdtemp(prefix='stridescope-quit-')
print('config', os.environ['STRIDESCOPE_CONFIG_DIR'], flush=True)
fast = sys.argv[1] == 'fast'
sys.argv = ['stridescope']
from stridescope.gui.app import ensure_app
app = ensure_app()
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from stridescope.gui.main_window import MainWindow
import stridescope.gui.main_window as mw

_close = MainWindow.closeEvent
def timed_close(self, event):
    print('close-start', flush=True)
    _close(self, event)
    print('close-end', flush=True)
MainWindow.closeEvent = timed_close

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

def work():
    w = window()
    for i in range(8):
        w.controller.goto(i)
    w.set_lang('zh_CN')
    w.set_lang('en')

def press_quit():
    w = window()
    w.activateWindow()
    QTest.qWaitForWindowActive(w, 3000)  # a shortcut needs the active window, as a user has
    print('ctrl-q', flush=True)
    QTest.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

QTimer.singleShot(800, work)
QTimer.singleShot(2500, press_quit)
from stridescope.gui.launcher import run_window
code = run_window(%r, fast_exit=fast)
print('exec-returned', flush=True)
sys.exit(code)
"""


def one_run(fast: bool) -> dict[str, float]:
    """Seconds per phase; raises when Ctrl+Q did not end the process cleanly."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if "DISPLAY" not in env else "xcb")
    child = CHILD % str(ROOT / "resources" / "lessons" / "tutorial.py")
    marks: dict[str, float] = {}
    config = None
    with subprocess.Popen([sys.executable, "-c", child, "fast" if fast else "slow"], cwd=ROOT,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as proc:
        watchdog = threading.Timer(120, proc.kill)  # a window that never quits fails the run
        watchdog.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("config "):
                config = Path(line.split(" ", 1)[1].strip())
            marks[line.strip()] = time.perf_counter()
        proc.wait()
        watchdog.cancel()
    end = time.perf_counter()
    if "ctrl-q" not in marks or "close-end" not in marks:
        raise RuntimeError(f"Ctrl+Q did not close the window (exit {proc.returncode})")
    left = sorted(p.name for p in config.iterdir() if p.name != "settings.ini") if config else []
    if config is not None:
        shutil.rmtree(config, ignore_errors=True)
    if proc.returncode != 0 or left:
        raise RuntimeError(f"exit {proc.returncode}, left behind: {left}")
    t0 = marks["ctrl-q"]
    return {"closeEvent": marks.get("close-end", t0) - marks.get("close-start", t0),
            "to event loop end": marks.get("exec-returned", end) - t0,
            "Ctrl+Q to process end": end - t0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-exit", action="store_true",
                        help="tear the interpreter down (the behaviour before the fix)")
    args = parser.parse_args()
    runs = [one_run(not args.slow_exit) for _ in range(args.runs)]
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key:>22}: median {statistics.median(values) * 1000:7.0f} ms "
              f"(max {max(values) * 1000:.0f} ms, {len(values)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
