"""The arrangement: what each step needs, the pane split and the one cell size of a family.

NOTE [Picture layout]
1. Type sizes are a rule, not a result: `TypeScale.for_viewport` fixes the smallest size
   (14 px at 1920x1080, 24 px in presentation mode); a label that cannot be that big is
   left out (the hover and the inspector still show it), never shrunk.
2. One cell size for grid and strip, so a value looks the same in both. It is the largest
   size at which everything fits without elision, for every step of the script (so nothing
   jumps between steps), but never below the size at which values are legible; past that,
   rows/columns/cells are elided NumPy-style with the counts written out.
3. Grid and strip side by side when that gives bigger cells (wide viewports), else stacked.
   A family (the steps on one storage) chooses once, for the body under the plainest header;
   a step whose caption or error block takes more height is fitted into what is left
   (`squeezed_arrangement`: smaller cells, same direction), so nothing jumps at an error.
   The strip's cell is never bigger than the grid's (STRIP_TO_GRID): the grid is the subject.
4. Focus first: the focused tensor's storage is drawn cell by cell, windowed around what the
   tensor reads; every other storage is one summary line.
5. Presenting, the header takes what its own lines need (no room kept for the lesson's
   longest caption: a band of the frame stayed empty under a short one), and the step's
   grid grows into the height so freed (`grown_arrangement`: the family's direction, split
   and strip cell); each step is a slide.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from stridescope.engine.picture.content import Grid, Picture, Strip, build_picture, extent
from stridescope.engine.picture.labels import TITLE_SEP, numpy_memories, title_line
from stridescope.engine.picture.measures import (
    _strip_height,
    formula_digits,
    formula_line_count,
    legible_cell,
    panel_size,
    panes,
    strip_geometry,
    title_lines,
)
from stridescope.engine.picture.memo import by_identity
from stridescope.engine.picture.scene import (
    LONG_STRIP,
    MAX_GRID_SIDE,
    MAX_PANELS,
    WINDOWED_STRIP,
    Key,
    Rect,
    TypeScale,
    Viewport,
    shown_side,
)
from stridescope.engine.picture.strip_layout import reads_band
from stridescope.engine.picture.text import text_width, widest_text


# ----------------------------------------------------------------------------- arrangement
@dataclass(frozen=True, slots=True)
class _Demand:
    """What one step needs drawn, in cells: the sizes that decide the layout."""

    rows: int
    cols: int
    panels: int
    strips: tuple[tuple[int, int, bool], ...]  # (cells laid out, lanes, windowed) per
    # expanded storage: a windowed one (past LONG_STRIP) shows what room it gets, with breaks
    summaries: int
    arcs: int
    widest: int        # characters of the widest value
    label_chars: int   # characters of the widest lane label
    ndim: int = 2
    title_chars: int = 40  # the grid's "shape … stride … offset …" line
    notes: int = 0         # elision notes under the grid (panels, rows, columns, meta)
    name: str = ""         # the tensor's name and that line (English), wrapped as the grid
    title: str = ""        # title wraps them (title_lines)
    offset: int = 0        # the storage offset (the formula's "(offset = 4)")
    digits: tuple[int, int, int] = (3, 3, 5)  # its formulas' numbers (formula_digits)
    array_notes: int = 0   # "m: NumPy strides (8,) bytes …" lines under the strips

    @property
    def strip_cells(self) -> int:
        return max((cells for cells, _, _ in self.strips), default=0)

    @property
    def lanes(self) -> int:
        return max((lanes for _, lanes, _ in self.strips), default=0)


def expanded_storages(picture: Picture) -> tuple[int, ...]:
    """Storages drawn cell by cell: the focused tensor's, then those a copy read from (its
    values fly from there); every other storage is a summary line."""
    if picture.grid is None:
        return ()
    t = picture.grid.tensor
    sources = picture.step.sources_of(t.name) or ()
    extra = sorted({sid for sid, _ in sources} - {t.storage_id})
    present = {s.storage.id for s in picture.strips}
    return tuple(sid for sid in (t.storage_id, *extra) if sid in present)


def demand(picture: Picture) -> _Demand | None:
    grid = picture.grid
    if grid is None:
        return None
    t = grid.tensor
    expanded = expanded_storages(picture)
    strips = [s for s in picture.strips if s.storage.id in expanded]
    # a strip whose cells the tensor reads more than once counts a lane more: its "×4" band
    laid_out = tuple((WINDOWED_STRIP if s.cells > LONG_STRIP else s.cells,
                      len(s.overlays) + reads_band(s, t), s.cells > LONG_STRIP) for s in strips)
    label = max((len(o.label) for s in strips for o in s.overlays), default=4)
    widest = _widest_value(grid, strips[0] if strips else None)
    panels = min(grid.panel_count, MAX_PANELS) if t.ndim > 2 else 1
    arcs = len({s for n, s in zip(t.shape, t.stride) if s != 0 and n > 1})  # a level a stride
    line = title_line(t, lambda text: text)
    title = len(t.name) + 2 + len(line)
    notes = int(grid.rows > MAX_GRID_SIDE) + int(grid.cols > MAX_GRID_SIDE) + int(t.is_meta) \
        + int(t.ndim > 2 and grid.panel_count > MAX_PANELS)
    # every other storage and each NumPy memory no storage holds: a summary line each
    others = len(picture.strips) - len(strips) + len(numpy_memories(picture.step))
    array_notes = sum(min(3, sum(1 for o in s.overlays if o.kind == "array")) for s in strips)
    return _Demand(shown_side(grid.rows), shown_side(grid.cols), panels, laid_out,
                   others, min(arcs, 6), widest, label, t.ndim,
                   title, notes, t.name, line, t.storage_offset,
                   formula_digits(t.shape, t.stride, t.storage_offset), array_notes)


def _widest_value(grid: Grid, strip: Strip | None) -> int:
    if grid.values is None:
        return 1
    t = grid.tensor
    extent_lo, extent_hi = extent(t)
    lo, hi = max(0, extent_lo), min(len(grid.values), extent_hi + 1)
    sample = grid.values[lo:hi]
    if len(sample) > 4096:
        sample = np.concatenate([sample[:2048], sample[-2048:]])
    return widest_text(sample)


@dataclass(frozen=True, slots=True)
class Arrangement:
    direction: str      # "side": grid left, strip right; "stack": grid above, strip below
    share: float        # the grid pane's share of the width (side) or height (stack)
    grid_cell: float
    strip_cell: float
    content_h: float = 0.0  # the tallest content of the family: centred in the body
    strip_h: float = 0.0    # the tallest strip pane content of the family


# The strip's cell is never bigger than the grid's (unless legibility needs it): the logical
# grid is what a step is about, and a value should look the same size in both (issue 20).
STRIP_TO_GRID = 1.0
# A storage folded onto several rows reads like a matrix: each extra row costs this share of
# an arrangement's score, so it folds only when no flat layout comes close (issue 20).
WRAP_PENALTY = 0.4

# the pane splits tried, by direction (the grid pane's share of the width or the height)
SHARES = {"side": (0.3, 0.38, 0.45, 0.5, 0.55, 0.62, 0.7), "stack": (0.3, 0.4, 0.5, 0.6, 0.7)}

FAMILY_SCAN = 400  # steps looked at for a family's demands: layout cost stays bounded


@lru_cache(maxsize=32)
def family_demands(result_key: Key, family: int | tuple | None
                   ) -> tuple[tuple[_Demand, int], ...]:
    """The distinct demands of the family's steps (among the first FAMILY_SCAN) with how many
    steps make each: computed once per run and family, not once per step shown."""
    counts: dict[_Demand, int] = {}
    if isinstance(family, tuple):  # ("calls", i): the calls of statement i, stepped into
        return _call_demands(result_key, family[1])
    for step in result_key.value.steps[:FAMILY_SCAN]:
        storage, d = _step_demand(step)
        if storage == family and d is not None:
            counts[d] = counts.get(d, 0) + 1
    return tuple(counts.items())


@by_identity(4 * FAMILY_SCAN)  # an edited script's unchanged steps are the same objects
def _step_demand(step) -> tuple[int | None, _Demand | None]:
    """The storage a step's grid shows, and what the step asks of the layout."""
    picture = build_picture(step)
    if picture.grid is None:
        return None, None
    return picture.grid.tensor.storage_id, demand(picture)


