"""Where a NumPy array's elements lie on the strip it is drawn on, in bytes (torch-free).

An array is drawn on its tensor storage's strip when a storage of the step holds its bytes,
else on its memory block's strip (see ArrayState). NumPy strides are in bytes, so all of
this is in bytes: element (i0, i1, …) sits at byte  start + Σ ik·strides[k]  of the strip,
where `start` is the array's byte offset into it.
"""

from __future__ import annotations

import numpy as np

from stridescope.engine.model.state import ArrayState, MemoryState, Step

DENSE_LIMIT = 1 << 20  # arrays up to this many elements get every element's byte offset


def strip_of(a: ArrayState) -> tuple[str, int] | None:
    """("storage", id) or ("memory", id): the strip the array is drawn on."""
    if a.storage_id is not None:
        return "storage", a.storage_id
    if a.memory_id is not None:
        return "memory", a.memory_id
    return None


def start_byte(a: ArrayState) -> int:
    """The byte of its strip where element (0, 0, …) lies."""
    if a.storage_id is not None and a.storage_byte_offset is not None:
        return a.storage_byte_offset
    return a.memory_byte_offset or 0


def byte_extent(a: ArrayState) -> tuple[int, int]:
    """[low, high) of the strip's bytes the array reads; empty arrays give (start, start)."""
    start = start_byte(a)
    if not a.size:
        return start, start
    low = start + sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s < 0)
    high = start + sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s > 0) + a.itemsize
    return low, high


def element_bytes(a: ArrayState) -> np.ndarray | None:
    """The strip byte of every element in logical (C) order, or None above DENSE_LIMIT."""
    if a.size > DENSE_LIMIT:
        return None
    offsets = np.full((), start_byte(a), dtype=np.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        axis = np.arange(n, dtype=np.int64).reshape((-1,) + (1,) * (a.ndim - d - 1)) * s
        offsets = offsets + axis
    return np.broadcast_to(offsets, a.shape).ravel()


def element_at(a: ArrayState, index: tuple[int, ...]) -> int:
    """The strip byte of element `index` (the address formula, in bytes)."""
    return start_byte(a) + sum(i * s for i, s in zip(index, a.strides))


def covered_bytes(a: ArrayState, nbytes: int) -> np.ndarray | None:
    """A mask over a strip of `nbytes` bytes: True where the array reads a byte."""
    starts = element_bytes(a)
    if starts is None or nbytes > DENSE_LIMIT * 16:
        return None
    mask = np.zeros(nbytes, dtype=bool)
    for k in range(a.itemsize):
        where = starts + k
        mask[where[(where >= 0) & (where < nbytes)]] = True
    return mask


def memory_strips(step: Step) -> tuple[MemoryState, ...]:
    """The memory blocks that need a strip of their own: an array lies in them that no
    tensor storage of the step holds."""
    needed = {a.memory_id for a in step.arrays if a.storage_id is None}
    return tuple(m for m in step.memories if m.id in needed)


def arrays_on(step: Step, strip: tuple[str, int]) -> tuple[ArrayState, ...]:
    return tuple(a for a in step.arrays if strip_of(a) == strip)
