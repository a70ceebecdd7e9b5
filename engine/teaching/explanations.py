"""The explanation of each kind of failure, as a frozen value that writes its own sentences in
either language: overlapping writes, broadcasting, bounds, negative steps, expand, shapes,
dtype views, dim ranges, NumPy strides."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from stridescope.engine.model.layout import N_
from stridescope.engine.teaching.explain_base import (
    _PAIRWISE,
    ArrayFacts,
    Explanation,
    TensorFacts,
    Term,
    _cell_runs,
    _cells,
    _Name,
    _name,
    _op_text,
    _position,
    _positions,
    _tuple,
)


@dataclass(frozen=True, slots=True)
class OverlapExplanation(Explanation):
    """An in-place write to a tensor whose grid positions share storage cells."""

    kind: ClassVar[str] = "overlapping_write"
    receiver: TensorFacts
    op: str
    cell: int                               # one shared storage cell
    positions: tuple[tuple[int, ...], ...]  # the grid positions that read `cell` (capped)
    readers: int                            # how many positions read `cell`
    distinct: int                           # distinct cells the whole tensor reads
    dims: tuple[int, ...] = ()              # dims with stride 0 (and size > 1)
    cells: tuple[int, ...] = ()             # every shared cell (capped)
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        values = {"name": _name(r), "Name": _Name(r), "cell": self.cell, "count": self.readers,
                  "positions": _positions(self.positions, self.readers), "op": _op_text(self.op),
                  "numel": r.numel, "distinct": self.distinct,
                  "nbytes": r.numel * r.itemsize, "stride": _tuple(r.stride)}
        if len(self.dims) == 1:
            values["dim"] = self.dims[0]
            first = N_("{Name} has stride 0 in dim {dim} (stride {stride}): walking along that "
                       "dim never moves in storage — that is what expand() makes. So the "
                       "{count} positions {positions} all read storage cell {cell}.")
        elif self.dims:
            values["dims"] = ", ".join(str(d) for d in self.dims)
            first = N_("{Name} has stride 0 in dims {dims} (stride {stride}): walking along "
                       "them never moves in storage — that is what expand() makes. So the "
                       "{count} positions {positions} all read storage cell {cell}.")
        else:
            first = N_("In {name} (stride {stride}) the {count} positions {positions} all "
                       "read storage cell {cell}.")
        return [
            (first, values),
            (N_("An in-place write ({op}) would write that one cell {count} times, each time "
                "from a value another position may already have changed: the result would "
                "depend on the order. So PyTorch refuses in-place writes to a tensor whose "
                "{numel} positions share {distinct} cells."), values),
            (N_("{Name}.clone() (or .contiguous()) gives every position its own cell — "
                "{numel} cells, {nbytes} bytes — and then the write is well defined. To make "
                "the copy from the start, use repeat() instead of expand()."), values),
        ]


@dataclass(frozen=True, slots=True)
class PartialOverlapExplanation(Explanation):
    """A write whose source shares storage cells with the tensor being written."""

    kind: ClassVar[str] = "partial_overlap"
    receiver: TensorFacts          # the tensor written to
    source: TensorFacts            # the tensor read from
    op: str
    written: int                   # distinct cells written
    read: int                      # distinct cells read
    count: int                     # cells both read and written
    cells: tuple[int, ...] = ()    # those cells (capped)
    dims: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        values = {"op": _op_text(self.op), "written": self.written, "read": self.read,
                  "count": self.count, "cells": _cell_runs(self.cells),
                  "target": _name(self.receiver), "source": _name(self.source)}
        return [
            (N_("The write ({op}) goes to {written} storage cells of {target} while reading "
                "{read} cells of {source} on the same storage: {count} cells ({cells}) are "
                "both read and written."), values),
            (N_("A cell could be read after another position has already overwritten it, so "
                "the result would depend on the order: PyTorch refuses."), values),
            (N_("Copy the source first — {source}.clone() — so that reading and writing no "
                "longer share memory.") if self.source.name else
             N_("Copy the source first with .clone(), so that reading and writing no longer "
                "share memory."), values),
        ]


@dataclass(frozen=True, slots=True)
class BroadcastExplanation(Explanation):
    """Two shapes that do not broadcast: equal sizes or a 1 on one side, dim by dim."""

    kind: ClassVar[str] = "broadcast"
    receiver: TensorFacts          # tensor a (the left operand)
    other: TensorFacts             # tensor b
    op: str
    dim: int                       # the result's dim where they clash
    size_a: int
    size_b: int
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        a, b = self.receiver, self.other
        ndim = max(a.ndim, b.ndim)
        values = {"op": _op_text(self.op), "a": _tuple(a.shape), "b": _tuple(b.shape),
                  "pa": _tuple((1,) * (ndim - a.ndim) + a.shape),
                  "pb": _tuple((1,) * (ndim - b.ndim) + b.shape), "dim": self.dim,
                  "size_a": self.size_a, "size_b": self.size_b}
        values.update(name_a=_name(a), name_b=_name(b))
        parts = [(N_("Broadcasting lines the shapes up from the right, padding the shorter "
                     "one with 1s on the left: {a} and {b} become {pa} and {pb}.")
                  if a.ndim != b.ndim else
                  N_("Broadcasting lines the shapes {a} ({name_a}) and {b} ({name_b}) up "
                     "dim by dim."), values),
                 (N_("At dim {dim} the sizes are {size_a} and {size_b}. Two sizes fit only "
                     "when they are equal or one of them is 1: a size-1 side is stretched "
                     "with stride 0, like expand(); {size_a} and {size_b} cannot be "
                     "matched."), values)]
        parts.append((N_("Make the sizes equal there, or make one of them 1 (unsqueeze() or "
                         "view() add a size-1 dim), so that side is stretched."), values))
        if a.ndim == 1 and b.ndim == 1 and a.name and b.name and self.op in _PAIRWISE:
            values["outer"] = _tuple((self.size_a, self.size_b))
            parts.append((N_("To combine every element of {name_a} with every element of "
                             "{name_b}: {name_a}.unsqueeze(1) {op} {name_b} has shape "
                             "{outer}."), values))
        return parts


@dataclass(frozen=True, slots=True)
class OutOfBoundsExplanation(Explanation):
    """as_strided asked for a layout that reads past the end of the storage."""

    kind: ClassVar[str] = "out_of_bounds"
    receiver: TensorFacts
    size: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    last_position: tuple[int, ...]
    last_index: int
    needed_bytes: int
    oob_count: int      # grid positions that would read past the end (-1: too many to count)
    cells: tuple[int, ...] = ()              # the index each position reads, in order (capped)
    out_of_bounds: tuple[int, ...] = ()      # distinct indices past the end (capped)
    dims: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        terms = " + ".join(f"{i}×{s}" for i, s in zip(self.last_position, self.stride)) or "0"
        values = {"name": _name(r), "size": _tuple(self.size), "stride": _tuple(self.stride),
                  "offset": self.offset, "position": _position(self.last_position),
                  "terms": terms, "last": self.last_index, "elements": self.last_index + 1,
                  "itemsize": r.itemsize, "needed": self.needed_bytes,
                  "have": r.storage_elements, "nbytes": r.storage_nbytes,
                  "oob": _cells(self.out_of_bounds), "count": self.oob_count,
                  "numel": math.prod(self.size), "max_index": r.storage_elements - 1}
        return [
            (N_("as_strided(size {size}, stride {stride}, offset {offset}) reads, for each "
                "position, storage cell offset + Σ index × stride. Its last element {position} "
                "is at cell {offset} + "
                "{terms} = {last}, so the layout needs {elements} elements × {itemsize} bytes "
                "= {needed} bytes."), values),
            (N_("The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … "
                "{max_index}): {count} of the {numel} positions would read past its end, at "
                "cell {oob}.") if self.oob_count >= 0 and len(self.out_of_bounds) == 1 else
             N_("The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … "
                "{max_index}): {count} of the {numel} positions would read past its end, at "
                "cells {oob}.") if self.oob_count >= 0 else
             N_("The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … "
                "{max_index}): the layout would read past its end, up to cell {last}."),
             values),
            (N_("as_strided never allocates or copies: it re-reads the storage it is given, "
                "so every cell it reaches must exist. Make the size, stride or offset smaller "
                "until the last cell is at most {max_index}."), values),
        ]


@dataclass(frozen=True, slots=True)
class NegativeStepExplanation(Explanation):
    """A slice with a negative step: PyTorch strides are never negative."""

    kind: ClassVar[str] = "negative_step"
    receiver: TensorFacts
    dim: int
    step: int
    size: int
    stride: int
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()   # the cells a backwards walk of `dim` would visit, in order
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        values = {"name": _name(r), "Name": _Name(r), "dim": self.dim, "step": self.step,
                  "size": self.size, "stride": self.stride, "would": self.step * self.stride,
                  "nbytes": r.numel * r.itemsize, "k": -self.step,
                  "cells": _cells(self.cells)}
        parts = [
            (N_("The slice asks dim {dim} of {name} (size {size}, stride {stride}) to be "
                "walked backwards with step {step}, visiting cells {cells}. As a view that "
                "would need stride {step} × {stride} = {would}: a negative stride."), values),
            (N_("PyTorch strides are never negative (NumPy's can be), so a PyTorch slice "
                "cannot step backwards: the step must be greater than 0."), values),
            (N_("{Name}.flip({dim}) gives the elements in reverse order — as a copy into a "
                "new storage ({nbytes} bytes), not a view."), values),
        ]
        if self.step < -1:
            parts.append((N_("Then slice dim {dim} of the copy with step {k}: that is what "
                             "step {step} means in NumPy."), values))
        return parts


@dataclass(frozen=True, slots=True)
class NegativeStrideExplanation(Explanation):
    """as_strided given a negative stride."""

    kind: ClassVar[str] = "negative_stride"
    receiver: TensorFacts
    size: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    dims: tuple[int, ...] = ()    # the dims whose stride is negative
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        dim = self.dims[0]
        positive = tuple(abs(s) for s in self.stride)
        start = self.offset + sum((self.size[d] - 1) * self.stride[d] for d in self.dims)
        values = {"size": _tuple(self.size), "stride": _tuple(self.stride), "dim": dim,
                  "value": self.stride[dim], "positive": _tuple(positive), "start": start,
                  "flips": ", ".join(str(d) for d in self.dims)}
        return [
            (N_("as_strided(size {size}, stride {stride}): the stride {value} of dim {dim} is "
                "negative. PyTorch strides are never negative (NumPy's can be): a PyTorch "
                "layout only walks its storage forwards."), values),
            (N_("The same cells, read forwards from offset {start}, then reversed: "
                "as_strided({size}, {positive}, {start}).flip({flips}) — flip copies."),
             values),
        ]


@dataclass(frozen=True, slots=True)
class ExpandExplanation(Explanation):
    """expand() asked to stretch a dim whose size is not 1."""

    kind: ClassVar[str] = "expand"
    receiver: TensorFacts
    target: tuple[int, ...]
    dim: int              # the target dim that does not fit
    source_dim: int       # the receiver's dim lined up with it
    size: int
    target_size: int
    # repeat() factors that would copy to `target` ("fewer": not None when -1s padding works)
    repeats: tuple[int, ...] | None = None
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()
    reason: str = "size"  # "size" | "fewer" (fewer sizes than dims) | "leading" (-1 on a new dim)

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        values = {"name": _name(r), "target": ", ".join(str(s) for s in self.target),
                  "dim": self.dim, "source_dim": self.source_dim, "size": self.size,
                  "target_size": self.target_size, "shape": _tuple(r.shape),
                  "count": len(self.target), "ndim": r.ndim,
                  "padded": ", ".join(["-1"] * (r.ndim - len(self.target))
                                      + [str(s) for s in self.target])}
        if self.reason == "fewer":
            first = (N_("expand({target}) gives {count} sizes, but {name} has {ndim} dims "
                        "(shape {shape}): expand can add dims on the left, never remove them."),
                     values)
            if self.repeats is None:  # the padded sizes would fail too
                return [first, (N_("Give one size per dim; -1 keeps a dim as it is."), values)]
            return [first, (N_("Give one size per dim, -1 to keep one: expand({padded})."),
                            values)]
        if self.reason == "leading":
            return [(N_("In expand({target}), target dim {dim} is a new dim on the left that "
                        "{name} (shape {shape}) does not have. -1 means \"keep this dim's "
                        "size\", and a new dim has no size to keep: give it one."), values)]
        parts = [
            (N_("expand({target}) lines the dims up from the right: target dim {dim} (size "
                "{target_size}) meets dim {source_dim} of {name} (shape {shape}), whose size "
                "is {size}."), values),
            (N_("expand only stretches a dim of size 1 (or adds new dims on the left): it "
                "gives that dim stride 0, so every position along it reads the same cell. A "
                "dim of size {size} already holds {size} different elements, and expand never "
                "copies, so it cannot become {target_size}."), values),
        ]
        if self.repeats is not None:
            values["repeats"] = ", ".join(str(k) for k in self.repeats)
            values["Name"] = _Name(r)
            parts.append((N_("{Name}.repeat({repeats}) copies the data instead and gives shape "
                             "({target})."), values))
        else:
            parts.append((N_("Keep size {size} there (or write -1). repeat() cannot reach that "
                             "size either: its factors multiply the sizes, so a dim of size "
                             "{size} can only become a multiple of {size}."), values))
        return parts


@dataclass(frozen=True, slots=True)
class ShapeExplanation(Explanation):
    """view/reshape sizes (with or without -1) that cannot hold exactly numel elements."""

    kind: ClassVar[str] = "shape"
    receiver: TensorFacts
    op: str
    requested: tuple[int, ...]
    numel: int
    known: int            # the product of the sizes other than -1
    divisors: tuple[int, ...] = ()
    dims: tuple[int, ...] = ()   # positions of -1 in `requested`
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        inferred = self.requested.count(-1)
        values = {"name": _name(r), "op": self.op, "numel": self.numel, "known": self.known,
                  "requested": ", ".join(str(s) for s in self.requested),
                  "product": _product([s for s in self.requested if s != -1]),
                  "count": inferred, "divisors": ", ".join(str(d) for d in self.divisors),
                  "shape": _tuple(r.shape)}
        if inferred > 1:
            first = N_("{op}({requested}) has {count} sizes of -1, but only one size may be "
                       "-1 (\"whatever makes the product {numel}\"): with two, the split "
                       "would not be unique.")
        elif inferred and self.known == 0:
            others = [s for s in self.requested if s != -1]
            values["zero"] = f"{values['product']} = 0" if len(others) > 1 else "0"
            first = N_("-1 means \"whatever makes the product {numel}\", but the other sizes "
                       "multiply to {zero}, and 0 × anything is 0, never {numel}.")
        elif inferred:
            values["quotient"] = _number(self.numel / self.known)
            first = N_("-1 means \"numel ÷ the other sizes\": {name} (shape {shape}) has "
                       "{numel} elements, and {numel} ÷ {product} = {quotient} is not a "
                       "whole number, so no size fits in place of -1.")
        else:
            first = N_("{op}({requested}) asks for {product} = {known} elements, but {name} "
                       "(shape {shape}) has {numel}: a view or reshape never adds or drops "
                       "elements.")
        parts = [(first, values)]
        if self.divisors:
            parts.append((N_("The sizes that divide {numel}: {divisors}."), values))
        return parts


def _product(sizes: Sequence[int]) -> str:
    text = " × ".join(str(s) for s in sizes) or "1"
    return f"({text})" if len(sizes) > 1 else text


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class DtypeViewExplanation(Explanation):
    """view(dtype) between element sizes whose bytes do not regroup."""

    kind: ClassVar[str] = "view_dtype"
    receiver: TensorFacts
    target_dtype: str
    target_itemsize: int
    reason: str           # "scalar" | "size" | "offset" | "last_stride" | "stride"
    value: int            # the number that breaks the rule (a size, offset or stride)
    dim: int | None = None
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        old, new = r.itemsize, self.target_itemsize
        ratio = max(old, new) // max(min(old, new), 1)
        values = {"name": _name(r), "Name": _Name(r), "old": r.dtype.removeprefix("torch."),
                  "new": self.target_dtype.removeprefix("torch."), "old_size": old,
                  "new_size": new, "ratio": ratio, "value": self.value,
                  "bytes": self.value * old, "dim": self.dim,
                  "upper": -(-self.value // ratio) * ratio}
        if new > old:
            parts = [(N_("view({new}) re-reads the same bytes: {ratio} neighbouring "
                         "{old_size}-byte {old} elements of the last dim must become one "
                         "{new_size}-byte {new} element."), values)]
        else:
            parts = [(N_("view({new}) re-reads the same bytes: each {old_size}-byte {old} "
                         "element of the last dim is cut into {ratio} {new_size}-byte {new} "
                         "elements."), values)]
        reason = {
            "scalar": N_("{Name} has no dims: a 0-dim tensor has no last dim to regroup. "
                         "Reshape it to 1 dim first."),
            "size": N_("The last dim of {name} has {value} elements = {bytes} bytes, which do "
                       "not split into whole {new_size}-byte elements ({value} is not "
                       "divisible by {ratio}). A last dim of {upper} elements would (any "
                       "multiple of {ratio})."),
            "offset": N_("{Name} starts at storage offset {value} (byte {bytes}), and a "
                         "{new_size}-byte element must start at a multiple of {new_size} "
                         "bytes ({value} is not divisible by {ratio}). A contiguous copy "
                         "(clone()) starts at offset 0."),
            "last_stride": N_("The last dim of {name} has stride {value}: its elements are "
                              "not side by side in memory, so their bytes cannot be regrouped "
                              "(the last stride must be 1). A contiguous copy has stride 1."),
            "stride": N_("Dim {dim} of {name} has stride {value}, not a multiple of {ratio}: "
                         "counted in {new_size}-byte elements it would not be a whole "
                         "number. A contiguous copy fixes it."),
        }[self.reason]
        parts.append((reason, values))
        return parts


@dataclass(frozen=True, slots=True)
class DimRangeExplanation(Explanation):
    """A dim argument outside the tensor's dims."""

    kind: ClassVar[str] = "dim_range"
    receiver: TensorFacts | None
    op: str
    got: int
    low: int
    high: int
    dims: tuple[int, ...] = ()
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        r = self.receiver
        values = {"name": _name(r), "Name": _Name(r), "op": self.op, "got": self.got,
                  "low": self.low, "high": self.high, "count": self.high + 1}
        parts = []
        if r is not None and r.ndim:
            values.update(ndim=r.ndim, shape=_tuple(r.shape), last=r.ndim - 1)
            parts.append((N_("{Name} has {ndim} dims (shape {shape}): dim 0 is also dim "
                             "-{ndim}, and the last, dim {last}, is also dim -1."), values))
        elif r is not None:
            parts.append((N_("{Name} has no dims (a 0-dim tensor, a single value)."), values))
        if r is not None and r.ndim == 0 and self.high == 0:
            parts.append((N_("{op}() treats it as if it had one dim: the only dims it accepts "
                             "are 0 and -1. {got} is neither."), values))
            return parts
        parts.append((N_("{op}() accepts a dim from 0 to {high} counting from the left, or "
                         "from -1 to {low} counting from the right (-1 is the last): {count} "
                         "places. {got} is not one of them."), values))
        if r is not None and r.ndim and self.high == r.ndim:
            parts.append((N_("{op}() may also name the place after the last dim (it adds a "
                             "dim), so its range is one wider than the tensor's dims."),
                          values))
        return parts