def _call_demands(result_key: Key, index: int) -> tuple[tuple[_Demand, int], ...]:
    """The calls of one chained statement are a family of their own: their tensors move
    from storage to storage (a view, a copy, a view of the copy), and the statement's other
    steps (a 1×12 result) would make them a layout that suits none of them."""
    from stridescope.engine.model.substeps import substep_count, substep_step

    steps = result_key.value.steps
    statement, before = steps[index], steps[index - 1] if index > 0 else None
    counts: dict[_Demand, int] = {}
    for k in range(substep_count(statement)):
        d = demand(build_picture(substep_step(before, statement, k)))
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return tuple(counts.items())


def arrangement_for(result_key: Key, viewport: Viewport, ts: TypeScale, body: Rect,
                    family: int | tuple | None, own: _Demand | None) -> Arrangement:
    """The arrangement of a step: its family's, with its own demand added when the family's
    scan did not see it; so every step of a family shares one cached arrangement."""
    counted = family_demands(result_key, family)
    if own is None or any(d == own for d, _ in counted):
        return choose_arrangement(viewport, ts, body, counted)
    if counted:
        # a step past the family's scan: its layout, if the step fits it no worse than the
        # steps it was made for (no jump, and no new choice per key press on a long script)
        a = choose_arrangement(viewport, ts, body, counted)
        if _overflows(a, ts, body, ((own, 1),)) <= max(1.0, _family_overflow(a, ts, body,
                                                                           counted)):
            return a
    return choose_arrangement(viewport, ts, body, ((own, 1), *counted))


