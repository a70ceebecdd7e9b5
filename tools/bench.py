"""Benchmark: Stridescope's figures beside baselines measured in the same run.

    make bench      (or: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/bench.py)

Baselines: a bare `import torch` and an empty Qt window, each in a fresh process. Figures:
engine run time, step update (picture + scene + one 1200×800 frame) for small tensors,
and open/scroll/zoom frames for a 1,000,000-element tensor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fresh_process(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return (time.perf_counter() - start) * 1000


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    rows.append(("baseline: python -c 'import torch' (process)",
                 statistics.median(fresh_process("import torch") for _ in range(3)), "ms"))
    empty_window = ("from PySide6.QtWidgets import QApplication, QWidget\n"
                    "app = QApplication([]); w = QWidget(); w.resize(1200, 800); w.show()\n"
                    "app.processEvents(); w.grab()\n")
    rows.append(("baseline: empty Qt window shown (process)",
                 statistics.median(fresh_process(empty_window) for _ in range(3)), "ms"))
    rows.append(("baseline: import torch + empty Qt window (process)",
                 statistics.median(fresh_process("import torch\n" + empty_window)
                                   for _ in range(3)), "ms"))
    app_window = ("import sys; sys.argv=['x']\nfrom gui.app import ensure_app\napp = ensure_app()\n"
                  "from gui.main_window import MainWindow\nw = MainWindow()\n"
                  "w.files.open_path('resources/lessons/tutorial.py'); w.show()\n"
                  "app.processEvents()\n"
                  "w.grab()\n")
    rows.append(("stridescope: window on the tutorial, first frame (process)",
                 statistics.median(fresh_process(app_window) for _ in range(3)), "ms"))

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from engine.lessons import load_lesson
    from engine.picture import build_picture
    from engine.runner import run_script
    from gui.app import ensure_app
    from gui.canvas.scene import CanvasScene
    from gui.canvas.view import CanvasView
    from gui.theme import LIGHT

    ensure_app()
    tutorial = load_lesson("tutorial").script
    rows.append(("engine: run the tutorial (8 steps)", timed(lambda: run_script(tutorial)), "ms"))

    def frame(scene: CanvasScene, source: QRectF) -> None:
        image = QImage(1200, 800, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        scene.render(painter, QRectF(0, 0, 1200, 800), source)
        painter.end()

    def step_update(script: str, index: int) -> float:
        result = run_script(script)
        scene = CanvasScene(LIGHT)

        def update() -> None:
            scene.set_picture(build_picture(result.steps[index]), LIGHT)
            rect = scene.sceneRect()
            frame(scene, QRectF(0, 0, max(rect.width(), 1200), max(rect.width(), 1200) / 1.5))
        return timed(update, repeat=7)

    for n in (12, 1024, 4096):
        side = int(n ** 0.5) if n > 12 else 3
        script = (f"import torch\nx = torch.arange({side * (n // side)}).reshape({side}, -1)\n"
                  "y = x.t()\n")
        rows.append((f"step update, {n:,} elements (picture + scene + 1200×800 frame)",
                     step_update(script, 2), "ms"))

    big = "import torch\nx = torch.arange(1_000_000).reshape(1000, 1000)\ny = x.t()\n"
    start = time.perf_counter()
    result = run_script(big)
    rows.append(("1M elements: run script (3 steps)", (time.perf_counter() - start) * 1000, "ms"))
    scene = CanvasScene(LIGHT)
    start = time.perf_counter()
    scene.set_picture(build_picture(result.steps[-1]), LIGHT)
    rows.append(("1M elements: build the scene", (time.perf_counter() - start) * 1000, "ms"))
    rect = scene.sceneRect()
    overview = QRectF(0, 0, rect.width(), rect.width() / 1.5)
    rows.append(("1M elements: overview frame (heatmap level of detail)",
                 timed(lambda: frame(scene, overview)), "ms"))
    scroll = []
    for k in range(30):  # scroll down the strip at 1:1 zoom
        source = QRectF(0, 200 + k * 400, 1200, 800)
        scroll.append(timed(lambda s=source: frame(scene, s), repeat=1))
    rows.append(("1M elements: scroll frame at 1:1 (median of 30)", statistics.median(scroll),
                 "ms"))
    rows.append(("1M elements: scroll frame at 1:1 (worst of 30)", max(scroll), "ms"))
    zoomed_out = QRectF(0, 0, 1200 * 8, 800 * 8)
    rows.append(("1M elements: frame at 1/8 zoom (cells without text)",
                 timed(lambda: frame(scene, zoomed_out)), "ms"))

    from engine.transition import frame_at, plan_transition

    for label, script in (
        ("view, 1,000 moving cells", "import torch\nx = torch.arange(1000).reshape(25, 40)\n"
                                     "y = x.t()\n"),
        ("copy, 1,000 flying cells", "import torch\nx = torch.arange(1000).reshape(25, 40)\n"
                                     "y = x.t().contiguous()\n"),
        ("view, 144 moving cells", "import torch\nx = torch.arange(144).reshape(12, 12)\n"
                                   "y = x.t()\n"),
    ):
        result = run_script(script)
        scene = CanvasScene(LIGHT)
        view = CanvasView(scene)  # a real view: repaints go through its item caches
        view.resize(1200, 800)
        view.show()
        scene.set_picture(build_picture(result.steps[-1]), LIGHT)
        view.fit()
        plan = plan_transition(result.steps[-2], result.steps[-1])
        scene.begin_animation(plan)
        times = []
        for i in range(60):
            start = time.perf_counter()
            scene.show_frame(frame_at(plan, i / 59))
            view.viewport().grab()  # forces a full paint of the viewport
            times.append((time.perf_counter() - start) * 1000)
        scene.end_animation()
        view.close()
        rows.append((f"animation frame in a 1200×800 view, {label} ({plan.kind}; median)",
                     statistics.median(times), "ms"))
        rows.append((f"animation frame in a 1200×800 view, {label} (worst of 60)", max(times),
                     "ms"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:>8.1f} {unit}")


if __name__ == "__main__":
    main()
