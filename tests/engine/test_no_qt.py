"""engine/ never imports Qt or pyqtgraph (checked in a fresh interpreter)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_no_qt():
    modules = [".".join(p.relative_to(ROOT / "engine").with_suffix("").parts)
               for p in (ROOT / "engine").rglob("*.py") if p.stem != "__init__"]
    assert len(modules) > 30
    code = (
        "import sys\n"
        + "".join(f"import stridescope.engine.{m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in "
          "('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_engine_never_calls_exec_eval_compile_or_pickle():
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("exec", "eval", "compile", "__import__"), path
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                banned = {"pickle", "marshal", "shelve", "subprocess", "shutil"}
                if path.parent.name == "worker" and path.name != "wire.py":  # the boundary
                    banned -= {"subprocess"}
                elif path.name != "session_file.py":  # the one module that writes files
                    banned.add("os")
                assert not any(n.split(".")[0] in banned for n in names), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("load", "from_file"), f"{path}: .{node.attr}"


def test_the_app_side_of_the_engine_imports_no_torch():
    """What the window needs to run scripts and show them never imports torch itself."""
    modules = ["worker.client", "document.session", "worker.wire", "document.trace",
               "picture.content", "picture.compose", "picture.transition",
               "document.session_file", "interpret.script", "document.ops", "teaching.quiz"]
    code = ("import sys\n" + "".join(f"import stridescope.engine.{m}\n" for m in modules)
            + "assert 'torch' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