def squeezed_arrangement(result_key: Key, viewport: Viewport, ts: TypeScale, family_body: Rect,
                         body: Rect, family: int | tuple | None,
                         own: _Demand | None) -> Arrangement:
    """The family's arrangement (made for `family_body`) fitted into a shorter `body`: the
    same direction and pane split, smaller cells where they must be. An error step's taller
    header so keeps the layout of the steps around it (no jump from side by side to stacked,
    the strip where it was), issue 20."""
    a = arrangement_for(result_key, viewport, ts, family_body, family, own)
    if body == family_body:
        return a
    counted = family_demands(result_key, family)
    if own is not None and all(d != own for d, _ in counted):
        counted = ((own, 1), *counted)
    squeezed = _squeeze(a, ts, body, tuple(d for d, _ in counted))
    if _overflows(squeezed, ts, body, counted) <= 1:
        return squeezed
    # an error block so long that the family's split would elide rows or drop the values:
    # legible cells come first, the step lays out anew (only when that then fits)
    fresh = choose_arrangement(viewport, ts, body, counted)
    return fresh if _overflows(fresh, ts, body, counted) <= 1 else squeezed


def grown_arrangement(a: Arrangement, ts: TypeScale, body: Rect, own: _Demand,
                      cap: float) -> Arrangement:
    """`a` (made for a shorter body) with a step's own grid grown into `body`, up to `cap`:
    the same direction and split, the strip's cell the family's (the same memory looks the
    same from step to step; NOTE [Picture layout] 5)."""
    grid_pane, strip_pane = panes((a.direction, a.share), body, ts)
    u = under_strip(ts, a.direction, own)
    grid_cell = max(a.grid_cell, min(cap, _largest(
        lambda c: _grid_fits(own, c, ts, grid_pane, not u))))
    grown = Arrangement(a.direction, a.share, grid_cell, a.strip_cell)
    return Arrangement(a.direction, a.share, grid_cell, a.strip_cell,
                       min(body[3], _content_height(own, grown, ts, grid_pane, strip_pane)),
                       a.strip_h)


