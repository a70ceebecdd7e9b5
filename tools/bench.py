"""Benchmark: every figure of issue 13 beside its floor, measured in the same run.

    make bench      (or: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/bench.py)
    tools/bench.py --runs 5 --only process,step,anim,big,quit

Whole-process figures are paired with their baselines run by run (baseline, figure, baseline,
figure, ...), so a busy machine slows both alike; every row prints the median and the worst of
the runs, the baseline's median and worst beside it, and the goal from the issue. The
baselines are a bare `import torch` + an empty Qt window shown (for the window) and
`import torch` + a QImage painted with text and saved (for headless exports), each ending with
os._exit as the window does (tearing down an interpreter with torch and a QApplication costs
0.3–1 s that is no part of the floor). In-process
figures are timed against the floor of one empty 1200×800 frame. Nothing here is asserted:
the printout is the record.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TUTORIAL = ROOT / "resources" / "lessons" / "tutorial.py"
OUT = Path(tempfile.mkdtemp(prefix="stridescope-bench-"))

# the window's floor does what `main.py --screenshot --size 1200x800` does besides starting:
# show a window of that size, grab it, save the grab as a PNG (~40 ms here), os._exit
EMPTY_WINDOW = ("from PySide6.QtWidgets import QApplication, QWidget\n"
                "app = QApplication([]); w = QWidget(); w.resize(1200, 800); w.show()\n"
                "app.processEvents()\n"
                f"w.grab().save({str(OUT / 'empty-window.png')!r})\n"
                "import os; os._exit(0)\n")  # no teardown: the app ends with os._exit too
PAINTED_IMAGE = ("from PySide6.QtGui import QGuiApplication, QImage, QPainter, QColor\n"
                 "app = QGuiApplication([])\n"
                 "image = QImage(1200, 800, QImage.Format.Format_ARGB32)\n"
                 "image.fill(QColor('white')); p = QPainter(image)\n"
                 "p.drawText(20, 40, 'storage index = 0 + 1·4 + 2·1 = 6'); p.end()\n"
                 f"image.save({str(OUT / 'baseline.png')!r})\n"
                 "import os; os._exit(0)\n")
# first pixels: when any widget of the window first paints, in wall-clock seconds
FIRST_PIXELS = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication.instance() or QApplication(['stridescope'])
class First(QObject):
    done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) \\
                and obj.window().windowTitle():
            self.done = True
            print('first-paint', time.time(), flush=True)
        return False
first = First(); app.installEventFilter(first)
sys.argv = ['stridescope']
from stridescope.gui.launcher import run_window
run_window(%r, screenshot=%r)
"""

Row = tuple[str, list[float], list[float] | None, str, str]  # name, samples, floor, unit, goal


class Samples(list):
    """Wall-clock milliseconds, with the CPU milliseconds of the same runs in `.cpu` (CPU
    time moves less than wall time when other agents load the machine)."""

    def __init__(self, wall=(), cpu=None, whole: bool = False) -> None:
        super().__init__(wall)
        self.cpu = list(cpu) if cpu is not None else None
        self.whole = whole  # a whole process: its CPU is compared with its baseline's


def env() -> dict[str, str]:
    """A fresh settings folder per process; bytecode cached (outside the tree) as an installed
    app has it, even where PYTHONDONTWRITEBYTECODE is set."""
    config = tempfile.mkdtemp(prefix="stridescope-bench-config-")
    variables = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**variables, "QT_QPA_PLATFORM": "offscreen", "STRIDESCOPE_CONFIG_DIR": config,
            "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}


CPU: dict[str, list[float]] = {}  # CPU milliseconds (user + system) of each kind of process


