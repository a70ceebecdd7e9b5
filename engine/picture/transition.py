"""Pure animation planning: how the picture moves from one step to the next.

A Plan is computed from the steps before and after plus provenance; frame_at(plan, t)
gives plain values for any t in [0, 1]. Positions are anchors (a grid cell of the tensor
before or after, or a storage cell); the canvas turns anchors into coordinates.

NOTE [Motion vocabulary]
Every kind of operation moves the way its meaning moves; the kind is read off the storage
cells the tensors read (motion_geometry.view_motion), never off the op's name.

  operation                          motion                                 teaches
  transpose, .T, mT (last 2 axes)    "flip": each panel turns as one sheet  same bytes, the
                                     about its diagonal (a card flipped in  strides swapped:
                                     3-D, so no two cells ever cover each   the strip never
                                     other); the row/column labels travel   moves, every cell
                                     with their axis colour; every cell     stays tied to its
                                     keeps a link line to its storage cell  storage cell
  permute, movedim (N-D)             "turn": each result panel gathers a    the axes trade
                                     strip of every source panel, one strip places, not bytes
                                     at a time, turned over as a sheet when
                                     rows become columns, else slid; linked
                                     to their storage cells all the way
  slice, narrow, select, split       "window": a frame slides and shrinks   a view is a window
                                     over the grid and the strip, the       (offset + strides)
                                     offset pointer travels to the new      on the same bytes
                                     start, then the kept cells settle
  view, reshape that shares,         "reflow": the cells re-flow one by     same bytes, same
  flatten, unsqueeze                 one in storage order                   order, new shape
  expand, broadcast                  "repeat": the original row/column      stride 0: one cell
                                     stays, its copies peel off it one      read many times
                                     after another; "×N" on the strip
  copy: contiguous, clone, flip,     "lift": values lift off the old strip  new bytes, laid out
  reshape that copies                one by one in the new logical order    in the new order
                                     and land in the new strip
  a failed view                      "walk": grid cell and storage cell     a view needs one
                                     light up pair by pair and stop at the  constant step per
                                     first break, marked (and left marked   axis; here it
                                     at rest), with the cell a constant     breaks
                                     step would have reached
  in-place write                     "pulse": the old value leaves the      every view of the
                                     written storage cell first, then the   storage sees it
                                     grid cells reading it answer
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from stridescope.engine.model.layout import N_
from stridescope.engine.model.state import Step, TensorState
from stridescope.engine.picture.content import Grid, default_focus, format_value
from stridescope.engine.picture.motion_geometry import (
    IDENTITY,
    flip_matrix,
    flip_offset,
    lift_offset,
    permutation,
    reading_positions,
    view_motion,
)
from stridescope.engine.picture.plan_values import (  # noqa: F401 - the plan's values, here too
    Anchor,
    Frame,
    GridCell,
    Motion,
    Plan,
    Sprite,
    StorageCell,
    Tween,
    Window,
)

MAX_MOVING = 1000  # above this many moving cells the plan degrades to a cross-fade


def ease(t: float) -> float:
    """Cubic in-out easing."""
    t = min(1.0, max(0.0, t))
    return 4 * t ** 3 if t < 0.5 else 1 - (-2 * t + 2) ** 3 / 2


def _local(t: float, start: float, end: float) -> float:
    """Time t seen from a motion that runs over [start, end]."""
    if end <= start:
        return 1.0 if t >= end else 0.0
    return min(1.0, max(0.0, (t - start) / (end - start)))


def _sprite(m: Motion, t: float) -> Sprite:
    p = ease(_local(t, m.start, m.end))
    opacity = 1.0 - p if m.fade == "out" else p if m.fade == "in" else 1.0
    if m.fade == "appear":  # hidden under the one it peels off until it starts
        opacity = 1.0 if t >= m.start else 0.0
    elif m.fade == "wait":  # a card's place while it waits its turn, faint under those landing
        opacity = 1.0 - 0.7 * _local(t, 0.0, 0.08) if t < m.start else 0.0
    progress = 0.0 if m.fade == "out" else p
    offset, shape, text_opacity = (0.0, 0.0), IDENTITY, 1.0
    if m.path == "flip" and isinstance(m.source, GridCell):
        offset = flip_offset(*(m.sheet or (m.source.row, m.source.col)), p)
        if not m.style:
            shape = flip_matrix(p)
            # edge-on, the card is a sliver: its number fades out and back in
            text_opacity = min(1.0, abs(shape[0] - shape[1]) * 2.5)
    elif m.path == "lift":
        offset = lift_offset(p, 1.2)
    elif m.path == "shrink":  # every card at half size while any moves: room to pass
        scale = 1.0 - 0.5 * min(_local(t, 0.0, 0.15), 1.0 - _local(t, 0.85, 1.0))
        shape = (scale, 0.0, 0.0, scale)
    if m.style:  # a label keeps its axis colour all the way, and is gone before the
        opacity *= 1.0 - _local(t, 0.68, 0.76)  # result's own comes in (0.75): never doubled
    return Sprite(m.text, m.source, m.target, progress, opacity, offset, shape, text_opacity,
                  m.link, m.style)


def frame_at(plan: Plan, t: float) -> Frame:
    t = min(1.0, max(0.0, t))
    e = ease(t)
    sprites = tuple(_sprite(m, t) for m in plan.motions) if t < 1.0 else ()
    count = len(plan.walk)
    pairs = count // 2  # a grid cell and its storage cell appear together, never apart
    walk_t = min(1.0, t / plan.walk_end) if plan.walk_end > 0 else 1.0
    shown = min(count, 2 * int(math.floor(walk_t * (pairs + 1)))) if count else 0
    # a failed view rests on its walk: the break stays marked after the motion ends
    walk = plan.walk[:shown] if t < 1.0 or plan.kind == "error" else ()
    broken = any(j < shown for j in plan.jumps)
    tweens = tuple((tw.label, tw.before, tw.after) for tw in plan.tweens) if t < 1.0 else ()
    flash = plan.flashes if t < 1.0 else ()
    # an in-place write pulses over the whole motion: the storage cell first, then the views
    pulse = t if plan.kind == "inplace" else min(1.0, t * 2)
    strength = math.sin(math.pi * pulse) if t < 1.0 else 0.0
    if plan.kind in ("view", "copy"):
        result_opacity = 1.0 if t >= 1.0 else max(0.0, (t - 0.75) / 0.25)
    elif plan.kind in ("new", "fade"):
        result_opacity = e
    else:
        result_opacity = 1.0
    window, span = _window_at(plan.window, t) if plan.window and t < 1.0 else (None, None)
    pointer_progress = e
    if plan.window is not None and len(plan.window.keys) > 1:  # the pointer moves with it
        pointer_progress = ease(_local(t, plan.window.keys[0][0], plan.window.keys[1][0]))
    # the count ticks up as each copy peels off: ×2, ×3, …
    counts = tuple((cell, 1 + sum(1 for start in starts if start <= t))
                   for cell, starts in plan.counts) if t < 1.0 else ()
    counts_opacity = 1.0 if counts else 0.0  # from ×1: the original alone, before any copy
    return Frame(t, sprites, flash, strength, walk, broken, tweens,
                 plan.pointer and (plan.pointer[0], plan.pointer[1], plan.pointer[2]),
                 pointer_progress, result_opacity, window, span,
                 counts, counts_opacity, plan.expected if broken else None,
                 plan.expected_step, plan.storage_last,
                 # gone before a view's or copy's header comes in under it: never both at once
                 min(1.0, max(0.0, (0.74 - t) / 0.08)) if plan.kind in ("view", "copy") else 1.0)


def _window_at(window: Window, t: float):
    keys = window.keys
    if len(keys) == 1:
        _, tl, br = keys[0]
        return (tl, br, tl, br, 0.0), None
    n = next((i for i in range(1, len(keys)) if t <= keys[i][0]), len(keys) - 1)
    (t0, tl0, br0), (t1, tl1, br1) = keys[n - 1], keys[n]
    p = ease(_local(t, t0, t1))
    span = None
    if window.storage_id is not None:
        q = ease(_local(t, keys[0][0], keys[1][0]))
        (a0, b0), (a1, b1) = window.span_from, window.span_to
        span = (window.storage_id, a0 + (a1 - a0) * q, b0 + (b1 - b0) * q)
    return (tl0, br0, tl1, br1, p), span


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
    storage = result.storage_id
    word = view_motion(source, result)
    if word == "flip":
        return Plan("view", result.name, source, _flip_motions(src_grid, storage),
                    tweens=tweens, pointer=pointer, motion="flip")
    readers: dict[int, tuple] = {}
    for panel, r, c, k in _cells(src_grid):
        readers.setdefault(k, (panel, r, c))
    used = set()
    arriving: list[tuple[int, Motion]] = []  # (storage index, motion)
    for panel, r, c, k in _cells(dst_grid):
        start = readers.get(k)
        text = dst_grid.value_text(k)
        target = GridCell("after", panel, r, c)
        link = StorageCell(storage, k)
        if start is None:  # a cell the source never showed (as_strided can reach them)
            arriving.append((k, Motion(text, target, target, "in", link=link)))
            continue
        used.add(start)
        arriving.append((k, Motion(text, GridCell("before", *start), target, link=link)))
    leaving = [Motion(src_grid.value_text(k), GridCell("before", p, r, c),
                      GridCell("before", p, r, c), "out")
               for p, r, c, k in _cells(src_grid) if (p, r, c) not in used]
    plan = Plan("view", result.name, source, tweens=tweens, pointer=pointer, motion=word)
    if word == "window":
        return _windowed(plan, src_grid, dst_grid, used, arriving, leaving, storage)
    if word == "repeat":
        return _repeated(plan, arriving, leaving, storage)
    if word == "reflow":  # one by one in storage order, the order the strip reads them
        order = {k: n for n, k in enumerate(sorted({k for k, _ in arriving}))}
        n = max(1, len(order) - 1)
        # at half size while any moves (as a turn): a card never lands on one still waiting
        arriving = [(k, replace(m, path="shrink", start=0.15 + REFLOW_SPREAD * order[k] / n,
                                end=0.85 - REFLOW_SPREAD + REFLOW_SPREAD * order[k] / n))
                    for k, m in arriving]
    elif word == "turn":
        labels = _turned_labels(src_grid, dst_grid, source, result)
        strips = turned_strips(arriving, permutation(source, result))
        if strips:  # the axis labels travel with the first strip
            first = min((m for _, m in strips if m.fade == "appear"), key=lambda m: m.start)
            leaving += [_timed(m, first.start, first.end) for m in labels]
            arriving = strips
            plan = replace(plan, length=strips_length(len({
                (m.source.panel, m.target.panel) for _, m in strips})))
        else:  # a grid drawn in part: panel by panel of the result, shrunk in flight to pass
            panels = sorted({m.target.panel for _, m in arriving})
            n = max(1, len(panels) - 1)
            arriving = [(k, replace(m, path="shrink", start=0.15 + 0.45 * panels.index(
                m.target.panel) / n, end=0.4 + 0.45 * panels.index(m.target.panel) / n))
                for k, m in arriving]
            leaving += labels
    return replace(plan, motions=tuple(m for _, m in arriving) + tuple(leaving))


def turned_strips(arriving: list[tuple[int, Motion]], perm: tuple[int, ...] | None
                  ) -> list[tuple[int, Motion]] | None:
    """A permute re-slices the block: each result panel gathers one strip (or block) of each
    source panel. A strip whose rows become columns turns over as a sheet about its first
    cell's diagonal (as a transpose does); one that keeps its direction slides. The strips
    go one after another, result panel by result panel, over the faint places of those
    still waiting (two in flight at once can cross: 0.97 of a cell, measured with each
    leaving 30 % before the last landed). None: not a re-slicing of whole strips (a grid
    drawn in part)."""
    if perm is None or any(m.fade != "none" for _, m in arriving):
        return None
    n = len(perm)
    flipped = perm[n - 2] == n - 1 or perm[n - 1] == n - 2
    groups: dict[tuple, list[tuple[int, Motion]]] = {}
    for k, m in arriving:
        groups.setdefault((m.target.panel, m.source.panel), []).append((k, m))
    order = sorted(groups)
    # all landed before the result fades in (0.75)
    width = 0.65 / len(order)
    out, waits = [], []
    for key, members in groups.items():
        top, left = (min(m.source.row for _, m in members), min(m.source.col for _, m in members))
        to_top = min(m.target.row for _, m in members)
        to_left = min(m.target.col for _, m in members)
        start = 0.1 + order.index(key) * width
        for k, m in members:
            on_sheet = (m.source.row - top, m.source.col - left)
            lands = (m.target.row - to_top, m.target.col - to_left)
            if lands != (on_sheet[::-1] if flipped else on_sheet):
                return None  # not a whole strip turned or slid (a grid drawn in part)
            waits.append((k, Motion(m.text, m.source, m.source, "wait", start=start, end=start,
                                    link=m.link)))
            out.append((k, replace(m, path="flip" if flipped else "line", sheet=on_sheet,
                                   fade="appear", start=start, end=start + width)))
    # drawn in this order: the places waiting under everything, each strip over those landed
    return waits + sorted(out, key=lambda pair: pair[1].start)


def strips_length(strips: int) -> float:
    """A permute's motion takes longer the more strips it moves (each stays followable)."""
    return min(2.5, max(1.0, 0.25 * strips))


