"""The folders are the architecture: imports run one way between subsystems, with no cycle.

Every module of the package (stridescope/, engine/, gui/, resources/) is read as text, and
every import counts, those inside functions too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"stridescope": "stridescope", "engine": "stridescope.engine",
           "gui": "stridescope.gui", "resources": "stridescope.resources"}

# Which engine subpackage may import which (the layers in engine/__init__.py). A subpackage
# may always import itself and stridescope.resources.
ENGINE_LAYERS = ["model", "teaching", "interpret", "worker", "picture", "document", "live"]
MAY_IMPORT = {
    "model": set(),
    "teaching": {"model"},
    "interpret": {"model", "teaching"},
    "worker": {"model", "teaching", "interpret"},
    "picture": {"model", "teaching"},
    "document": {"model", "teaching", "interpret", "worker", "picture"},
    "live": {"model", "teaching", "document"},
}
MAX_LINES = 600


def package_files() -> dict[str, Path]:
    """dotted module name -> file, for every module the wheel installs."""
    modules = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if "lessons" in parts:  # lesson scripts are data, never imported
                continue
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            modules[".".join((package, *parts))] = path
    return modules


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    files = package_files()
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(module, node, path.name == "__init__.py")
                # `from a.b import c` depends on the module a.b.c when there is one, else on a.b
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                         for a in node.names]
            else:
                continue
            # importing a.b.c also runs the packages a and a.b; their __init__ files hold no
            # imports of ours (but stridescope's, which test_the_package_init_is_light checks)
            targets.update(n for n in names if n in files and n != module)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
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


def engine_layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "engine" else None


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_lazy_and_relative_imports():
    graph = import_graph()
    assert "stridescope.engine.picture.compose" in graph["stridescope.gui.canvas_presenter"]
    # the CLI imports the window only inside main(): still an edge
    assert "stridescope.gui.launcher" in graph["stridescope.cli"]


def test_no_import_cycle_anywhere():
    cycle = find_cycle(import_graph())
    assert cycle is None, " → ".join(cycle)


def test_every_engine_subpackage_is_a_declared_layer():
    found = {engine_layer(m) for m in package_files()} - {None}
    assert found == set(ENGINE_LAYERS), found ^ set(ENGINE_LAYERS)


@pytest.mark.parametrize("layer", ENGINE_LAYERS)
def test_engine_layers_import_only_downwards(layer):
    bad = []
    for module, targets in import_graph().items():
        if engine_layer(module) != layer:
            continue
        for target in targets:
            other = engine_layer(target)
            allowed = (other in MAY_IMPORT[layer] or other == layer
                       or target.startswith("stridescope.resources"))
            if not allowed:
                bad.append(f"{module} → {target}")
    assert not bad, "\n".join(bad)


def test_engine_and_resources_never_import_the_gui_or_the_cli():
    bad = [f"{m} → {t}" for m, ts in import_graph().items()
           if m.startswith(("stridescope.engine", "stridescope.resources"))
           for t in ts if t.startswith(("stridescope.gui", "stridescope.cli", "stridescope.api"))]
    assert not bad, "\n".join(bad)


def test_no_source_file_is_longer_than_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in package_files().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_pyproject_lists_every_package():
    """A subpackage missing from pyproject's `packages` is missing from the wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    packages = {m for m, p in package_files().items() if p.name == "__init__.py"}
    assert packages <= listed, packages - listed


def test_the_package_init_is_light():
    """Every module imports `stridescope` first (its parent package): it must not drag torch,
    Qt or the rest of the app in, only the API module, whose imports are lazy."""
    graph = import_graph()
    assert graph["stridescope"] == {"stridescope.api"}
    assert graph["stridescope.api"] <= {m for m in graph if m.startswith("stridescope.")}
    tree = ast.parse((ROOT / "stridescope" / "api.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {a.name.split(".")[0] for n in top for a in n.names} | {
        (n.module or "").split(".")[0] for n in top if isinstance(n, ast.ImportFrom)}
    assert not names & {"torch", "numpy", "PySide6", "stridescope", "pyqtgraph"}, names