def process(args: list[str], kind: str = "") -> tuple[float, float, str]:
    """Wall milliseconds, peak RSS (MB) and stdout of a fresh Python process (its CPU time
    goes to CPU[kind]: less moved by other load on a shared machine than the wall time)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    CPU.setdefault(kind, []).append((usage.ru_utime + usage.ru_stime) * 1000)
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{args!r} failed ({proc.returncode}): {err[-2000:]}")
    return wall * 1000, usage.ru_maxrss / 1024, out


def first_pixels() -> float:
    """Milliseconds from the process's start to the window's first paint."""
    start = time.time()
    _, _, out = process(["-c", FIRST_PIXELS % (str(TUTORIAL), str(OUT / "first.png"))])
    stamp = next(float(line.split()[1]) for line in out.splitlines()
                 if line.startswith("first-paint"))
    return (stamp - start) * 1000


def process_rows(runs: int) -> list[Row]:
    big = OUT / "big.py"
    big.write_text("import torch\nx = torch.arange(1_000_000).reshape(1000, 1000)\n"
                   "y = x.t()\n")
    for args in (["main.py", str(TUTORIAL), "--size", "1200x800", "--screenshot",
                  str(OUT / "shot.png")],
                 ["main.py", "--script", str(big), "--export", str(OUT / "big.png")]):
        process(args)  # warm-up, not measured: bytecode written, files in the page cache
    window, pixels, base_window = [], [], []
    png, png_big, base_image, rss, rss_big, rss_torch = [], [], [], [], [], []
    for _ in range(runs):
        base_window.append(process(["-c", "import torch\n" + EMPTY_WINDOW], "base window")[0])
        window.append(process(["main.py", str(TUTORIAL), "--size", "1200x800",
                               "--screenshot", str(OUT / "shot.png")], "window")[0])
        pixels.append(first_pixels())
        base_image.append(process(["-c", "import torch\n" + PAINTED_IMAGE], "base image")[0])
        wall, peak, _ = process(["main.py", "--script", str(TUTORIAL), "--export",
                                 str(OUT / "tutorial.png")], "png")
        png.append(wall)
        rss.append(peak)
        wall, peak, _ = process(["main.py", "--script", str(big), "--export",
                                 str(OUT / "big.png")], "big png")
        png_big.append(wall)
        rss_big.append(peak)
        rss_torch.append(process(["-c", "import torch"], "torch")[1])
    return [
        ("window, full first frame on the tutorial (main.py --screenshot)",
         Samples(window, CPU["window"], True), Samples(base_window, CPU["base window"], True),
         "ms", "≤ 1.10× import torch + empty window"),
        ("first pixels of the window (process start → first paint)", pixels, base_window, "ms",
         "≤ 500 ms"),
        ("headless PNG of the tutorial (main.py --export)", Samples(png, CPU["png"], True),
         Samples(base_image, CPU["base image"], True), "ms",
         "≤ 1.15× import torch + QImage saved"),
        ("PNG of a 1,000,000-element tensor vs the tutorial's",
         Samples(png_big, CPU["big png"], True),
         Samples(png, CPU["png"], True), "ms",
         "≤ 1.10× the tutorial's"),
        ("PNG of a 1,000,000-element tensor, peak RSS", rss_big, rss, "MB", "≤ 250 MB"),
        ("  peak RSS floor: bare import torch", rss_torch, None, "MB", "—"),
    ]


def frame(scene, source=None, size=(1200, 800)) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if scene is not None:
        scene.render(painter, QRectF(0, 0, *size), source or scene.sceneRect(),
                     Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()


def timed(fn, repeat: int) -> Samples:
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return Samples(wall, cpu)


def step_rows(runs: int) -> list[Row]:
    """A step update as the window does it: compose the step for 1200×800 (the run's
    arrangement is cached, the step's composition is not), build the scene, paint a frame."""
    from stridescope.engine.interpret.runner import run_script
    from stridescope.engine.picture import compose as compose_module
    from stridescope.engine.picture.compose import compose
    from stridescope.engine.picture.scene import Viewport, ViewState
    from stridescope.gui.canvas.scene import CanvasScene
    from stridescope.gui.i18n import _
    from stridescope.gui.theme import LIGHT

    rows: list[Row] = []
    for n in (1024, 4096):
        side = int(n ** 0.5)
        result = run_script(f"import torch\nx = torch.arange({n}).reshape({side}, -1)\n"
                            "y = x.t()\n")
        scene = CanvasScene(LIGHT)
        viewport = Viewport(1200, 800)
        state = {"step": len(result.steps) - 1}

        def update() -> None:
            compose_module._compose_cached.cache_clear()  # a step not shown before
            state["step"] = 2 * len(result.steps) - 3 - state["step"]  # the last two steps
            composed = compose(result, ViewState(step=state["step"]), viewport, _)
            scene.show_scene(composed, LIGHT)
            frame(scene)
        update()  # the run's arrangement, as after running the script
        samples = timed(update, max(runs, 7))
        floor = timed(lambda: frame(None), max(runs, 7))
        rows.append((f"step update, {n:,} elements (compose + scene + 1200×800 frame)",
                     samples, floor, "ms", "≤ 16 ms"))
    return rows


def animation_rows() -> list[Row]:
    from stridescope.engine.interpret.runner import run_script
    from stridescope.engine.picture.compose import compose
    from stridescope.engine.picture.scene import Viewport, ViewState
    from stridescope.engine.picture.transition import frame_at
    from stridescope.gui.canvas.scene import CanvasScene
    from stridescope.gui.canvas.view import CanvasView
    from stridescope.gui.i18n import _
    from stridescope.gui.theme import LIGHT

    rows: list[Row] = []
    for label, script, goal in (
        ("animation frame, 1,000 moving cells (view)",
         "import torch\nx = torch.arange(1000).reshape(25, 40)\ny = x.t()\n",
         "≤ 16.7 / ≤ 25 ms"),
        ("copy animation, 1,000 flying cells",
         "import torch\nx = torch.arange(1000).reshape(25, 40)\ny = x.t().contiguous()\n",
         "≤ 16.7 / ≤ 33 ms"),
    ):
        result = run_script(script)
        scene = CanvasScene(LIGHT)
        view = CanvasView(scene)  # a real view: repaints go through its item caches
        view.resize(1200, 800)
        view.show()
        floor = timed(lambda: view.viewport().grab(), 20)  # an empty view repainted
        size = view.viewport().size()
        composed = compose(result, ViewState(step=len(result.steps) - 1, animate=True),
                           Viewport(size.width(), size.height()), _)
        scene.show_scene(composed, LIGHT)
        view.fit()
        view.viewport().grab()
        plan = composed.plan
        start = time.perf_counter()
        scene.begin_animation()  # as stridescope.gui.animation does before its clock starts
        begin = (time.perf_counter() - start) * 1000
        times = Samples(cpu=[])
        for i in range(60):
            start, start_cpu = time.perf_counter(), time.process_time()
            scene.show_frame(frame_at(plan, i / 59))
            view.viewport().grab()  # forces a full paint of the viewport
            times.append((time.perf_counter() - start) * 1000)
            times.cpu.append((time.process_time() - start_cpu) * 1000)
        scene.end_animation()
        view.close()
        rows.append((f"{label} ({plan.kind}, {len(plan.motions)} moving), 60 frames", times,
                     floor, "ms", goal))
        rows.append(("  … preparing it before the clock starts", [begin], None, "ms", "—"))
    return rows


def big_rows(runs: int) -> list[Row]:
    from PySide6.QtCore import QRectF

    from stridescope.engine.interpret.runner import run_script
    from stridescope.engine.picture.compose import compose
    from stridescope.engine.picture.scene import Viewport, ViewState
    from stridescope.gui.canvas.scene import CanvasScene
    from stridescope.gui.i18n import _
    from stridescope.gui.theme import LIGHT

    result = run_script("import torch\nx = torch.arange(1_000_000).reshape(1000, 1000)\n"
                        "y = x.t()\n")
    scene = CanvasScene(LIGHT)
    samples = []
    compose_ms = []
    for _n in range(runs):
        start = time.perf_counter()
        composed = compose(result, ViewState(step=len(result.steps) - 1), Viewport(1200, 800),
                           _)
        scene.show_scene(composed, LIGHT)
        compose_ms.append((time.perf_counter() - start) * 1000)
        from stridescope.engine.picture import arrange
        from stridescope.engine.picture import compose as compose_module

        compose_module._compose_cached.cache_clear()
        arrange.choose_arrangement.cache_clear()
    zoomed_out = QRectF(0, 0, 1200 * 8, 800 * 8)
    samples = timed(lambda: frame(scene, zoomed_out), max(runs, 7))
    floor = timed(lambda: frame(None), max(runs, 7))
    return [("1M elements: compose + scene (no cache)", compose_ms, floor, "ms", "—"),
            ("1M elements: frame at 1/8 zoom", samples, floor, "ms", "≤ 16 ms")]


def quit_rows(runs: int) -> list[Row]:
    sys.path.insert(0, str(ROOT / "tools"))
    import quit_time

    samples = [quit_time.one_run(True)["Ctrl+Q to process end"] * 1000 for _ in range(runs)]
    return [("quitting the window (Ctrl+Q → process end)", samples, None, "ms", "≤ 500 ms")]


def report(rows: list[Row]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'median':>8} {'worst':>8}  {'floor med':>9} {'worst':>8}"
          f"  {'ratio':>6}  {'CPU ratio':>9}  goal")
    for name, samples, floor, unit, goal in rows:
        med, worst = statistics.median(samples), max(samples)
        if floor:
            fmed, fworst = statistics.median(floor), max(floor)
            ratio = f"{med / fmed:5.2f}×" if fmed > 0 else "   —"
            base = f"{fmed:9.1f} {fworst:8.1f}"
        else:
            ratio, base = "   —", f"{'—':>9} {'—':>8}"
        cpu, floor_cpu = getattr(samples, "cpu", None), getattr(floor, "cpu", None)
        if cpu and floor_cpu and getattr(samples, "whole", False):
            cpu_ratio = f"{statistics.median(cpu) / statistics.median(floor_cpu):8.2f}×"
        elif cpu:
            cpu_ratio = f"{statistics.median(cpu):6.1f} ms"
        else:
            cpu_ratio = f"{'—':>9}"
        print(f"{name:<{width}}  {med:8.1f} {worst:8.1f}  {base}  {ratio:>6}  {cpu_ratio}  "
              f"{goal} ({unit}, n={len(samples)})")
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores. "
          "CPU ratio: the same medians in CPU time, the worker process's included (work that "
          "overlaps on a free machine); in-process rows show their CPU median.")


