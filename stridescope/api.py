"""Stridescope from Python and Jupyter: pictures and a window of your own live tensors.

    import stridescope
    stridescope.figure(a=a, at=a.t())        # shows inline in Jupyter / VS Code notebooks
    stridescope.figure(x).save("x.svg")      # PNG, SVG or PDF by suffix
    stridescope.show(x=x)                    # the window (returns at once after %gui qt)
    %load_ext stridescope                    # explain view()/expand/as_strided errors

Nothing here runs code: the tensors you pass are read (metadata; values and bytes only when
small), so CUDA and meta tensors of any size work. Qt is imported only when a picture is
rendered or a window opened.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from stridescope.engine.model.state import RunResult, Step
    from stridescope.gui.theme import Theme

__all__ = ["Figure", "explain", "figure", "load_ipython_extension", "show",
           "unload_ipython_extension"]

SUFFIXES = (".png", ".svg", ".pdf")
LANGUAGES = ("en", "zh_CN")  # as stridescope.gui.i18n.LANGUAGES (which imports Qt)
Size = tuple[int, int]


def _named(tensors: tuple[Any, ...], named: dict[str, Any]) -> dict[str, torch.Tensor]:
    out: dict[str, Any] = {}
    for i, t in enumerate(tensors):
        name = f"t{i}"
        if name in named:
            raise TypeError(f"{name!r} is taken by a keyword tensor; name the positional ones")
        out[name] = t
    for name, t in named.items():
        if not name.isidentifier():
            raise TypeError(f"tensor names must be identifiers, not {name!r}")
        out[name] = t
    if not out:
        raise TypeError("give at least one tensor, e.g. figure(a) or figure(a=a, at=a.t())")
    return out


def _call_text(function: str, names: list[str]) -> str:
    return f"{function}({', '.join(names)})"


def _theme(theme: str | Theme | None) -> Theme:
    from stridescope.gui.theme import LIGHT, THEMES, Theme

    if theme is None:
        return LIGHT
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: one of {', '.join(THEMES)}")
    return THEMES[theme]


def _check_size(size: Size) -> Size:
    w, h = (int(v) for v in size)
    if not (16 <= w <= 8000 and 16 <= h <= 8000):
        raise ValueError("width and height must be between 16 and 8000 pixels")
    return w, h


class Figure:
    """A picture of tensors as they were when the figure was made (a frozen snapshot).

    `save(path)` writes PNG/SVG/PDF; in a notebook the figure displays itself inline."""

    def __init__(self, result: RunResult, focus: str | None = None, size: Size = (1200, 800),
                 theme: str | Theme | None = None, lang: str | None = None) -> None:
        self.result = result
        self.focus = focus
        self.size = _check_size(size)
        _theme(theme)  # an unknown theme or language is refused now, not at display time
        if lang not in (None, *LANGUAGES):
            raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
        self.theme = theme
        self.lang = lang
        self._cache: dict[str, bytes] = {}

    @property
    def step(self) -> Step:
        return self.result.steps[-1]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.step.tensors)

    def save(self, path: str | Path, size: Size | None = None) -> Path:
        """Write the picture to `path`: .png, .svg or .pdf."""
        path = Path(path)
        if path.suffix.lower() not in SUFFIXES:
            raise ValueError(f"save(): the file must end in one of {', '.join(SUFFIXES)}")
        from stridescope.gui.export import export_still

        theme = _theme(self.theme)
        with _language(self.lang):
            export_still(self.result, str(path), step=len(self.result.steps), focus=self.focus,
                         size=_check_size(size or self.size), theme=theme)
        return path

    def to_bytes(self, suffix: str = ".png") -> bytes:
        """The rendered picture as the bytes of a .png/.svg/.pdf file (cached)."""
        if suffix not in self._cache:
            with tempfile.TemporaryDirectory(prefix="stridescope-") as folder:
                path = Path(folder) / f"figure{suffix}"
                self.save(path)
                self._cache[suffix] = path.read_bytes()
        return self._cache[suffix]

    def _repr_png_(self) -> bytes:
        return self.to_bytes(".png")

    def _repr_svg_(self) -> str:
        return self.to_bytes(".svg").decode("utf-8")

    def __repr__(self) -> str:
        parts = []
        for t in self.step.tensors:
            shape = "×".join(map(str, t.shape)) or "scalar"
            parts.append(f"{t.name}: {shape} {t.dtype.removeprefix('torch.')} "
                         f"stride {t.stride} offset {t.storage_offset} on S{t.storage_id}")
        return "<stridescope.Figure " + "; ".join(parts) + ">"

    def show(self, block: bool | None = None):
        """Open the window on this figure's tensors (see `stridescope.show`)."""
        return _open_window(self.result, self.focus, self.theme, self.lang, block)


