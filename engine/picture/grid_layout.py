"""The grid's layout: title, legend, the rows, columns and panels that fit, elision notes."""

from __future__ import annotations

import math

import numpy as np

from stridescope.engine.model.state import Step, TensorState
from stridescope.engine.picture.arrange import grid_fixed
from stridescope.engine.picture.content import Grid, Picture, extent
from stridescope.engine.picture.labels import relation_text, title_line
from stridescope.engine.picture.measures import (
    formula_digits,
    formula_line_count,
    legible_cell,
    panel_size,
    row_label_width,
)
from stridescope.engine.picture.scene import (
    MAX_GRID_SIDE,
    MAX_PANELS,
    GridLayout,
    Rect,
    Text,
    Translate,
    TypeScale,
    shown_side,
)
from stridescope.engine.picture.text import (
    corner_fits,
    elide,
    fit_clauses,
    fit_value_px,
    text_width,
    widest_text,
    wrap,
)


def grid_layout(grid: Grid, ts: TypeScale, pane: Rect, cell: float, colors: dict[str, int],
                 tr: Translate, picture: Picture | None,
                 origin: tuple[float, float] | None = None,
                 formula_below: bool = True) -> tuple[GridLayout, Rect]:
    t = grid.tensor
    x, y, w, h = pane
    texts: list[Text] = []
    color = colors.get(t.name, 0)
    name_w = text_width(t.name, ts.title, bold=True) + ts.small
    texts.append(Text((x, y, name_w, ts.title * 1.4), t.name, ts.title, f"tensor:{color}",
                      True))
    line = title_line(t, tr)
    lines = wrap(line, ts.body, w - name_w)
    details_x, details_y = x + name_w, y + (ts.title * 1.4 - ts.body * 1.3) / 2
    if len(lines) > 3:  # a long name leaves the details too narrow: they go under it
        details_x, details_y, lines = x, y + ts.title * 1.5, wrap(line, ts.body, w)
        y += ts.body * 1.3
    for n, part in enumerate(lines[:3]):
        texts.append(Text((details_x, details_y + n * ts.body * 1.3, x + w - details_x,
                           ts.body * 1.3), elide(part, ts.body, x + w - details_x),
                          ts.body, "text"))
    y += ts.title * 1.5 + ts.body * 1.3 * (min(len(lines), 3) - 1)
    relation = relation_text(t, picture, tr) if picture is not None else ""
    # clauses least needed last (data_ptr, then who else is on the storage: the strip's
    # lanes and the inspector say it too), dropped whole where the line is short
    texts.append(Text((x, y, w, ts.small * 1.5), fit_clauses(relation, ts.small, w), ts.small,
                      "muted"))
    y += ts.small * 1.5
    lx, legend_lines = x, 1
    for dim, (size, stride) in enumerate(zip(t.shape, t.stride)):
        role = "→ " if dim == t.ndim - 1 else ("↓ " if dim == t.ndim - 2 else "▦ ")
        label = role + tr("dim {dim}: size {size}, stride {stride}").format(
            dim=dim, size=size, stride=stride)
        lw = text_width(label, ts.small, bold=True)
        if lx + lw > x + w and lx > x:  # the legend wraps: every dimension is named
            lx, y, legend_lines = x, y + ts.small * 1.5, legend_lines + 1
        texts.append(Text((lx, y, min(lw, w), ts.small * 1.5), elide(label, ts.small, w),
                          ts.small, f"dim:{dim}", True))
        lx += lw + ts.small * 1.2
    if t.ndim == 0:
        texts.append(Text((x, y, w, ts.small * 1.5), tr("0-D tensor (a scalar): one cell, no "
                                                        "dimensions"), ts.small, "muted"))
    titles = len(texts)  # name, shape line, relation, legend: link lines keep clear of them
    y += ts.small * 1.6 + ts.small * 0.8
    _, formula_h = grid_fixed(ts)
    lines = formula_line_count(ts, t.ndim, t.name, t.storage_offset, w,
                               formula_digits(t.shape, t.stride, t.storage_offset))
    formula_h += ts.body * 1.45 * (lines - 2)  # presenting, it breaks at its terms
    if not formula_below:  # it goes under the strip (arrange.under_strip)
        formula_h = 0.0
    avail_h = pane[1] + h - y - formula_h
    cell = _whole_cell(grid, cell, ts, w, avail_h)
    rows, cols, panel_keys = _grid_window(grid, cell, ts, w, avail_h)
    notes = _elision_notes(grid, rows, cols, panel_keys, tr)
    if notes:  # the notes take room below the panels: lay out again with less height
        rows, cols, panel_keys = _grid_window(grid, cell, ts, w,
                                              avail_h - len(notes) * ts.small * 1.5)
        notes = _elision_notes(grid, rows, cols, panel_keys, tr)
    pw, ph = panel_size(len(rows), len(cols), cell, ts, max(rows), t.ndim)
    label_w = pw - len(cols) * cell
    per_line = max(1, int((w + ts.small) // (pw + ts.small)))
    panels = []
    header = ts.small * 1.5
    for n, key in enumerate(panel_keys):
        r, c = divmod(n, per_line)
        px = x + c * (pw + ts.small) + label_w
        py = y + r * (ph + ts.small) + ts.small * 1.5 + header
        panels.append((key, px, py))
        if key:
            texts.append(Text((px, py - header - ts.small * 1.5, len(cols) * cell,
                               ts.small * 1.5),
                              "[" + ", ".join(str(i) for i in key) + ", :, :]", ts.small,
                              "muted", mono=True))
        every = _label_step(cell, max(cols), ts)
        for ci, col in enumerate(cols):
            edge = ci in (0, len(cols) - 1) or col < 0 or cols[ci - 1] < 0
            if not edge and col % every:
                continue
            texts.append(Text((px + ci * cell + cell / 2 - cell * every / 2, py - header,
                               cell * every, header), "…" if col < 0 else str(col), ts.small,
                              f"dim:{max(t.ndim - 1, 0)}", True, align="center"))
        if t.ndim >= 2:
            for ri, row in enumerate(rows):
                texts.append(Text((px - label_w, py + ri * cell, label_w - ts.small * 0.3, cell),
                                  "⋮" if row < 0 else str(row), ts.small, f"dim:{t.ndim - 2}",
                                  True, align="right"))
    if origin is not None:  # the ghost of a view's source: same place as the result
        dx, dy = origin[0] - x, origin[1] - y
        panels = [(k, px + dx, py + dy) for k, px, py in panels]
    panel_rows = math.ceil(len(panel_keys) / per_line)
    bottom = y + panel_rows * (ph + ts.small)
    for note in notes:
        texts.append(Text((x, bottom, w, ts.small * 1.5), elide(note, ts.small, w), ts.small,
                          "muted"))
        bottom += ts.small * 1.5
    shown = _shown_indices(grid, panel_keys, rows, cols)[:8192]
    value_px = fit_value_px(cell, grid.values, shown, ts)
    largest = int(shown.max()) if len(shown) else 0
    layout = GridLayout(grid, (pane[0], pane[1], w, bottom - pane[1]), tuple(texts), cell,
                        tuple(rows), tuple(cols), tuple(panels), value_px,
                        corner_fits(cell, value_px, f"#{largest}", ts), ts.small,
                        titles=titles)
    formula = (x, bottom + ts.small * 0.6, w, formula_h)
    return layout, formula


def _shown_indices(grid: Grid, panel_keys, rows, cols) -> np.ndarray:
    """Storage index of every drawn cell (elided rows and columns left out), panel by panel,
    row by row: Grid.storage_index of each, computed at once."""
    t = grid.tensor
    r = np.asarray([i for i in rows if i >= 0], dtype=np.int64)[:, None]
    c = np.asarray([i for i in cols if i >= 0], dtype=np.int64)[None, :]
    col_stride = t.stride[-1] if t.ndim >= 1 else 0
    row_stride = t.stride[-2] if t.ndim >= 2 else 0
    blocks = []
    for key in panel_keys:
        base = t.storage_offset + (sum(i * s for i, s in zip(key, t.stride)) if t.ndim > 2
                                   else 0)
        blocks.append((base + r * row_stride + c * col_stride).ravel())
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


def _whole_cell(grid: Grid, cell: float, ts: TypeScale, width: float, height: float) -> float:
    """A smaller cell, down to the legible one, where that shows a small 1-D or 2-D grid
    whole: its title took more lines here than the family's layout planned for, and losing
    a row of a 3×3 matrix costs more than a few pixels of cell. A grid elided NumPy-style
    is never whole: it keeps its cell (its values stay drawn; the notes say what is left
    out)."""
    if grid.tensor.ndim > 2 or grid.values is None \
            or max(grid.rows, grid.cols) > MAX_GRID_SIDE:
        return cell
    rows, cols = grid.rows, grid.cols
    label_w = row_label_width(max(grid.rows - 1, 0), grid.tensor.ndim, ts)
    if (height - ts.small * 3.0) // cell >= rows and (width - label_w) // cell >= cols:
        return cell  # whole already (_grid_window's own measure)
    # the cell at which it is whole, with the column labels and the formula's gap counted
    fits = min((height - ts.small * 4.5) / max(rows, 1), (width - label_w) / max(cols, 1))
    extent_lo, extent_hi = extent(grid.tensor)
    sample = grid.values[max(0, extent_lo):min(len(grid.values), extent_hi + 1)][:4096]
    legible = legible_cell(ts, widest_text(sample))
    return max(fits, legible) if legible < cell else cell


def _grid_window(grid: Grid, cell: float, ts: TypeScale, width: float,
                 height: float) -> tuple[list[int], list[int], list[tuple[int, ...]]]:
    """Rows, columns (-1: an elision) and panels that fit; NumPy-style first/last edges."""
    t = grid.tensor
    panel_keys = grid.panels()[:MAX_PANELS] or [()]
    label_w = row_label_width(max(grid.rows - 1, 0), grid.tensor.ndim, ts)
    max_cols = max(1, int((width - label_w) // cell))
    overhead = ts.small * 3.0
    max_rows = max(1, int((height - overhead) // cell))
    if t.ndim > 2:  # several panels share the height: as many as fit, whatever the page
        per_line = max(1, int((width + ts.small) // (label_w + min(grid.cols, max_cols) * cell
                                                     + ts.small)))
        panel_h = min(grid.rows, max_rows) * cell + overhead + ts.small
        lines = max(1, int(height // panel_h))
        panel_keys = panel_keys[:max(1, min(MAX_PANELS, per_line * lines))]
        lines = math.ceil(len(panel_keys) / per_line)
        max_rows = max(1, int((height / lines - overhead - ts.small) // cell))
    return (_edges(grid.rows, min(max_rows, shown_side(grid.rows))),
            _edges(grid.cols, min(max_cols, shown_side(grid.cols))), panel_keys)


def _edges(n: int, fit: int) -> list[int]:
    if n <= fit:
        return list(range(n))
    if fit < 3:  # no room for both ends: the start, and the elision mark
        return list(range(max(fit - 1, 1))) + ([-1] if fit >= 2 else [])
    keep = max(1, (fit - 1) // 2)
    tail = max(1, fit - 1 - keep)
    return list(range(keep)) + [-1] + list(range(n - tail, n))


def _elision_notes(grid: Grid, rows: list[int], cols: list[int], panels, tr) -> list[str]:
    notes = []
    t = grid.tensor
    for shown, total, word in ((rows, grid.rows, tr("rows")), (cols, grid.cols, tr("columns"))):
        if -1 in shown:
            cut = shown.index(-1)
            head, tail = shown[:cut], shown[cut + 1:] or [total - 1]
            notes.append(tr("{what} {a}–{b} … {c}–{d} of {n:,} shown").format(
                what=word, a=head[0], b=head[-1], c=f"{tail[0]:,}", d=f"{tail[-1]:,}", n=total))
        elif len(shown) < total:  # no room even for "⋮" and the last: the rest is said
            notes.append(tr("{what} {a}–{b} of {n:,} shown").format(
                what=word, a=shown[0], b=f"{shown[-1]:,}", n=total) if len(shown) > 1
                else (tr("row {a} of {n:,} shown") if word == tr("rows")
                      else tr("column {a} of {n:,} shown")).format(a=shown[0], n=total))
    if t.ndim > 2 and grid.panel_count > len(panels):
        first = grid.panel_start + 1
        notes.append(tr("panels {first}–{last} of {total} (PgDn / PgUp)").format(
            first=first, last=first + len(panels) - 1, total=f"{grid.panel_count:,}"))
    if t.is_meta:
        notes.append(tr("meta tensor: layout only, no values (\"?\")"))
    return notes


def _label_step(cell: float, largest: int, ts: TypeScale) -> int:
    """Label every k-th column so that labels of `largest`'s width never touch."""
    need = text_width(str(max(largest, 0)), ts.small, bold=True) + ts.small * 0.4
    return next((k for k in (1, 2, 4, 5, 10, 20, 50, 100) if cell * k >= need), 1000)


def before_grid(before: TensorState, step: Step, grid: GridLayout, ts: TypeScale,
                 colors: dict[str, int], tr: Translate) -> GridLayout:
    """The view's source tensor laid out at the result's place: cells travel from it."""
    storage = step.storage(before.storage_id)
    source = Grid(before, storage.elements(before.dtype) if storage else None)
    pane = (grid.rect[0], grid.rect[1], grid.rect[2], 10_000.0)
    cell = grid.cell
    layout, _ = grid_layout(source, ts, pane, cell, colors, tr, None)
    # a source taller than the result (a slice's whole grid) would spill over the formula
    # and the strip: smaller cells, so the motion zooms in on what the result keeps
    room = grid.rect[3]
    for _ in range(4):
        if layout.rect[3] <= room + 0.5 or cell <= grid.cell * 0.3:
            break
        cells_h = max(1.0, len(layout.rows) * cell * math.ceil(
            len(layout.panels) / max(1, _per_line(layout))))
        fixed = layout.rect[3] - cells_h
        cell = max(grid.cell * 0.3, cell * max(0.1, room - fixed) / cells_h)
        layout, _ = grid_layout(source, ts, pane, cell, colors, tr, None)
    return layout


def _per_line(layout: GridLayout) -> int:
    """How many panels share the first line of a laid-out grid."""
    if not layout.panels:
        return 1
    first_y = layout.panels[0][2]
    return sum(1 for _, _, y in layout.panels if abs(y - first_y) < 0.5)
