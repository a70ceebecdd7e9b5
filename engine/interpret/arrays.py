"""Record NumPy arrays after a step: their layout in bytes, and which memory they live in.

Which memory: an array from t.numpy() or np.asarray(t) keeps the tensor at the end of its
`.base` chain, so its storage is known by identity. An array whose memory NumPy owns may
still lie inside a tensor storage (torch.from_numpy(a) wraps a's memory in a new storage):
that is found by address, inside the storages of the same step. Memory blocks are labelled
N1, N2, … by the object that owns them, kept alive until the next step so that an address
cannot be freed, reused and mistaken for the same block.
"""

from __future__ import annotations

import ctypes
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret.numpy_costs import byte_extent, data_pointer, memory_root
from stridescope.engine.model.state import (
    STORAGE_BYTES_LIMIT,
    TRACE_VALUE_LIMIT,
    ArrayState,
    MemoryState,
    Produced,
    StorageState,
)

_VALUE_KINDS = frozenset("biufcU")  # kinds whose tolist() is numbers, bools or str
_TORCH_NAMES = {np.dtype(n): f"torch.{n}" for n in (
    "bool uint8 int8 int16 uint16 int32 uint32 int64 uint64 float16 float32 float64 "
    "complex64 complex128").split()}


class ArrayRecorder:
    def __init__(self) -> None:
        self._labels: dict[int, int] = {}
        self._next_label = 1
        self._pinned: list[Any] = []
        self._previous_raw: dict[int, bytes | None] = {}
        self._previous_arrays: dict[str, np.ndarray] = {}
        self._previous_places: dict[tuple[str, int], list[str]] = {}  # memory -> names on it
        self._previous_tensors: dict[str, int] = {}  # tensor name -> storage id, last step
        self._places: dict[tuple[str, int], list[str]] | None = None  # both, built if asked
        self._origins: dict[str, Produced] = {}

    def record(self, arrays: dict[str, np.ndarray], storages: tuple[StorageState, ...],
               storage_labels: dict[int, int], tensors: dict[str, int] | None = None,
               referenced: tuple[str, ...] = (), produced: tuple[Produced, ...] = ()
               ) -> tuple[tuple[ArrayState, ...], tuple[MemoryState, ...], tuple[int, ...],
                          tuple[Produced, ...]]:
        """ArrayStates of the named arrays, the memory blocks they need, the blocks whose bytes
        changed since the previous step, and `produced` (the step's tensors' origins) told
        about arrays: torch.from_numpy(m) is a view of m, torch.tensor(m) a copy of m.

        `tensors` maps the step's tensor names to their storage ids, `referenced` lists the
        names the statement reads."""
        tensors = tensors or {}
        blocks: dict[int, tuple[Any, np.ndarray]] = {}  # owner key -> (owner, root array)
        placed = []
        for name, a in arrays.items():
            root, foreign = memory_root(a)
            storage_id = None
            if isinstance(foreign, torch.Tensor):
                storage_id = storage_labels.get(foreign.untyped_storage()._cdata)
                if storage_id is not None and not any(s.id == storage_id for s in storages):
                    storage_id = None
            if storage_id is None:
                storage_id = _containing_storage(a, storages)
            owner = foreign if foreign is not None else root
            key = id(owner)
            needs_block = not isinstance(foreign, torch.Tensor) or storage_id is None
            if needs_block:
                blocks.setdefault(key, (owner, root))
            placed.append((name, a, storage_id, key if needs_block else None))
        live = set(blocks)
        self._labels = {k: v for k, v in self._labels.items() if k in live}
        for key in blocks:
            if key not in self._labels:
                self._labels[key] = self._next_label
                self._next_label += 1
        memories = {key: self._memory(self._labels[key], owner, root, arrays, storages)
                    for key, (owner, root) in blocks.items()}
        by_ptr = {s.id: s.data_ptr for s in storages}
        states = []
        for name, a, storage_id, key in placed:
            memory = memories.get(key) if key is not None else None
            state = _array_state(name, a, arrays, storage_id, by_ptr.get(storage_id), memory)
            states.append(replace(state, origin=self._origin(state, a, referenced)))
        memory_states = tuple(sorted(memories.values(), key=lambda m: m.id))
        produced = tuple(self._tensor_origin(p, tensors, memory_states, referenced)
                         for p in produced)
        self._origins = {s.name: s.origin for s in states if s.origin is not None}
        self._previous_arrays = dict(arrays)
        self._previous_places = {}
        for s in states:
            for place in _places(s):
                self._previous_places.setdefault(place, []).append(s.name)
        self._previous_tensors = tensors  # their places are built only when an array asks
        self._places = None
        written = tuple(m.id for m in memory_states
                        if m.raw is not None and self._previous_raw.get(m.id) is not None
                        and m.raw != self._previous_raw[m.id])
        self._pinned = [owner for owner, _ in blocks.values()]
        self._previous_raw = {m.id: m.raw for m in memory_states}
        return tuple(states), memory_states, written, produced

    def _places_before(self) -> dict[tuple[str, int], list[str]]:
        """The last step's names by place: the arrays' memories and blocks, then the tensors'
        storages ("S", id)."""
        if self._places is None:
            self._places = {k: list(v) for k, v in self._previous_places.items()}
            for name, storage_id in self._previous_tensors.items():
                self._places.setdefault(("S", storage_id), []).append(name)
        return self._places

    def _tensor_origin(self, p: Produced, tensors: dict[str, int],
                       memories: tuple[MemoryState, ...], referenced: tuple[str, ...]
                       ) -> Produced:
        """A tensor the torch-only bookkeeping calls new or a copy of nothing may be a view of
        an array's memory (from_numpy, as_tensor) or a copy of an array (torch.tensor)."""
        if p.kind not in ("new", "copy") or p.source is not None or p.name not in tensors:
            return p
        storage_id = tensors[p.name]
        arrays_before = [n for n in referenced if n in self._previous_arrays]
        for memory in memories:
            if any(sid == storage_id for sid, _ in memory.holds):
                before = self._places_before().get(("N", memory.id), [])
                if before:
                    source = next((n for n in arrays_before if n in before), before[0])
                    return replace(p, kind="view", source=source)
        if arrays_before:
            return replace(p, kind="copy", source=arrays_before[0])
        return p

    def _origin(self, state: ArrayState, a: np.ndarray, referenced: tuple[str, ...]
                ) -> Produced | None:
        name = state.name
        if self._previous_arrays.get(name) is a:
            return self._origins.get(name)
        alias = next((n for n, other in self._previous_arrays.items() if other is a), None)
        if alias is not None:
            return Produced(name, "alias", alias)
        places = self._places_before()
        before = [n for place in _places(state) for n in places.get(place, [])]
        if before:
            source = state.base_name if state.base_name in before else next(
                (n for n in referenced if n in before), before[0])
            return Produced(name, "view", source)
        known = {n for names in places.values() for n in names}
        source = next((n for n in referenced if n in known), None)
        return Produced(name, "copy" if source else "new", source)

    def _memory(self, label: int, owner: Any, root: np.ndarray, arrays: dict[str, np.ndarray],
                storages: tuple[StorageState, ...]) -> MemoryState:
        if isinstance(owner, bytes):
            kind, dtype = "bytes", "uint8"
            start = data_pointer(np.frombuffer(owner, dtype=np.uint8)) if owner else 0
            end = start + len(owner)
        elif isinstance(owner, torch.Tensor):
            kind, dtype = "torch", str(root.dtype)
            storage = owner.untyped_storage()
            start, end = storage.data_ptr(), storage.data_ptr() + storage.nbytes()
        else:
            kind = "numpy" if owner is root else type(owner).__name__
            dtype = str(root.dtype)
            start, end = byte_extent(data_pointer(root), tuple(root.shape),
                                     tuple(root.strides), root.itemsize)
        nbytes = end - start
        raw = None
        if nbytes <= STORAGE_BYTES_LIMIT:
            raw = ctypes.string_at(start, nbytes) if nbytes else b""
            previous = self._previous_raw.get(label)
            raw = previous if previous == raw else raw  # share unchanged bytes between steps
        owner_name = next((n for n, a in arrays.items() if a is root and root.flags.owndata),
                          None)
        holds = tuple((s.id, s.data_ptr - start) for s in storages
                      if s.device == "cpu" and s.nbytes and start <= s.data_ptr
                      and s.data_ptr + s.nbytes <= end)
        return MemoryState(label, kind, start, nbytes, dtype, owner_name, holds, raw)