class _language:
    """Render in `lang` ("en" or "zh_CN"), then restore English (the export default)."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def __enter__(self) -> None:
        if self.lang and self.lang != "en":
            from stridescope.gui.app import ensure_app
            from stridescope.gui.i18n import install_language

            ensure_app()
            install_language(self.lang)

    def __exit__(self, *exc: object) -> None:
        if self.lang and self.lang != "en":
            from stridescope.gui.i18n import install_language

            install_language("en")


def _result(function: str, tensors: tuple[Any, ...], named: dict[str, Any],
            step: str | None) -> RunResult:
    from stridescope.engine.model.snapshot import snapshot
    from stridescope.engine.model.state import RunResult

    tensors_by_name = _named(tensors, named)
    source = step if step is not None else _call_text(function, list(tensors_by_name))
    snap = snapshot(tensors_by_name, source=source)
    return RunResult(f"# {source}\n", (snap,))


def figure(*tensors: torch.Tensor, focus: str | None = None, size: Size = (1200, 800),
           theme: str | Theme | None = None, lang: str | None = None,
           step: str | None = None, **named: torch.Tensor) -> Figure:
    """A picture of your own tensors: `figure(a, b)` names them t0, t1; `figure(a=a, at=at)`
    uses the keywords. Tensors sharing a storage share one strip.

    focus: the tensor drawn in the logical grid (default: the last one). size: pixels.
    theme: "light", "dark", "high-contrast" or a stridescope.gui.theme.Theme. lang: "en" or "zh_CN".
    step: the line shown above the picture (default: the call, e.g. "figure(a, at)")."""
    result = _result("figure", tensors, named, step)
    if focus is not None and result.steps[0].tensor(focus) is None:
        raise ValueError(f"focus={focus!r}: no such tensor (there: "
                         f"{', '.join(t.name for t in result.steps[0].tensors)})")
    return Figure(result, focus, size, theme, lang)


def trace(script: str, mesh: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Run `script` in the worker (the same sandbox as the window) and return its
    stridescope-trace/1 document. mesh: "4", "2x2"… runs it SPMD on that many rank processes
    (as a `#! mesh 2x2` line does); each step then carries `ranks`."""
    from stridescope.engine.document.trace import trace_json
    from stridescope.engine.model.mesh import parse_mesh_spec
    from stridescope.engine.worker.client import WorkerPool

    if mesh is not None:
        parse_mesh_spec(mesh)  # a MeshSpecError (ValueError) says what is wrong
    with WorkerPool(warm=False) as pool:
        pool.mesh = mesh
        result = pool.run(script)
        version = pool.torch_version
    return trace_json(result, version, lang)


_WINDOWS: list[Any] = []  # windows opened without blocking stay referenced while shown


def _ipython_gui() -> str | None:
    """The event loop IPython integrates (`%gui qt` -> "qt"), or None."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "active_eventloop", None) if shell is not None else None


def _open_window(result: RunResult, focus: str | None, theme: str | Theme | None,
                 lang: str | None, block: bool | None):
    from stridescope.gui.snapshot_window import open_result_window

    name = theme.name if theme is not None and not isinstance(theme, str) else theme
    window = open_result_window(result, focus=focus, theme=name, lang=lang)
    if block is None:
        block = not (_ipython_gui() or "").startswith("qt")
        if block and _ipython_gui() is None and sys.modules.get("IPython") is not None:
            print("stridescope: the window blocks until closed; run %gui qt first to keep "
                  "working while it is open", file=sys.stderr)
    if block:
        from stridescope.gui.app import ensure_app

        ensure_app().exec()
        return None
    _WINDOWS[:] = [w for w in _WINDOWS if _alive(w)] + [window]
    return window


def _alive(window) -> bool:
    try:
        return window.isVisible()
    except RuntimeError:  # its Qt object is already deleted
        return False


def show(*tensors: torch.Tensor, focus: str | None = None, size: Size = (1200, 800),
         theme: str | Theme | None = None, lang: str | None = None, step: str | None = None,
         block: bool | None = None, **named: torch.Tensor):
    """Open the Stridescope window on your tensors (same arguments as `figure`).

    Blocks until the window is closed in a plain script; returns the window at once under
    IPython with `%gui qt` (or with block=False when you run the Qt event loop yourself)."""
    del size  # the window sizes itself; accepted so figure() and show() take the same call
    result = _result("show", tensors, named, step)
    return _open_window(result, focus, theme, lang, block)


# --------------------------------------------------------------------- explanations
LAYOUT_OPS = ("view", "reshape", "expand", "broadcast_to", "as_strided")
_LAYOUT_CALL = re.compile(r"\.\s*(" + "|".join(LAYOUT_OPS) + r")\s*\(")


@dataclass(frozen=True)
class LayoutCall:
    """A failing `name.op(args)` read from a traceback: the live tensor and plain arguments."""

    op: str
    name: str
    tensor: Any
    args: tuple
    kwargs: tuple[tuple[str, Any], ...] = ()


def explain(exc: BaseException, tensor: torch.Tensor | None = None,
            shape: tuple[int, ...] | None = None) -> str | None:
    """Why a view()/expand/as_strided call failed, in the app's words, worked out on your
    tensor; None when there is nothing to add. Give the tensor and the requested shape of a
    view(), or let it find the failing call in the exception's traceback."""
    explanation = explanation_for(exc, tensor, shape)
    if explanation is None or getattr(explanation, "ok", False):
        return None
    return explanation.text()


