"""The shapes motions take, in anchor geometry: a grid cell is a unit square, (col, row).

Pure math, no layout: the canvas scales these unit offsets by the cell size it draws.
A turning sheet (transpose) is a card flipped about the panel's main diagonal in 3-D and
seen from the front: an affine map of the plane, so cards that never overlapped never do;
a lifting value (copy) rises off its strip in an arc.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from stridescope.engine.model.layout import element_indices
from stridescope.engine.model.state import TensorState

Matrix = tuple[float, float, float, float]  # a, b, c, d: (x, y) -> (a x + b y, c x + d y)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0)


def flip_matrix(progress: float) -> Matrix:
    """The sheet turned by progress·180° about the diagonal x = y, projected onto the page:
    the diagonal part of a point stays, the part across it shrinks by cos θ and turns over."""
    c = math.cos(math.pi * progress)
    return (0.5 * (1 + c), 0.5 * (1 - c), 0.5 * (1 - c), 0.5 * (1 + c))


def flip_center(row: int, col: int, progress: float) -> tuple[float, float]:
    """Where the centre of cell (row, col) of the turning sheet is, in (x, y) cell units from
    the panel's top-left corner; progress 1 puts it on cell (col, row)."""
    a, b, c, d = flip_matrix(progress)
    x, y = col + 0.5, row + 0.5
    return (a * x + b * y, c * x + d * y)


def flip_offset(row: int, col: int, progress: float) -> tuple[float, float]:
    """The turning sheet's centre minus the straight line from (row, col) to (col, row): the
    canvas draws a sprite on its straight line and adds this, in cells."""
    x, y = flip_center(row, col, progress)
    line_x = col + 0.5 + (row - col) * progress
    line_y = row + 0.5 + (col - row) * progress
    return (x - line_x, y - line_y)


def lift_offset(progress: float, height: float) -> tuple[float, float]:
    """A value lifted off a strip: up by `height` cells at mid-flight, down at both ends."""
    return (0.0, -height * math.sin(math.pi * progress))


def card_corners(center: tuple[float, float], shape: Matrix) -> list[tuple[float, float]]:
    """The four corners of a unit cell card at `center`, shaped by `shape`."""
    a, b, c, d = shape
    out = []
    for u, v in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)):
        out.append((center[0] + a * u + b * v, center[1] + c * u + d * v))
    return out


# ------------------------------------------------------------------ what a view does
def view_motion(source: TensorState, result: TensorState) -> str:
    """Which motion of the vocabulary a view from `source` to `result` is (NOTE [Motion
    vocabulary] in transition.py), read off the storage cells both read, never the op's name:

    flip    the last two axes swapped, nothing else: each 2-D panel turns about its diagonal
    turn    another permutation of the axes (same cells, the same strides reordered)
    repeat  a stride 0 repeats cells (expand, broadcast)
    window  a part of the source's cells, each once (slice, narrow, select, split)
    reflow  the same cells in the same storage order, a new shape (view, reshape, flatten)
    move    anything else (diagonal, unfold, as_strided): cells travel straight
    """
    shape, stride = result.shape, result.stride
    if any(s == 0 and n > 1 for s, n in zip(stride, shape)):
        return "repeat"
    perm = permutation(source, result)
    if perm is not None and perm != tuple(range(len(perm))):
        n = len(perm)
        swap = tuple(range(n - 2)) + (n - 1, n - 2) if n >= 2 else None
        return "flip" if perm == swap else "turn"
    src = element_indices(source.shape, source.stride, source.storage_offset).ravel()
    dst = element_indices(shape, stride, result.storage_offset).ravel()
    if len(dst) == len(src) and np.array_equal(src, dst):
        return "reflow"
    if len(np.unique(dst)) == len(dst) and len(dst) < len(src) and np.isin(dst, src).all():
        return "window"
    return "move"


def permutation(source: TensorState, result: TensorState) -> tuple[int, ...] | None:
    """p with result.shape[j] == source.shape[p[j]] and the same for strides, same offset;
    size-1 axes (whose stride means nothing) take the first free match."""
    if (result.ndim != source.ndim or result.storage_offset != source.storage_offset
            or result.numel != source.numel or result.ndim < 2):
        return None
    free = list(range(source.ndim))
    perm = []
    for size, step in zip(result.shape, result.stride):
        match = next((i for i in free if source.shape[i] == size
                      and (source.stride[i] == step or size == 1)), None)
        if match is None:
            return None
        free.remove(match)
        perm.append(match)
    return tuple(perm)


# ---- link lines, in scene coordinates (the canvas's rectangles, engine/picture/scene.py)
Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x, y, w, h
Segment = tuple[Point, Point]


def sprite_rect(a: Rect, b: Rect, progress: float, offset: tuple[float, float]) -> Rect:
    """Where a moving value is drawn: its source rectangle eased towards its target, moved
    by `offset` (in its own widths and heights)."""
    x, y, w, h = (u + (v - u) * progress for u, v in zip(a, b))
    return (x + offset[0] * w, y + offset[1] * h, w, h)


