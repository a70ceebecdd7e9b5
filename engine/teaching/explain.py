"""Why a tensor operation failed, worked out from the real tensors' facts (Qt-free, torch-free).

The interpreter records what a failing call was given (`FailedCall`: the receiver's shape,
stride, offset, itemsize and storage size, and the plain arguments); `explain_failure` picks
the explanation that fits torch's error and computes its numbers from those facts, never from
the message text alone. Each explanation is a frozen value with the same structured fields the
picture can use — `receiver` (the tensor's facts), `dims` (dims the error is about), `cells`
(storage cells to flash or walk), `out_of_bounds` (cell indices past the storage's end) — and
`text(translate)`, whose templates are marked N_ and translated where they are shown
(gui/i18n.py's `_` in the window, engine/i18n.py's catalogue lookup for `--json`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import product
from typing import Any

from stridescope.engine.model.dtypes import ITEMSIZE
from stridescope.engine.model.layout import ViewExplanation, explain_view
from stridescope.engine.teaching.autograd_explanations import (
    LeafViewWriteExplanation,
    SavedTensorWrittenExplanation,
    explain_leaf_write,
    explain_saved_written,
)
from stridescope.engine.teaching.explain_base import (
    MAX_CELLS,
    MAX_ENUMERATED,
    MAX_LISTED,
    ArrayFacts,
    FailedCall,
    SliceArg,
    TensorFacts,
    _positions_in_order,
)
from stridescope.engine.teaching.explanations import (
    BroadcastExplanation,
    DimRangeExplanation,
    DtypeViewExplanation,
    ExpandExplanation,
    NegativeStepExplanation,
    NegativeStrideExplanation,
    NumpyStrideExplanation,
    OutOfBoundsExplanation,
    OverlapExplanation,
    PartialOverlapExplanation,
    ShapeExplanation,
)


# ----------------------------------------------------------------- computing them
def explain_overlap(r: TensorFacts, op: str) -> OverlapExplanation | None:
    """The storage cell several positions of `r` share (torch refuses writes through it)."""
    if r.numel < 2:
        return None
    dims = tuple(d for d, (size, stride) in enumerate(zip(r.shape, r.stride))
                 if stride == 0 and size > 1)
    readers: dict[int, list[tuple[int, ...]]] = {}
    enumerated = r.numel <= MAX_ENUMERATED
    if enumerated:
        for position in _positions_in_order(r.shape):
            readers.setdefault(r.index(position), []).append(position)
        shared = [cell for cell, ps in readers.items() if len(ps) > 1]
        if not shared:
            return None
        cell = r.storage_offset if dims else shared[0]
        positions = readers[cell]
        count, distinct = len(positions), len(readers)
    elif dims:
        cell = r.storage_offset
        varying = [range(r.shape[d]) if d in dims else range(1) for d in range(r.ndim)]
        count = math.prod(r.shape[d] for d in dims)
        positions = []
        for position in product(*varying):
            positions.append(position)
            if len(positions) >= MAX_LISTED:
                break
        shared = [cell]
        distinct = math.prod(s for d, s in enumerate(r.shape) if d not in dims)  # upper bound
    else:
        return None
    return OverlapExplanation(r, op, cell, tuple(positions[:MAX_LISTED]), count, distinct,
                              dims, tuple(sorted(shared)[:MAX_CELLS]))


def _read_cells(t: TensorFacts) -> set[int] | None:
    if t.numel > MAX_ENUMERATED:
        return None
    return {t.index(p) for p in _positions_in_order(t.shape)}


def explain_partial_overlap(written: TensorFacts, sources: Sequence[TensorFacts],
                            op: str) -> PartialOverlapExplanation | None:
    """The cells a write both reads (through a source) and writes."""
    target = _read_cells(written)
    if target is None:
        return None
    best = None
    for source in sources:
        read = _read_cells(source)
        if read is None or source.itemsize != written.itemsize:
            continue
        shared = sorted(target & read)
        if shared and (best is None or len(shared) > best[2].__len__()):
            best = (source, read, shared)
    if best is None:
        return None
    source, read, shared = best
    return PartialOverlapExplanation(written, source, op, len(target), len(read), len(shared),
                                     tuple(shared[:MAX_CELLS]))


def explain_broadcast(a: TensorFacts, b: TensorFacts, op: str) -> BroadcastExplanation | None:
    """torch's infer_size walks the dims from the right; the first clash is reported."""
    ndim = max(a.ndim, b.ndim)
    for i in reversed(range(ndim)):
        da, db = a.ndim - ndim + i, b.ndim - ndim + i
        size_a = a.shape[da] if da >= 0 else 1
        size_b = b.shape[db] if db >= 0 else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            return BroadcastExplanation(a, b, op, i, size_a, size_b, (i,))
    return None