def explanation_for(exc: BaseException, tensor: Any = None,
                    shape: tuple[int, ...] | None = None) -> Any:
    """The engine's explanation value of a failed layout call, or None."""
    if not isinstance(exc, RuntimeError):
        return None
    if tensor is not None and shape is not None:
        call = LayoutCall("view", "tensor", tensor, tuple(shape))
    else:
        call = _call_from_traceback(exc)
    return None if call is None else _explain_call(call, str(exc))


def _explain_call(call: LayoutCall, message: str) -> Any:
    """The hook: teaching.explain's explain_failure (every layout error it knows) when it is
    there, else model.layout's explain_view for view()."""
    try:
        from stridescope.engine.teaching.explain import explain_failure
        from stridescope.engine.teaching.explain_base import FailedCall, TensorFacts
    except ImportError:
        explain_failure = None
    t = call.tensor
    if explain_failure is not None:
        try:
            facts = TensorFacts(call.name, tuple(t.shape), tuple(t.stride()),
                                t.storage_offset(), str(t.dtype), t.element_size(),
                                t.untyped_storage().nbytes())
            return explain_failure(FailedCall(call.op, facts, call.args, call.kwargs,
                                              call.name), message)
        except TypeError:  # its values changed shape: fall back to what this module knows
            pass
    if call.op != "view":
        return None
    sizes = call.args[0] if len(call.args) == 1 and isinstance(call.args[0], tuple) \
        else call.args
    if not sizes or not all(isinstance(v, int) for v in sizes):
        return None
    from stridescope.engine.model.layout import explain_view

    return explain_view(tuple(t.shape), tuple(t.stride()), tuple(sizes))


def _call_from_traceback(exc: BaseException) -> LayoutCall | None:
    """The failing `x.view(...)`/`x.expand(...)`/… in the innermost frame whose line has one,
    with arguments that are literals or names bound to ints (nothing is evaluated)."""
    import ast
    import linecache

    torch_mod = sys.modules.get("torch")
    if torch_mod is None:
        return None
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    for tb in reversed(frames):
        frame = tb.tb_frame
        line = linecache.getline(frame.f_code.co_filename, tb.tb_lineno, frame.f_globals)
        if not _LAYOUT_CALL.search(line or ""):
            continue
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LAYOUT_OPS and isinstance(node.func.value, ast.Name)):
                continue
            name = node.func.value.id
            tensor = frame.f_locals.get(name, frame.f_globals.get(name))
            if not isinstance(tensor, torch_mod.Tensor):
                continue
            args = tuple(_plain(a, frame) for a in node.args)
            kwargs = tuple((k.arg, _plain(k.value, frame)) for k in node.keywords if k.arg)
            if _UNKNOWN in args or any(v is _UNKNOWN for _, v in kwargs):
                continue
            return LayoutCall(node.func.attr, name, tensor, args, kwargs)
    return None


_UNKNOWN = object()


def _plain(node, frame) -> Any:
    """An int, or a tuple of ints, written literally or bound to a name in the frame."""
    import ast

    if isinstance(node, (ast.Tuple, ast.List)):
        items = tuple(_plain(e, frame) for e in node.elts)
        return _UNKNOWN if _UNKNOWN in items else items
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _plain(node.operand, frame)
        return -value if isinstance(value, int) else _UNKNOWN
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.Name):
        value = frame.f_locals.get(node.id, frame.f_globals.get(node.id, _UNKNOWN))
    else:
        return _UNKNOWN
    if isinstance(value, bool) or not isinstance(value, (int, tuple)):
        return _UNKNOWN
    if isinstance(value, tuple) and not all(isinstance(v, int) and not isinstance(v, bool)
                                            for v in value):
        return _UNKNOWN
    return value


def _custom_exc(shell, etype, value, tb, tb_offset=None):
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    try:
        text = explain(value)
    except Exception:  # an explanation must never hide the user's own error
        text = None
    if text:
        print(f"\nstridescope: {text}", file=sys.stderr)
    return None


def load_ipython_extension(ipython) -> None:
    """`%load_ext stridescope`: after a failed view() the app's explanation is printed
    under the traceback, worked out on your tensor."""
    ipython.set_custom_exc((RuntimeError,), _custom_exc)


def unload_ipython_extension(ipython) -> None:
    ipython.set_custom_exc((), None)