def outside_rect(a: Point, b: Point, rect: Rect | None) -> tuple[Segment, ...]:
    """The parts of segment a→b that lie outside `rect` (Liang–Barsky): the whole segment,
    the piece before and the piece after the rectangle, or nothing."""
    if rect is None:
        return ((a, b),)
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    rx, ry, rw, rh = rect
    enter, leave = 0.0, 1.0
    for p, q in ((-dx, x0 - rx), (dx, rx + rw - x0), (-dy, y0 - ry), (dy, ry + rh - y0)):
        if p == 0:
            if q < 0:
                return ((a, b),)  # parallel to this edge and outside it
            continue
        r = q / p
        if p < 0:
            enter = max(enter, r)
        else:
            leave = min(leave, r)
    if enter >= leave:
        return ((a, b),)

    def at(s: float) -> Point:
        return (x0 + dx * s, y0 + dy * s)

    pieces = []
    if enter > 0:
        pieces.append((a, at(enter)))
    if leave < 1:
        pieces.append((at(leave), b))
    return tuple(pieces)


def link_pieces(sprite: Rect, cell: Rect, avoid: Rect | Sequence[Rect] | None,
                pad: float = 0.0) -> tuple[Segment, ...]:
    """A link line from a moving value's centre to the top of the storage cell it reads,
    broken where it would cross what `avoid` holds (one rectangle or several: the address
    formula and the titles, links.link_avoid), `pad` clear of each on every side."""
    start = (sprite[0] + sprite[2] / 2, sprite[1] + sprite[3] / 2)
    end = (cell[0] + cell[2] / 2, cell[1] + 2)
    return without_stubs(clear_of((start, end), avoid, pad), 3 * pad)


def clear_of(segment: Segment, avoid: Rect | Sequence[Rect] | None,
             pad: float = 0.0) -> tuple[Segment, ...]:
    """The parts of `segment` outside every rectangle of `avoid`, each grown by `pad`."""
    rects = () if avoid is None else (avoid,) if isinstance(avoid[0], (int, float)) else avoid
    pieces: tuple[Segment, ...] = (segment,)
    for x, y, w, h in rects:
        grown = (x - pad, y - pad, w + 2 * pad, h + 2 * pad)
        pieces = tuple(part for a, b in pieces for part in outside_rect(a, b, grown))
    return pieces


def without_stubs(pieces: tuple[Segment, ...], shortest: float) -> tuple[Segment, ...]:
    """`pieces` of one line less the runs of it shorter than `shortest` (a stub left between
    two titles side by side says nothing), but never the last run: it reaches the cell."""
    runs: list[list[Segment]] = []
    for piece in pieces:
        if runs and _close(runs[-1][-1][1], piece[0]):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    kept = [run for n, run in enumerate(runs) if n == len(runs) - 1
            or sum(math.dist(a, b) for a, b in run) >= shortest]
    return tuple(piece for run in kept for piece in run)


def _close(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6


def hover_link(cell: Rect, target: Rect, lift: float, samples: int = 24) -> tuple[Segment, ...]:
    """The curve the window draws on hover from a grid cell to the storage cell it reads, as
    `samples` straight pieces: it leaves from the cell's side facing the storage cell (its
    right edge, or its top when the storage cell is not to its right) and comes down onto
    the storage cell's top edge, rising `lift` over the higher of its two ends."""
    x, y, w, h = cell
    end = (target[0] + target[2] / 2, target[1] + 3)
    side = end[0] > x + w
    start = (x + w - 3, y + h / 2) if side else (x + w / 2, y + 3)
    top = min(start[1], end[1]) - lift
    controls = ((start[0] + end[0]) / 2, start[1]) if side else (start[0], top)
    points = (start, controls, (end[0], top), end)
    curve = []
    for n in range(samples + 1):
        t = n / samples
        u = 1 - t
        weights = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
        curve.append((sum(k * p[0] for k, p in zip(weights, points)),
                      sum(k * p[1] for k, p in zip(weights, points))))
    return tuple(zip(curve, curve[1:]))


def reading_positions(t: TensorState, cells: np.ndarray, limit: int = 4096
                      ) -> list[tuple[tuple[int, ...], int, int, int]]:
    """(panel, row, col, storage cell) of every element of `t` that reads one of `cells`, in
    the grid's terms: a 0-D or 1-D tensor is one row."""
    if t.numel == 0 or t.numel > 1 << 22:
        return []
    index = element_indices(t.shape, t.stride, t.storage_offset)
    hits = np.argwhere(np.isin(index, cells))[:limit]
    if t.ndim == 0:
        return [((), 0, 0, int(index))] if len(hits) else []
    out = []
    for position in hits.tolist():
        k = int(index[tuple(position)])
        if t.ndim == 1:
            out.append(((), 0, position[0], k))
        else:
            out.append((tuple(position[:-2]), position[-2], position[-1], k))
    return out
