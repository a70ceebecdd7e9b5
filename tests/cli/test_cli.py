"""main.py as a user runs it: exit codes, JSON on stdout, exports, the window smoke test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    # a fresh settings folder per run: a window geometry saved by an earlier test must not
    # decide this one's size
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                   "STRIDESCOPE_CONFIG_DIR": tempfile.mkdtemp(prefix="stridescope-cli-"),
                   **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=environment)


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("import torch\nx = torch.arange(6).view(2, 3)\nprint(x.t().stride())\n"
                    "y = x.t().view(6)\n")
    return path


def test_json_to_stdout(script):
    done = run("--script", str(script), "--json", "-")
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    assert trace["format"] == "stridescope-trace/1"
    assert [s["line"] for s in trace["steps"]] == [1, 2, 3, 4]
    assert trace["steps"][2]["stdout"] == "(1, 3)\n"
    assert trace["steps"][3]["error"]["type"] == "RuntimeError"
    assert trace["steps"][3]["error"]["explanation"]["blockers"]


def test_json_to_file(script, tmp_path):
    out = tmp_path / "t.json"
    assert run("--script", str(script), "--json", str(out)).returncode == 0
    assert json.loads(out.read_text())["steps"][1]["tensors"]["x"]["stride"] == [3, 1]


def test_json_changes_form(script, tmp_path):
    out = tmp_path / "c.json"
    done = run("--script", str(script), "--json", str(out), "--changes")
    assert done.returncode == 0, done.stderr
    trace = json.loads(out.read_text())
    assert trace["format"] == "stridescope-trace-changes/1"
    assert trace["steps"][2]["names"] == ["x"] and trace["steps"][2]["tensors"] == {}
    assert trace["steps"][1]["tensors"]["x"]["stride"] == [3, 1]
    assert run("--script", str(script), "--changes").returncode == 2


def test_syntax_error_gives_empty_steps_and_exit_0(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ny = (\n")
    done = run("--script", str(bad), "--json", "-")
    assert done.returncode == 0
    trace = json.loads(done.stdout)
    assert trace["steps"] == [] and trace["error"]["type"] == "SyntaxError"
    assert trace["error"]["line"] == 2


@pytest.mark.parametrize("args", [
    ("--script", "/no/such/file.py", "--json", "-"),
    ("--json", "-"),
    ("--script", "{script}"),
    ("--script", "{script}", "--export", "x.bmp"),
    ("--script", "{script}", "--export", "x.png", "--size", "12by3"),
    ("--script", "{script}", "--export", "x.png", "--step", "0"),
    ("--script", "{script}", "--export", "x.png", "--step", "99"),
    ("--script", "{script}", "--export", "{tmp}/x.png", "--focus", "nope"),
    ("--lesson", "no-such-lesson", "--export", "x.png"),
    ("--bogus",),
])
def test_bad_arguments_exit_2_with_a_message(args, script, tmp_path):
    args = [a.format(script=script, tmp=tmp_path) for a in args]
    done = run(*args)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    assert done.stderr.strip()


def test_unreadable_binary_file_exits_2(tmp_path):
    binary = tmp_path / "b.py"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    done = run("--script", str(binary), "--json", "-")
    assert done.returncode == 2 and "UTF-8" in done.stderr


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_export_headless(script, tmp_path, suffix):
    out = tmp_path / f"x.{suffix}"
    done = run("--script", str(script), "--export", str(out), "--step", "2", "--size", "640x480")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000


def test_list_lessons_and_export_a_lesson(tmp_path):
    done = run("--list-lessons")
    assert done.returncode == 0 and "tutorial" in done.stdout.split()
    out = tmp_path / "l.png"
    assert run("--lesson", "tutorial", "--export", str(out), "--lang", "zh_CN").returncode == 0
    assert out.stat().st_size > 1000


def test_window_smoke_opens_and_screenshots(tmp_path):
    out = tmp_path / "w.png"
    done = run("--screenshot", str(out), timeout=90)
    assert done.returncode == 0, done.stderr
    from PIL import Image

    with Image.open(out) as image:
        assert image.width > 800 and image.height > 500


@pytest.mark.parametrize("size", [(1280, 720), (1000, 900)])
def test_screenshot_is_taken_at_the_given_size(tmp_path, size):
    # a fresh settings folder (run) restores no geometry, so only --size can give this size
    out = tmp_path / "w.png"
    done = run("--screenshot", str(out), "--size", f"{size[0]}x{size[1]}", timeout=90)
    assert done.returncode == 0, done.stderr
    from PIL import Image

    with Image.open(out) as image:
        assert image.size == size


@pytest.mark.parametrize("suffix", ["gif", "mp4"])
def test_animation_export_headless(script, tmp_path, suffix):
    out = tmp_path / f"a.{suffix}"
    done = run("--script", str(script), "--export", str(out), "--step", "2", "--size",
               "480x320", "--fps", "8")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000


def test_export_steps_writes_one_png_per_step(script, tmp_path):
    folder = tmp_path / "figures"
    done = run("--script", str(script), "--export-steps", str(folder), "--size", "480x320")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [f"step-0{i}.png" for i in (1, 2, 3, 4)]


def test_export_steps_with_substeps_adds_each_call_after_its_statement(tmp_path):
    path = tmp_path / "chain.py"
    path.write_text("import torch\na = torch.ones(3, 4)\n"
                    "b = a.transpose(0, 1).contiguous().view(1, 12)\n")
    folder = tmp_path / "figures"
    done = run("--script", str(path), "--export-steps", str(folder), "--size", "480x320",
               "--substeps", "--gif", "--fps", "4")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert [n for n in names if n.endswith(".png")] == [
        "step-01.png", "step-02.png", "step-03.png", "step-03_call1.png", "step-03_call2.png",
        "step-03_call3.png"]
    assert "step-03_call2.gif" in names
    pngs = {n: (folder / n).read_bytes() for n in names if n.startswith("step-03")}
    assert len(set(pngs.values())) == len(pngs)  # each call draws its own picture
    assert run("--script", str(path), "--export", "x.png", "--substeps").returncode == 2


def test_bad_fps_exits_2(script):
    assert run("--script", str(script), "--export", "a.gif", "--fps", "0").returncode == 2


def test_json_explanations_follow_lang(tmp_path):
    path = tmp_path / "e.py"
    path.write_text("import torch\nx = torch.arange(3).view(3, 1).expand(3, 4)\n"
                    "x.add_(1)  #! expect-error\ny = x[::-1]\n")
    done = run("--script", str(path), "--json", "-", "--lang", "zh_CN")
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    overlap, step = steps[2]["error"]["explanation"], steps[3]["error"]["explanation"]
    assert overlap["kind"] == "overlapping_write" and overlap["cells"] == [0, 1, 2]
    assert "存储单元 0" in overlap["text"] and step["kind"] == "negative_step"
    assert "间隔" in step["text"] and step["receiver"]["shape"] == [3, 4]
    from stridescope.engine.document.trace import trace_json
    from stridescope.engine.interpret.runner import (
        run_script,  # English, the default, without a second process
    )

    english = trace_json(run_script(path.read_text()))["steps"]
    assert english[2]["error"]["explanation"]["text"].startswith("x has stride 0 in dim 1")


def test_json_writes_numpy_arrays_and_the_memory_they_share(tmp_path):
    path = tmp_path / "np.py"
    path.write_text("import torch\nimport numpy as np\nt = torch.ones(2, 3)\nn = t.T.numpy()\n"
                    "m = np.arange(4.)\nu = torch.from_numpy(m)\n")
    done = run("--script", str(path), "--json", "-")
    assert done.returncode == 0, done.stderr
    last = json.loads(done.stdout)["steps"][-1]
    n, m = last["arrays"]["n"], last["arrays"]["m"]
    assert n["strides"] == [4, 12] and n["f_contiguous"] and not n["owndata"]
    assert n["data_ptr"] - last["tensors"]["t"]["storage_data_ptr"] == 0
    assert m["storage_id"] == last["tensors"]["u"]["storage_id"] and m["values"] == [0, 1, 2, 3]
    assert last["tensors"]["u"]["numpy_memory"]["id"] == m["memory_id"]


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_export_walk_headless(script, tmp_path, suffix):
    out = tmp_path / f"walk.{suffix}"
    done = run("--script", str(script), "--export-walk", str(out), "--step", "2", timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000


def test_export_walk_bad_arguments_exit_2(script, tmp_path):
    done = run("--script", str(script), "--export-walk", str(tmp_path / "w.pdf"))
    assert done.returncode == 2 and ".png or .svg" in done.stderr
    done = run("--script", str(script), "--export-walk", str(tmp_path / "w.png"),
               "--focus", "nope", timeout=120)
    assert done.returncode == 2 and "no tensor named 'nope'" in done.stderr
