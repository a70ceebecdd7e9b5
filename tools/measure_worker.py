"""Measure the worker: start-up, the window's start (its process never imports torch), per-run
round trip beside the in-process interpreter, and the worker's peak RSS on the hostile suite's
memory cases (a record, not a test).

    .venv/bin/python tools/measure_worker.py [--runs 30] [--starts 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


WINDOW = """
import sys, time
t0 = time.monotonic()
from stridescope.gui.app import ensure_app
app = ensure_app()
from stridescope.gui.main_window import MainWindow
from stridescope.cli import default_lesson_path
w = MainWindow()
w.files.open_path(str(default_lesson_path()))
w.show()
w.view.grab()
t1 = time.monotonic()
while not w.controller.document.steps and time.monotonic() - t0 < 60:
    app.processEvents()
    time.sleep(0.005)
w.view.grab()
t2 = time.monotonic()
rss = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(f"shown {t1 - t0:.2f} s, tutorial drawn {t2 - t0:.2f} s, peak RSS {int(rss) // 1024} MiB,"
      f" torch imported: {'torch' in sys.modules}")
w.close()
"""


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    from stridescope.engine.model.limits import Limits
    from stridescope.engine.teaching.lessons import load_lesson
    from stridescope.engine.worker.client import WorkerPool

    starts, imports = [], []
    for _ in range(args.starts):
        begin = time.perf_counter()
        with WorkerPool() as pool:
            assert pool.wait_ready()
            starts.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c",
                        "import torch, stridescope.engine.interpret.runner"], cwd=ROOT, check=True)
        imports.append(time.perf_counter() - begin)
    print(f"worker start-up (spawn → torch imported → ready)   {summary(starts)}")
    print(f"baseline: a fresh process importing torch + runner {summary(imports)}")

    for _ in range(3):
        print("window (its own process):", subprocess.run(
            [sys.executable, "-c", WINDOW], cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                 "STRIDESCOPE_CONFIG_DIR": tempfile.mkdtemp()}).stdout.strip())

    tutorial = load_lesson("tutorial").script
    scripts = {"x = 1": "x = 1\n", "tutorial": tutorial,
               "1M-element tensor": "import torch\nx = torch.arange(10**6).view(1000, 1000)\n"
                                    "y = x.t()\n"}
    from stridescope.engine.interpret.runner import run_script

    run_script(tutorial)  # warm the in-process interpreter
    with WorkerPool() as pool:
        pool.wait_ready()
        pool.run(tutorial)
        time.sleep(3)  # after its first run the worker warms up (meta sizing imports sympy)
        for name, script in scripts.items():
            worker, paced, here = [], [], []
            for _ in range(args.runs):
                begin = time.perf_counter()
                pool.run(script)
                worker.append(time.perf_counter() - begin)
                time.sleep(0.2)  # an edit comes at human pace: the spare child is ready
                begin = time.perf_counter()
                pool.run(script)
                paced.append(time.perf_counter() - begin)
                begin = time.perf_counter()
                run_script(script)
                here.append(time.perf_counter() - begin)
            print(f"run {name:18} worker  {summary(worker)}  (back to back)")
            print(f"    {'':18} worker  {summary(paced)}  (0.2 s after the previous run)")
            print(f"    {'':18} in-proc {summary(here)}")

        from tests.worker.test_hostile import MEMORY

        print(f"\npeak RSS of the run's child, memory cases (limit "
              f"{Limits().memory_bytes / 2**30:g} GiB):")
        for script in MEMORY:
            run = pool.start("import torch\n" + script)
            result = run.wait(timeout=120)
            run.wait_exit()
            last = next((s.error for s in result.steps if s.error), result.syntax_error) \
                if result else None
            what = f"{last.type}" if last else "ran"
            print(f"  {(run.peak_rss_bytes or 0) / 2**20:7.0f} MiB  {what:20} {script[:60]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