def scale_script(statements: int, names: int = 50) -> str:
    """The issue's long script: `tK = base[i:, ::s].t()` over `names` names."""
    lines = ["import torch", "base = torch.arange(64).reshape(8, 8)"]
    lines += [f"t{i % names} = base[{i % 7}:, ::{i % 3 + 1}].t()" for i in range(statements - 2)]
    return "\n".join(lines) + "\n"


def views_script(names: int) -> str:
    """`names` named slices of one storage, then a statement about the fourth."""
    return ("import torch\nbase = torch.arange(4096)\n"
            + "".join(f"v{i} = base[{i}:{i} + 10]\n" for i in range(names))
            + "last = v3.view(2, 5)\n")


def scale_rows(quick: bool) -> list[Row]:
    """--json and --export of long scripts, each size against the one ten times smaller; the
    trace file's size; the changes form (--json --changes) against the full trace; the
    runner's time per statement in-process; 2,000 names on one storage against 100."""
    sizes = (100, 1_000) if quick else (100, 1_000, 10_000)
    rows: list[Row] = []
    previous: dict[str, tuple[float, float]] = {}
    for n in sizes:
        script = OUT / f"scale-{n}.py"
        script.write_text(scale_script(n))
        for mode, args in (("--json", ["--json", str(OUT / f"scale-{n}.json")]),
                           ("--export", ["--export", str(OUT / f"scale-{n}.png")])):
            wall, peak, _ = process(["main.py", "--script", str(script), *args], f"{mode} {n}")
            base = previous.get(mode)
            rows.append((f"{mode} of {n:,} statements (ratio: vs {n // 10:,})", [wall],
                         [base[0]] if base else None, "ms", "≤ 11× the size ÷ 10"))
            rows.append((f"  … largest process ({mode}, ratio: vs 100 statements)", [peak],
                         [previous.get(mode + "rss", (peak,))[0]] if n > 100 else None, "MB",
                         "≤ 2× at 10,000"))
            previous[mode] = (wall, peak)
            previous.setdefault(mode + "rss", (peak,))
        full_mb = (OUT / f"scale-{n}.json").stat().st_size / 2**20
        rows.append((f"  … trace file of {n:,} statements (ratio: vs {n // 10:,})", [full_mb],
                     [previous["size"][0]] if "size" in previous else None, "MB",
                     "grows with the script"))
        previous["size"] = (full_mb, 0)
        changes = OUT / f"scale-{n}.changes.json"
        wall, _, _ = process(["main.py", "--script", str(script), "--json", str(changes),
                              "--changes"], f"changes {n}")
        rows.append((f"--json --changes of {n:,} statements (ratio: vs --json)", [wall],
                     [previous["--json"][0]], "ms", "≈ 1× (the same run, less to write)"))
        rows.append((f"  … its file (ratio: vs the full trace, {full_mb:,.1f} MB)",
                     [changes.stat().st_size / 2**20], [full_mb], "MB", "what changed"))
    rows += runner_rows()
    walls: dict[int, list[float]] = {100: [], 2_000: []}
    for names in walls:
        (OUT / f"views-{names}.py").write_text(views_script(names))
    for _ in range(3):  # paired: a busy moment falls on both
        for names in walls:
            walls[names].append(process(
                ["main.py", "--script", str(OUT / f"views-{names}.py"), "--export",
                 str(OUT / f"views-{names}.png")], f"views {names}")[0])
    rows.append(("--export, 2,000 names on one storage (ratio: vs 100 names)", walls[2_000],
                 walls[100], "ms", "≤ 2×"))
    return rows


