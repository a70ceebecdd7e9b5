"""What every explanation is built from: the facts of the tensors in a failed call (TensorFacts,
FailedCall), the Explanation base class, and the small phrases they share."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, ClassVar

from stridescope.engine.model.layout import N_, join_sentences

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
    # autograd: what the graph knows of the tensor (for the in-place errors of autograd)
    requires_grad: bool = False
    is_leaf: bool = True
    grad_fn: str | None = None      # the node that made it: "TBackward0", "MulBackward0", …
    version: int = 0                # in-place writes to its storage so far (tensor._version)

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
        out = {"name": self.name, "shape": list(self.shape), "stride": list(self.stride),
               "storage_offset": self.storage_offset, "dtype": self.dtype,
               "itemsize": self.itemsize, "storage_nbytes": self.storage_nbytes,
               "storage_values": None if self.storage_values is None
               else [[v.real, v.imag] if isinstance(v, complex) else v
                     for v in self.storage_values]}
        if self.requires_grad or self.grad_fn:
            out["autograd"] = {"requires_grad": self.requires_grad, "is_leaf": self.is_leaf,
                               "grad_fn": self.grad_fn, "version": self.version}
        return out


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