def _turned_labels(src_grid: Grid, dst_grid: Grid, source: TensorState,
                   result: TensorState) -> list[Motion]:
    """A permute's row and column labels travel, in their axis colour, to where their axis
    lands: the result's rows, its columns, or its panels (where they fade)."""
    perm = permutation(source, result)
    if perm is None:
        return []
    n = source.ndim
    src_panel = (src_grid.panels() or [()])[0]
    dst_panel = (dst_grid.panels() or [()])[0]
    out = []
    for axis, count in ((n - 2, src_grid.rows), (n - 1, src_grid.cols)):
        lands = perm.index(axis)
        for i in range(count):
            here = GridCell("before", src_panel, i, -1) if axis == n - 2 else \
                GridCell("before", src_panel, -1, i)
            there = GridCell("after", dst_panel, i, -1) if lands == n - 2 else \
                GridCell("after", dst_panel, -1, i) if lands == n - 1 else here
            out.append(Motion(str(i), here, there, "out" if there == here else "none",
                              style=f"dim:{axis}"))
    return out


def _timed(m: Motion, start: float, end: float) -> Motion:
    return replace(m, start=start, end=end)


def _flip_motions(grid: Grid, storage: int) -> tuple[Motion, ...]:
    """The turning sheet: every cell of every panel to its mirror about the diagonal, tied
    to its storage cell; the row and column labels turn with the sheet in their colours."""
    t = grid.tensor
    rows_dim, cols_dim = f"dim:{t.ndim - 2}", f"dim:{t.ndim - 1}"
    motions = []
    for panel, r, c, k in _cells(grid):
        motions.append(Motion(grid.value_text(k), GridCell("before", panel, r, c),
                              GridCell("after", panel, c, r), path="flip",
                              link=StorageCell(storage, k)))
    for panel in grid.panels() or [()]:
        for r in range(grid.rows):  # a row label at (r, -1) lands as column label (-1, r)
            motions.append(Motion(str(r), GridCell("before", panel, r, -1),
                                  GridCell("after", panel, -1, r), path="flip",
                                  style=rows_dim))
        for c in range(grid.cols):
            motions.append(Motion(str(c), GridCell("before", panel, -1, c),
                                  GridCell("after", panel, c, -1), path="flip",
                                  style=cols_dim))
    return tuple(motions)