@lru_cache(maxsize=32)
def _family_overflow(a: Arrangement, ts: TypeScale, body: Rect,
                     counted: tuple[tuple[_Demand, int], ...]) -> float:
    return _overflows(a, ts, body, counted)


def _overflows(a: Arrangement, ts: TypeScale, body: Rect,
               counted: tuple[tuple[_Demand, int], ...]) -> float:
    grid_pane, strip_pane = panes((a.direction, a.share), body, ts)
    return max((_overflow(d, a.grid_cell, a.strip_cell, ts, grid_pane, strip_pane)
                for d, _ in counted), default=0.0)


@lru_cache(maxsize=32)
def _squeeze(a: Arrangement, ts: TypeScale, body: Rect,
             demands: tuple[_Demand, ...]) -> Arrangement:
    """`a` fitted into `body`: the same direction; the family's split if the cells stay
    legible there, else the split of that direction that fits best."""
    shares = (a.share,) + tuple(r for r in SHARES[a.direction] if r != a.share)
    best: tuple[tuple, Arrangement] | None = None
    for share in shares:
        fitted = _fit(a, share, ts, body, demands)
        over = _overflows(fitted, ts, body, tuple((d, 1) for d in demands))
        if share == a.share and over <= 1:
            return fitted  # the family's own split still fits: keep it
        key = (over > 1, round(over), -min(fitted.grid_cell, fitted.strip_cell))
        if best is None or key < best[0]:
            best = (key, fitted)
    assert best is not None
    return best[1]


def _fit(a: Arrangement, share: float, ts: TypeScale, body: Rect,
         demands: tuple[_Demand, ...]) -> Arrangement:
    grid_pane, strip_pane = panes((a.direction, share), body, ts)
    legible = max((legible_cell(ts, d.widest) for d in demands), default=a.grid_cell)
    u = _under(ts, a.direction)
    grid_cell = min([a.grid_cell] + [_largest(lambda c, d=d: _grid_fits(d, c, ts, grid_pane,
                                                                        not u(d)))
                                     for d in _grid_distinct(demands, ts, grid_pane[2], u)])
    strip_cell = min([a.strip_cell] + [_largest(lambda c, d=d: _strip_fits(d, c, ts, strip_pane,
                                                                          u(d)))
                                       for d in _strip_distinct(demands, ts, strip_pane[2], u)])
    grid_cell = max(grid_cell, min(legible, a.grid_cell))
    strip_cell = min(max(strip_cell, min(legible, a.strip_cell)),
                     max(grid_cell * STRIP_TO_GRID, legible))
    fitted = Arrangement(a.direction, share, grid_cell, strip_cell)
    tallest = max((_content_height(d, fitted, ts, grid_pane, strip_pane) for d in demands),
                  default=body[3])
    strip_h = max((min(strip_pane[3], _strips_height(d, strip_cell, ts, strip_pane[2], u(d)))
                   for d in demands), default=strip_pane[3])
    return Arrangement(a.direction, share, grid_cell, strip_cell, min(tallest, body[3]), strip_h)


