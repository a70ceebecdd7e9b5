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

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, ClassVar

from stridescope.engine.model.dtypes import ITEMSIZE
from stridescope.engine.model.layout import N_, ViewExplanation, explain_view

MAX_LISTED = 8        # grid positions written out in a sentence
MAX_CELLS = 256       # storage cells carried for the picture
MAX_ENUMERATED = 65_536  # positions walked one by one to find shared / out-of-bounds cells


def _same(text: str) -> str:
    return text


class Term(str):
    """A value that is itself a marked string: translated before it is put into a sentence."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class TensorFacts:
    """What the explanation needs to know of a real tensor (read from torch by the caller)."""

    name: str | None
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    dtype: str            # str(t.dtype)
    itemsize: int
    storage_nbytes: int
    # the storage's elements read as `dtype`, when small (≤ MAX_CELLS) and readable: the
    # picture can draw the strip of a tensor that has no name in the step (a temporary)
    storage_values: tuple | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def storage_elements(self) -> int:
        return self.storage_nbytes // self.itemsize if self.itemsize else 0

    def index(self, position: Sequence[int]) -> int:
        return self.storage_offset + sum(i * s for i, s in zip(position, self.stride))

    def to_json(self) -> dict:
        return {"name": self.name, "shape": list(self.shape), "stride": list(self.stride),
                "storage_offset": self.storage_offset, "dtype": self.dtype,
                "itemsize": self.itemsize, "storage_nbytes": self.storage_nbytes,
                "storage_values": None if self.storage_values is None
                else [[v.real, v.imag] if isinstance(v, complex) else v
                      for v in self.storage_values]}


@dataclass(frozen=True, slots=True)
class ArrayFacts:
    """A NumPy array's layout (strides in bytes), for torch.from_numpy's errors."""

    name: str | None
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    itemsize: int
    dtype: str

    def to_json(self) -> dict:
        return {"name": self.name, "shape": list(self.shape), "strides": list(self.strides),
                "itemsize": self.itemsize, "dtype": self.dtype}


@dataclass(frozen=True, slots=True)
class SliceArg:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True, slots=True)
class FailedCall:
    """A call that raised, with plain facts of what it was given (interpreter → runner)."""

    op: str                       # method or function name; "getitem", "setitem", "iadd", …
    receiver: TensorFacts | ArrayFacts | None
    args: tuple = ()              # ints, floats, None, tuples, SliceArg, dtype strings, facts
    kwargs: tuple[tuple[str, Any], ...] = ()
    receiver_name: str | None = None

    def kwarg(self, key: str, default: Any = None) -> Any:
        return next((v for k, v in self.kwargs if k == key), default)


# ----------------------------------------------------------------- the explanations
class Explanation:
    """Shared behaviour: text from (template, values) parts; JSON with every field."""

    __slots__ = ()
    kind: ClassVar[str] = ""

    def parts(self) -> list[tuple[str, dict]]:
        raise NotImplementedError

    def sentences(self, translate: Callable[[str], str] = _same) -> list[str]:
        """The explanation in its parts: what happened, why, and the fix (one line each)."""
        out = []
        for template, values in self.parts():
            values = {k: translate(v) if isinstance(v, Term) else v for k, v in values.items()}
            out.append(translate(template).format(**values))
        return out

    def text(self, translate: Callable[[str], str] = _same) -> str:
        return join_sentences(self.sentences(translate))

    def to_json(self, translate: Callable[[str], str] = _same) -> dict:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text(translate)}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            out[f.name] = _jsonable(getattr(self, f.name))
        return out


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences joined by a space, except after a full-width full stop (Chinese)."""
    text = ""
    for sentence in sentences:
        if text and not text.endswith(("。", "：", "；")):
            text += " "
        text += sentence
    return text


def _jsonable(value: Any) -> Any:
    if isinstance(value, (TensorFacts, ArrayFacts)):
        return value.to_json()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


def _name(facts: TensorFacts | ArrayFacts | None) -> str:
    return facts.name if facts is not None and facts.name else Term(N_("the tensor"))


def _Name(facts: TensorFacts | ArrayFacts | None) -> str:  # noqa: N802 — at a sentence start
    return facts.name if facts is not None and facts.name else Term(N_("The tensor"))


def _tuple(values: Sequence[int]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def _position(position: Sequence[int]) -> str:
    return "[" + ", ".join(str(i) for i in position) + "]"


def _positions(positions: Sequence[Sequence[int]], total: int) -> str:
    text = ", ".join(_position(p) for p in positions[:MAX_LISTED])
    return text + (f", … (+{total - MAX_LISTED})" if total > MAX_LISTED else "")


def _cells(cells: Sequence[int]) -> str:
    listed = ", ".join(str(c) for c in cells[:MAX_LISTED])
    return listed + (", …" if len(cells) > MAX_LISTED else "")


_OP_TEXT = {"iadd": "+=", "isub": "-=", "imul": "*=", "itruediv": "/=", "ifloordiv": "//=",
            "imod": "%=", "ipow": "**=", "iand": "&=", "ior": "|=", "ixor": "^=",
            "ilshift": "<<=", "irshift": ">>=", "imatmul": "@=", "setitem": "[…] =",
            "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
            "pow": "**", "matmul": "@", "and_": "&", "or_": "|", "xor": "^", "eq": "==",
            "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


_PAIRWISE = {"add", "sub", "mul", "truediv"}


def _op_text(op: str) -> str:
    return _OP_TEXT.get(op, f"{op}()")


def _cell_runs(cells: Sequence[int]) -> str:
    """'1 … 4' for a run of consecutive cells, else the cells listed."""
    if len(cells) > 3 and list(cells) == list(range(cells[0], cells[0] + len(cells))):
        return f"{cells[0]} … {cells[-1]}"
    return _cells(cells)


def _positions_in_order(shape: Sequence[int]):
    return product(*(range(s) for s in shape))


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
                     NumpyStrideExplanation)