REFLOW_SPREAD = 0.5   # a reflow: the last cell leaves this much after the first
WINDOW_SETTLES = 0.45  # a window first closes on what it keeps, then the kept cells settle


def _windowed(plan: Plan, src_grid: Grid, dst_grid: Grid, used: set, arriving, leaving,
              storage: int) -> Plan:
    """A slice: the frame shrinks from the whole grid onto the cells kept (what is left out
    fades), the offset pointer travels with it; then the kept cells settle into the result's
    grid and the frame goes with them."""
    src_panels = src_grid.panels() or [()]
    kept_panels = {p for p, _, _ in used}
    motions = [_timed(m, 0.0, WINDOW_SETTLES) for m in leaving]
    motions += [_timed(m, WINDOW_SETTLES, 1.0) for _, m in arriving]
    src_cells = [k for _, _, _, k in _cells(src_grid)]
    dst_cells = [k for k, _ in arriving]
    window = None
    if len(kept_panels) == 1:
        panel = next(iter(kept_panels))
        rows = [r for p, r, _ in used]
        cols = [c for p, _, c in used]
        first = src_panels[0], src_panels[-1]
        keys = [(0.0, GridCell("before", first[0], 0, 0),
                 GridCell("before", first[1], src_grid.rows - 1, src_grid.cols - 1)),
                (WINDOW_SETTLES, GridCell("before", panel, min(rows), min(cols)),
                 GridCell("before", panel, max(rows), max(cols)))]
        dst_panels = dst_grid.panels() or [()]
        if len(dst_panels) == 1:
            keys.append((1.0, GridCell("after", dst_panels[0], 0, 0),
                         GridCell("after", dst_panels[0], dst_grid.rows - 1,
                                  dst_grid.cols - 1)))
        window = Window(tuple(keys), storage, (min(src_cells), max(src_cells)),
                        (min(dst_cells), max(dst_cells)))
    return replace(plan, motions=tuple(motions), window=window)


