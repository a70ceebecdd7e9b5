"""The storage strip's layout: the window of cells, wrapped rows with breaks, stride arcs."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import numpy as np

from stridescope.engine.model.layout import element_indices
from stridescope.engine.model.state import TensorState
from stridescope.engine.picture.content import Strip, extent
from stridescope.engine.picture.measures import strip_geometry
from stridescope.engine.picture.scene import (
    EDGE_CELLS,
    MAX_STRIP_CELLS,
    Arc,
    Rect,
    StripLayout,
    StripRow,
    Text,
    Translate,
    TypeScale,
)
from stridescope.engine.picture.text import (
    corner_fits,
    elide,
    fit_clauses,
    fit_value_px,
    min_value_cell,
    text_width,
    tuple_text,
)


def _strip_window(strip: Strip, focused: TensorState | None,
                  whole: bool = True) -> list[tuple[int, int]]:
    """The storage cells to lay out, [(start, count)]: all of a small storage (`whole`);
    of a large one, or of one whose start alone would fill the pane, the cells the focused
    tensor reads (its start and its end when that is large too) and the storage's last
    cells (a small view keeps the whole storage alive: the end shows it goes on), with
    breaks between."""
    cells = strip.cells
    if whole and cells <= MAX_STRIP_CELLS:
        return [(0, cells)]
    lo, hi = 0, min(cells, 16) - 1
    if focused is not None and focused.numel:
        lo, hi = _cell_span(strip, focused)
    start, end = max(0, lo - EDGE_CELLS), min(cells, hi + 1 + EDGE_CELLS)
    if end - start <= MAX_STRIP_CELLS:
        segments = [(start, end - start)]
    else:
        half = MAX_STRIP_CELLS // 2
        segments = [(start, half), (end - half, half)]
    last = segments[-1][0] + segments[-1][1]
    if last < cells - EDGE_CELLS:
        segments.append((cells - EDGE_CELLS, EDGE_CELLS))
    elif last < cells:
        segments[-1] = (segments[-1][0], cells - segments[-1][0])
    return segments


def _cell_span(strip: Strip, focused: TensorState) -> tuple[int, int]:
    """The first and last strip cell the focused tensor reads (clamped to the storage)."""
    lo, hi = extent(focused)
    scale = focused.itemsize / strip.itemsize if strip.itemsize else 1
    lo, hi = int(lo * scale), int(math.ceil((hi + 1) * scale)) - 1
    return max(0, min(lo, strip.cells - 1)), max(0, min(hi, strip.cells - 1))


def _shows(rows: list[StripRow], span: tuple[int, int]) -> bool:
    """Whether the laid-out rows draw a cell of [lo, hi]."""
    lo, hi = span
    return any(not r.skipped and r.start <= hi and r.start + r.count > lo for r in rows)


def _overlay_span(overlay) -> tuple[int, int]:
    lo = overlay.extent[0] * overlay.ratio
    return int(math.floor(lo)), int(math.ceil((overlay.extent[1] + 1) * overlay.ratio)) - 1


def _fit_window(segments: list[tuple[int, int]], capacity: int) -> list[tuple[int, int]]:
    """Shrink the laid-out cells to `capacity`: the short end pieces stay, the long runs
    share the rest (the first keeps its start, later ones their end)."""
    total = sum(n for _, n in segments)
    if total <= capacity:
        return segments
    if len(segments) == 1:
        start, n = segments[0]
        return [(start, max(1, capacity))]
    short = sum(n for _, n in segments if n <= EDGE_CELLS)
    long_runs = [i for i, (_, n) in enumerate(segments) if n > EDGE_CELLS]
    if not long_runs:
        return segments[:1]
    share = max(1, (capacity - short) // len(long_runs))
    out = []
    for i, (start, n) in enumerate(segments):
        if n <= EDGE_CELLS:
            out.append((start, n))
        elif i == long_runs[0]:
            out.append((start, min(n, share)))
        else:
            out.append((start + n - min(n, share), min(n, share)))
    return out


def strip_layout(strip: Strip, focused: TensorState | None, ts: TypeScale, pane: Rect,
                  cell: float, tr: Translate, ghosts: tuple[int, ...] = ()) -> StripLayout:
    x, y, w, h = pane
    # cells an out-of-bounds layout would read past the storage's end are laid out too,
    # as ghosts (drawn dashed, "past the end"), when they are near it
    ghosts = tuple(k for k in ghosts if strip.cells <= k < strip.cells + 64)
    total = max([strip.cells, *(k + 1 for k in ghosts)])
    # arcs (one per dim of the focused tensor, from its first cell) sit above the first row
    focus_overlay = next((o for o in strip.overlays if focused and o.name == focused.name), None)
    # no bracket for a size-1 dim: its stride is never used to move (nor for stride 0)
    arc_dims = [(d, s) for d, (n, s) in enumerate(zip(focused.shape, focused.stride))
                if s != 0 and n > 1][:6] \
        if focus_overlay is not None else []
    arcs_h = len({s for _, s in arc_dims}) * ts.small * 1.35 + ts.small * 0.6  # a level a stride
    top, bottom = y + ts.body * 1.5, y + h - min(3, _arrays(strip)) * ts.small * 1.5
    family_cell, window = cell, _strip_window(strip, focused)
    rows, y, cell, geometry = _fit_rows(strip, focused, window, total, family_cell, top,
                                        arcs_h, bottom, ts, w)
    if focus_overlay is not None and not _shows(rows, _cell_span(strip, focused)):
        # the storage's start fills the pane: lay out the cells around the focused tensor
        window = _strip_window(strip, focused, whole=False)
        rows, y, cell, geometry = _fit_rows(strip, focused, window, total, family_cell, top,
                                            arcs_h, bottom, ts, w)
    # a lane none of whose cells is drawn would be an empty row with a name: it joins the
    # "+N more" summary instead, and the lanes left get the room
    unseen = tuple(o for o in strip.overlays if o.kind == "tensor" and o is not focus_overlay
                   and not _shows(rows, _overlay_span(o)))
    if unseen:
        strip = replace(strip, overlays=tuple(o for o in strip.overlays if o not in unseen),
                        more=strip.more + tuple(o.name for o in unseen))
        rows, y, cell, geometry = _fit_rows(strip, focused, window, total, family_cell, top,
                                            arcs_h, bottom, ts, w)
    band, label_w, lane_h, per_row = geometry
    ruler = ts.small * 1.4
    if y > pane[1] + h and rows and rows[-1].skipped:  # no room for the closing break note
        rows.pop()
        y -= ts.small * 1.8
    texts = _title_texts(strip, ts, (x, pane[1], w, h), tr)
    arrays = [o for o in strip.overlays if o.kind == "array"][:3]
    reads = _reads(strip, focused)
    x0 = x + label_w
    layout_rows = tuple(rows)
    shown = [np.arange(r.start, r.start + r.count, dtype=np.int64) for r in layout_rows
             if not r.skipped]
    shown = np.concatenate(shown) if shown else np.zeros(0, dtype=np.int64)
    value_px = fit_value_px(cell, strip.values, shown, ts)
    largest = int(shown.max()) if len(shown) else 0
    # labels: the index ruler over each row, lane names at the left, break notes
    step_every = _ruler_step(cell, total, ts)
    for row in layout_rows:
        if row.skipped:
            note = tr("… {n} more cells ({first}–{last}) …").format(
                n=f"{row.skipped:,}", first=f"{row.start:,}",
                last=f"{row.start + row.skipped - 1:,}")
            texts.append(Text((x0, row.y, w - label_w, ts.small * 1.6), note, ts.small,
                              "muted", align="left"))
            continue
        for k in range(row.start, row.start + row.count):
            if k == row.start or (k % step_every == 0 and k - row.start >= step_every):
                left = x0 + (k - row.start) * cell  # the box ends with the strip's pane
                texts.append(Text((left, row.y - ruler, min(cell * step_every, x + w - left),
                                   ruler), f"{k:,}", ts.small, "muted", align="left"))
    texts += _fold_marks(layout_rows, x, label_w, cell, ts, tr)
    band_h = lane_h if band else 0.0
    first_row = next((r for r in layout_rows if not r.skipped), None)
    if band:
        texts += _count_texts(reads, layout_rows, x, x0, label_w, cell, lane_h, focused,
                              strip, ts, tr)
    if first_row is not None:
        placed: list[Rect] = []
        for lane, overlay in enumerate(strip.overlays):
            ly = first_row.y + cell + 3 + band_h + lane * lane_h
            rect = (x, ly - 1, label_w - ts.small * 0.4, lane_h)
            label = elide(overlay.label, ts.small, rect[2])
            placed.append(rect)
            texts.append(Text(rect, label, ts.small, f"tensor:{overlay.color}",
                              overlay.name == (focused.name if focused else None),
                              align="right"))
    arcs: list[Arc] = []
    if focus_overlay is not None and first_row is not None:
        arcs = _arcs(arc_dims, focus_overlay.offset, layout_rows, x0, cell, ts, tr, x + w)
    for overlay in arrays:  # NumPy counts bytes, PyTorch elements: the same layout twice
        shape, stride = overlay.layout
        note = tr("{name}: NumPy strides {bytes} bytes = stride {elements} × {size} B").format(
            name=overlay.name, bytes=tuple_text(tuple(v * overlay.itemsize for v in stride)),
            elements=tuple_text(stride), size=overlay.itemsize)
        # narrow: "m: NumPy strides (8,) bytes" alone, the " = …" in elements dropped whole
        texts.append(Text((x0, y, w - label_w, ts.small * 1.5),
                          fit_clauses(note, ts.small, w - label_w, sep=" = "),
                          ts.small, f"tensor:{overlay.color}"))
        y += ts.small * 1.5
    return StripLayout(strip, (x, pane[1], w, y - pane[1]), tuple(texts), cell, x0, lane_h,
                       layout_rows, per_row, tuple(arcs), value_px,
                       corner_fits(cell, value_px, f"+{largest * strip.itemsize}B",
                                    ts), ts.small, ruler, reads, ghosts=ghosts, band=band_h)


def _arrays(strip: Strip) -> int:
    return sum(1 for o in strip.overlays if o.kind == "array")


def _fit_rows(strip: Strip, focused: TensorState | None, window: list[tuple[int, int]],
              total: int, cell: float, top: float, arcs_h: float, bottom: float,
              ts: TypeScale, w: float):
    """The rows of `window` at the largest cell (down from the family's) at which they fit
    above `bottom`: (rows, their end y, the cell, (band, label_w, lane_h, per_row))."""
    if total > strip.cells and window[-1][0] + window[-1][1] == strip.cells:
        window = [*window[:-1], (window[-1][0], total - window[-1][0])]  # the ghosts too
    label_chars = max((len(o.label) for o in strip.overlays), default=4)
    reads = _reads(strip, focused)
    for _ in range(12):
        band = counts_fit(reads, cell, ts)  # "×4" under the cells: a lane's height
        label_w, lane_h, per_row, row_h = strip_geometry(len(strip.overlays) + band,
                                                          label_chars, cell, ts, w)
        rows, y = _strip_cells_that_fit(window, total, per_row, top, arcs_h, ts.small * 1.4,
                                        row_h, ts, bottom)
        if y <= bottom or cell <= min_value_cell(ts):
            break
        cell = max(min_value_cell(ts), cell * 0.88)  # values stay drawn
    return rows, y, cell, (band, label_w, lane_h, per_row)


def _title_texts(strip: Strip, ts: TypeScale, pane: Rect, tr: Translate) -> list[Text]:
    """"Storage S1" and its details line: bytes, cells, the tensors without a lane."""
    x, y, w, _ = pane
    title = tr("Storage {label}").format(label=strip.storage.label)
    details = tr("{nbytes} bytes · drawn as {cells} cells of {itemsize} B ({dtype})").format(
        dtype=strip.dtype.removeprefix("torch."), itemsize=strip.itemsize,
        cells=f"{strip.cells:,}", nbytes=f"{strip.storage.nbytes:,}")
    if strip.written:
        details += " · ✎ " + tr("written this step")
    if strip.more:  # tensors without a lane: named once, first (the line is elided)
        details = tr("+{n} more tensors without a lane: {names}").format(
            n=f"{len(strip.more):,}", names=strip.more[0] if len(strip.more) == 1
            else f"{strip.more[0]} … {strip.more[-1]}") + " · " + details
    if strip.values is None and strip.storage.device != "meta":  # not an empty storage
        details += " · " + tr("values not recorded (size limit)")
    tw = text_width(title, ts.body, bold=True) + ts.small
    return [Text((x, y, tw, ts.body * 1.4), title, ts.body, "text", True),
            Text((x + tw, y + (ts.body * 1.4 - ts.small * 1.4) / 2, w - tw, ts.small * 1.4),
                 fit_clauses(details, ts.small, w - tw), ts.small, "muted")]


def counts_fit(reads: np.ndarray | None, cell: float, ts: TypeScale) -> bool:
    """Whether a strip says under each cell how many grid positions read it: when some
    cell is read more than once and the largest count fits a cell's width at ts.small."""
    return reads is not None and \
        text_width(f"×{int(reads.max()):,}", ts.small, bold=True) + 4 <= cell


def _count_texts(reads: np.ndarray, rows: tuple[StripRow, ...], x: float, x0: float,
                 label_w: float, cell: float, lane_h: float, focused: TensorState | None,
                 strip: Strip, ts: TypeScale, tr: Translate) -> list[Text]:
    """NOTE [Read counts]: a cell several grid positions read (a stride 0, overlapping
    windows) says how many, "×4", in a band of its own under the cells (a lane's height,
    above the tensors' lanes), centred under its cell: never over the value or the byte
    offset in the cell (they were painted in its corner, over a small cell's value). The
    band is named at its left like a lane, "rows reads", when that fits."""
    out = []
    for row in rows:  # at StripLayout.count_rect (the expand animation counts up there too)
        if row.skipped:
            continue
        y = row.y + cell + 1
        for k in range(row.start, min(row.start + row.count, len(reads))):
            if reads[k] > 1:
                out.append(Text((x0 + (k - row.start) * cell, y, cell, lane_h),
                                f"×{int(reads[k]):,}", ts.small, "error", True,
                                align="center"))
    first = next((r for r in rows if not r.skipped), None)
    if first is not None and focused is not None:
        width = label_w - ts.small * 0.4
        overlay = next((o for o in strip.overlays if o.name == focused.name), None)
        style = f"tensor:{overlay.color}" if overlay is not None else "muted"
        for label in (tr("{name} reads").format(name=focused.name), tr("reads")):
            if text_width(label, ts.small) <= width:
                out.append(Text((x, first.y + cell + 1, width, lane_h), label, ts.small,
                                style, align="right"))
                break
    return out


def _fold_marks(rows: tuple[StripRow, ...], x: float, label_w: float, cell: float,
                ts: TypeScale, tr: Translate) -> list[Text]:
    """A row that goes on where the row above ended is the same line of memory folded, not
    a second row of a matrix: it says so at its left (its index ruler says where)."""
    marks = []
    for above, row in zip(rows, rows[1:]):
        if row.skipped or above.skipped or above.start + above.count != row.start:
            continue
        width = max(label_w - ts.small * 0.4, ts.small)
        text = tr("↪ continued")
        marks.append(Text((x, row.y + (cell - ts.small * 1.4) / 2, width, ts.small * 1.4),
                          text if text_width(text, ts.small) <= width else "↪", ts.small,
                          "muted", align="right"))
    return marks


def _strip_cells_that_fit(window, cells: int, per_row: int, top: float, arcs_h: float,
                          ruler: float, row_h: float, ts: TypeScale,
                          bottom: float) -> tuple[list[StripRow], float]:
    """As many of the window's cells as fit above `bottom` (breaks and arcs included)."""
    capacity = sum(n for _, n in window)
    while True:
        segments = _fit_window(window, capacity)
        count, y = _strip_rows_extent(segments, cells, per_row, top, arcs_h, row_h, ts)
        if y <= bottom:
            return _strip_rows_at(segments, cells, per_row, top, arcs_h, ruler, row_h, ts)
        if capacity <= per_row:  # one row of the start is all there is room for
            segments = [(window[0][0], min(per_row, window[0][1]))]
            return _strip_rows_at(segments, cells, per_row, top, arcs_h, ruler, row_h, ts)
        capacity = max(per_row, min(capacity, per_row * count) - per_row)


def _strip_rows_extent(segments, cells: int, per_row: int, y: float, arcs_h: float,
                       row_h: float, ts: TypeScale) -> tuple[int, float]:
    """len(rows) and the end y of _strip_rows_at(...), the same sums without the rows."""
    count = 0
    previous_end = segments[0][0]
    if previous_end > 0:
        count += 1
        y += ts.small * 1.8
    y += arcs_h
    for start, n in segments:
        if start > previous_end and count:
            count += 1
            y += ts.small * 1.8
        for _ in range(start, start + n, per_row):
            count += 1
            y += row_h
        previous_end = start + n
    if previous_end < cells:
        count += 1
        y += ts.small * 1.8
    return count, y


def _strip_rows_at(segments, cells: int, per_row: int, y: float, arcs_h: float, ruler: float,
                   row_h: float, ts: TypeScale) -> tuple[list[StripRow], float]:
    """Wrapped rows of the laid-out cells, with a break row for every run left out."""
    rows: list[StripRow] = []
    previous_end = segments[0][0]
    if previous_end > 0:
        rows.append(StripRow(y, 0, 0, previous_end))
        y += ts.small * 1.8
    y += arcs_h  # the stride arcs rise above the first row of cells
    for start, count in segments:
        if start > previous_end and rows:
            rows.append(StripRow(y, previous_end, 0, start - previous_end))
            y += ts.small * 1.8
        for row_start in range(start, start + count, per_row):
            n = min(per_row, start + count - row_start)
            rows.append(StripRow(y + ruler, row_start, n))
            y += row_h
        previous_end = start + count
    if previous_end < cells:
        rows.append(StripRow(y, previous_end, 0, cells - previous_end))
        y += ts.small * 1.8
    return rows, y


def _ruler_step(cell: float, cells: int, ts: TypeScale) -> int:
    digits = len(f"{max(cells - 1, 0):,}")
    need = text_width("8" * digits, ts.small) + ts.small * 0.5
    for step in (1, 2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256, 512, 1000):
        if cell * step >= need:
            return step
    return 1024


def _arcs(arc_dims, offset: int, rows: tuple[StripRow, ...], x0: float, cell: float,
          ts: TypeScale, tr: Translate, right: float = 1e9) -> list[Arc]:
    """Stride brackets, one per distinct stride (dims with the same stride share one,
    "+1 (dims 0, 1)": two brackets on the same cells drew their labels over each other),
    shorter ones lower; each label sits on its bracket, clear of the other labels and of
    the legs of the higher brackets, which come down through its band."""
    first = next(r for r in rows if not r.skipped)
    top = first.y - ts.small * 1.4  # above the index ruler
    groups: dict[int, list[int]] = {}
    for dim, stride in sorted(arc_dims, key=lambda ds: (abs(ds[1]), ds[0])):
        end = offset + stride
        if first.start <= offset < first.start + first.count \
                and first.start <= end < first.start + first.count:
            groups.setdefault(stride, []).append(dim)  # (only steps landing on this row)
    cx = x0 + (offset - first.start + 0.5) * cell
    legs = [x0 + (offset + stride - first.start + 0.5) * cell for stride in groups]
    arcs: list[Arc] = []
    placed: list[Rect] = []
    for level, (stride, dims) in enumerate(groups.items()):
        label = (tr("+{step} (dim {dim})").format(step=stride, dim=dims[0]) if len(dims) == 1
                 else tr("+{step} (dims {dims})").format(step=stride,
                                                          dims=", ".join(map(str, dims))))
        lw = text_width(label, ts.small, bold=True) + 6
        height = ts.small * 1.35 * (level + 1)
        ex = legs[level]
        # right of the first cell's centre, where every longer (higher) arc rises
        left = min(max((cx + ex) / 2 - lw / 2, min(cx, ex) + ts.small * 0.4), right - lw)
        left = _clear_of_legs(left, lw, legs[level + 1:], min(cx, ex) + ts.small * 0.4,
                              right, ts.small * 0.4)
        rect = (left, top - height - ts.small * 0.2, lw, ts.small * 1.3)
        while any(_overlap(rect, other) for other in placed):  # shift, within the strip
            moved = rect[0] + lw * 0.6
            rect = (moved if moved + lw <= right else rect[0], rect[1] - (0 if moved + lw <= right
                                                                          else rect[3]), lw,
                    rect[3])
        placed.append(rect)
        arcs.append(Arc(dims[0], offset, offset + stride, height,
                        Text(rect, label, ts.small, f"dim:{dims[0]}", True, align="center")))
    return arcs


def _clear_of_legs(left: float, width: float, legs: list[float], lowest: float,
                   right: float, gap: float) -> float:
    """A label's left edge moved so that no leg (a vertical line at x) runs through it:
    just right of the leg, else just left of it, else where it was (no room either way)."""
    for _ in range(len(legs) + 1):
        leg = next((x for x in legs if left - gap < x < left + width + gap), None)
        if leg is None:
            return left
        if leg + gap + width <= right:
            left = leg + gap
        elif leg - gap - width >= lowest:
            left = leg - gap - width
        else:
            return left
    return left


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _reads(strip: Strip, focused: TensorState | None) -> np.ndarray | None:
    """How many grid positions of the focused tensor read each storage cell (expand,
    overlapping windows read one cell many times); None when each is read once at most, or
    the strip is another storage (a copy's source)."""
    if focused is None or focused.numel == 0 or focused.numel > 1 << 20 or strip.cells > 1 << 22:
        return None
    if focused.itemsize != strip.itemsize or focused.storage_id != strip.storage.id:
        return None
    return _read_counts(focused.shape, focused.stride, focused.storage_offset, strip.cells)


@lru_cache(maxsize=64)  # the layout asks at every step of a family (arrange.demand)
def _read_counts(shape: tuple[int, ...], stride: tuple[int, ...], offset: int,
                 cells: int) -> np.ndarray | None:
    if _apart(shape, stride):  # strides that never meet (no stride 0): each cell once
        return None
    flat = element_indices(shape, stride, offset).ravel()
    flat = flat[(flat >= 0) & (flat < cells)]
    counts = np.bincount(flat, minlength=cells)
    counts.flags.writeable = False  # shared by every layout of the family
    return counts if counts.max(initial=0) > 1 else None


def _apart(shape: tuple[int, ...], stride: tuple[int, ...]) -> bool:
    """A sufficient test that no two elements share a cell: each dim's stride steps past
    everything the smaller-strided dims span."""
    span = 0
    for n, s in sorted(((n, abs(s)) for n, s in zip(shape, stride) if n > 1),
                       key=lambda ns: ns[1]):
        if s <= span:
            return False
        span += (n - 1) * s
    return True


def reads_band(strip: Strip, focused: TensorState | None) -> int:
    """1 when the strip has a read-count band (NOTE [Read counts]) to lay out, else 0."""
    return int(_reads(strip, focused) is not None)
