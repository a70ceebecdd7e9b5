"""Stridescope as a user installs it: a wheel in a fresh venv, run from a folder that is not
the checkout (issue 19). The wheel must carry everything the app reads at run time and
install nothing at the top level but `stridescope`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"stridescope": "stridescope", "engine": "stridescope/engine",
           "gui": "stridescope/gui", "resources": "stridescope/resources"}
# what the app opens while it lists lessons, exports a Chinese picture, writes a trace and
# draws a figure (recorded with an audit hook below, then looked for in the wheel)
RUNTIME_ACTIONS = [
    ["--list-lessons"],
    ["--lesson", "tutorial", "--lang", "zh_CN", "--export", "{tmp}/zh.png", "--step", "3"],
    ["--lesson", "07_when_view_works", "--lang", "zh_CN", "--json", "{tmp}/t.json"],
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    (path,) = out.glob("stridescope-*.whl")
    return path


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def checkout_file_in_wheel(path: Path) -> str | None:
    """Where a checkout file lies in the wheel, or None for files the wheel leaves out."""
    relative = path.relative_to(ROOT)
    folder = relative.parts[0]
    if folder not in FOLDERS or "__pycache__" in relative.parts:
        return None
    if relative.parts[:2] == ("resources", "screenshots"):  # the README's pictures
        return None
    return "/".join((FOLDERS[folder], *relative.parts[1:]))


def test_the_wheel_installs_one_top_level_name(wheel):
    names = wheel_names(wheel)
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"stridescope"}
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(top_level).decode().split() == ["stridescope"]
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"stridescope = stridescope.cli:run" in entry_points


def test_the_wheel_carries_every_source_and_data_file(wheel):
    names = wheel_names(wheel)
    expected = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and not path.name.endswith(".pyc"):
                where = checkout_file_in_wheel(path)
                if where:
                    expected[where] = path
    missing = sorted(set(expected) - names)
    assert not missing, missing
    assert any(n.endswith("translations/stridescope_zh_CN.qm") for n in names)
    assert sum(n.startswith("stridescope/resources/lessons/") for n in names) >= 20


def test_every_file_the_app_reads_at_run_time_is_in_the_wheel(wheel, tmp_path):
    """Record (audit hook) every file under the checkout that real runs open, in this
    process and in the worker, and find each in the wheel."""
    log = tmp_path / "opened.txt"
    hook = (
        "import os, sys\n"
        f"LOG, ROOT = {str(log)!r}, {str(ROOT)!r}\n"
        "def hook(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str) and args[0].startswith(ROOT):\n"
        "        with open(LOG, 'a') as f: f.write(args[0] + '\\n')\n"
        "sys.addaudithook(hook)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for action in RUNTIME_ACTIONS:
        args = [a.replace("{tmp}", str(tmp_path)) for a in action]
        code = hook + f"from stridescope.cli import main\nsys.exit(main({args!r}))\n"
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    opened = {Path(p) for p in log.read_text().split() if Path(p).is_file()}
    data = {p for p in opened if p.suffix not in (".py", ".pyc") and ".venv" not in p.parts}
    assert any(p.suffix == ".qm" or p.suffix == ".ts" for p in data), data  # it saw the reads
    names = wheel_names(wheel)
    missing = sorted(str(p) for p in data if checkout_file_in_wheel(p) not in names)
    assert not missing, missing


# ----------------------------------------------------------------------------- installed
@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with torch 2.13.0 and only the wheel installed."""
    where = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    for requirement in (["torch==2.13.0"], [str(wheel)]):
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *requirement],
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.fail(f"pip install {requirement}: {done.stderr[-2000:]}")
    return where


def run_installed(installed: Path, args: list[str], cwd: Path,
                  **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment.update({"QT_QPA_PLATFORM": "offscreen", **env})
    return subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_installed_the_commands_work_from_any_folder(installed, elsewhere):
    from stridescope import __version__
    from stridescope.engine.teaching.lessons import lesson_names

    command = str(installed / "bin" / "stridescope")
    version = run_installed(installed, [command, "--version"], elsewhere)
    assert version.returncode == 0 and version.stdout.strip() == f"stridescope {__version__}"
    listed = run_installed(installed, [command, "--list-lessons"], elsewhere)
    assert listed.stdout.split() == lesson_names()
    python = str(installed / "bin" / "python")
    trace = run_installed(installed, [python, "-m", "stridescope", "--lesson",
                                      "07_when_view_works", "--lang", "zh_CN", "--json", "-"],
                          elsewhere)
    assert trace.returncode == 0, trace.stderr
    doc = json.loads(trace.stdout)
    failed = [s for s in doc["steps"] if s["error"]]
    assert failed and any("步长" in json.dumps(s["error"], ensure_ascii=False) for s in failed)
    shown = run_installed(installed, [python, "-c", (
        "import stridescope, sys, torch\n"
        "a = torch.arange(12).reshape(3, 4)\n"
        "stridescope.figure(a=a, at=a.t()).save('figure.png')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('engine', 'gui', 'main')))\n")],
        elsewhere)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[-1] == "[]" and (elsewhere / "figure.png").stat().st_size > 5000
    files = run_installed(installed, [python, "-m", "pip", "show", "-f", "stridescope"],
                          elsewhere).stdout
    listed_files = [line.strip() for line in files.split("Files:")[1].splitlines() if line.strip()]
    tops = {f.split("/")[0] for f in listed_files if not f.startswith("..")}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"stridescope"}, tops


def test_installed_chinese_is_drawn_not_boxes(installed, elsewhere):
    png = elsewhere / "zh.png"
    done = run_installed(installed, [str(installed / "bin" / "stridescope"), "--lesson",
                                     "tutorial", "--lang", "zh_CN", "--step", "3", "--export",
                                     str(png)], elsewhere)
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 10_000
    # two different Chinese characters in the app's own font must look different from each
    # other and from characters no font has (which are all drawn as the same box)
    probe = (
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter, QColor\n"
        "from PySide6.QtCore import Qt\n"
        "app = QGuiApplication([])\n"
        "from stridescope.gui.canvas.painting import font\n"
        "def ink(text):\n"
        "    image = QImage(120, 60, QImage.Format.Format_RGB32)\n"
        "    image.fill(QColor('white'))\n"
        "    p = QPainter(image); p.setFont(font(40)); p.setPen(QColor('black'))\n"
        "    p.drawText(5, 50, text); p.end()\n"
        "    return bytes(image.constBits())\n"
        "a, b, box = ink('存'), ink('储'), ink('\\ue000')\n"
        "print(a != b, a != box, b != box)\n")
    out = run_installed(installed, [str(installed / "bin" / "python"), "-c", probe], elsewhere)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True"], "Chinese is drawn as boxes"


@pytest.mark.xvfb
def test_installed_real_window_under_xvfb(installed, elsewhere, xvfb):
    shot = elsewhere / "window.png"
    done = run_installed(installed, [str(installed / "bin" / "stridescope"), "--screenshot",
                                     str(shot), "--step", "4"], elsewhere, DISPLAY=xvfb,
                         QT_QPA_PLATFORM="xcb")
    assert done.returncode == 0, done.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 800
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50