def _repeated(plan: Plan, arriving, leaving, storage: int) -> Plan:
    """Expand: the first reader of each cell is the original; every further one peels off
    the one before it (a stamp: no copy crosses another), one copy at a time, and the strip
    counts how often each cell is now read."""
    readers: dict[int, list[Motion]] = {}
    for k, m in arriving:
        readers.setdefault(k, []).append(m)
    most = max(len(ms) for ms in readers.values()) - 1
    seen: dict[int, list[float]] = {}
    motions = []
    for k, m in arriving:
        earlier = seen.setdefault(k, [])
        j = len(earlier)
        if j == 0:
            motions.append(_timed(m, 0.0, 0.3))
            earlier.append(0.0)
            continue
        start = 0.05 + 0.75 * (j - 1) / max(1, most)
        before = readers[k][j - 1].target
        motions.append(replace(m, source=before, fade="appear", start=start,
                               end=start + 0.75 / max(1, most)))
        earlier.append(start)
    counts = tuple((StorageCell(storage, k), tuple(starts[1:]))
                   for k, starts in sorted(seen.items()) if len(starts) > 1)
    motions += [_timed(m, 0.0, 0.4) for m in leaving]
    return replace(plan, motions=tuple(motions), counts=counts)


LIFT_SPREAD = 0.55  # copies: the last value leaves this late, every one flies 1 - this


