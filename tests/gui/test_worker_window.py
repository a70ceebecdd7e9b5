"""The window runs scripts in the worker: it never imports torch, stays responsive during a
long statement, and Cancel (Esc) stops it, keeping the last good picture and the text."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from stridescope.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
QUICK = "import torch\nx = torch.arange(6).view(2, 3)\ny = x.t()\n"
SLOW = QUICK + "a = torch.randn(1200, 1200)\nfor i in range(10**5):\n    b = a @ a\n"


@pytest.mark.worker
def test_the_window_never_imports_torch(tmp_path):
    code = textwrap.dedent("""
        import sys, time
        from stridescope.gui.app import ensure_app
        app = ensure_app()
        from stridescope.gui.main_window import MainWindow
        from stridescope.cli import default_lesson_path
        w = MainWindow()
        w.files.open_path(str(default_lesson_path()))
        w.show()
        end = time.monotonic() + 60
        while not w.controller.document.steps and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        assert w.controller.document.steps, "the tutorial did not run"
        w.view.grab()  # painted
        assert "torch" not in sys.modules, "the window imported torch"
        w.close()
        print("ok", len(w.controller.document.steps))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                              "STRIDESCOPE_CONFIG_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("ok")


@pytest.mark.worker
def test_a_long_statement_can_be_cancelled_while_the_window_responds(qtbot, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_CONFIG_DIR", str(tmp_path))  # its geometry stays here
    window = MainWindow()
    qtbot.addWidget(window)
    path = tmp_path / "quick.py"
    path.write_text(QUICK)
    window.files.open_path(str(path))
    window.show()
    qtbot.waitUntil(lambda: len(window.controller.document.steps) == 3, timeout=60_000)
    good = window.controller.document

    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    window.code.editor.setPlainText(SLOW)
    window.code.run()  # returns at once: the statement runs in the worker
    assert window.controller.running
    qtbot.waitUntil(lambda: window.run_progress.isVisible(), timeout=5000)
    before = len(ticks)
    qtbot.wait(500)
    assert len(ticks) - before >= 5  # the event loop kept turning during the statement
    assert window.controller.running

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5000)
    timer.stop()
    assert window.controller.document is good  # the last good picture stays
    assert window.code.editor.toPlainText() == SLOW  # and so does the user's text
    assert not window.run_progress.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()

    window.controller.set_script(QUICK + "z = y.contiguous()\n")  # a fresh worker answers
    qtbot.waitUntil(lambda: len(window.controller.document.steps) == 4, timeout=30_000)
    assert window.controller.document.steps[-1].error is None
    window.close()


@pytest.mark.worker
def test_edits_and_limits_through_the_worker(qtbot, tmp_path, monkeypatch):
    from stridescope.engine.model.limits import Limits

    monkeypatch.setenv("STRIDESCOPE_CONFIG_DIR", str(tmp_path))
    window = MainWindow()
    qtbot.addWidget(window)
    path = tmp_path / "quick.py"
    path.write_text(QUICK)
    window.files.open_path(str(path))
    qtbot.waitUntil(lambda: len(window.controller.document.steps) == 3, timeout=60_000)
    assert window.controller.append("z = y.contiguous()") is None  # the answer comes later
    qtbot.waitUntil(lambda: len(window.controller.document.steps) == 4, timeout=30_000)
    assert window.controller.document.steps[-1].tensor("z").is_contiguous
    window.controller.undo_stack.undo()
    assert len(window.controller.document.steps) == 3  # undo swaps documents: no rerun

    window.controller.limits = Limits(max_seconds=0.5)
    good_tensors = window.controller.document.steps[-1].tensors
    window.controller.set_script(SLOW)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30_000)
    last = window.controller.document.steps[-1]
    assert last.error.type == "TimeLimitError" and last.line == 5
    assert "longer than 0.5 s" in window.statusBar().currentMessage()
    assert [(t.name, t.shape, t.stride) for t in last.tensors[:2]] == \
        [(t.name, t.shape, t.stride) for t in good_tensors[:2]]  # what ran before stays
    window.close()


def test_a_named_pipe_is_not_opened_as_a_script(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setenv("STRIDESCOPE_CONFIG_DIR", str(tmp_path))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[-1]))
    window = MainWindow()
    qtbot.addWidget(window)
    pipe = tmp_path / "pipe.py"
    os.mkfifo(pipe)  # nobody writes: reading it would hang the window
    assert not window.files.open_path(str(pipe))
    assert "not a regular file" in warned[0]
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfimport torch\nx = torch.ones(2)\n")
    assert window.files.open_path(str(bom))
    assert window.controller.document.steps[-1].error is None