def runner_rows() -> list[Row]:
    """run_script in this process, microseconds per statement: 2,000 statements against 200
    (50 names rebound), and 2,000 names alive against 200 (a name a statement)."""
    from stridescope.engine.interpret.runner import run_script
    from stridescope.engine.model.limits import Limits

    def per_statement(source: str, statements: int) -> list[float]:
        out = []
        for _ in range(3):
            start = time.perf_counter()
            run_script(source, Limits(max_statements=100_000))
            out.append((time.perf_counter() - start) * 1e6 / statements)
        return out

    rows: list[Row] = []
    for label, script in (("statements", scale_script), ("names alive", views_script)):
        short, long = per_statement(script(200), 200), per_statement(script(2_000), 2_000)
        rows.append((f"run_script per statement, 2,000 {label} (ratio: vs 200)", long, short,
                     "µs", "≤ 2.5× (no quadratic path)"))
    return rows


def window_scale_rows(quick: bool) -> list[Row]:
    """A step key press on a long script in the real window (1280×800, reduced motion: the
    controller, every panel, the canvas's compose and one repaint); an edit of its last line,
    typed into the window's editor, until the result is on screen (the worker resumes from a
    checkpoint: engine/worker/checkpoints.py), and the same edit in the worker alone; the
    worker's memory with its checkpoints."""
    from stridescope.engine.worker.client import WorkerPool
    from stridescope.gui.app import ensure_app
    from stridescope.gui.main_window import MainWindow

    big, small = (1_000 if quick else 10_000), 100
    app = ensure_app()
    keys: dict[int, Samples] = {}
    edits: dict[int, list[float]] = {}
    worker_edits: dict[int, list[float]] = {}
    memory: dict[int, float] = {}
    for n in (small, big):
        source = scale_script(n)
        head = source.rstrip("\n").rsplit("\n", 1)[0]
        window = MainWindow()
        window.resize(1280, 800)
        window.set_reduced_motion(True)
        window.show()
        controller = window.controller

        def shown(script: str) -> None:
            while controller.document.script != script or controller.runner.busy:
                app.processEvents()
                time.sleep(0.001)
        window.code.set_script(source)
        window.code.run()
        shown(source)
        time.sleep(1.5)  # the worker warms its imports after a first run
        edits[n] = []
        for k in range(6):  # each a real change of the last line, as typed
            edited = f"{head}\nt1 = base[{k % 3}:].t()\n"
            window.code.editor.setPlainText(edited)
            start = time.perf_counter()
            window.code.run()
            shown(edited)
            window.repaint()
            edits[n].append((time.perf_counter() - start) * 1000)
        controller.goto(len(controller.document.steps) // 2)
        app.processEvents()

        def press(window=window) -> None:
            window.controller.step_forward()
            app.processEvents()
            window.repaint()
        press()
        keys[n] = timed(press, 15)
        pool = controller.runner.pool
        memory[n] = _tree_pss_mb(pool._process.popen.pid)
        worker_edits[n] = []
        for k in range(5):
            edited = f"{head}\nt2 = base[{k % 3}:].t()\n"
            # edits come at least the editor's debounce (700 ms) apart; back to back, each
            # would also wait for the last resumed run's process to be torn down (~45 ms)
            time.sleep(0.3)
            start = time.perf_counter()
            pool.start(edited).wait()
            worker_edits[n].append((time.perf_counter() - start) * 1000)
        window.close()
        controller.runner.shutdown()
    with WorkerPool(warm=False) as plain:  # the same script, no checkpoints: the floor
        plain.run(scale_script(big))
        time.sleep(0.5)
        floor = _tree_pss_mb(plain._process.popen.pid)
    return [
        (f"step key press, {big:,}-statement script (vs {small})", keys[big], keys[small],
         "ms", "≤ 16 ms"),
        (f"edit of the last line in the window, {big:,} statements, until shown (vs {small})",
         edits[big], edits[small], "ms", "≤ 2×"),
        (f"  … the worker's part of it (vs {small})", worker_edits[big], worker_edits[small],
         "ms", "≤ 2×"),
        (f"  … worker memory with its checkpoints, {big:,} statements (vs {small})",
         [memory[big]], [memory[small]], "MB", "bounded (≤ 16 kept)"),
        (f"  … vs a worker that keeps none ({big:,} statements)", [memory[big]], [floor], "MB",
         "what checkpoints cost"),
    ]


def _tree_pss_mb(pid: int) -> float:
    """The memory a process and its descendants hold (sum of PSS: shared pages counted once)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    parent = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="paired runs per figure (≥ 5)")
    parser.add_argument("--only", default="process,step,anim,big,quit,scale",
                        help="comma-separated groups: process, step, anim, big, quit, scale")
    parser.add_argument("--quick", action="store_true",
                        help="scale: 100 and 1,000 statements only (not 10,000)")
    args = parser.parse_args()
    groups = set(args.only.split(","))
    rows: list[Row] = []
    if "process" in groups:
        rows += process_rows(args.runs)
    if "scale" in groups:
        rows += scale_rows(args.quick)
    if groups & {"step", "anim", "big", "scale", "edit"}:
        from stridescope.gui.app import ensure_app

        ensure_app()
    if "step" in groups:
        rows += step_rows(args.runs)
    if "anim" in groups:
        rows += animation_rows()
    if "big" in groups:
        rows += big_rows(args.runs)
    if groups & {"scale", "edit"}:  # edit: the window's rows of scale alone
        rows += window_scale_rows(args.quick)
    if "quit" in groups:
        rows += quit_rows(args.runs)
    report(rows)


if __name__ == "__main__":
    main()