def _plan_copy(after: Step, result: TensorState,
               sources: tuple[tuple[int, int], ...]) -> Plan:
    if len(sources) > MAX_MOVING:
        return Plan("fade", result.name, new_storage=result.storage_id)
    grid = _grid(after, result)
    motions = []
    cells = [k for _, _, _, k in _cells(grid)]
    n = max(1, len(cells) - 1)
    # in the new logical order: the i-th value of the result leaves the old strip i-th
    for i, (k, (src_storage, src_cell)) in enumerate(zip(cells, sources)):
        start = LIFT_SPREAD * i / n
        motions.append(Motion(grid.value_text(k), StorageCell(src_storage, src_cell),
                              StorageCell(result.storage_id, k), path="lift", start=start,
                              end=start + 1 - LIFT_SPREAD))
    return Plan("copy", result.name, motions=tuple(motions), new_storage=result.storage_id,
                motion="lift")


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
        # the write lands in storage first: the old values sit on the written cells and fade
        # as the new ones flash in; then every grid cell reading them answers (never the new
        # value on the grid while the strip still shows the old one)
        motions += [Motion(format_value(a[k]), StorageCell(storage_id, int(k)),
                           StorageCell(storage_id, int(k)), "out", start=0.1, end=0.45)
                    for k in changed[:MAX_MOVING]]
        if focused is not None and focused.storage_id == storage_id:
            readers = [(GridCell("after", *at), k) for *at, k in reading_positions(
                focused, changed)]
            flashes += [anchor for anchor, _ in readers]
            motions += [Motion(format_value(a[k]), anchor, anchor, "out", start=0.5, end=0.85)
                        for anchor, k in readers[:MAX_MOVING]]
    return Plan("inplace", focus, motions=tuple(motions), flashes=tuple(flashes),
                motion="pulse")


def _grid_cells_reading(t: TensorState, cells: np.ndarray, limit: int = 4096) -> list[Anchor]:
    """Every grid position of `t`, on any 2-D panel, that reads one of the storage cells."""
    return [GridCell("after", *at) for *at, _ in reading_positions(t, cells, limit)]


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
    # of the pair whose storage step breaks the constant stride. The walk stops there: the
    # first break is the lesson, marked with the cell one constant step would have reached
    expected = None
    if jumps:
        walk = walk[:jumps[0] + 2]
        last = walk[-3].cell if len(walk) >= 3 else None
        storage = after.storage(t.storage_id)
        size = storage.nbytes // t.itemsize if storage is not None and t.itemsize else 0
        if last is not None and step is not None and last + step >= 0:
            expected = StorageCell(t.storage_id, last + step)  # past the end: drawn beyond
    return Plan("error", t.name, walk=tuple(walk), jumps=tuple(jumps), motion="walk",
                expected=expected, walk_end=0.7 if jumps else 1.0,
                expected_step=step or 0, storage_last=size - 1 if jumps else -1)


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
