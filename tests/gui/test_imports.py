"""gui/ has no import circle (counting imports inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def gui_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "gui").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        targets = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from gui import operations` imports the module gui.operations
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            targets.update(n for n in names if n.startswith("gui.") or n == "gui")
    modules = set(graph)
    return {m: {t for t in ts if t in modules and t != m} for m, ts in graph.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_gui_has_no_import_cycle():
    graph = gui_imports()
    assert "gui.main_window" in graph and graph["gui.main_window"]
    cycle = find_cycle(graph)
    assert cycle is None, " → ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_start_and_png_export_import_only_what_they_need(tmp_path):
    """The window's modules and a headless PNG export (issue 13): no pyqtgraph, no SymPy
    (the meta-device arange reference imported it), no QtSvg or PDF writer for a PNG."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "import gui.main_window\n"
            "from engine.runner import run_script\n"
            "from gui.export import export_still\n"
            "export_still(run_script('import torch\\nx = torch.arange(12).reshape(3, 4)\\n'),"
            f" {str(tmp_path / 'x.png')!r})\n"
            "print(sorted(m for m in ('pyqtgraph', 'sympy', 'PySide6.QtSvg') "
            "if m in sys.modules))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