@dataclass(frozen=True, slots=True)
class NumpyStrideExplanation(Explanation):
    """torch.from_numpy of an array with a negative stride (NumPy's [::-1])."""

    kind: ClassVar[str] = "numpy_negative_stride"
    array: ArrayFacts
    dims: tuple[int, ...] = ()   # dims whose stride (bytes) is negative
    cells: tuple[int, ...] = ()
    out_of_bounds: tuple[int, ...] = ()

    def parts(self) -> list[tuple[str, dict]]:
        a = self.array
        first = self.dims[0] if self.dims else 0
        values = {"name": a.name or Term(N_("The array")), "array": a.name or "a",
                  "strides": _tuple(a.strides),
                  "dim": first, "stride": a.strides[first] if a.strides else 0,
                  "positive": _tuple(_c_strides(a.shape, a.itemsize))}
        return [
            (N_("{name} has strides {strides} in bytes; dim {dim}'s stride {stride} is "
                "negative: a [::-1] slice in NumPy reads memory backwards without copying."),
             values),
            (N_("torch.from_numpy shares the array's memory and keeps its strides, but PyTorch "
                "strides are never negative, so it refuses."), values),
            (N_("Copy first — {array}.copy() or np.ascontiguousarray({array}) has strides "
                "{positive} bytes — or call from_numpy on the original array and flip({dim}) "
                "in PyTorch (flip copies too)."), values),
        ]


def _c_strides(shape: Sequence[int], itemsize: int) -> tuple[int, ...]:
    out, step = [], itemsize
    for size in reversed(shape):
        out.append(step)
        step *= max(size, 1)
    return tuple(reversed(out))