def explain_out_of_bounds(r: TensorFacts, size: Sequence[int], stride: Sequence[int],
                          offset: int | None) -> OutOfBoundsExplanation | None:
    size, stride = tuple(size), tuple(stride)
    offset = r.storage_offset if offset is None else offset
    if len(size) != len(stride) or any(s < 0 for s in stride) or 0 in size:
        return None
    last_position = tuple(s - 1 for s in size)
    last = offset + sum(i * s for i, s in zip(last_position, stride))
    needed = (last + 1) * r.itemsize
    if needed <= r.storage_nbytes:
        return None
    have = r.storage_elements
    numel = math.prod(size)
    walk: list[int] = []
    oob: set[int] = set()
    count = 0
    if numel <= MAX_ENUMERATED:
        for position in _positions_in_order(size):
            k = offset + sum(i * s for i, s in zip(position, stride))
            if len(walk) < MAX_CELLS:
                walk.append(k)
            if k >= have:
                count += 1
                oob.add(k)
    else:  # too many to walk: the cells from the storage's end to the last one
        oob = set(range(max(have, offset), min(last, max(have, offset) + MAX_CELLS) + 1))
        count = -1
    return OutOfBoundsExplanation(r, size, stride, offset, last_position, last, needed, count,
                                  tuple(walk), tuple(sorted(oob)[:MAX_CELLS]))


def explain_negative_step(r: TensorFacts, index: Any) -> NegativeStepExplanation | None:
    items = index if isinstance(index, tuple) else (index,)
    consumed = sum(1 for i in items if i is not None and i != "..." and not isinstance(i, bool))
    dim = 0
    for item in items:
        if item == "...":
            dim += max(r.ndim - consumed, 0)
            continue
        if item is None:
            continue
        if isinstance(item, SliceArg) and item.step is not None and item.step < 0:
            if dim >= r.ndim:
                return None
            size, stride = r.shape[dim], r.stride[dim]
            position = [0] * r.ndim
            cells = []
            # the cells NumPy's a[start:stop:step] would visit along `dim`, in order
            for i in range(size)[slice(item.start, item.stop, item.step)][:MAX_CELLS]:
                position[dim] = i
                cells.append(r.index(position))
            return NegativeStepExplanation(r, dim, item.step, size, stride, (dim,),
                                           tuple(cells))
        dim += 1
    return None


