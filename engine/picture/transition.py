"""Pure animation planning: how the picture moves from one step to the next.

A Plan is computed from the steps before and after plus provenance; frame_at(plan, t)
gives plain values for any t in [0, 1]. Positions are anchors (a grid cell of the tensor
before or after, or a storage cell); the canvas turns anchors into coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stridescope.engine.model.layout import N_, element_indices
from stridescope.engine.model.state import Step, TensorState
from stridescope.engine.picture.content import Grid, default_focus, format_value

MAX_MOVING = 1000  # above this many moving cells the plan degrades to a cross-fade


@dataclass(frozen=True, slots=True)
class GridCell:
    which: str  # "before" (the source tensor's grid) or "after" (the focused tensor's grid)
    panel: tuple[int, ...]
    row: int
    col: int


@dataclass(frozen=True, slots=True)
class StorageCell:
    storage_id: int
    cell: int


Anchor = GridCell | StorageCell


@dataclass(frozen=True, slots=True)
class Motion:
    text: str
    source: Anchor
    target: Anchor
    fade: str = "none"  # "none" | "out" (left behind) | "in"


@dataclass(frozen=True, slots=True)
class Tween:
    label: str
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    kind: str                         # view | copy | inplace | error | new | fade | none
    focus: str | None
    before: TensorState | None = None  # the tensor whose grid the motion starts from
    motions: tuple[Motion, ...] = ()
    flashes: tuple[Anchor, ...] = ()
    walk: tuple[Anchor, ...] = ()      # error: the logical order, one cell at a time
    jumps: tuple[int, ...] = ()        # walk positions where the storage step breaks
    tweens: tuple[Tween, ...] = ()
    pointer: tuple[int, int, int] | None = None  # storage id, from cell, to cell
    new_storage: int | None = None     # a strip that appears (copies)


@dataclass(frozen=True, slots=True)
class Sprite:
    text: str
    source: Anchor
    target: Anchor
    progress: float   # 0 at source, 1 at target (eased)
    opacity: float


@dataclass(frozen=True, slots=True)
class Frame:
    t: float
    sprites: tuple[Sprite, ...]
    flash: tuple[Anchor, ...]
    flash_strength: float
    walk_cells: tuple[Anchor, ...]   # the walk so far (last one is current)
    broken: bool                     # the walk has crossed a jump
    # (label, before, after): a tween moves cells, never numbers — metadata shows old → new
    tweens: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]
    pointer: tuple[int, float, float] | None  # storage id, from cell, to cell progress
    pointer_progress: float
    result_opacity: float            # how visible the after-picture's result is


def ease(t: float) -> float:
    """Cubic in-out easing."""
    t = min(1.0, max(0.0, t))
    return 4 * t ** 3 if t < 0.5 else 1 - (-2 * t + 2) ** 3 / 2


def frame_at(plan: Plan, t: float) -> Frame:
    t = min(1.0, max(0.0, t))
    e = ease(t)
    sprites = []
    if t < 1.0:
        for m in plan.motions:
            if m.fade == "out":
                opacity = 1.0 - e
            elif m.fade == "in":
                opacity = e
            else:
                opacity = 1.0
            sprites.append(Sprite(m.text, m.source, m.target,
                                  0.0 if m.fade == "out" else e, opacity))
    count = len(plan.walk)
    pairs = count // 2  # a grid cell and its storage cell appear together, never apart
    shown = min(count, 2 * int(math.floor(t * (pairs + 1)))) if count else 0
    walk = plan.walk[:shown] if t < 1.0 else ()
    broken = any(j < shown for j in plan.jumps)
    tweens = tuple((tw.label, tw.before, tw.after) for tw in plan.tweens) if t < 1.0 else ()
    flash = plan.flashes if t < 1.0 else ()
    strength = math.sin(math.pi * min(1.0, t * 2)) if t < 1.0 else 0.0
    if plan.kind in ("view", "copy"):
        result_opacity = 1.0 if t >= 1.0 else max(0.0, (t - 0.75) / 0.25)
    elif plan.kind in ("new", "fade"):
        result_opacity = e
    else:
        result_opacity = 1.0
    return Frame(t, tuple(sprites), flash, strength, walk, broken, tweens,
                 plan.pointer and (plan.pointer[0], plan.pointer[1], plan.pointer[2]),
                 e, result_opacity)


# --------------------------------------------------------------------- planning
def plan_transition(before: Step | None, after: Step, focus: str | None = None) -> Plan:
    """How to animate from `before` (None: from nothing) to `after`."""
    if after.error is not None:
        return _plan_error(after)
    if focus is None or after.tensor(focus) is None:
        focus = default_focus(after)
    produced = after.produced_for(focus) if focus else None
    result = after.tensor(focus) if focus else None
    if produced is not None and result is not None:
        source = before.tensor(produced.source) if before and produced.source else None
        if produced.kind == "view" and source is not None:
            return _plan_view(before, after, source, result)
        if produced.kind == "copy" and after.sources_of(focus) is not None:
            return _plan_copy(after, result, after.sources_of(focus))
        return Plan("new" if produced.kind == "new" else "fade", focus)
    if after.written_storages and before is not None:
        return _plan_inplace(before, after, focus)
    return Plan("none", focus)


def _grid(step: Step, t: TensorState) -> Grid:
    storage = step.storage(t.storage_id)
    return Grid(t, storage.elements(t.dtype) if storage else None)


def _cells(grid: Grid):
    """(anchor position, storage index) for every cell of a grid, panels included."""
    for panel in grid.panels() or [()]:
        idx = grid.storage_indices(panel, range(grid.rows), range(grid.cols))
        for (r, c), k in np.ndenumerate(idx):
            yield panel, r, c, int(k)


def _plan_view(before: Step, after: Step, source: TensorState, result: TensorState) -> Plan:
    tweens = (Tween(N_("shape"), source.shape, result.shape),
              Tween(N_("stride"), source.stride, result.stride),
              Tween(N_("offset"), (source.storage_offset,), (result.storage_offset,)))
    pointer = (result.storage_id, source.storage_offset, result.storage_offset)
    if result.numel > MAX_MOVING or source.numel > MAX_MOVING:
        return Plan("fade", result.name, source, tweens=tweens, pointer=pointer)
    src_grid = _grid(before, source)
    dst_grid = _grid(after, result)
    readers: dict[int, tuple] = {}
    for panel, r, c, k in _cells(src_grid):
        readers.setdefault(k, (panel, r, c))
    used = set()
    motions = []
    for panel, r, c, k in _cells(dst_grid):
        start = readers.get(k)
        text = dst_grid.value_text(k)
        target = GridCell("after", panel, r, c)
        if start is None:  # a cell the source never showed (as_strided can reach them)
            motions.append(Motion(text, target, target, "in"))
            continue
        used.add(start)
        motions.append(Motion(text, GridCell("before", *start), target))
    for panel, r, c, k in _cells(src_grid):
        if (panel, r, c) not in used:  # sliced away: fades where it stood
            cell = GridCell("before", panel, r, c)
            motions.append(Motion(src_grid.value_text(k), cell, cell, "out"))
    return Plan("view", result.name, source, tuple(motions), tweens=tweens, pointer=pointer)


def _plan_copy(after: Step, result: TensorState,
               sources: tuple[tuple[int, int], ...]) -> Plan:
    if len(sources) > MAX_MOVING:
        return Plan("fade", result.name, new_storage=result.storage_id)
    grid = _grid(after, result)
    motions = []
    cells = [k for _, _, _, k in _cells(grid)]
    for k, (src_storage, src_cell) in zip(cells, sources):
        motions.append(Motion(grid.value_text(k), StorageCell(src_storage, src_cell),
                              StorageCell(result.storage_id, k)))
    return Plan("copy", result.name, motions=tuple(motions), new_storage=result.storage_id)


def _plan_inplace(before: Step, after: Step, focus: str | None) -> Plan:
    flashes: list[Anchor] = []
    motions: list[Motion] = []
    focused = after.tensor(focus) if focus else None
    for storage_id in after.written_storages:
        old, new = before.storage(storage_id), after.storage(storage_id)
        if old is None or new is None or old.raw is None or new.raw is None:
            continue
        reader = next(t for t in after.tensors if t.storage_id == storage_id)
        if focused is not None and focused.storage_id == storage_id:
            reader = focused
        a, b = old.elements(reader.dtype), new.elements(reader.dtype)
        if a is None or b is None or len(a) != len(b):
            continue
        changed = np.nonzero((a != b) & ~(_isnan(a) & _isnan(b)))[0]
        flashes += [StorageCell(storage_id, int(k)) for k in changed[:4096]]
        # the old values sit on the written cells and fade as the new ones flash in
        motions += [Motion(format_value(a[k]), StorageCell(storage_id, int(k)),
                           StorageCell(storage_id, int(k)), "out") for k in changed[:MAX_MOVING]]
        if focused is not None and focused.storage_id == storage_id:
            flashes += _grid_cells_reading(focused, changed)
    return Plan("inplace", focus, motions=tuple(motions), flashes=tuple(flashes))


def _grid_cells_reading(t: TensorState, cells: np.ndarray, limit: int = 4096) -> list[Anchor]:
    """Every grid position of `t`, on any 2-D panel, that reads one of the storage cells."""
    if t.numel == 0 or t.numel > 1 << 22:
        return []
    index = element_indices(t.shape, t.stride, t.storage_offset)
    hits = np.argwhere(np.isin(index, cells))[:limit]
    out: list[Anchor] = []
    for position in hits.tolist():
        if t.ndim == 0:
            out.append(GridCell("after", (), 0, 0))
        elif t.ndim == 1:
            out.append(GridCell("after", (), 0, position[0]))
        else:
            out.append(GridCell("after", tuple(position[:-2]), position[-2], position[-1]))
    return out


def _isnan(values: np.ndarray) -> np.ndarray:
    return np.isnan(values) if np.issubdtype(values.dtype, np.inexact) else np.zeros(
        values.shape, dtype=bool)


def _plan_error(after: Step) -> Plan:
    error = after.error
    explanation = error.explanation if error else None
    receiver = error.receiver if error else None
    t = after.tensor(receiver) if receiver else None
    if t is None or explanation is None or t.numel > 256:
        return Plan("error", receiver or default_focus(after))
    grid = _grid(after, t)
    kind = getattr(explanation, "kind", "")
    if kind in ("overlapping_write", "partial_overlap", "negative_step"):
        return _plan_error_cells(grid, t, explanation)
    if kind != "view_strides":
        return Plan("error", t.name)
    walk: list[Anchor] = []
    jumps = []
    previous = None
    step = None
    for panel, r, c, k in _cells(grid):
        if previous is not None:
            if step is not None and k - previous != step:
                jumps.append(len(walk))
            step = k - previous if step is None else step
        walk.append(GridCell("after", panel, r, c))
        walk.append(StorageCell(t.storage_id, k))
        previous = k
    # walk holds pairs (grid cell, storage cell); a jump is the walk index of the first cell
    # of the pair whose storage step breaks the constant stride
    return Plan("error", t.name, walk=tuple(walk), jumps=tuple(jumps))


def _plan_error_cells(grid: Grid, t: TensorState, explanation) -> Plan:
    """Errors about particular storage cells (engine/explain.py).

    An overlapping write walks every grid position that reads the shared cell onto that one
    cell, which flashes; a write whose source overlaps it flashes the cells both read and
    written; a negative step walks the cells the slice would visit backwards, marked broken
    from its first step (PyTorch has no negative stride to walk them with)."""
    where: dict[int, list[GridCell]] = {}
    for panel, r, c, k in _cells(grid):
        where.setdefault(k, []).append(GridCell("after", panel, r, c))
    if explanation.kind == "overlapping_write":
        cell = StorageCell(t.storage_id, explanation.cell)
        walk: list[Anchor] = []
        for position in where.get(explanation.cell, []):
            walk += [position, cell]
        return Plan("error", t.name, flashes=(cell,), walk=tuple(walk))
    if explanation.kind == "partial_overlap":
        flashes = tuple(StorageCell(t.storage_id, k) for k in explanation.cells)
        return Plan("error", t.name, flashes=flashes)
    walk = []
    for k in explanation.cells:
        walk += [where[k][0] if k in where else StorageCell(t.storage_id, k),
                 StorageCell(t.storage_id, k)]
    return Plan("error", t.name, walk=tuple(walk), jumps=(2,) if len(walk) > 2 else ())


__all__ = ["Plan", "Frame", "Motion", "GridCell", "StorageCell", "plan_transition",
           "frame_at", "ease", "format_value"]
