"""What the canvas shows for one step, as plain values: storage strips, overlays, the grid.

All index arithmetic the canvas needs lives here (numpy, no Qt): which storage cell each
logical element reads, which cells a tensor covers, which dims a grid panel shows.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from stridescope.engine.model.layout import element_indices
from stridescope.engine.model.state import Step, StorageState, TensorState

# Above this many cells a strip/grid is not resolved cell by cell up front (meta tensors of
# terabytes, for example); the canvas then asks for the visible window only.
DENSE_LIMIT = 1 << 24
MAX_LANES = 12  # tensor lanes a strip draws legibly; the others are named once in its title
MAX_PANELS = 64  # 2-D slices drawn for a ≥3-D tensor; the rest are reached by the selector


@dataclass(frozen=True, slots=True)
class Overlay:
    """One tensor drawn over a storage strip, in bytes: a view with another element size
    (view(dtype), view_as_real, .real) covers exactly the bytes it reads."""

    name: str
    color: int                    # index into the theme's tensor palette
    offset: int                   # storage offset, in the tensor's own elements
    extent: tuple[int, int]       # lowest and highest element index it reads (its units)
    numel: int = 0
    itemsize: int = 0             # the tensor's element size in bytes
    cell_bytes: int = 0           # the strip's cell size in bytes
    layout: tuple = ()            # (shape, stride) of the tensor
    kind: str = "tensor"          # "tensor" | "array" (a NumPy array on the same bytes)
    dtype: str = ""               # its own dtype, named on the lane when cells are another

    @property
    def ratio(self) -> float:
        """Strip cells per element of this tensor (2.0: complex64 over float32 cells)."""
        return self.itemsize / self.cell_bytes if self.cell_bytes else 1.0

    @property
    def label(self) -> str:
        if self.kind == "array":  # NumPy counts bytes: its offset is given in bytes too
            return f"{self.name} (NumPy) @+{self.offset * self.itemsize}B"
        if self.itemsize != self.cell_bytes and self.dtype:
            return f"{self.name} ({self.dtype.removeprefix('torch.')}) @{self.offset}"
        return f"{self.name} @{self.offset}"

    def element_starts(self, cell: int) -> tuple[float, ...]:
        """Where this tensor's elements begin inside strip cell `cell` (fractions 0..1), for
        the ticks that cut its lane into its own elements, not the strip's cells."""
        start, ratio = self.offset_cell, self.ratio
        first = math.ceil((cell - start) / ratio - 1e-9)
        last = math.floor((cell + 1 - start) / ratio - 1e-9)
        return tuple(start + j * ratio - cell for j in range(max(first, 0), last + 1)
                     if 0 <= start + j * ratio - cell < 1)

    @property
    def offset_cell(self) -> float:
        """Where its first element starts, in strip cells (fractional for smaller elements)."""
        return self.offset * self.itemsize / self.cell_bytes if self.cell_bytes else 0.0

    def covers(self, cell: int) -> bool:
        return bool(self.segments(cell))

    def segments(self, cell: int) -> tuple[tuple[float, float], ...]:
        """The parts of strip cell `cell` this tensor reads, as fractions (0..1) of the cell."""
        units = _coverage(self.layout, self.offset, self.itemsize, self.cell_bytes, self.numel)
        if units is None:  # too large to resolve cell by cell: its byte extent
            lo = self.extent[0] * self.itemsize / self.cell_bytes
            hi = (self.extent[1] + 1) * self.itemsize / self.cell_bytes
            return ((max(0.0, lo - cell), min(1.0, hi - cell)),) if lo < cell + 1 and hi > cell \
                else ()
        unit, covered = units
        per_cell = self.cell_bytes // unit
        part = covered[cell * per_cell:(cell + 1) * per_cell]
        if not part.any():
            return ()
        if part.all():
            return ((0.0, 1.0),)
        runs, start = [], None
        for i, on in enumerate(part.tolist() + [False]):
            if on and start is None:
                start = i
            elif not on and start is not None:
                runs.append((start / per_cell, i / per_cell))
                start = None
        return tuple(runs)


