"""The memory walk: the order in which a row-major loop over a tensor's logical indices
visits its storage, and what that costs in 64-byte cache lines.

A loop `for i0: for i1: ... x[i0, i1, ...]` reads storage element
offset + Σ iₖ·strideₖ at iteration n = ravel(i). Plotted as byte address against n, a
contiguous tensor is one straight diagonal, a transpose a saw-tooth, an expanded dim flat
steps. The CPU does not fetch bytes but whole cache lines; a line is *fetched* again every
time the walk leaves it and comes back (the model assumes a cache of one line — the
pessimistic end; real caches hide some returns, which the timings then show).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stridescope.engine.model.layout import element_indices

CACHE_LINE = 64
# Above this many elements the walk covers its first WALK_LIMIT iterations and says so:
# 4M int64 addresses are 32 MiB and sort in well under a second, per step in the window.
WALK_LIMIT = 1 << 22


@dataclass(frozen=True, slots=True)
class Walk:
    """The figures of one row-major walk (addresses are bytes from the storage's start)."""

    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    itemsize: int
    base: int                  # storage start's byte address mod CACHE_LINE
    numel: int
    walked: int                # iterations covered (numel, or WALK_LIMIT when capped)
    addresses: np.ndarray      # int64 byte address of each walked iteration
    bytes_read: int            # walked × itemsize: what the loop asks for
    bytes_touched: int         # distinct bytes among them
    lines_touched: int         # distinct cache lines
    lines_fetched: int         # cache lines fetched in walk order (a return counts again)
    contiguous_fetched: int    # the same for a contiguous tensor of this shape and dtype

    @property
    def capped(self) -> bool:
        return self.walked < self.numel

    @property
    def ratio(self) -> float | None:
        """Lines fetched relative to the contiguous layout; None for an empty tensor."""
        if self.contiguous_fetched == 0:
            return None
        return self.lines_fetched / self.contiguous_fetched

    @property
    def per_line(self) -> int:
        """Elements in one cache line (of a contiguous tensor)."""
        return max(1, CACHE_LINE // self.itemsize)

    @property
    def lines_per_line_of_elements(self) -> float:
        """Lines fetched per `per_line` elements walked (1.0 for contiguous, aligned)."""
        return self.lines_fetched * self.per_line / self.walked if self.walked else 0.0

    def iteration_of(self, index: tuple[int, ...]) -> int | None:
        """The iteration at which the walk reads logical `index` (None past the cap)."""
        if len(index) != len(self.shape) or not all(0 <= i < s for i, s in
                                                     zip(index, self.shape)):
            return None
        n = int(np.ravel_multi_index(index, self.shape)) if self.shape else 0
        return n if n < self.walked else None


def walk(shape, stride, offset: int, itemsize: int, base: int = 0) -> Walk:
    """The walk of a layout (shape, stride and offset in elements, as torch counts)."""
    shape, stride = tuple(int(s) for s in shape), tuple(int(s) for s in stride)
    if len(shape) != len(stride):
        raise ValueError(f"shape {shape} and stride {stride} differ in length")
    if not 1 <= itemsize <= CACHE_LINE:
        raise ValueError(f"itemsize {itemsize} must be between 1 and {CACHE_LINE} bytes")
    numel = math.prod(shape)
    base %= CACHE_LINE
    walked = min(numel, WALK_LIMIT)
    index = _walk_indices(shape, stride, offset, walked)
    addresses = index * itemsize
    distinct = np.unique(index).size
    first = (addresses + base) // CACHE_LINE
    last = (addresses + base + itemsize - 1) // CACHE_LINE  # ≤ first + 1: itemsize ≤ 64
    straddles = bool(np.any(last != first))
    order = np.stack([first, last], axis=1).ravel() if straddles else first
    lines_touched = np.unique(np.concatenate([first, last]) if straddles else first).size
    fetched = int(order.size and 1 + np.count_nonzero(order[1:] != order[:-1]))
    return Walk(shape, stride, int(offset), itemsize, base, numel, walked, addresses,
                walked * itemsize, distinct * itemsize, lines_touched, fetched,
                math.ceil(walked * itemsize / CACHE_LINE))


def walk_of(tensor) -> Walk:
    """The walk of a TensorState (its storage's alignment from its data pointer)."""
    return walk(tensor.shape, tensor.stride, tensor.storage_offset, tensor.itemsize,
                tensor.storage_data_ptr % CACHE_LINE)


def _walk_indices(shape, stride, offset: int, walked: int) -> np.ndarray:
    numel = math.prod(shape)
    if walked == numel:
        return element_indices(shape, stride, offset).reshape(-1)
    # capped: the first `walked` iterations, unravelled without building the whole walk
    flat = np.arange(walked, dtype=np.int64)
    index = np.full(walked, offset, dtype=np.int64)
    for size, step in zip(reversed(shape), reversed(stride)):
        index += (flat % size) * step
        flat //= size
    return index


def plot_points(w: Walk, max_points: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
    """(iteration, address) to draw: all of them, or per bucket its lowest and highest
    address, so a saw-tooth keeps its teeth however long the walk is."""
    n = w.addresses.size
    if n <= max_points:
        return np.arange(n, dtype=np.int64), w.addresses
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    lows = np.minimum.reduceat(w.addresses, edges[:-1])
    highs = np.maximum.reduceat(w.addresses, edges[:-1])
    x = np.repeat(edges[:-1], 2)
    x[1::2] = np.maximum(edges[1:] - 1, edges[:-1])
    y = np.stack([lows, highs], axis=1).ravel()
    return x, y


def touched_lines(w: Walk) -> np.ndarray:
    """Distinct cache lines the walk touches, as line numbers from the storage's line 0."""
    first = (w.addresses + w.base) // CACHE_LINE
    last = (w.addresses + w.base + w.itemsize - 1) // CACHE_LINE
    return np.unique(np.concatenate([first, last]))


def heat_map(w: Walk, columns: int = 512, rows: int = 256) -> tuple[np.ndarray, int, int]:
    """Reads per (iteration bucket, cache-line bucket): for storages with too many lines to
    draw one band each. Returns the counts (columns × rows), and the first line and the
    lines per row."""
    lines = (w.addresses + w.base) // CACHE_LINE
    if lines.size == 0:
        return np.zeros((1, 1), dtype=np.int64), 0, 1
    low, high = int(lines.min()), int(lines.max())
    per_row = max(1, math.ceil((high - low + 1) / rows))
    columns = max(1, min(columns, lines.size))
    col = np.arange(lines.size, dtype=np.int64) * columns // lines.size
    row = (lines - low) // per_row
    counts = np.zeros((columns, (high - low) // per_row + 1), dtype=np.int64)
    np.add.at(counts, (col, row), 1)
    return counts, low, per_row