def explain_expand(r: TensorFacts, target: Sequence[int]) -> ExpandExplanation | None:
    """torch's expand walks the target dims from the right; the first misfit is reported."""
    target = tuple(target)
    if len(target) < r.ndim:
        padded = (-1,) * (r.ndim - len(target)) + target
        works = explain_expand(r, padded) is None  # then expand(*padded) succeeds
        return ExpandExplanation(r, target, -1, -1, 0, 0, (0,) if works else None,
                                 reason="fewer")
    for i in reversed(range(len(target))):
        source_dim = r.ndim - (len(target) - i)
        size = r.shape[source_dim] if source_dim >= 0 else 1
        wanted = target[i]
        if wanted == -1 and source_dim < 0:
            return ExpandExplanation(r, target, i, source_dim, 1, -1, dims=(i,),
                                     reason="leading")
        if wanted == -1 or size == wanted or size == 1:
            continue
        repeats = []
        for j, t in enumerate(target):
            d = r.ndim - (len(target) - j)
            old = r.shape[d] if d >= 0 else 1
            if t == -1 and d >= 0:
                t = old
            repeats.append(t // old if old and t > 0 and t % old == 0 else None)
        fits = all(k is not None for k in repeats)
        return ExpandExplanation(r, target, i, source_dim, size, wanted,
                                 tuple(repeats) if fits else None, (i,))
    return None


def explain_shape(r: TensorFacts, op: str, requested: Sequence[int]) -> ShapeExplanation | None:
    requested = tuple(requested)
    numel = r.numel
    known = math.prod(s for s in requested if s != -1)
    if requested.count(-1) == 1 and known and numel % known == 0:
        return None  # it fits: not a shape error
    if -1 not in requested and known == numel:
        return None
    divisors = tuple(d for d in range(1, numel + 1) if numel % d == 0) if numel <= 10**6 else ()
    if len(divisors) > 24:
        divisors = ()
    return ShapeExplanation(r, op, requested, numel, known, divisors,
                            tuple(i for i, s in enumerate(requested) if s == -1))


def explain_view_dtype(r: TensorFacts, target: str) -> DtypeViewExplanation | None:
    """The first rule of ATen's view_dtype that this tensor breaks (None: it would work)."""
    new = ITEMSIZE.get(target)
    old = r.itemsize
    if new is None or new == old or not old:
        return None

    def make(reason: str, value: int, dim: int | None = None) -> DtypeViewExplanation:
        return DtypeViewExplanation(r, target, new, reason, value, dim,
                                    () if dim is None else (dim,))

    if r.ndim == 0:
        return make("scalar", 0)
    last = r.ndim - 1
    if old > new:
        return make("last_stride", r.stride[-1], last) if r.stride[-1] != 1 else None
    ratio = new // old
    if r.shape[-1] % ratio:
        return make("size", r.shape[-1], last)
    if r.storage_offset % ratio:
        return make("offset", r.storage_offset)
    if r.stride[-1] != 1:
        return make("last_stride", r.stride[-1], last)
    for d in range(r.ndim - 1):
        if r.stride[d] % ratio:
            return make("stride", r.stride[d], d)
    return None


_RANGE = re.compile(r"range of \[(-?\d+), (-?\d+)\], but got (-?\d+)")


def explain_dim_range(r: TensorFacts | None, op: str, message: str,
                      args: tuple = ()) -> DimRangeExplanation | None:
    """The valid dims of the receiver. torch's message gives the range it checked (most ops:
    the tensor's dims; unsqueeze: one more) and the dim it got; the listing is the tensor's."""
    m = _RANGE.search(message)
    if m:
        low, high, got = (int(v) for v in m.groups())
    elif r is not None:
        ndim = max(r.ndim, 1)
        low, high = -ndim, ndim - 1
        bad = [a for a in args if isinstance(a, int) and not low <= a <= high]
        if not bad:
            return None
        got = bad[0]
    else:
        return None
    return DimRangeExplanation(r, op, got, low, high, (got,))


def explain_numpy_negative_stride(array: ArrayFacts) -> NumpyStrideExplanation | None:
    dims = tuple(d for d, s in enumerate(array.strides) if s < 0)
    return NumpyStrideExplanation(array, dims) if dims else None


def _ints(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool)
                                        for v in value):
        return value
    return None


def _sizes(call: FailedCall, key: str = "size") -> tuple[int, ...] | None:
    """The sizes passed as view(2, 3), view((2, 3)) or view(size=(2, 3))."""
    if call.kwarg(key) is not None:
        return _ints(call.kwarg(key))
    if len(call.args) == 1 and isinstance(call.args[0], tuple):
        return _ints(call.args[0])
    return _ints(call.args)


def _strided_args(call: FailedCall, r: TensorFacts) -> tuple | None:
    """as_strided's (size, stride, storage_offset), the offset defaulting to the receiver's."""
    args = call.args
    size = _ints(call.kwarg("size", args[0] if args else None))
    stride = _ints(call.kwarg("stride", args[1] if len(args) > 1 else None))
    offset = call.kwarg("storage_offset", args[2] if len(args) > 2 else None)
    offset = r.storage_offset if offset is None else offset
    if size is None or stride is None or len(size) != len(stride) or not isinstance(offset, int):
        return None
    return size, stride, offset