@lru_cache(maxsize=64)
def choose_arrangement(viewport: Viewport, ts: TypeScale, body: Rect,
                       counted: tuple[tuple[_Demand, int], ...]) -> Arrangement:
    """Pane split and cell sizes shared by every step whose picture is about the same
    storage (its "family"), so nothing jumps while a script works on one piece of memory;
    a step that moves to new memory (a copy, a new tensor) may lay out anew.

    Each pane gets the largest cell that fits it in every step of the family (never below
    legibility); the arrangement with the biggest cells and the fullest frame wins, and a
    strip that wraps into several rows pays for it (memory reads best as one line).
    `counted` holds each distinct demand once, with the number of steps that make it."""
    demands = [d for d, _ in counted]
    weights = [n for _, n in counted]
    steps = sum(weights)
    legible = max((legible_cell(ts, d.widest) for d in demands), default=legible_cell(ts, 3))
    cap = max(legible, min(viewport.height, viewport.width) / 3.4)
    best: tuple[float, Arrangement, float] | None = None
    candidates = [(direction, r) for direction, shares in SHARES.items() for r in shares]
    for direction, share in candidates:
        grid_pane, strip_pane = panes((direction, share), body, ts)
        u = _under(ts, direction)
        grid_cell = min((_largest(lambda c, d=d: _grid_fits(d, c, ts, grid_pane, not u(d)))
                         for d in _grid_distinct(demands, ts, grid_pane[2], u)), default=cap)
        strip_cell = min((_largest(lambda c, d=d: _strip_fits(d, c, ts, strip_pane, u(d)))
                          for d in _strip_distinct(demands, ts, strip_pane[2], u)), default=cap)
        grid_cell = min(max(grid_cell, legible), cap)
        strip_cell = _strip_cell(strip_cell, demands, ts, strip_pane, legible, cap, grid_cell,
                                 STRIP_TO_GRID)
        wraps = max((_strip_rows(d, strip_cell, ts, strip_pane) for d in demands),
                    default=1) - 1
        used = sum(n * _used_area(d, grid_cell, strip_cell, ts, grid_pane, strip_pane)
                   for d, n in counted) / steps if demands else 1.0
        fill = used / (body[2] * body[3])
        score = fill * min(grid_cell, strip_cell) ** 0.5 / (1 + WRAP_PENALTY * wraps)
        # where even legible cells do not fit, the least overflow wins (then elision copes)
        overflow = sum(n * _overflow(d, grid_cell, strip_cell, ts, grid_pane, strip_pane)
                       for d, n in counted)
        if best is None or overflow < best[2] - 1 or (abs(overflow - best[2]) <= 1
                                                     and score > best[0] * 1.03):
            best = (score, Arrangement(direction, share, grid_cell, strip_cell), overflow)
    assert best is not None
    chosen = _shrink_wrap(best[1], demands, ts, body)
    grid_pane, strip_pane = panes((chosen.direction, chosen.share), body, ts)
    tallest = max((_content_height(d, chosen, ts, grid_pane, strip_pane) for d in demands),
                  default=body[3])
    u = _under(ts, chosen.direction)
    strip_h = max((min(strip_pane[3], _strips_height(d, chosen.strip_cell, ts, strip_pane[2],
                                                     u(d)))
                   for d in demands), default=strip_pane[3])
    return Arrangement(chosen.direction, chosen.share, chosen.grid_cell, chosen.strip_cell,
                        min(tallest, body[3]), strip_h)


def _overflow(d: _Demand, grid_cell: float, strip_cell: float, ts: TypeScale,
              grid_pane: Rect, strip_pane: Rect) -> float:
    """How far a step's content would run past its panes at these cell sizes."""
    u = under_strip(ts, "side" if grid_pane[0] != strip_pane[0] else "stack", d)
    title_h, formula_h = grid_fixed(ts, d, grid_pane[2], not u)
    pw, ph = panel_size(d.rows, d.cols, grid_cell, ts, ndim=d.ndim)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    grid_h = title_h + formula_h + math.ceil(d.panels / per_line) * (ph + ts.small)
    # a windowed strip asks for one row: it shows the cells the room left holds (with
    # breaks), while a grid that does not fit is shrunk below the strip's cell (issue 20:
    # 1000×1000 drawn one row high, its values dropped, beside a strip of large cells)
    strip_h = _strips_height(d, strip_cell, ts, strip_pane[2], u, least=True)
    # a grid too wide loses whole columns (a strip too long is windowed): it counts more
    return max(0.0, grid_h - grid_pane[3]) + max(0.0, strip_h - strip_pane[3]) \
        + 4 * max(0.0, pw - grid_pane[2])


