"""Stride arithmetic used to *explain* layouts; every number shown still comes from torch.

NOTE [View algorithm]
A view re-reads the same storage with new sizes and strides, so it exists only if each new
dimension can be walked with one constant stride. Group the old dimensions (ignoring size-1
ones) into chunks: neighbours a, b belong to one chunk when stride[a] == stride[b] * size[b]
("walking b to its end lands exactly on the next step of a"). Counting elements from the
right, each chunk boundary sits at a position P = numel of the dims right of it. The view
succeeds iff every boundary P is also a boundary of the new shape; a new dimension that
straddles a boundary would need two different strides. This is ATen's computeStride
(aten/src/ATen/TensorUtils.cpp), restated so the failing dims can be named.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def is_contiguous(shape: Sequence[int], stride: Sequence[int]) -> bool:
    """torch's definition: size-1 dims are ignored and empty tensors are contiguous."""
    if math.prod(shape) == 0:
        return True
    expected = 1
    for size, step in zip(reversed(shape), reversed(stride)):
        if size != 1:
            if step != expected:
                return False
            expected *= size
    return True


def storage_index(offset: int, stride: Sequence[int], index: Sequence[int]) -> int:
    return offset + sum(i * s for i, s in zip(index, stride))


def element_indices(shape: Sequence[int], stride: Sequence[int], offset: int) -> np.ndarray:
    """`storage_index` of every element at once: an int64 array of the tensor's shape."""
    index = np.full((), offset, dtype=np.int64)
    for size, step in zip(shape, stride):
        index = index[..., None] + np.arange(size, dtype=np.int64) * step
    return index


