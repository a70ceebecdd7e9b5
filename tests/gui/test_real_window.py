"""One real X11 window under Xvfb: the app starts, paints, and a screen grab shows it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xvfb


def test_real_window_under_xvfb(xvfb, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb, QT_QPA_PLATFORM="xcb")
    shot = tmp_path / "window.png"
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--screenshot", str(shot),
                            "--step", "5"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    screen = tmp_path / "screen.png"
    grabbed = False
    if shutil.which("import"):
        # capture the real X screen while the window is up (before it saves and quits)
        time.sleep(2.5)
        if app.poll() is None:
            grabbed = subprocess.run(["import", "-window", "root", str(screen)], env=env,
                                     capture_output=True, timeout=30).returncode == 0
    out, err = app.communicate(timeout=90)
    assert app.returncode == 0, err
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 800
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # painted, not blank
    if grabbed:
        with Image.open(screen) as image:
            assert image.size == (1600, 1000)
