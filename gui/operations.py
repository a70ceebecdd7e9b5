"""Tensor menu: common operations on the focused tensor, each appending a PyTorch statement."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

from stridescope.engine.document import ops
from stridescope.engine.model.state import Step, TensorState
from stridescope.gui.i18n import N_, _

# (menu text, builder(tensor, taken names, parent) -> statement or None when cancelled)
Builder = Callable[[TensorState, set, QWidget], "str | None"]


def _ask(parent: QWidget, title: str, label: str, default: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, _(label), text=default)
    return text.strip() if ok and text.strip() else None


def _transpose(t, taken, parent):
    if t.ndim < 2:
        return ops.transpose(t, taken, 0, 0) if t.ndim == 1 else None
    return ops.transpose(t, taken, t.ndim - 2, t.ndim - 1)


def _permute(t, taken, parent):
    order = _ask(parent, "permute", N_("New order of the dims:"),
                 ", ".join(str(d) for d in reversed(range(t.ndim))))
    return None if order is None else ops.permute(t, taken, order)


def _slice(t, taken, parent):
    default = ", ".join(["1:"] + [":"] * (t.ndim - 1)) if t.ndim else "..."
    index = _ask(parent, "slice", N_("Index (e.g. 1:3, ::2):"), default)
    return None if index is None else ops.slice_(t, taken, index)


def _view(t, taken, parent):
    shape = _ask(parent, "view", N_("New shape:"), str(t.numel) if t.ndim != 1 else f"1, {t.numel}")
    return None if shape is None else ops.view(t, taken, shape)


def _reshape(t, taken, parent):
    shape = _ask(parent, "reshape", N_("New shape:"), "-1")
    return None if shape is None else ops.reshape(t, taken, shape)


def _unsqueeze(t, taken, parent):
    return ops.unsqueeze(t, taken, 0)


def _expand(t, taken, parent):
    shape = _ask(parent, "expand", N_("Expand to shape (-1 keeps a dim):"),
                 ", ".join(["2"] + ["-1"] * t.ndim))
    return None if shape is None else ops.expand(t, taken, shape)


OPERATIONS: list[tuple[str, Builder]] = [
    (N_("Transpose (swap the last two dims)"), _transpose),
    (N_("Permute…"), _permute),
    (N_("Slice…"), _slice),
    (N_("View…"), _view),
    (N_("Reshape…"), _reshape),
    (N_("Contiguous"), lambda t, taken, parent: ops.contiguous(t, taken)),
    (N_("Unsqueeze (new dim 0)"), _unsqueeze),
    (N_("Expand…"), _expand),
    (N_("Flatten"), lambda t, taken, parent: ops.flatten(t, taken)),
]


def statement_for(builder: Builder, step: Step | None, focus: str | None,
                  parent: QWidget) -> str | None:
    if step is None or focus is None or step.tensor(focus) is None:
        return None
    taken = {t.name for t in step.tensors}
    return builder(step.tensor(focus), taken, parent)
