"""Sizes of the picture's parts, from counts alone (no Step, no Picture): how many lines a
title or the address formula takes at a width, a grid panel's size, a strip's rows. The
layout (arrange.py) and the drawing (grid_layout.py, strip_layout.py) measure alike."""

from __future__ import annotations

import math
from functools import lru_cache

from stridescope.engine.picture.scene import Rect, TypeScale
from stridescope.engine.picture.text import min_value_cell, text_width, wrap

# the formula's widest unbreakable runs (gui/canvas/scene.py formula_lines), in English
FORMULA_PIECES = ("storage index = offset", "byte address = 0x7f0000000000")


def formula_digits(shape: tuple[int, ...], stride: tuple[int, ...],
                   offset: int) -> tuple[int, int, int]:
    """Digits of the largest index, stride and storage index a formula of this tensor
    writes."""
    last = offset + sum((n - 1) * abs(s) for n, s in zip(shape, stride) if n > 0)
    return (len(str(max(max(shape, default=1) - 1, 0))),
            len(str(max((abs(s) for s in stride), default=0))), len(str(max(last, 0))))


def formula_line_count(ts: TypeScale, ndim: int, name: str, offset: int, width: float,
                       digits: tuple[int, int, int] = (3, 3, 5)) -> int:
    """Lines the address formula takes in a pane this wide. Presenting, the canvas breaks
    a line before a " + " term where it would run past the pane (RunsItem), so the grid's
    pane need not be as wide as the formula: the strip keeps the width (issue 20). Counted
    for the taller of the still's lines and the hover's, in English, with the indices,
    strides and storage indices `digits` long (formula_digits)."""
    if not ts.compact:
        return 2
    sub = "₀" * max(1, len(str(max(ndim - 1, 0))))
    i, s, k = ("0" * max(1, n) for n in digits)
    symbolic = ["storage index = offset", *([f" + i{sub}·stride{sub}"] * ndim),
                f"   (offset = {offset})"]
    worked = [f"for example {name}[{', '.join([i] * ndim)}] → {offset}",
              *([f" + {i}·{s}"] * ndim), f" = {k}"]
    # hovered, the symbols give way to the cell's numbers (gui/canvas/scene.formula_lines):
    # they were counted above the address, a line too many where the symbols wrap
    numbers = [f"storage index = {offset}", *([f" + {i}·{s}"] * ndim), f" = {k}"]
    hover = [FORMULA_PIECES[1], f" + {k} × 8 B", " = 0x7f0000000000"]
    still = _runs_lines(symbolic, ts.body, width) + _runs_lines(worked, ts.body, width)
    return max(still, _runs_lines(numbers, ts.body, width) + _runs_lines(hover, ts.body, width))


def _runs_lines(pieces: list[str], px: float, width: float) -> int:
    """Greedy: a piece that would run past `width` starts a new (indented) line."""
    lines, used = 1, 0.0
    for piece in pieces:
        w = text_width(piece, px, mono=True)
        if used and used + w > width:
            lines, used = lines + 1, text_width("  " + piece.lstrip(), px, mono=True)
        else:
            used += w
    return lines


@lru_cache(maxsize=8192)  # a family's choice asks this ~20 times per demand and pane
def title_lines(name: str, line: str, ts: TypeScale, width: float) -> int:
    """The lines the grid's title takes beyond its first, plus one: the details wrap beside
    the name in up to three lines, or under a name that leaves them too little room
    (grid_layout.grid_layout lays it out so)."""
    if not line:
        return 1
    name_w = text_width(name, ts.title, bold=True) + ts.small
    beside = len(wrap(line, ts.body, width - name_w))
    if beside <= 3:
        return beside
    return 1 + min(3, len(wrap(line, ts.body, width)))


def row_label_width(largest_row: int, ndim: int, ts: TypeScale) -> float:
    """Room left of a grid for its row numbers: none for a 1-D grid, which draws none (its
    one row is the whole tensor; the room went to cells, so 12 values were elided)."""
    return 0.0 if ndim < 2 else text_width(str(largest_row), ts.small, True) + ts.small * 0.8


def panel_size(rows: int, cols: int, cell: float, ts: TypeScale,
                largest_row: int | None = None, ndim: int = 2) -> tuple[float, float]:
    header = ts.small * 1.5
    largest = max(rows - 1, 0) if largest_row is None else largest_row
    label_w = row_label_width(largest, ndim, ts)
    panel_title = ts.small * 1.5
    return label_w + cols * cell, panel_title + header + rows * cell


def strip_geometry(lanes: int, label_chars: int, cell: float, ts: TypeScale,
                    width: float) -> tuple[float, float, int, float]:
    """(label column width, lane height, cells per row, height of one wrapped row)."""
    label_w = min(text_width("0" * label_chars, ts.small, bold=True) + ts.small, width * 0.35)
    lane_h = ts.small * 1.3
    per_row = max(1, int((width - label_w) // cell))
    ruler = ts.small * 1.4
    return label_w, lane_h, per_row, ruler + cell + lanes * lane_h + ts.small * 0.9


def _strip_height(cells: int, lanes: int, summaries: int, arcs: int, label_chars: int,
                  cell: float, ts: TypeScale, width: float) -> float:
    label_w, lane_h, per_row, row_h = strip_geometry(lanes, label_chars, cell, ts, width)
    rows = math.ceil(max(cells, 1) / per_row)
    title = ts.body * 1.5
    arcs_h = arcs * ts.small * 1.35 + ts.small * 0.6
    return title + arcs_h + rows * row_h + summaries * ts.body * 1.4 + ts.small


def legible_cell(ts: TypeScale, widest: int) -> float:
    """The smallest cell whose value text can be at least the smallest type size."""
    value_px = ts.small * 1.15
    # never below the cell at which fit_value_px still draws a value (it was: values were
    # dropped at the very size the layout called legible)
    return max(value_px * 2.0, min_value_cell(ts),
               text_width("8" * widest, value_px, mono=True) + 10)


def panes(arrangement: tuple[str, float], body: Rect, ts: TypeScale) -> tuple[Rect, Rect]:
    x, y, w, h = body
    direction, share = arrangement
    gap = ts.small * 2.5
    if direction == "side":
        gw = (w - gap) * share
        return (x, y, gw, h), (x + gw + gap, y, w - gw - gap, h)
    gh = (h - gap) * share
    return (x, y, w, gh), (x, y + gh + gap, w, h - gh - gap)