def infer_shape(requested: Sequence[int], numel: int) -> tuple[int, ...] | None:
    """Resolve a single -1 like torch does; None when the sizes cannot match numel."""
    requested = tuple(requested)
    if requested.count(-1) > 1 or any(s < -1 for s in requested):
        return None
    known = math.prod(s for s in requested if s != -1)
    if -1 in requested:
        if known == 0 or numel % known:
            return None
        requested = tuple(numel // known if s == -1 else s for s in requested)
    return requested if math.prod(requested) == numel else None


def view_strides(shape: Sequence[int], stride: Sequence[int],
                 new_shape: Sequence[int]) -> tuple[int, ...] | None:
    """The strides torch gives view(new_shape), or None when no view exists (ATen algorithm)."""
    numel = math.prod(shape)
    if numel == 0:
        return tuple(stride) if tuple(shape) == tuple(new_shape) else contiguous_strides(new_shape)
    if not shape:
        return tuple(1 for _ in new_shape)
    new_stride = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base = stride[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[tensor_d]
        if tensor_d == 0 or (shape[tensor_d - 1] != 1
                             and stride[tensor_d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_stride[view_d] = view_numel * chunk_base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base = stride[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    return tuple(new_stride) if view_d == -1 else None


@dataclass(frozen=True, slots=True)
class Blocker:
    """A new dim that would have to span two old dims which do not merge."""

    new_dim: int
    new_size: int
    outer_dim: int   # old dim a (left)
    inner_dim: int   # old dim b (right)
    outer_size: int
    inner_size: int
    outer_stride: int
    inner_stride: int

    @property
    def required_outer_stride(self) -> int:
        return self.inner_stride * self.inner_size


@dataclass(frozen=True, slots=True)
class ViewExplanation:
    kind: ClassVar[str] = "view_strides"
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    requested: tuple[int, ...]
    new_shape: tuple[int, ...] | None   # requested with -1 resolved; None: numel mismatch
    new_stride: tuple[int, ...] | None  # the view's strides when it exists
    blockers: tuple[Blocker, ...]

    @property
    def ok(self) -> bool:
        return self.new_stride is not None

    def text(self, translate=lambda text: text) -> str:
        return explanation_text(self, translate)

    @property
    def dims(self) -> tuple[int, ...]:
        """The old dims that cannot merge (for the picture)."""
        return tuple(sorted({d for b in self.blockers for d in (b.outer_dim, b.inner_dim)}))

    # the fields every explanation of engine/explain.py has, so the picture reads them alike
    cells: ClassVar[tuple[int, ...]] = ()
    out_of_bounds: ClassVar[tuple[int, ...]] = ()

    def to_json(self, translate=lambda text: text) -> dict:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "shape": list(self.shape),
            "stride": list(self.stride),
            "requested": list(self.requested),
            "new_stride": None if self.new_stride is None else list(self.new_stride),
            "blockers": [
                {"new_dim": b.new_dim, "new_size": b.new_size,
                 "old_dims": [b.outer_dim, b.inner_dim],
                 "sizes": [b.outer_size, b.inner_size],
                 "strides": [b.outer_stride, b.inner_stride],
                 "required_stride": b.required_outer_stride}
                for b in self.blockers
            ],
            "dims": list(self.dims),
            "text": self.text(translate),
        }


def chunk_boundaries(shape: Sequence[int], stride: Sequence[int]) -> list[tuple[int, int, int]]:
    """(position P, outer dim a, inner dim b) for each pair of neighbours that do not merge."""
    dims = [d for d, size in enumerate(shape) if size != 1]
    out = []
    for a, b in zip(dims, dims[1:]):
        if stride[a] != stride[b] * shape[b]:
            out.append((math.prod(shape[b:]), a, b))
    return out


def explain_view(shape: Sequence[int], stride: Sequence[int],
                 requested: Sequence[int]) -> ViewExplanation:
    shape, stride, requested = tuple(shape), tuple(stride), tuple(requested)
    numel = math.prod(shape)
    new_shape = infer_shape(requested, numel)
    if new_shape is None:
        return ViewExplanation(shape, stride, requested, None, None, ())
    new_stride = view_strides(shape, stride, new_shape)
    blockers: list[Blocker] = []
    if numel:
        # right-cumulative products of the new shape: new dim j spans (Q[j+1], Q[j]]
        q = [math.prod(new_shape[j:]) for j in range(len(new_shape) + 1)]
        for position, a, b in chunk_boundaries(shape, stride):
            if position in q:
                continue
            j = next(j for j in range(len(new_shape)) if q[j + 1] < position < q[j])
            blockers.append(Blocker(j, new_shape[j], a, b, shape[a], shape[b],
                                    stride[a], stride[b]))
    return ViewExplanation(shape, stride, requested, new_shape, new_stride, tuple(blockers))


def N_(text: str) -> str:  # noqa: N802 — marks a string for translation (engine is Qt-free)
    return text


def explanation_parts(e: ViewExplanation) -> list[tuple[str, dict]]:
    """The explanation as (template, values) pairs, so the window can translate it."""
    requested = ", ".join(str(s) for s in e.requested)
    if e.new_shape is None:
        return [(N_("view({requested}) asks for {asked} elements but the tensor has {numel}: "
                    "the sizes must multiply to the same number of elements."),
                 {"requested": requested, "numel": math.prod(e.shape),
                  "asked": math.prod(s for s in e.requested if s != -1)})]
    if e.ok:
        return [(N_("view({requested}) works: the new strides {strides} read the same "
                    "storage."), {"requested": requested, "strides": list(e.new_stride or ())})]
    parts = [(N_("view({requested}) needs each new dimension to step through storage with "
                 "one constant stride."), {"requested": requested})]
    for b in e.blockers:
        parts.append((N_(
            "New dim {new_dim} (size {new_size}) would have to merge old dims {a} and {b} "
            "(sizes {size_a}, {size_b}; strides {stride_a}, {stride_b}). Two dims merge only "
            "when stride[{a}] == stride[{b}] × size[{b}], but {stride_a} ≠ {stride_b} × "
            "{size_b} = {required}: after the last element of dim {b} the next element is not "
            "where one more step would land."),
            {"new_dim": b.new_dim, "new_size": b.new_size, "a": b.outer_dim, "b": b.inner_dim,
             "size_a": b.outer_size, "size_b": b.inner_size, "stride_a": b.outer_stride,
             "stride_b": b.inner_stride, "required": b.required_outer_stride}))
    parts.append((N_("reshape() copies the data into a new contiguous storage instead (the "
                     "same as .contiguous().view(...)); the copy no longer shares memory with "
                     "the original."), {}))
    return parts


def explanation_text(e: ViewExplanation, translate=lambda text: text) -> str:
    return join_sentences([translate(template).format(**values)
                           for template, values in explanation_parts(e)])


def join_sentences(sentences) -> str:
    """Sentences joined by a space, except after a full-width full stop (Chinese)."""
    text = ""
    for sentence in sentences:
        if text and not text.endswith(("。", "：", "；")):
            text += " "
        text += sentence
    return text