def grid_height(d: _Demand, a: Arrangement, ts: TypeScale, grid_pane: Rect) -> float:
    title_h, formula_h = grid_fixed(ts, d, grid_pane[2], not under_strip(ts, a.direction, d))
    pw, ph = panel_size(d.rows, d.cols, a.grid_cell, ts, ndim=d.ndim)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    return min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line)
               * (ph + ts.small))


def _content_height(d: _Demand, a: Arrangement, ts: TypeScale, grid_pane: Rect,
                    strip_pane: Rect) -> float:
    u = under_strip(ts, a.direction, d)
    title_h, formula_h = grid_fixed(ts, d, grid_pane[2], not u)
    pw, ph = panel_size(d.rows, d.cols, a.grid_cell, ts, ndim=d.ndim)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    grid_h = min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line)
                 * (ph + ts.small))
    strip_h = min(strip_pane[3], _strips_height(d, a.strip_cell, ts, strip_pane[2], u))
    if a.direction == "side":
        return max(grid_h, strip_h)
    return strip_pane[1] - grid_pane[1] + strip_h


def _used_area(d: _Demand, grid_cell: float, strip_cell: float, ts: TypeScale,
               grid_pane: Rect, strip_pane: Rect) -> float:
    """The box around what a step draws, in both panes (for choosing the arrangement)."""
    u = under_strip(ts, "side" if grid_pane[0] != strip_pane[0] else "stack", d)
    title_h, formula_h = grid_fixed(ts, None, 1e9, not u)
    pw, ph = panel_size(min(d.rows, MAX_GRID_SIDE), min(d.cols, MAX_GRID_SIDE), grid_cell, ts,
                        ndim=d.ndim)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    gw = min(grid_pane[2], max(per_line * pw, _title_width(d, ts)))
    gh = min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line) * ph)
    label_w, _, per_row, _ = strip_geometry(d.lanes, d.label_chars, strip_cell, ts,
                                             strip_pane[2])
    sw = label_w + min(per_row, max(d.strip_cells, 1)) * strip_cell
    sh = min(strip_pane[3], _strips_height(d, strip_cell, ts, strip_pane[2], u))
    if grid_pane[0] == strip_pane[0]:  # stacked: one box as wide as the wider pane
        return max(gw, sw) * (strip_pane[1] - grid_pane[1] + sh)
    return (strip_pane[0] - grid_pane[0] + sw) * max(gh, sh)


def _grid_distinct(demands, ts: TypeScale, width: float, under) -> list[_Demand]:
    """One demand for each grid a pane of `width` must fit (what _grid_fits reads): a long
    script's family has hundreds of demands but few grids, and each costs a bisection."""
    seen: dict[tuple, _Demand] = {}
    for d in demands:
        seen.setdefault((d.rows, d.cols, d.panels, grid_fixed(ts, d, width, not under(d))), d)
    return list(seen.values())


def _strip_distinct(demands, ts: TypeScale, width: float, under) -> list[_Demand]:
    """One demand for each set of strips (what _strip_fits reads)."""
    seen: dict[tuple, _Demand] = {}
    for d in demands:
        below = formula_height(ts, d, width) if under(d) else None
        seen.setdefault((d.strips, d.arcs, d.label_chars, d.summaries, d.array_notes, below),
                        d)
    return list(seen.values())


def _largest(fits: Callable[[float], bool], lo: float = 4.0, hi: float = 400.0) -> float:
    for _ in range(20):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


def _strip_rows(d: _Demand, cell: float, ts: TypeScale, strip_pane: Rect) -> int:
    per_row = strip_geometry(d.lanes, d.label_chars, cell, ts, strip_pane[2])[2]
    return math.ceil(max(d.strip_cells, 1) / per_row)