@lru_cache(maxsize=256)
def _coverage(layout: tuple, offset: int, itemsize: int, cell_bytes: int,
              numel: int) -> tuple[int, np.ndarray] | None:
    """Which byte units (gcd of both element sizes) of the storage the tensor reads."""
    if not layout or not itemsize or not cell_bytes or numel > DENSE_LIMIT or numel == 0:
        return None if numel else (1, np.zeros(0, dtype=bool))
    shape, stride = layout
    unit = math.gcd(itemsize, cell_bytes)
    per_element = itemsize // unit
    starts = element_indices(shape, stride, offset).ravel() * per_element
    if len(starts) and starts.min() < 0:
        return None
    length = int(starts.max(initial=0)) + per_element
    covered = np.zeros(length + cell_bytes // unit, dtype=bool)
    for k in range(per_element):
        covered[starts + k] = True
    return unit, covered


@dataclass(frozen=True, slots=True)
class Strip:
    storage: StorageState
    dtype: str
    itemsize: int
    cells: int
    values: np.ndarray | None = field(compare=False, repr=False)
    overlays: tuple[Overlay, ...] = ()
    written: bool = False
    more: tuple[str, ...] = ()  # tensors on this storage without a lane (past MAX_LANES)

    def value_text(self, cell: int) -> str:
        if self.values is None or cell >= len(self.values):
            return "?"
        return format_value(self.values[cell])


@dataclass(frozen=True, slots=True)
class Grid:
    """The focused tensor's logical grid: 2-D panels (rows × cols) for every leading index."""

    tensor: TensorState
    values: np.ndarray | None = field(compare=False, repr=False)  # the storage as dtype
    panel_start: int = 0  # first drawn 2-D panel (the window pages through the rest)

    @property
    def rows(self) -> int:
        return self.tensor.shape[-2] if self.tensor.ndim >= 2 else 1

    @property
    def cols(self) -> int:
        return self.tensor.shape[-1] if self.tensor.ndim >= 1 else 1

    @property
    def panel_dims(self) -> tuple[int, ...]:
        return tuple(self.tensor.shape[:-2]) if self.tensor.ndim > 2 else ()

    def panels(self) -> list[tuple[int, ...]]:
        """Leading indices of the drawn 2-D panels: MAX_PANELS from panel_start on."""
        return list(itertools.islice(itertools.product(*(range(s) for s in self.panel_dims)),
                                     self.panel_start, self.panel_start + MAX_PANELS))

    @property
    def panel_count(self) -> int:
        return math.prod(self.panel_dims)

    def logical_index(self, panel: tuple[int, ...], row: int, col: int) -> tuple[int, ...]:
        ndim = self.tensor.ndim
        if ndim == 0:
            return ()
        if ndim == 1:
            return (col,)
        return (*panel, row, col)

    def storage_index(self, panel: tuple[int, ...], row: int, col: int) -> int:
        t = self.tensor
        return t.storage_offset + sum(
            i * s for i, s in zip(self.logical_index(panel, row, col), t.stride))

    def storage_indices(self, panel: tuple[int, ...], rows: range, cols: range) -> np.ndarray:
        """Storage index of every cell in the window rows × cols of a panel."""
        t = self.tensor
        base = t.storage_offset + sum(i * s for i, s in zip(panel, t.stride))
        if t.ndim == 0:
            return np.array([[base]])
        col_stride = t.stride[-1]
        row_stride = t.stride[-2] if t.ndim >= 2 else 0
        r = np.arange(rows.start, rows.stop, dtype=np.int64)[:, None]
        c = np.arange(cols.start, cols.stop, dtype=np.int64)[None, :]
        return base + r * row_stride + c * col_stride

    def value_text(self, storage_index: int) -> str:
        if self.values is None or not 0 <= storage_index < len(self.values):
            return "?"
        return format_value(self.values[storage_index])

    def cells_reading(self, storage_index: int, panel: tuple[int, ...]) -> list[tuple[int, int]]:
        """(row, col) cells of a panel that read storage_index (several when strides overlap)."""
        if self.rows * self.cols > DENSE_LIMIT:
            return []
        idx = self.storage_indices(panel, range(self.rows), range(self.cols))
        return [(int(r), int(c)) for r, c in zip(*np.nonzero(idx == storage_index))]

    def formula(self, panel: tuple[int, ...], row: int, col: int) -> Formula:
        t = self.tensor
        index = self.logical_index(panel, row, col)
        k = self.storage_index(panel, row, col)
        return Formula(t.storage_offset, tuple(zip(index, t.stride)), k, t.storage_data_ptr,
                       t.itemsize)


@dataclass(frozen=True, slots=True)
class Formula:
    """storage index = offset + Σ iₖ·strideₖ, and the byte address it lands on."""

    offset: int
    terms: tuple[tuple[int, int], ...]  # (index, stride) per dim
    result: int
    storage_ptr: int
    itemsize: int

    @property
    def address(self) -> int:
        return self.storage_ptr + self.result * self.itemsize


@dataclass(frozen=True, slots=True)
class Picture:
    step: Step
    strips: tuple[Strip, ...]
    grid: Grid | None
    focus: str | None


def format_value(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    if isinstance(value, (complex, np.complexfloating)):
        return f"{value.real:.3g}{value.imag:+.3g}j"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value) or math.isinf(value):
            return str(float(value))
        if float(value).is_integer() and abs(value) < 1e6:
            return f"{value:.1f}"
        return f"{value:.4g}"
    return str(int(value)) if isinstance(value, (np.integer, int)) else str(value)


def default_focus(step: Step) -> str | None:
    """The tensor a failed view() was called on, the tensor the step produced last, the first
    tensor the line names, the tensor on the memory of the first array it names, else the
    last tensor bound."""
    if step.error is not None and step.error.receiver and step.tensor(step.error.receiver):
        return step.error.receiver
    if step.written_storages:  # an in-place write: the tensor written through
        written = [t.name for t in step.tensors if t.storage_id in step.written_storages]
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", step.source)  # `rows` is not `row`
        named = sorted((n for n in written if n in words), key=words.index)
        if named or written:
            return (named or written)[0]
    if step.produced:
        for produced in reversed(step.produced):
            if step.tensor(produced.name) is not None:
                return produced.name
    # a line that only reads (print, a comparison): the first tensor it names
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", step.source)
    named = [w for w in words if step.tensor(w) is not None]
    if named:
        return named[0]
    # a line about NumPy arrays only (`r = m[::-1]`): the tensor on the memory of the first
    # array it names, not an unrelated tensor that happens to be bound last
    arrays = {a.name: a for a in step.arrays if a.storage_id is not None}
    for word in words:
        if word in arrays:
            on = [t.name for t in step.tensors if t.storage_id == arrays[word].storage_id]
            if on:
                return on[0]
    return step.tensors[-1].name if step.tensors else None


def _lanes(on_storage: list[TensorState], focus: str | None, source: str) -> set[str]:
    """The names that get a lane: all, or past MAX_LANES the focused tensor, those the
    statement names, those reading nearest the cells the strip shows first (the focused
    tensor's, or the storage's start: the newest may read cells far beyond the drawn ones),
    then the newest."""
    if len(on_storage) <= MAX_LANES:
        return {t.name for t in on_storage}
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
    focused = next((t for t in on_storage if t.name == focus), None)
    ranked = [focused.name] if focused is not None else []
    ranked += [t.name for t in on_storage if t.name in words and t.name != focus]
    lo, hi = _byte_span(focused) if focused is not None and focused.numel else (0, 0)
    margin = 32 * (focused.itemsize if focused is not None else on_storage[0].itemsize)
    near = []  # (distance of its first byte from the focused tensor's, position, name)
    for i, t in enumerate(on_storage):
        if t.numel:
            a, b = _byte_span(t)
            if a < hi + margin and b > lo - margin:
                near.append((abs(a - lo), i, t.name))
    ranked += [name for _, _, name in heapq.nsmallest(MAX_LANES, near)]
    ranked += [t.name for t in reversed(on_storage)]
    return set(list(dict.fromkeys(ranked))[:MAX_LANES])


def _byte_span(t: TensorState) -> tuple[int, int]:
    """The bytes [first, end) a tensor with elements reads on its storage."""
    lo, hi = extent(t)
    return lo * t.itemsize, (hi + 1) * t.itemsize


def build_picture(step: Step, focus: str | None = None,
                  tensor_colors: dict[str, int] | None = None, panel_start: int = 0) -> Picture:
    """Everything the canvas draws for `step`, with `focus` in the logical grid."""
    if focus is None or step.tensor(focus) is None:
        focus = default_focus(step)
    colors = tensor_colors or {}
    strips = []
    for storage in step.storages:
        on_storage = [t for t in step.tensors if t.storage_id == storage.id]
        # the strip reads its cells in the dtype of the focused tensor if it lives here
        reader = next((t for t in on_storage if t.name == focus), on_storage[0])
        cells = storage.nbytes // reader.itemsize if reader.itemsize else 0
        lanes = _lanes(on_storage, focus, step.source)
        overlays = tuple(_overlay(t, reader.itemsize, colors.get(t.name, i))
                         for i, t in enumerate(on_storage) if t.name in lanes)
        overlays += tuple(_array_overlay(a, reader.itemsize, colors.get(a.name, len(overlays) + i))
                          for i, a in enumerate(step.arrays) if a.storage_id == storage.id
                          and _array_overlay(a, reader.itemsize, 0) is not None)
        strips.append(Strip(storage, reader.dtype, reader.itemsize, cells,
                            storage.elements(reader.dtype), overlays,
                            storage.id in step.written_storages,
                            tuple(t.name for t in on_storage if t.name not in lanes)))
    grid = None
    focused = step.tensor(focus) if focus else None
    if focused is not None:
        storage = step.storage(focused.storage_id)
        count = math.prod(focused.shape[:-2]) if focused.ndim > 2 else 1
        start = panel_start % count if count else 0
        grid = Grid(focused, storage.elements(focused.dtype) if storage else None, start)
    return Picture(step, tuple(strips), grid, focus)


def extent(t: TensorState) -> tuple[int, int]:
    """The lowest and highest storage index a tensor reads (in its own elements)."""
    if t.numel == 0:
        return (t.storage_offset, t.storage_offset - 1)
    return _extent(t.shape, t.stride, t.storage_offset)


@lru_cache(maxsize=8192)  # a long script's family scan asks for the same views step after step
def _extent(shape: tuple[int, ...], stride: tuple[int, ...], offset: int) -> tuple[int, int]:
    low = offset + sum((s - 1) * st for s, st in zip(shape, stride) if st < 0)
    high = offset + sum((s - 1) * st for s, st in zip(shape, stride) if st > 0)
    return (low, high)


def _array_overlay(a, cell_bytes: int, color: int) -> Overlay | None:
    """A NumPy array lying in a tensor storage, as a lane in bytes like the tensors' (None
    when its byte strides or offset are not whole elements: not drawn as a lane)."""
    if a.element_strides is None or a.storage_byte_offset is None or not a.itemsize \
            or a.storage_byte_offset % a.itemsize:
        return None
    offset = a.storage_byte_offset // a.itemsize
    shape, stride = tuple(a.shape), tuple(a.element_strides)
    low = offset + sum((n - 1) * s for n, s in zip(shape, stride) if s < 0)
    high = offset + sum((n - 1) * s for n, s in zip(shape, stride) if s > 0)
    return Overlay(a.name, color, offset, (low, high) if a.size else (offset, offset - 1),
                   a.size, a.itemsize, cell_bytes, (shape, stride), "array")


def _overlay(t: TensorState, cell_bytes: int, color: int) -> Overlay:
    return Overlay(t.name, color, t.storage_offset, extent(t), t.numel, t.itemsize, cell_bytes,
                   (t.shape, t.stride), dtype=t.dtype)
