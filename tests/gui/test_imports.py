"""What the window and a PNG export import (the cycle and layer checks are in
tests/test_architecture.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_start_and_png_export_import_only_what_they_need(tmp_path):
    """The window's modules and a headless PNG export (issue 13): no pyqtgraph, no SymPy
    (the meta-device arange reference imported it), no QtSvg or PDF writer for a PNG."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "import stridescope.gui.main_window\n"
            "from stridescope.engine.interpret.runner import run_script\n"
            "from stridescope.gui.export import export_still\n"
            "export_still(run_script('import torch\\nx = torch.arange(12).reshape(3, 4)\\n'),"
            f" {str(tmp_path / 'x.png')!r})\n"
            "print(sorted(m for m in ('pyqtgraph', 'sympy', 'PySide6.QtSvg') "
            "if m in sys.modules))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