def _shrink_wrap(a: Arrangement, demands: list[_Demand], ts: TypeScale,
                 body: Rect) -> Arrangement:
    """Give the grid pane just what the largest grid of the script needs at its cell size;
    the strip gets the rest (fewer wrapped rows)."""
    grid_pane, _ = panes((a.direction, a.share), body, ts)
    u = _under(ts, a.direction)
    title_h, formula_h = grid_fixed(ts, None, 1e9, not u(None))
    need = 0.0
    for d in demands:
        pw, ph = panel_size(min(d.rows, MAX_GRID_SIDE), min(d.cols, MAX_GRID_SIDE),
                             a.grid_cell, ts, ndim=d.ndim)
        per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
        if a.direction == "side":
            need = max(need, per_line * (pw + ts.small), _title_width(d, ts))
        else:
            lines = math.ceil(d.panels / per_line)
            need = max(need, title_h + formula_h + lines * (ph + ts.small))
    gap = ts.small * 2.5
    total = (body[2] if a.direction == "side" else body[3]) - gap
    share = max(0.2, min(a.share, need / total + 0.01))
    # a narrower grid pane wraps the title onto more lines: only as narrow as keeps every
    # grid whole at its cell
    while share < a.share and not all(
            _grid_fits(d, a.grid_cell, ts, panes((a.direction, share), body, ts)[0], not u(d))
            for d in demands):
        share = min(a.share, share + 0.02)
    _, strip_pane = panes((a.direction, share), body, ts)
    if not all(_strip_fits(d, a.strip_cell, ts, strip_pane, u(d)) for d in demands):
        return a
    strip_cell = min((_largest(lambda c, d=d: _strip_fits(d, c, ts, strip_pane, u(d)))
                      for d in demands), default=a.strip_cell)
    legible = max((legible_cell(ts, d.widest) for d in demands), default=a.strip_cell)
    strip_cell = _strip_cell(strip_cell, demands, ts, strip_pane, legible, body[3] / 4.2,
                             a.grid_cell, STRIP_TO_GRID)
    return Arrangement(a.direction, share, a.grid_cell, max(a.strip_cell, strip_cell))


def _strip_cell(fitting: float, demands: list[_Demand], ts: TypeScale, pane: Rect,
                legible: float, cap: float, grid_cell: float, ratio: float = 1.0) -> float:
    """The strip's cell: as big as fits, but a storage that can lie on one line at a legible
    size does (a strip wrapped into a square would look like a grid), and its cells stay
    close to the grid's."""
    longest = max((d.strip_cells for d in demands), default=1)
    label_chars = max((d.label_chars for d in demands), default=4)
    label_w = min(text_width("0" * label_chars, ts.small, bold=True) + ts.small,
                  pane[2] * 0.35)
    one_line = (pane[2] - label_w) / max(longest, 1)
    cell = min(fitting, cap, grid_cell * ratio)
    if one_line >= legible:
        cell = min(cell, one_line)
    return max(cell, legible)


def _title_width(d: _Demand, ts: TypeScale) -> float:
    """The grid's title and formula lines must stay readable: at least this wide."""
    if ts.compact:  # presenting: the title wraps beside the name, the formula at its terms
        name_w = text_width(d.name, ts.title, bold=True) + ts.small
        widest = max((text_width(part, ts.body) for part in d.title.split(TITLE_SEP)), default=0)
        details = max(widest, text_width(d.title, ts.body) / 2.6)  # in up to three lines
        return name_w + details  # the formula: under the strip, or as wide as the frame
    formula = text_width("storage index = offset + " + "i₀·stride₀ + " * max(d.ndim, 1),
                         ts.body, mono=True)
    return max(formula, text_width("0" * d.title_chars, ts.body))


def under_strip(ts: TypeScale, direction: str, d: _Demand | None) -> bool:
    """Presenting side by side, the address formula goes under a step's one strip: the
    grid's pane keeps its height for rows (the frame is short) and the formula the strip's
    width (it is the map from the grid's indices to the strip's; issue 20). Under two
    strips (a copy and its source) it would leave them no room: it stays under the grid."""
    return ts.compact and direction == "side" and d is not None and len(d.strips) <= 1


