"""Autograd's two in-place errors, explained from the real tensors: writing into a view of a
leaf that requires grad, and a tensor that backward() needs having been written since it was
saved (its version counter moved on)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from stridescope.engine.model.layout import N_
from stridescope.engine.teaching.explain_base import Explanation, TensorFacts, _name, _op_text

_SAVED = re.compile(r"\[torch\.\w+ \[([\d, ]*)\]\], which is output (\d+) of ([\w:]+), is "
                    r"at version (\d+); expected version (\d+) instead")


@dataclass(frozen=True, slots=True)
class LeafViewWriteExplanation(Explanation):
    """An in-place op on a view of (or on) a leaf tensor that requires grad."""

    kind: ClassVar[str] = "leaf_view_write"
    receiver: TensorFacts
    op: str
    is_view: bool          # False: the leaf itself was written
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        values = {"name": _name(self.receiver), "op": _op_text(self.op)}
        if self.is_view:
            first = N_("{name} is a view of a leaf tensor that requires grad (one you made, "
                       "not the result of an operation: autograd treats it as a parameter). "
                       "Writing into {name} in place ({op}) would change that leaf's values "
                       "behind autograd's back, so torch refuses.")
        else:
            first = N_("{name} is a leaf tensor that requires grad (a parameter, for "
                       "autograd): writing into it in place ({op}) would change the values "
                       "its gradient is computed from, so torch refuses.")
        return [(first, values),
                (N_("Write into a copy ({name}.clone(), which autograd tracks), use the "
                    "out-of-place form ({name} + 1 instead of {name}.add_(1)), or change the "
                    "parameter on purpose with autograd off (with torch.no_grad(): in your "
                    "own code, as optimizers do; .detach() shares the storage too)."), values)]


@dataclass(frozen=True, slots=True)
class SavedTensorWrittenExplanation(Explanation):
    """backward() found a tensor it saved for the backward pass written since (version)."""

    kind: ClassVar[str] = "saved_tensor_written"
    receiver: TensorFacts | None     # the tensor backward() was called on
    written: TensorFacts | None      # the named tensor that was written, when found
    grad_fn: str
    version: int
    expected: int
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        who = self.written.name if self.written is not None and self.written.name else None
        values = {"grad_fn": self.grad_fn, "version": self.version,
                  "expected": self.expected, "writes": self.version - self.expected,
                  "name": who or _name(None)}
        first = (N_("To compute gradients, autograd saved {name} (the output of {grad_fn}) "
                    "when it was at version {expected}. Since then {writes} in-place "
                    "write(s) moved it to version {version} (every in-place op on a tensor's "
                    "storage adds one, through any view), so the values backward() needs "
                    "are gone."), values)
        if who is None:
            return [first, (N_("Write out of place (x = x * 3 instead of x.mul_(3)) or into a "
                               "clone; in-place ops save memory only where autograd does not "
                               "need the old values."), values)]
        return [first,
                (N_("Write out of place ({name} = {name} * 3 instead of {name}.mul_(3)), or "
                    "clone {name} before writing into the clone; in-place ops save memory "
                    "only where autograd does not need the old values."), values)]


def explain_leaf_write(receiver: TensorFacts, op: str) -> LeafViewWriteExplanation | None:
    """torch's message says a leaf that requires grad is behind the write; the receiver's
    own facts say whether it is that leaf or a view of it."""
    if not receiver.requires_grad:
        return None
    return LeafViewWriteExplanation(receiver, op, not receiver.is_leaf)


def explain_saved_written(receiver: TensorFacts | None, graph: Sequence[TensorFacts],
                          message: str) -> SavedTensorWrittenExplanation | None:
    """The saved tensor is the named one whose grad_fn and version are the ones backward()
    reports (torch names the node; the tensors' own version counters confirm it)."""
    m = _SAVED.search(message)
    if m is None:
        return None
    shape = tuple(int(v) for v in m.group(1).replace(" ", "").split(",") if v)
    grad_fn = m.group(3).rsplit("::", 1)[-1]
    version, expected = int(m.group(4)), int(m.group(5))
    at_version = [t for t in graph if t.version == version]
    # the saved tensor's node, when the write kept it (torch names it short: "Mul" for
    # MulBackward0); else an intermediate of the reported shape (a write replaces the node)
    found = [t for t in at_version if t.grad_fn is not None and t.grad_fn.startswith(grad_fn)]
    if len(found) != 1:
        found = [t for t in at_version if not t.is_leaf and t.shape == shape]
    return SavedTensorWrittenExplanation(receiver, found[0] if len(found) == 1 else None,
                                         grad_fn, version, expected)