def _places(state: ArrayState) -> list[tuple[str, int]]:
    """The memories an array lies in: ("S", storage id) and/or ("N", block id)."""
    places = [] if state.storage_id is None else [("S", state.storage_id)]
    return places + ([] if state.memory_id is None else [("N", state.memory_id)])


def _containing_storage(a: np.ndarray, storages: tuple[StorageState, ...]) -> int | None:
    """The largest CPU storage of the step whose bytes contain all of a's (lowest id first)."""
    if not a.size:
        return None
    low, high = byte_extent(data_pointer(a), tuple(a.shape), tuple(a.strides), a.itemsize)
    inside = [s for s in storages if s.device == "cpu" and s.data_ptr <= low
              and high <= s.data_ptr + s.nbytes]
    if not inside:
        return None
    return min(inside, key=lambda s: (-s.nbytes, s.id)).id


def _array_state(name: str, a: np.ndarray, arrays: dict[str, np.ndarray],
                 storage_id: int | None, storage_ptr: int | None,
                 memory: MemoryState | None) -> ArrayState:
    ptr = data_pointer(a)
    itemsize = a.itemsize
    strides = tuple(a.strides)
    whole = itemsize and all(s % itemsize == 0 for s in strides)
    values = None
    if a.size <= TRACE_VALUE_LIMIT and a.dtype.kind in _VALUE_KINDS:
        values = a.tolist()
    base = a.base
    base_name = next((n for n, other in arrays.items() if base is not None and other is base),
                     None)
    return ArrayState(
        name=name,
        shape=tuple(a.shape),
        strides=strides,
        element_strides=tuple(s // itemsize for s in strides) if whole else None,
        dtype=str(a.dtype),
        torch_dtype=_TORCH_NAMES.get(a.dtype),
        itemsize=itemsize,
        size=a.size,
        nbytes=a.nbytes,
        data_ptr=ptr,
        c_contiguous=bool(a.flags.c_contiguous),
        f_contiguous=bool(a.flags.f_contiguous),
        owndata=bool(a.flags.owndata),
        writeable=bool(a.flags.writeable),
        values=values,
        storage_id=storage_id,
        storage_byte_offset=None if storage_ptr is None else ptr - storage_ptr,
        memory_id=None if memory is None else memory.id,
        memory_byte_offset=None if memory is None else ptr - memory.data_ptr,
        base_name=base_name,
    )
