"""engine/ never imports Qt or pyqtgraph (checked in a fresh interpreter)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_no_qt():
    modules = [p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__"]
    code = (
        "import sys\n"
        + "".join(f"import engine.{m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in "
          "('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_engine_never_calls_exec_eval_compile_or_pickle():
    for path in (ROOT / "engine").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("exec", "eval", "compile", "__import__"), path
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                banned = {"pickle", "marshal", "shelve", "subprocess", "shutil"}
                if path.name in ("worker.py", "worker_child.py", "worker_spawn.py"):  # the boundary
                    banned -= {"subprocess"}
                elif path.name != "session_file.py":  # the one module that writes files
                    banned.add("os")
                assert not any(n.split(".")[0] in banned for n in names), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("load", "from_file"), f"{path}: .{node.attr}"


def test_the_app_side_of_the_engine_imports_no_torch():
    """What the window needs to run scripts and show them never imports torch itself."""
    code = (
        "import sys\n"
        "import engine.worker, engine.session, engine.wire, engine.trace, engine.picture, "
        "engine.transition, engine.session_file, engine.script, engine.ops, engine.quiz\n"
        "assert 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