def _under(ts: TypeScale, direction: str) -> Callable[[_Demand | None], bool]:
    return lambda d: under_strip(ts, direction, d)


def formula_height(ts: TypeScale, d: _Demand | None, width: float) -> float:
    lines = formula_line_count(ts, d.ndim, d.name, d.offset, width, d.digits) \
        if d is not None else 2
    return ts.body * (2.9 + 1.45 * (lines - 2))


@lru_cache(maxsize=8192)  # the same demand and pane width at every step of a bisection
def grid_fixed(ts: TypeScale, d: _Demand | None = None, width: float = 1e9,
               formula: bool = True) -> tuple[float, float]:
    """Height of the grid's title block (its second line when the title wraps at this
    width) and of the formula below it (only its elision notes when the formula goes
    under the strip)."""
    title = ts.title * 1.5 + ts.small * 1.5 + ts.small * 1.6 + ts.small * 0.8
    if d is not None:  # the "shape … stride … offset …" line wraps (see title_lines)
        title += ts.body * 1.3 * max(0, title_lines(d.name, d.title, ts, width) - 1)
        # the legend's "↓ dim 0: size 4, stride 1" labels, as many on a line as fit
        label = text_width("0" * 30, ts.small, bold=True) + ts.small * 1.2
        per_line = max(1, int((width + ts.small * 1.2) // label))
        title += ts.small * 1.5 * (math.ceil(d.ndim / per_line) - 1) if d.ndim else 0.0
    notes = d.notes * ts.small * 1.5 if d is not None else 0.0
    return title, (formula_height(ts, d, width) if formula else 0.0) + notes


def _grid_fits(d: _Demand, cell: float, ts: TypeScale, pane: Rect,
               formula: bool = True) -> bool:
    title_h, formula_h = grid_fixed(ts, d, pane[2], formula)
    pw, ph = panel_size(d.rows, d.cols, cell, ts, ndim=d.ndim)
    per_row = max(1, int((pane[2] + ts.small) // (pw + ts.small)))
    panel_rows = math.ceil(d.panels / per_row)
    return pw <= pane[2] and title_h + formula_h + panel_rows * (ph + ts.small) <= pane[3]


def _strip_fits(d: _Demand, cell: float, ts: TypeScale, pane: Rect,
                formula: bool = False) -> bool:
    return _strips_height(d, cell, ts, pane[2], formula) <= pane[3]


def _strips_height(d: _Demand, cell: float, ts: TypeScale, width: float,
                   formula: bool = False, least: bool = False) -> float:
    """Every expanded strip of a step (cell by cell) plus the summary lines of the rest (and
    the formula, when it goes under them); `least`: a windowed strip's first row only,
    between the notes of the cells it leaves out ("… 999,982 more cells …")."""
    below = formula_height(ts, d, width) + ts.small if formula else 0.0
    summaries = d.summaries * ts.body * 1.4 + (ts.small * 0.6 if d.summaries else 0.0)
    return _cells_height(d.strips, d.arcs, d.label_chars, cell, ts, width, least) \
        + summaries + below + d.array_notes * ts.small * 1.5


@lru_cache(maxsize=8192)  # a long script's family has hundreds of demands, few strip sets
def _cells_height(strips: tuple[tuple[int, int, bool], ...], arcs: int, label_chars: int,
                  cell: float, ts: TypeScale, width: float, least: bool) -> float:
    heights = []
    for cells, lanes, windowed in strips:
        if least and windowed:
            cells = min(cells, strip_geometry(lanes, label_chars, cell, ts, width)[2])
        heights.append(_strip_height(cells, lanes, 0, arcs, label_chars, cell, ts, width)
                       + (2 * ts.small * 1.8 if least and windowed else 0.0))
    return sum(heights or [0.0]) + ts.small * max(len(heights) - 1, 0)
