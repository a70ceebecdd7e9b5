"""Frozen values describing what every tensor and storage is after a step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridescope.engine.model.dtypes import decode

TRACE_VALUE_LIMIT = 10_000           # numel up to which `values` (tolist) is recorded
STORAGE_BYTES_LIMIT = 64 * 1024**2   # storages up to this size keep a copy of their bytes


@dataclass(frozen=True, slots=True)
class Produced:
    """A name the step (re)bound to a tensor, and how that tensor relates to what existed."""

    name: str
    kind: str               # "view" | "copy" | "new" | "alias"
    source: str | None      # the named tensor it views/copies/aliases
    # what the call that made it did, by storage identity, when the name was bound straight
    # to a call: "view" for `torch.ones(4).view(torch.int16)` (kind "new": the viewed tensor
    # was a temporary), "copy", "new", "same"; None when not known
    memory: str | None = None


@dataclass(frozen=True, slots=True)
class TensorState:
    name: str
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    dtype: str            # str(t.dtype), e.g. "torch.int64"
    itemsize: int
    device: str
    data_ptr: int
    storage_data_ptr: int
    storage_nbytes: int
    numel: int
    is_contiguous: bool
    is_channels_last: bool | None  # None unless 4-D
    storage_id: int       # stable label of the storage within a run: S1, S2, …
    values: Any = field(compare=False)  # tolist(), or None (meta / too large)
    requires_grad: bool = False
    is_meta: bool = False
    base_name: str | None = None  # the named tensor that t._base is, if any
    is_view: bool = False
    origin: Produced | None = None  # how the statement that last bound this name made it
    grad_fn: str | None = None    # autograd's node that made it ("TBackward0"), if any
    is_leaf: bool = True
    version: int = 0              # t._version (in-place writes) when it requires grad

    @property
    def ndim(self) -> int:
        return len(self.shape)


@dataclass(frozen=True, slots=True)
class StorageState:
    id: int
    data_ptr: int
    nbytes: int
    device: str
    raw: bytes | None = field(compare=False, repr=False)  # None: meta or too large

    @property
    def label(self) -> str:
        # 0, -1, -2 …: storages that did not outlive their statement (SubStep.temporary)
        return f"S{self.id}" if self.id > 0 else f"tmp{1 - self.id if self.id else ''}"

    def elements(self, dtype: str) -> np.ndarray | None:
        """The storage read as `dtype` (a torch dtype string), or None without data."""
        return None if self.raw is None else decode(self.raw, dtype)


@dataclass(frozen=True, slots=True)
class ArrayState:
    """A NumPy array after a step. NumPy strides are in bytes (`strides`); `element_strides`
    is the same layout in elements, as PyTorch counts, when every stride is a multiple of
    the itemsize.

    Where its bytes lie: `storage_id` is the tensor storage (Step.storages) that holds them,
    at `storage_byte_offset` = data_ptr - storage data_ptr (t.numpy(), torch.from_numpy(a),
    np.asarray(t)); `memory_id` is the memory block (Step.memories) they belong to when a
    tensor storage of this step does not hold them or NumPy owns them, at
    `memory_byte_offset`. An array is drawn on its storage's strip if it has one, else on its
    memory block's strip."""

    name: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]         # bytes, as NumPy counts
    element_strides: tuple[int, ...] | None  # strides // itemsize, None if not whole
    dtype: str                       # str(a.dtype), e.g. "float64"
    torch_dtype: str | None          # the torch dtype with the same bytes, e.g. "torch.float64"
    itemsize: int
    size: int
    nbytes: int
    data_ptr: int                    # a.__array_interface__["data"][0]
    c_contiguous: bool
    f_contiguous: bool
    owndata: bool
    writeable: bool
    values: Any = field(compare=False)  # tolist() (numbers, bools, str), or None
    storage_id: int | None = None
    storage_byte_offset: int | None = None
    memory_id: int | None = None
    memory_byte_offset: int | None = None
    base_name: str | None = None     # the named array that a.base is, if any
    # how the statement that last bound this name made it: "view" (its bytes were there
    # before: t.numpy(), a.T), "copy" (new memory from named values: np.ascontiguousarray),
    # "new", "alias"; the source is a named tensor or array
    origin: Produced | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)