Explained = (ViewExplanation | OverlapExplanation | PartialOverlapExplanation
             | BroadcastExplanation | OutOfBoundsExplanation | NegativeStrideExplanation
             | NegativeStepExplanation | ExpandExplanation | ShapeExplanation
             | DtypeViewExplanation | DimRangeExplanation | NumpyStrideExplanation)


def explain_failure(call: FailedCall, message: str) -> Explained | None:
    """The explanation for torch's error `message` raised by `call`, or None."""
    r = call.receiver
    if isinstance(r, ArrayFacts):
        if "stride" in message and "negative" in message:
            return explain_numpy_negative_stride(r)
        return None
    if r is None:
        return None
    op = call.op
    if "leaf Variable that requires grad" in message and "in-place" in message:
        return explain_leaf_write(r, op)
    if "modified by an inplace operation" in message:
        graph = call.kwarg("graph") or ()
        return explain_saved_written(r, [g for g in graph if isinstance(g, TensorFacts)],
                                     message)
    if "refers to a single memory location" in message:
        return explain_overlap(r, op)
    tensors = [v for v in call.args if isinstance(v, TensorFacts)]
    if "refer to a single memory location" in message:
        written = call.kwarg("written") or call.kwarg("out") or r
        if not isinstance(written, TensorFacts):
            return None
        if op == "setitem":  # t[i] = value: args are (index, value)
            sources = [v for v in call.args[1:2] if isinstance(v, TensorFacts)]
        else:
            sources = tensors + ([r] if written is not r else [])
        return explain_partial_overlap(written, sources, op)
    if "The size of tensor a" in message and tensors:
        return explain_broadcast(r, tensors[0], op)
    if op == "as_strided" and ("out of bounds for storage" in message
                               or "Negative strides" in message):
        strided = _strided_args(call, r)
        if strided is None:
            return None
        size, stride, offset = strided
        if "Negative strides" in message:
            negative = tuple(d for d, s in enumerate(stride) if s < 0)
            return NegativeStrideExplanation(r, size, stride, offset, negative) \
                if negative else None
        return explain_out_of_bounds(r, size, stride, offset)
    if "step must be greater than zero" in message and op in ("getitem", "setitem") \
            and call.args:
        return explain_negative_step(r, call.args[0])
    if op in ("expand", "broadcast_to") and ("expanded size" in message
                                             or "the number of sizes provided" in message):
        sizes = _sizes(call)
        return explain_expand(r, sizes) if sizes is not None else None
    if op in ("view", "reshape") and ("is invalid for input of size" in message
                                      or "only one dimension can be inferred" in message):
        sizes = _sizes(call, "shape" if op == "reshape" else "size")
        return explain_shape(r, op, sizes) if sizes is not None else None
    if op == "view" and "different element sizes" in message:
        target = call.kwarg("dtype", call.args[0] if call.args else None)
        return explain_view_dtype(r, target) if isinstance(target, str) else None
    if op == "view":  # sizes whose numel fits but whose dims cannot merge
        sizes = _sizes(call)
        if sizes is None or explain_shape(r, op, sizes) is not None:
            return None
        explanation = explain_view(r.shape, r.stride, sizes)
        return None if explanation.ok else explanation
    if "Dimension out of range" in message:
        return explain_dim_range(r, op, message, call.args)
    return None


EXPLANATION_TYPES = (TensorFacts, ArrayFacts, SliceArg, OverlapExplanation,
                     NegativeStrideExplanation,
                     PartialOverlapExplanation, BroadcastExplanation,
                     OutOfBoundsExplanation, NegativeStepExplanation, ExpandExplanation,
                     ShapeExplanation, DtypeViewExplanation, DimRangeExplanation,
                     NumpyStrideExplanation, LeafViewWriteExplanation,
                     SavedTensorWrittenExplanation)
