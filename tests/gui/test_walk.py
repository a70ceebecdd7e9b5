"""The Memory walk dock (View → Memory walk) and the headless --export-walk: pyqtgraph
draws the engine's walk; the dock follows the step and the grid hover."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gui.helpers import open_window

SCRIPT = ("import torch\n"
          "x = torch.arange(24, dtype=torch.float32).reshape(4, 6)\n"
          "t = x.t()\n")


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, tmp_path, SCRIPT)


def _walk_action(window):
    dock = window.docks["Memory walk"]
    return next(a for a in window.menuBar().actions()[-1].menu().actions()
                if a is dock.toggleViewAction())


def test_view_menu_opens_the_dock_and_it_follows_step_and_hover(window, qtbot):
    window.show()
    dock = window.docks["Memory walk"]
    assert not dock.isVisible() and window.walk.plot is None  # nothing computed while hidden
    _walk_action(window).trigger()
    qtbot.waitUntil(dock.isVisible)
    window.controller.last()
    plot = window.walk.plot
    assert plot is not None and plot.name == "t"
    # bytes 0, 24, 48, 72 of each row of t: lines 0, 0, 0, 1, then back to 0: 2 per row
    assert plot.walk.stride == (1, 6) and plot.walk.lines_fetched == 12
    x, y = plot.curve.getData()
    assert list(y[:4]) == [0, 24, 48, 72]  # t[0, 0..3] = x[0..3, 0]: one row of x apart
    scene = window.scene
    scene.show_grid_cell((), 2, 1)  # t[2, 1] = x[1, 2]: iteration 2·4 + 1 = 9, byte 32
    px, py = plot.point.getData()
    assert (list(px), list(py)) == ([9], [32])
    assert "iteration 9" in plot.figures.text()
    scene.clear_highlight()
    assert len(plot.point.getData()[0]) == 0
    window.controller.goto(1)  # x: contiguous, one straight diagonal
    assert plot.name == "x" and np.all(np.diff(plot.curve.getData()[1]) == 4)
    assert "fetched once" in plot.figures.text()


def test_dock_title_and_figures_follow_the_language(window, qtbot):
    window.show()
    window.docks["Memory walk"].show()
    window.controller.last()
    window.set_lang("zh_CN")
    try:
        assert window.docks["Memory walk"].windowTitle() == "内存遍历"
        assert _walk_action(window).text() == "内存遍历"
        assert "缓存行" in window.walk.plot.figures.text()
    finally:
        window.set_lang("en")


def test_export_walk_png_and_svg_keep_the_type_size_rule(tmp_path, qapp):
    from PySide6.QtGui import QImage

    from stridescope.engine.interpret.runner import run_script
    from stridescope.gui.walk_plot import MIN_PX, WalkPlot, export_walk, type_px

    result = run_script(SCRIPT)
    walk = export_walk(result, str(tmp_path / "w.png"), size=(1920, 1080))
    assert walk.stride == (1, 6)
    image = QImage(str(tmp_path / "w.png"))
    assert (image.width(), image.height()) == (1920, 1080)
    assert len({image.pixel(x, y) for x in range(0, 1920, 40) for y in range(0, 1080, 40)}) > 3
    export_walk(result, str(tmp_path / "w.svg"), focus="x")
    assert "<svg" in (tmp_path / "w.svg").read_text()
    assert min(type_px(1080)) >= MIN_PX and min(type_px(400)) >= MIN_PX
    plot = WalkPlot()
    plot.set_type(1080)
    fonts = [plot.title.font(), plot.figures.font(), plot.plot.getAxis("left").style["tickFont"]]
    assert min(f.pixelSize() for f in fonts) >= MIN_PX
    with pytest.raises(ValueError, match="no tensor named 'nope'"):
        export_walk(result, str(tmp_path / "n.png"), focus="nope")


def test_measure_button_shows_the_timing_beside_the_walk(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "import torch\n"
                    "x = torch.arange(128 * 64, dtype=torch.float32).reshape(128, 64)\n"
                    "t = x.t()\nq = x[:2]\n")
    w.show()
    w.docks["Memory walk"].show()
    w.controller.goto(2)  # t (step 0 is the import)
    panel = w.walk
    assert panel.plot.name == "t"
    panel.measure_button.click()
    text = panel.plot.figures.text()
    assert "this machine, CPU" in text and "x.contiguous()" in text
    w.controller.last()  # q: 128 elements, too few to time
    panel.measure_button.click()
    assert "timer's noise" in panel.plot.figures.text()
    assert panel.measure_button.isEnabled()


@pytest.mark.worker
def test_measure_runs_in_the_worker_and_a_script_run_wins(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_CONFIG_DIR", str(tmp_path))
    w = open_window(qtbot, tmp_path, "import torch\n"
                    "x = torch.arange(256 * 256, dtype=torch.float32).reshape(256, 256)\n"
                    "t = x.t()\n")
    w.show()
    qtbot.waitUntil(lambda: len(w.controller.document.steps) == 3, timeout=60_000)
    w.controller.last()  # t
    w.docks["Memory walk"].show()
    panel = w.walk
    assert panel.plot.name == "t"
    panel.measure_button.click()
    assert not panel.measure_button.isEnabled()
    qtbot.waitUntil(panel.measure_button.isEnabled, timeout=120_000)
    assert "this machine, CPU" in panel.plot.figures.text()
    # a script run started while a timing runs cancels the timing, and says so
    panel.measure_button.click()
    w.controller.runner.start("import torch\nx = torch.zeros(3)\n", None, lambda r: None)
    assert panel.measure_button.isEnabled()
    assert "cancelled" in panel.plot.figures.text()