@dataclass(frozen=True, slots=True)
class MemoryState:
    """A block of memory that NumPy arrays live in and that is not a tensor storage of the
    step: memory NumPy allocated (kind "numpy"), a bytes object (np.frombuffer, "bytes"), or
    the storage of a tensor no name refers to ("torch", e.g. torch.ones(3).numpy()).

    `holds` lists the tensor storages of the step whose bytes lie inside this block, with
    their byte offset (torch.from_numpy(a) makes a storage over a's memory)."""

    id: int
    kind: str                        # "numpy" | "bytes" | "torch"
    data_ptr: int
    nbytes: int
    dtype: str                       # NumPy dtype to read the cells with (its owner's)
    owner: str | None                # the named array that owns the block, if any
    holds: tuple[tuple[int, int], ...] = ()
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"N{self.id}"

    def elements(self) -> np.ndarray | None:
        """The block read as its dtype, or None without data or for unreadable dtypes."""
        if self.raw is None:
            return None
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            return None
        if dtype.hasobject or not dtype.itemsize:
            return None
        usable = len(self.raw) - len(self.raw) % dtype.itemsize
        return np.frombuffer(self.raw[:usable], dtype=dtype)


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    type: str
    message: str
    line: int | None
    # why it failed (engine/explain.py: ViewExplanation, OverlapExplanation, …): a frozen
    # value with text(translate), to_json(translate) and the fields the picture uses
    explanation: Any = None
    receiver: str | None = None  # the named tensor the failing call was made on, if any


@dataclass(frozen=True, slots=True)
class SubStep:
    """One call inside a chained statement and the tensor it returned, e.g. for
    `viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)`: `tensorA.transpose(0, 1)`,
    then `tensorA.transpose(0, 1).contiguous()`, then the whole call."""

    source: str             # the call's text; also `tensor.name`
    # storage_id 0, -1, -2 …: a storage that did not outlive the statement (distinct
    # temporaries get distinct ids); any other id is a storage of the statement's Step
    tensor: TensorState
    memory: str             # what the call did, by storage identity: view | copy | new | same
    # the temporary storage the tensor reads (with its bytes, within the recorder's budget);
    # None when the storage is one of the Step's
    temporary: StorageState | None = None


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    line: int
    end_line: int
    source: str
    stdout: str
    error: ErrorInfo | None
    tensors: tuple[TensorState, ...]
    storages: tuple[StorageState, ...]
    produced: tuple[Produced, ...] = ()
    written_storages: tuple[int, ...] = ()  # storages whose bytes this step changed
    warnings: tuple[str, ...] = ()
    # for copies: (name, ((source storage id, cell) per element in logical order))
    provenance: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()
    expected_error: bool = False  # the statement is marked `#! expect-error` (lessons)
    # each call's tensor, in the order the calls returned, when the statement chains two or
    # more tensor-returning calls (and none ran twice); the last is the statement's value
    substeps: tuple[SubStep, ...] = ()
    # NumPy arrays bound to top-level names, and the memory blocks (not tensor storages)
    # they live in; see ArrayState
    arrays: tuple[ArrayState, ...] = ()
    memories: tuple[MemoryState, ...] = ()
    written_memories: tuple[int, ...] = ()  # memory blocks whose bytes this step changed
    # a mesh run (issue 22): every rank's RankState after this statement, rank 0 first
    ranks: tuple[Any, ...] = ()
    # which of its statement's sub-steps this step draws (engine/model/substeps.py); -1:
    # the statement itself, as the runner recorded it
    substep: int = -1

    def sources_of(self, name: str) -> tuple[tuple[int, int], ...] | None:
        return next((cells for n, cells in self.provenance if n == name), None)

    def tensor(self, name: str) -> TensorState | None:
        return next((t for t in self.tensors if t.name == name), None)

    def storage(self, storage_id: int) -> StorageState | None:
        return next((s for s in self.storages if s.id == storage_id), None)

    def names_on(self, storage_id: int) -> tuple[str, ...]:
        return tuple(t.name for t in self.tensors if t.storage_id == storage_id)

    def produced_for(self, name: str) -> Produced | None:
        return next((p for p in self.produced if p.name == name), None)

    def array(self, name: str) -> ArrayState | None:
        return next((a for a in self.arrays if a.name == name), None)

    def memory(self, memory_id: int) -> MemoryState | None:
        return next((m for m in self.memories if m.id == memory_id), None)

    def arrays_on(self, storage_id: int) -> tuple[str, ...]:
        """Names of the arrays drawn on tensor storage `storage_id`'s strip."""
        return tuple(a.name for a in self.arrays if a.storage_id == storage_id)


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole script: its steps, or the syntax error that stopped it from parsing."""

    source: str
    steps: tuple[Step, ...]
    syntax_error: ErrorInfo | None = None
