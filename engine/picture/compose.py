"""One pure path from the document to pixels: compose(step, view, viewport) -> Scene.

The Scene says everything the canvas paints and where, in viewport pixels: the header
(step, code, caption, output, error), the focused tensor's logical grid, its storage strip
(other storages as one summary line each), the address formula, every label with its size.
The window, every exporter and the Python API paint a Scene; none of them lays out.

NOTE [Picture layout]
1. Type sizes are a rule, not a result: `TypeScale.for_viewport` fixes the smallest size
   (14 px at 1920x1080, 24 px in presentation mode); a label that cannot be that big is
   left out (the hover and the inspector still show it), never shrunk.
2. One cell size for grid and strip, so a value looks the same in both. It is the largest
   size at which everything fits without elision, for every step of the script (so nothing
   jumps between steps), but never below the size at which values are legible; past that,
   rows/columns/cells are elided NumPy-style with the counts written out.
3. Grid and strip side by side when that gives bigger cells (wide viewports), else stacked.
4. Focus first: the focused tensor's storage is drawn cell by cell, windowed around what the
   tensor reads; every other storage is one summary line.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from stridescope.engine.model.layout import element_indices
from stridescope.engine.model.state import RunResult, Step, TensorState
from stridescope.engine.picture.content import (
    Grid,
    Picture,
    Strip,
    build_picture,
    extent,
    format_value,
)
from stridescope.engine.picture.transition import Plan, plan_transition

Rect = tuple[float, float, float, float]  # x, y, width, height
Translate = Callable[[str], str]

MAX_STRIP_CELLS = 4096     # cells of one storage laid out at most (windowed around the focus)
MAX_GRID_SIDE = 64         # rows/cols of one panel laid out at most before NumPy-style elision
MAX_PANELS = 12            # 2-D panels of a >= 3-D tensor drawn at once (PgDn pages on)
ELIDED_SIDE = 13           # an elided grid side shows 6 + "…" + 6 (NumPy shows 3 + 3)
WINDOWED_STRIP = 48        # a windowed storage asks the layout for this many cells' room
LONG_STRIP = 256           # a longer storage is windowed to the room left (with breaks)
EDGE_CELLS = 6             # cells shown around what a tensor reads, and at a storage's end


def shown_side(n: int) -> int:
    """How many rows/columns a grid side of n takes on screen."""
    return n if n <= MAX_GRID_SIDE else ELIDED_SIDE


# ----------------------------------------------------------------------------- values
@dataclass(frozen=True, slots=True)
class Viewport:
    width: int
    height: int
    presentation: bool = False
    large_labels: bool = False


@dataclass(frozen=True, slots=True)
class ViewState:
    """What the user chose to look at; with the document and the viewport, all of it."""

    step: int = -1                 # step index; -1: the last
    focus: str | None = None       # None: the step's default focus
    panel_start: int = 0           # first 2-D slice shown of a >= 3-D tensor (PgDn pages on)
    lang: str = "en"
    caption: str = ""              # lesson narration / prediction result shown with the step
    animate: bool = True
    value_colors: bool = False     # every storage element its own hue, in strip and grid


@dataclass(frozen=True, slots=True)
class TypeScale:
    small: float     # the smallest text anywhere (indices, lane names, notes)
    body: float      # titles, captions, explanations
    code: float      # the statement
    title: float     # the focused tensor's name line

    @staticmethod
    def for_viewport(viewport: Viewport) -> TypeScale:
        scale = min(viewport.width / 1920, viewport.height / 1080)
        floor = 24.0 if viewport.presentation else 14.0
        if viewport.large_labels:
            floor *= 1.3
        small = max(floor * max(scale, 0.72), 10.0)
        return TypeScale(small=round(small, 1), body=round(small * 1.3, 1),
                         code=round(small * 1.55, 1), title=round(small * 1.45, 1))


@dataclass(frozen=True, slots=True)
class Text:
    """One label: its box, its words, its size in px and a style the theme resolves."""

    rect: Rect
    text: str
    px: float
    style: str = "text"   # text | muted | error | code | tensor:N | dim:N | warning
    bold: bool = False
    mono: bool = False
    align: str = "left"   # left | center | right
    fill: str = ""        # background style, "" for none


@dataclass(frozen=True, slots=True)
class StripRow:
    """One wrapped row of storage cells [start, start + count), or a break ('… N more …')."""

    y: float
    start: int
    count: int
    skipped: int = 0      # > 0: a break row standing for `skipped` cells


@dataclass(frozen=True, slots=True)
class Arc:
    """One stride step of the focused tensor on its strip: from its first cell, +stride."""

    dim: int
    start: int
    end: int
    height: float
    label: Text


@dataclass(frozen=True, slots=True)
class StripLayout:
    strip: Strip
    rect: Rect
    texts: tuple[Text, ...]            # title, lane names, index ruler, break notes
    cell: float
    x0: float                          # left edge of the cells
    lane_h: float
    rows: tuple[StripRow, ...]
    per_row: int
    arcs: tuple[Arc, ...]
    value_px: float                    # 0: values not legible at this size (hover shows them)
    show_bytes: bool                   # "+24B" in each cell, at small_px
    small_px: float
    ruler: float                       # height of the index ruler above each row
    reads: np.ndarray | None = field(compare=False, repr=False)  # grid positions per cell
    written: tuple[int, ...] = ()      # cells whose bytes this step changed (outlined)
    ghosts: tuple[int, ...] = ()       # cells past the end a failed layout would read

    def cell_rect(self, cell: int) -> Rect | None:
        for row in self.rows:
            if not row.skipped and row.start <= cell < row.start + row.count:
                return (self.x0 + (cell - row.start) * self.cell, row.y, self.cell, self.cell)
        return None

    def cell_at(self, x: float, y: float) -> int:
        for row in self.rows:
            if row.skipped or not row.y <= y < row.y + self.cell:
                continue
            col = math.floor((x - self.x0) / self.cell)
            return row.start + col if 0 <= col < row.count else -1
        return -1

    def lane_y(self, row: StripRow, lane: int) -> float:
        return row.y + self.cell + 3 + lane * self.lane_h


@dataclass(frozen=True, slots=True)
class GridLayout:
    grid: Grid
    rect: Rect
    texts: tuple[Text, ...]            # title, relation, legend, headers, elision notes
    cell: float
    rows: tuple[int, ...]              # shown row indices, -1 where rows are elided
    cols: tuple[int, ...]
    panels: tuple[tuple[tuple[int, ...], float, float], ...]  # (leading index, x, y) of cells
    value_px: float
    show_index: bool                   # "#k" storage index in each cell, at small_px
    small_px: float
    written: frozenset = frozenset()   # (panel, row, col) reading a cell this step wrote

    def cell_rect(self, panel: tuple[int, ...], row: int, col: int) -> Rect | None:
        origin = next(((x, y) for p, x, y in self.panels if p == panel), None)
        if origin is None or row not in self.rows or col not in self.cols:
            return None
        return (origin[0] + self.cols.index(col) * self.cell,
                origin[1] + self.rows.index(row) * self.cell, self.cell, self.cell)

    def cell_at(self, x: float, y: float) -> tuple[tuple[int, ...], int, int] | None:
        for panel, px, py in self.panels:
            c = math.floor((x - px) / self.cell)
            r = math.floor((y - py) / self.cell)
            if 0 <= r < len(self.rows) and 0 <= c < len(self.cols):
                row, col = self.rows[r], self.cols[c]
                return None if row < 0 or col < 0 else (panel, row, col)
        return None

    @property
    def panel_keys(self) -> list[tuple[int, ...]]:
        return [p for p, _, _ in self.panels]


@dataclass(frozen=True, slots=True)
class Scene:
    viewport: Viewport
    type: TypeScale
    picture: Picture
    header: tuple[Text, ...]
    grid: GridLayout | None
    strips: tuple[StripLayout, ...]     # the focused tensor's storage (drawn cell by cell)
    summaries: tuple[Text, ...]         # every other storage: one line
    formula: Rect | None                # where the live address formula goes
    plan: Plan | None
    before_grid: GridLayout | None      # the source tensor's grid, where a view animates from
    step_count: int
    colors: dict[str, int] = field(compare=False)
    value_colors: bool = False

    @staticmethod
    def value_hue(cell: int) -> float:
        """The hue (0..1) of storage cell `cell` in value-colour mode: golden-ratio steps, so
        neighbours differ most; the grid cells reading it repeat it (ezyang's visualizer)."""
        return (cell * 0.618033988749895) % 1.0

    @property
    def step(self) -> Step:
        return self.picture.step

    @property
    def focus(self) -> str | None:
        return self.picture.focus

    def texts(self) -> list[Text]:
        out = list(self.header) + list(self.summaries)
        for strip in self.strips:
            out += strip.texts + tuple(a.label for a in strip.arcs)
        if self.grid is not None:
            out += self.grid.texts
        return out


# ----------------------------------------------------------------------------- text sizes
def text_width(text: str, px: float, mono: bool = False, bold: bool = False) -> float:
    """A close upper estimate of the rendered width (the engine cannot ask Qt's metrics)."""
    per = 0.62 if mono else 0.64
    wide = _wide_count(text)
    width = ((len(text) - wide) * per + wide * 1.0) * px
    return width * (1.1 if bold and not mono else 1.0)


@lru_cache(maxsize=8192)
def _wide_count(text: str) -> int:
    """East Asian wide characters in text (looked up once per text: layouts ask often)."""
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def wrap(text: str, px: float, width: float, mono: bool = False) -> list[str]:
    """Greedy word wrap by the width estimate (CJK text breaks between any two characters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _words(paragraph):
            candidate = line + word
            if line and text_width(candidate.rstrip(), px, mono) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _words(paragraph: str) -> list[str]:
    words, current = [], ""
    for ch in paragraph:
        if unicodedata.east_asian_width(ch) in "WF":
            if current:
                words.append(current)
            words.append(ch)
            current = ""
        elif ch == " ":
            words.append(current + " ")
            current = ""
        else:
            current += ch
    if current:
        words.append(current)
    return words


def elide(text: str, px: float, width: float, mono: bool = False) -> str:
    if text_width(text, px, mono) <= width:
        return text
    while text and text_width(text + "…", px, mono) > width:
        text = text[:-1]
    return text + "…"


def tuple_text(values: Sequence[int]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


# ----------------------------------------------------------------------------- colours
def tensor_colors(steps: Sequence[Step]) -> dict[str, int]:
    """A stable colour per tensor name, in order of first appearance across the script."""
    colors: dict[str, int] = {}
    for step in steps:
        for t in (*step.tensors, *step.arrays):
            colors.setdefault(t.name, len(colors))
    return colors


# ----------------------------------------------------------------------------- compose
def compose(result: RunResult, view: ViewState, viewport: Viewport,
            translate: Translate = lambda text: text) -> Scene:
    """The Scene for one step of a run, cached on (result, view, viewport, language)."""
    return _compose_cached(_Key(result), view, viewport, _Key(translate))


class _Key:
    """Identity-hashed wrapper: results and translators are large/unhashable, and immutable."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Key) and other.value is self.value


@lru_cache(maxsize=64)
def _compose_cached(result_key: _Key, view: ViewState, viewport: Viewport,
                    translate_key: _Key) -> Scene:
    result: RunResult = result_key.value
    tr: Translate = translate_key.value
    steps = result.steps or (_empty_step(result),)
    index = len(steps) - 1 if view.step < 0 else min(view.step, len(steps) - 1)
    step = steps[index]
    colors = tensor_colors(steps)
    picture = build_picture(step, view.focus, colors, view.panel_start)
    ts = TypeScale.for_viewport(viewport)
    margin = round(ts.small * 1.2)
    width = viewport.width - 2 * margin
    header = _header(step, len(steps), view.caption, ts, margin, width, tr)
    header_h = _reserved_header(result, steps, view, ts, width, tr, header)
    body = (margin, margin + header_h, width, viewport.height - 2 * margin - header_h)
    plan = None
    if view.animate and step.index > 0 and result.steps:
        plan = plan_transition(steps[step.index - 1], step, picture.focus)
    family = picture.grid.tensor.storage_id if picture.grid is not None else None
    arrangement = _arrangement(result_key, viewport, ts, body, family, _demand(picture))
    # stacked: the grid at the top, the strip at the bottom of the frame (where the family's
    # tallest strip ends: same memory, same place); side by side: the strip centred by the
    # family's tallest strip, the grid by its own height (each step's tensor is a slide)
    grid_shift = 0.0
    strip_pane = _panes((arrangement.direction, arrangement.share), body, ts)[1]
    shift = max(0.0, strip_pane[3] - arrangement.strip_h)
    if arrangement.direction == "side":
        own = _demand(picture)
        grid_pane = _panes(("side", arrangement.share), body, ts)[0]
        grid_h = _grid_height(own, arrangement, ts, grid_pane) if own else body[3]
        grid_shift = max(0.0, (body[3] - grid_h) / 2)
        shift = max(0.0, (body[3] - arrangement.strip_h) / 2)
    grid, strips, summaries, formula = _place(picture, ts, body, arrangement, colors, tr,
                                              shift, grid_shift)
    if step.written_storages and step.index > 0 and result.steps:
        grid, strips = _mark_written(steps[step.index - 1], step, grid, strips)
    elif step.error is not None:
        grid, strips = _mark_error_cells(step, grid, strips)
    before_grid = None
    if plan is not None and plan.before is not None and grid is not None:
        before_grid = _before_grid(plan.before, steps[step.index - 1], grid, ts, colors, tr)
    return Scene(viewport, ts, picture, header, grid, strips, summaries, formula, plan,
                 before_grid, len(steps), colors, view.value_colors)


def _empty_step(result: RunResult) -> Step:
    from stridescope.engine.model.state import ErrorInfo

    error = result.syntax_error or ErrorInfo("Error", "the script has no statements", None)
    return Step(0, error.line or 1, error.line or 1, "", "", error, (), ())


# ----------------------------------------------------------------------------- header
def _header(step: Step, count: int, caption: str, ts: TypeScale, x: float, width: float,
            tr: Translate, with_error: bool = True) -> tuple[Text, ...]:
    out: list[Text] = []
    y = float(x)

    def add(lines: list[str], px: float, style: str, bold=False, mono=False, fill="",
            limit: int = 4) -> None:
        nonlocal y
        shown = lines[:limit]
        if len(lines) > limit:
            shown[-1] = elide(shown[-1] + " …", px, width, mono)
        for line in shown:
            out.append(Text((x, y, width, px * 1.35), line, px, style, bold, mono, "left", fill))
            y += px * 1.35

    counter = tr("Step {n} of {total} · line {line}").format(n=step.index + 1, total=count,
                                                             line=step.line)
    add([counter], ts.small, "muted")
    source = step.source.splitlines()[0] if step.source else ""
    if step.source.count("\n"):
        source += " …"
    add([elide(source, ts.code, width, mono=True)], ts.code, "code", bold=True, mono=True)
    chain = _chain(step, tr)
    if chain:  # a chained statement's middle steps, each call's tensor in turn
        add(wrap(chain, ts.small, width, mono=True), ts.small, "muted", mono=True, limit=2)
    if caption:
        add(wrap(caption, ts.body, width), ts.body, "text", fill="panel", limit=3)
    if step.stdout:
        out_lines = step.stdout.rstrip("\n").split("\n")
        add([elide(line, ts.small, width, mono=True) for line in out_lines], ts.small, "muted",
            mono=True, limit=3)
    for warning in step.warnings[:2]:
        add([elide("⚠ " + warning.splitlines()[0], ts.small, width)], ts.small, "warning")
    if step.error is not None and with_error:
        message = f"✖ {step.error.type}: {step.error.message}"
        add(wrap(message, ts.body, width), ts.body, "error", bold=True, fill="error", limit=2)
        if step.error.explanation is not None:
            add(wrap(step.error.explanation.text(tr), ts.body, width), ts.body, "text",
                fill="error", limit=5)
    return tuple(out)


def _chain(step: Step, tr: Translate) -> str:
    """`① .transpose(0, 1) → (4, 3) stride (1, 4), view  ② .contiguous() → …, copy`."""
    substeps = getattr(step, "substeps", ()) or ()
    if len(substeps) < 2:
        return ""
    marks = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯"
    words = {"view": tr("view"), "copy": tr("copy"), "new": tr("new"), "same": tr("same")}
    parts, previous = [], ""
    for n, sub in enumerate(substeps[:16]):
        call = sub.source[len(previous):] if sub.source.startswith(previous) else sub.source
        previous = sub.source
        t = sub.tensor
        parts.append(f"{marks[n]} {call.strip()} → {tuple_text(t.shape)} "
                     f"{tr('stride')} {tuple_text(t.stride)}, {words.get(sub.memory, sub.memory)}")
    return "   ".join(parts).replace(" ", "\u00a0").replace("\u00a0\u00a0\u00a0", "   ")


def _reserved_header(result: RunResult, steps, view: ViewState, ts: TypeScale, width: float,
                     tr: Translate, header: tuple[Text, ...]) -> float:
    """The header's height: the tallest of the script's headers without their error blocks,
    so that the picture below does not jump from step to step; a step with an error (or a
    longer caption) takes what it needs."""
    own = _height(header)
    tallest = max((_height(_header(s, len(steps), view.caption, ts, 0, width, tr, False))
                   for s in steps[:200]), default=own)
    return max(own, tallest) + ts.small * 0.8


def _height(texts: Sequence[Text]) -> float:
    return sum(t.rect[3] for t in texts)


# ----------------------------------------------------------------------------- arrangement
@dataclass(frozen=True, slots=True)
class _Demand:
    """What one step needs drawn, in cells: the sizes that decide the layout."""

    rows: int
    cols: int
    panels: int
    strips: tuple[tuple[int, int], ...]  # (cells laid out, lanes) per expanded storage
    summaries: int
    arcs: int
    widest: int        # characters of the widest value
    label_chars: int   # characters of the widest lane label
    ndim: int = 2
    title_chars: int = 40  # the grid's "shape … stride … offset …" line
    notes: int = 0         # elision notes under the grid (panels, rows, columns, meta)

    @property
    def strip_cells(self) -> int:
        return max((cells for cells, _ in self.strips), default=0)

    @property
    def lanes(self) -> int:
        return max((lanes for _, lanes in self.strips), default=0)


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


def _demand(picture: Picture) -> _Demand | None:
    grid = picture.grid
    if grid is None:
        return None
    t = grid.tensor
    expanded = expanded_storages(picture)
    strips = [s for s in picture.strips if s.storage.id in expanded]
    laid_out = tuple((WINDOWED_STRIP if s.cells > LONG_STRIP else s.cells,
                      len(s.overlays)) for s in strips)
    label = max((len(o.label) for s in strips for o in s.overlays), default=4)
    widest = _widest_value(grid, strips[0] if strips else None)
    panels = min(grid.panel_count, MAX_PANELS) if t.ndim > 2 else 1
    arcs = sum(1 for n, s in zip(t.shape, t.stride) if s != 0 and n > 1)
    title = len(t.name) + 2 + len(_title_line(t, lambda text: text))
    notes = int(grid.rows > MAX_GRID_SIDE) + int(grid.cols > MAX_GRID_SIDE) + int(t.is_meta) \
        + int(t.ndim > 2 and grid.panel_count > MAX_PANELS)
    return _Demand(shown_side(grid.rows), shown_side(grid.cols), panels, laid_out,
                   len(picture.strips) - len(strips), min(arcs, 6), widest, label, t.ndim,
                   title, notes)


def _widest_value(grid: Grid, strip: Strip | None) -> int:
    if grid.values is None:
        return 1
    t = grid.tensor
    extent_lo, extent_hi = extent(t)
    lo, hi = max(0, extent_lo), min(len(grid.values), extent_hi + 1)
    sample = grid.values[lo:hi]
    if len(sample) > 4096:
        sample = np.concatenate([sample[:2048], sample[-2048:]])
    return _widest_text(sample)


def _widest_text(values: np.ndarray) -> int:
    """max(len(format_value(v))) over values (1 when there are none), without formatting
    every integer: an integer's text is widest at the array's minimum or maximum."""
    if not len(values) or values.dtype.kind == "b":
        return 1
    if values.dtype.kind in "iu":
        return max(len(str(int(values.min()))), len(str(int(values.max()))))
    return max(len(format_value(v)) for v in values.tolist())


@dataclass(frozen=True, slots=True)
class _Arrangement:
    direction: str      # "side": grid left, strip right; "stack": grid above, strip below
    share: float        # the grid pane's share of the width (side) or height (stack)
    grid_cell: float
    strip_cell: float
    content_h: float = 0.0  # the tallest content of the family: centred in the body
    strip_h: float = 0.0    # the tallest strip pane content of the family


@lru_cache(maxsize=16)
def _arrangement(result_key: _Key, viewport: Viewport, ts: TypeScale, body: Rect,
                 family: int | None, own: _Demand | None) -> _Arrangement:
    """Pane split and cell sizes shared by every step whose picture is about the same
    storage (its "family"), so nothing jumps while a script works on one piece of memory;
    a step that moves to new memory (a copy, a new tensor) may lay out anew.

    Each pane gets the largest cell that fits it in every step of the family (never below
    legibility); the arrangement with the biggest cells and the fullest frame wins, and a
    strip that wraps into several rows pays for it (memory reads best as one line)."""
    result: RunResult = result_key.value
    demands = [own] if own is not None else []
    for step in result.steps[:400]:
        picture = build_picture(step)
        if picture.grid is not None and picture.grid.tensor.storage_id == family:
            d = _demand(picture)
            if d is not None:
                demands.append(d)
    legible = max((_legible_cell(ts, d.widest) for d in demands), default=_legible_cell(ts, 3))
    cap = max(legible, min(viewport.height, viewport.width) / 3.4)
    best: tuple[float, _Arrangement, float] | None = None
    candidates = [("side", r) for r in (0.3, 0.38, 0.45, 0.5, 0.55, 0.62, 0.7)]
    candidates += [("stack", r) for r in (0.3, 0.4, 0.5, 0.6, 0.7)]
    for direction, share in candidates:
        grid_pane, strip_pane = _panes((direction, share), body, ts)
        grid_cell = min((_largest(lambda c, d=d: _grid_fits(d, c, ts, grid_pane))
                         for d in demands), default=cap)
        strip_cell = min((_largest(lambda c, d=d: _strip_fits(d, c, ts, strip_pane))
                          for d in demands), default=cap)
        grid_cell = min(max(grid_cell, legible), cap)
        strip_cell = _strip_cell(strip_cell, demands, ts, strip_pane, legible, cap, grid_cell,
                                 1.8 if direction == "stack" else 1.3)
        wraps = max((_strip_rows(d, strip_cell, ts, strip_pane) for d in demands),
                    default=1) - 1
        used = sum(_used_area(d, grid_cell, strip_cell, ts, grid_pane, strip_pane)
                   for d in demands) / len(demands) if demands else 1.0
        fill = used / (body[2] * body[3])
        score = fill * min(grid_cell, strip_cell) ** 0.5 / (1 + 0.1 * wraps)
        # where even legible cells do not fit, the least overflow wins (then elision copes)
        overflow = sum(_overflow(d, grid_cell, strip_cell, ts, grid_pane, strip_pane)
                       for d in demands)
        if best is None or overflow < best[2] - 1 or (abs(overflow - best[2]) <= 1
                                                     and score > best[0] * 1.03):
            best = (score, _Arrangement(direction, share, grid_cell, strip_cell), overflow)
    assert best is not None
    chosen = _shrink_wrap(best[1], demands, ts, body)
    grid_pane, strip_pane = _panes((chosen.direction, chosen.share), body, ts)
    tallest = max((_content_height(d, chosen, ts, grid_pane, strip_pane) for d in demands),
                  default=body[3])
    strip_h = max((min(strip_pane[3], _strips_height(d, chosen.strip_cell, ts, strip_pane[2]))
                   for d in demands), default=strip_pane[3])
    return _Arrangement(chosen.direction, chosen.share, chosen.grid_cell, chosen.strip_cell,
                        min(tallest, body[3]), strip_h)


def _overflow(d: _Demand, grid_cell: float, strip_cell: float, ts: TypeScale,
              grid_pane: Rect, strip_pane: Rect) -> float:
    """How far a step's content would run past its panes at these cell sizes."""
    title_h, formula_h = _grid_fixed(ts, d, grid_pane[2])
    pw, ph = _panel_size(d.rows, d.cols, grid_cell, ts)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    grid_h = title_h + formula_h + math.ceil(d.panels / per_line) * (ph + ts.small)
    strip_h = _strips_height(d, strip_cell, ts, strip_pane[2])
    return max(0.0, grid_h - grid_pane[3]) + max(0.0, strip_h - strip_pane[3]) \
        + max(0.0, pw - grid_pane[2])


def _grid_height(d: _Demand, a: _Arrangement, ts: TypeScale, grid_pane: Rect) -> float:
    title_h, formula_h = _grid_fixed(ts, d, grid_pane[2])
    pw, ph = _panel_size(d.rows, d.cols, a.grid_cell, ts)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    return min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line)
               * (ph + ts.small))


def _content_height(d: _Demand, a: _Arrangement, ts: TypeScale, grid_pane: Rect,
                    strip_pane: Rect) -> float:
    title_h, formula_h = _grid_fixed(ts, d, grid_pane[2])
    pw, ph = _panel_size(d.rows, d.cols, a.grid_cell, ts)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    grid_h = min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line)
                 * (ph + ts.small))
    strip_h = min(strip_pane[3], _strips_height(d, a.strip_cell, ts, strip_pane[2]))
    if a.direction == "side":
        return max(grid_h, strip_h)
    return strip_pane[1] - grid_pane[1] + strip_h


def _used_area(d: _Demand, grid_cell: float, strip_cell: float, ts: TypeScale,
               grid_pane: Rect, strip_pane: Rect) -> float:
    """The box around what a step draws, in both panes (for choosing the arrangement)."""
    title_h, formula_h = _grid_fixed(ts)
    pw, ph = _panel_size(min(d.rows, MAX_GRID_SIDE), min(d.cols, MAX_GRID_SIDE), grid_cell, ts)
    per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
    gw = min(grid_pane[2], max(per_line * pw, _title_width(d, ts)))
    gh = min(grid_pane[3], title_h + formula_h + math.ceil(d.panels / per_line) * ph)
    label_w, _, per_row, _ = _strip_geometry(d.lanes, d.label_chars, strip_cell, ts,
                                             strip_pane[2])
    sw = label_w + min(per_row, max(d.strip_cells, 1)) * strip_cell
    sh = min(strip_pane[3], _strips_height(d, strip_cell, ts, strip_pane[2]))
    if grid_pane[0] == strip_pane[0]:  # stacked: one box as wide as the wider pane
        return max(gw, sw) * (strip_pane[1] - grid_pane[1] + sh)
    return (strip_pane[0] - grid_pane[0] + sw) * max(gh, sh)


def _largest(fits: Callable[[float], bool], lo: float = 4.0, hi: float = 400.0) -> float:
    for _ in range(20):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


def _strip_rows(d: _Demand, cell: float, ts: TypeScale, strip_pane: Rect) -> int:
    per_row = _strip_geometry(d.lanes, d.label_chars, cell, ts, strip_pane[2])[2]
    return math.ceil(max(d.strip_cells, 1) / per_row)


def _shrink_wrap(a: _Arrangement, demands: list[_Demand], ts: TypeScale,
                 body: Rect) -> _Arrangement:
    """Give the grid pane just what the largest grid of the script needs at its cell size;
    the strip gets the rest (fewer wrapped rows)."""
    grid_pane, _ = _panes((a.direction, a.share), body, ts)
    title_h, formula_h = _grid_fixed(ts)
    need = 0.0
    for d in demands:
        pw, ph = _panel_size(min(d.rows, MAX_GRID_SIDE), min(d.cols, MAX_GRID_SIDE),
                             a.grid_cell, ts)
        per_line = max(1, min(d.panels, int((grid_pane[2] + ts.small) // (pw + ts.small))))
        if a.direction == "side":
            need = max(need, per_line * (pw + ts.small), _title_width(d, ts))
        else:
            lines = math.ceil(d.panels / per_line)
            need = max(need, title_h + formula_h + lines * (ph + ts.small))
    gap = ts.small * 2.5
    total = (body[2] if a.direction == "side" else body[3]) - gap
    share = max(0.2, min(a.share, need / total + 0.01))
    _, strip_pane = _panes((a.direction, share), body, ts)
    if not all(_strip_fits(d, a.strip_cell, ts, strip_pane) for d in demands):
        return a
    strip_cell = min((_largest(lambda c, d=d: _strip_fits(d, c, ts, strip_pane))
                      for d in demands), default=a.strip_cell)
    legible = max((_legible_cell(ts, d.widest) for d in demands), default=a.strip_cell)
    strip_cell = _strip_cell(strip_cell, demands, ts, strip_pane, legible, body[3] / 4.2,
                             a.grid_cell, 1.8 if a.direction == "stack" else 1.3)
    return _Arrangement(a.direction, share, a.grid_cell, max(a.strip_cell, strip_cell))


def _strip_cell(fitting: float, demands: list[_Demand], ts: TypeScale, pane: Rect,
                legible: float, cap: float, grid_cell: float, ratio: float = 1.3) -> float:
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
    formula = text_width("storage index = offset + " + "i₀·stride₀ + " * max(d.ndim, 1),
                         ts.body, mono=True)
    return max(formula, text_width("0" * d.title_chars, ts.body))


def _legible_cell(ts: TypeScale, widest: int) -> float:
    """The smallest cell whose value text can be at least the smallest type size."""
    value_px = ts.small * 1.15
    return max(value_px * 2.0, text_width("8" * widest, value_px, mono=True) + 10)


def _panes(arrangement: tuple[str, float], body: Rect, ts: TypeScale) -> tuple[Rect, Rect]:
    x, y, w, h = body
    direction, share = arrangement
    gap = ts.small * 2.5
    if direction == "side":
        gw = (w - gap) * share
        return (x, y, gw, h), (x + gw + gap, y, w - gw - gap, h)
    gh = (h - gap) * share
    return (x, y, w, gh), (x, y + gh + gap, w, h - gh - gap)


def _grid_fixed(ts: TypeScale, d: _Demand | None = None,
                width: float = 1e9) -> tuple[float, float]:
    """Height of the grid's title block (its second line when the title wraps at this
    width) and of the formula below it."""
    title = ts.title * 1.5 + ts.small * 1.5 + ts.small * 1.6 + ts.small * 0.8
    if d is not None:  # the "shape … stride … offset …" line wraps (up to three lines)
        lines = min(3, math.ceil(text_width("0" * d.title_chars, ts.body) / max(width, 1)))
        title += ts.body * 1.3 * max(0, lines - 1)
        legend = d.ndim * (text_width("0" * 30, ts.small, bold=True) + ts.small * 1.2)
        title += ts.small * 1.5 * max(0, math.ceil(legend / max(width, 1)) - 1)
    notes = d.notes * ts.small * 1.5 if d is not None else 0.0
    return title, ts.body * 2.9 + notes


def _grid_fits(d: _Demand, cell: float, ts: TypeScale, pane: Rect) -> bool:
    title_h, formula_h = _grid_fixed(ts, d, pane[2])
    pw, ph = _panel_size(d.rows, d.cols, cell, ts)
    per_row = max(1, int((pane[2] + ts.small) // (pw + ts.small)))
    panel_rows = math.ceil(d.panels / per_row)
    return pw <= pane[2] and title_h + formula_h + panel_rows * (ph + ts.small) <= pane[3]


def _strip_fits(d: _Demand, cell: float, ts: TypeScale, pane: Rect) -> bool:
    return _strips_height(d, cell, ts, pane[2]) <= pane[3]


def _strips_height(d: _Demand, cell: float, ts: TypeScale, width: float) -> float:
    """Every expanded strip of a step (cell by cell) plus the summary lines of the rest."""
    heights = [_strip_height(cells, lanes, 0, d.arcs, d.label_chars, cell, ts, width)
               for cells, lanes in d.strips] or [0.0]
    return sum(heights) + ts.small * (len(heights) - 1) + d.summaries * ts.body * 1.4


def _panel_size(rows: int, cols: int, cell: float, ts: TypeScale,
                largest_row: int | None = None) -> tuple[float, float]:
    header = ts.small * 1.5
    largest = max(rows - 1, 0) if largest_row is None else largest_row
    label_w = text_width(str(largest), ts.small, True) + ts.small * 0.8
    panel_title = ts.small * 1.5
    return label_w + cols * cell, panel_title + header + rows * cell


def _strip_geometry(lanes: int, label_chars: int, cell: float, ts: TypeScale,
                    width: float) -> tuple[float, float, int, float]:
    """(label column width, lane height, cells per row, height of one wrapped row)."""
    label_w = min(text_width("0" * label_chars, ts.small, bold=True) + ts.small, width * 0.35)
    lane_h = ts.small * 1.3
    per_row = max(1, int((width - label_w) // cell))
    ruler = ts.small * 1.4
    return label_w, lane_h, per_row, ruler + cell + lanes * lane_h + ts.small * 0.9


def _strip_height(cells: int, lanes: int, summaries: int, arcs: int, label_chars: int,
                  cell: float, ts: TypeScale, width: float) -> float:
    label_w, lane_h, per_row, row_h = _strip_geometry(lanes, label_chars, cell, ts, width)
    rows = math.ceil(max(cells, 1) / per_row)
    title = ts.body * 1.5
    arcs_h = arcs * ts.small * 1.35 + ts.small * 0.6
    return title + arcs_h + rows * row_h + summaries * ts.body * 1.4 + ts.small


# ----------------------------------------------------------------------------- placing
def _place(picture: Picture, ts: TypeScale, body: Rect, arrangement: _Arrangement,
           colors: dict[str, int], tr: Translate, shift: float = 0.0,
           grid_shift: float = 0.0):
    grid_pane, strip_pane = _panes((arrangement.direction, arrangement.share), body, ts)
    if arrangement.direction == "side":
        grid_pane = (grid_pane[0], grid_pane[1] + grid_shift, grid_pane[2],
                     grid_pane[3] - grid_shift)
    else:
        grid_pane = (grid_pane[0], grid_pane[1] + grid_shift, grid_pane[2], grid_pane[3])
    strip_pane = (strip_pane[0], strip_pane[1] + shift, strip_pane[2], strip_pane[3] - shift)
    grid_layout = None
    formula = None
    strips: list[StripLayout] = []
    summaries: list[Text] = []
    focused = picture.grid.tensor if picture.grid is not None else None
    if picture.grid is not None:
        grid_layout, formula = _grid_layout(picture.grid, ts, grid_pane,
                                            arrangement.grid_cell, colors, tr, picture)
        if arrangement.direction == "stack":  # never under the grid, even when it overran
            end = formula[1] + formula[3] + ts.small
            if end > strip_pane[1]:
                strip_pane = (strip_pane[0], end, strip_pane[2],
                              strip_pane[1] + strip_pane[3] - end)
    y = strip_pane[1]
    expanded = expanded_storages(picture)
    others = [s for s in picture.strips if s.storage.id not in expanded]
    room = max(0, int((strip_pane[3] * 0.35) // (ts.body * 1.4)))  # at most a third
    if len(others) > room:
        hidden = others[max(room - 1, 0):]
        others = others[:max(room - 1, 0)]
        if room:
            summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                                  tr("+{n} more storages: {names}").format(
                                      n=len(hidden), names=", ".join(
                                          s.storage.label for s in hidden)),
                                  round(ts.small * 1.1, 1), "muted"))
            y += ts.body * 1.4
    for memory in _numpy_memories(picture.step):  # arrays in memory no tensor storage holds
        summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                              elide(_memory_summary(picture.step, memory, tr), ts.small * 1.1,
                                    strip_pane[2]), round(ts.small * 1.1, 1), "muted"))
        y += ts.body * 1.4
    for strip in others:
        summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                              elide(_summary(strip, tr), ts.small * 1.1, strip_pane[2]),
                              round(ts.small * 1.1, 1), "muted"))
        y += ts.body * 1.4
    if summaries:
        y += ts.small * 0.6
    by_id = {s.storage.id: s for s in picture.strips}
    bottom = strip_pane[1] + strip_pane[3]
    for n, storage_id in enumerate(expanded):
        share = (bottom - y) / (len(expanded) - n)  # the rest, split among the strips left
        layout = _strip_layout(by_id[storage_id], focused, ts, (strip_pane[0], y, strip_pane[2],
                               share), arrangement.strip_cell, tr,
                               _ghosts(picture.step, storage_id) if n == 0 else ())
        if n and layout.rect[1] + layout.rect[3] > bottom:  # no room: a summary line instead
            if y + ts.body * 1.4 <= bottom:
                summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                                      elide(_summary(by_id[storage_id], tr), ts.small * 1.1,
                                            strip_pane[2]), round(ts.small * 1.1, 1), "muted"))
                y += ts.body * 1.4
            continue
        strips.append(layout)
        y = layout.rect[1] + layout.rect[3] + ts.small
    if focused is None and picture.strips:  # no grid (an error before any tensor): strips
        for strip in picture.strips[:1]:
            strips.append(_strip_layout(strip, None, ts, strip_pane, arrangement.strip_cell,
                                        tr))
    return grid_layout, tuple(strips), tuple(summaries), formula


def _mark_written(before: Step, after: Step, grid: GridLayout | None,
                  strips: tuple[StripLayout, ...]):
    """Outline what a write changed, in the still too: the storage cells whose bytes differ
    from the step before, and every grid cell reading one of them."""
    from dataclasses import replace

    from stridescope.engine.picture.transition import _grid_cells_reading

    marked = []
    changed_focus: np.ndarray | None = None
    for layout in strips:
        strip = layout.strip
        old, new = before.storage(strip.storage.id), strip.storage
        a = old.elements(strip.dtype) if old is not None else None
        b = new.elements(strip.dtype)
        if strip.storage.id not in after.written_storages or a is None or b is None \
                or len(a) != len(b):
            marked.append(layout)
            continue
        same = (a == b) | ((a != a) & (b != b))  # NaN stays NaN: unchanged
        changed = np.nonzero(~same)[0][:4096]
        marked.append(replace(layout, written=tuple(int(k) for k in changed)))
        if grid is not None and grid.grid.tensor.storage_id == strip.storage.id:
            changed_focus = changed
    if grid is not None and changed_focus is not None and len(changed_focus):
        cells = _grid_cells_reading(grid.grid.tensor, changed_focus)
        grid = replace(grid, written=frozenset((c.panel, c.row, c.col) for c in cells))
    return grid, tuple(marked)


def _mark_error_cells(step: Step, grid: GridLayout | None, strips: tuple[StripLayout, ...]):
    """An error about particular cells (a write to a cell several positions share, a slice
    that would walk backwards) outlines them in the still, and every position reading them."""
    from dataclasses import replace

    from stridescope.engine.picture.transition import _grid_cells_reading

    explanation = step.error.explanation if step.error is not None else None
    if getattr(explanation, "kind", "") not in ("overlapping_write", "partial_overlap",
                                                "negative_step") or grid is None:
        return grid, strips
    receiver = getattr(getattr(explanation, "receiver", None), "name", None)
    t = grid.grid.tensor
    if receiver != t.name:
        return grid, strips
    shared = getattr(explanation, "cell", None)
    cells = tuple(sorted({shared} if shared is not None else set(explanation.cells)))
    marked = tuple(replace(s, written=cells) if s.strip.storage.id == t.storage_id else s
                   for s in strips)
    reading = _grid_cells_reading(t, np.asarray(cells, dtype=np.int64))
    return replace(grid, written=frozenset((c.panel, c.row, c.col) for c in reading)), marked


def _ghosts(step: Step, storage_id: int) -> tuple[int, ...]:
    """Cells past the storage's end that a failed as_strided layout would read."""
    explanation = step.error.explanation if step.error is not None else None
    cells = tuple(getattr(explanation, "out_of_bounds", ()) or ())
    receiver = getattr(explanation, "receiver", None)
    name = getattr(receiver, "name", None)
    t = step.tensor(name) if name else None
    return cells if t is not None and t.storage_id == storage_id else ()


def _numpy_memories(step: Step) -> tuple:
    from stridescope.engine.model.array_layout import memory_strips

    return memory_strips(step)[:4]


def _memory_summary(step: Step, memory, tr: Translate) -> str:
    names = ", ".join(a.name for a in step.arrays if a.memory_id == memory.id
                      and a.storage_id is None)
    return tr("N{id} · NumPy memory: {names} · {nbytes} bytes").format(
        id=memory.id, names=names, nbytes=f"{memory.nbytes:,}")


def _summary(strip: Strip, tr: Translate) -> str:
    names = ", ".join(o.name for o in strip.overlays)
    # a storage is bytes: it has no dtype of its own (each tensor on it has one)
    return tr("Storage {label}: {names} · {nbytes} bytes").format(
        label=strip.storage.label, names=names, nbytes=f"{strip.storage.nbytes:,}")


def _strip_window(strip: Strip, focused: TensorState | None) -> tuple[list[tuple[int, int]], int]:
    """The storage cells to lay out: all of a small storage; of a large one, the cells the
    focused tensor reads (its start and its end when that is large too) and the storage's
    last cells (a small view keeps the whole storage alive: the end shows it goes on), with
    breaks between. Returns ([(start, count)], total cells)."""
    cells = strip.cells
    if cells <= MAX_STRIP_CELLS:
        return [(0, cells)], cells
    lo, hi = 0, min(cells, 16) - 1
    if focused is not None and focused.numel:
        lo, hi = extent(focused)
        scale = focused.itemsize / strip.itemsize if strip.itemsize else 1
        lo, hi = int(lo * scale), int(math.ceil((hi + 1) * scale)) - 1
        lo, hi = max(0, min(lo, cells - 1)), max(0, min(hi, cells - 1))
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
    return segments, MAX_STRIP_CELLS


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


def _strip_layout(strip: Strip, focused: TensorState | None, ts: TypeScale, pane: Rect,
                  cell: float, tr: Translate, ghosts: tuple[int, ...] = ()) -> StripLayout:
    x, y, w, h = pane
    # cells an out-of-bounds layout would read past the storage's end are laid out too,
    # as ghosts (drawn dashed, "past the end"), when they are near it
    ghosts = tuple(k for k in ghosts if strip.cells <= k < strip.cells + 64)
    total = max([strip.cells, *(k + 1 for k in ghosts)])
    texts: list[Text] = []
    title = tr("Storage {label}").format(label=strip.storage.label)
    details = tr("{nbytes} bytes · drawn as {cells} cells of {itemsize} B ({dtype})").format(
        dtype=strip.dtype.removeprefix("torch."), itemsize=strip.itemsize,
        cells=f"{strip.cells:,}", nbytes=f"{strip.storage.nbytes:,}")
    if strip.written:
        details += " · ✎ " + tr("written this step")
    if strip.values is None and strip.storage.device != "meta":  # not an empty storage
        details += " · " + tr("values not recorded (size limit)")
    tw = text_width(title, ts.body, bold=True) + ts.small
    texts.append(Text((x, y, tw, ts.body * 1.4), title, ts.body, "text", True))
    texts.append(Text((x + tw, y + (ts.body * 1.4 - ts.small * 1.4) / 2, w - tw, ts.small * 1.4),
                      elide(details, ts.small, w - tw), ts.small, "muted"))
    y += ts.body * 1.5
    label_chars = max((len(o.label) for o in strip.overlays), default=4)
    # arcs (one per dim of the focused tensor, from its first cell) sit above the first row
    focus_overlay = next((o for o in strip.overlays if focused and o.name == focused.name), None)
    # no bracket for a size-1 dim: its stride is never used to move (nor for stride 0)
    arc_dims = [(d, s) for d, (n, s) in enumerate(zip(focused.shape, focused.stride))
                if s != 0 and n > 1][:6] \
        if focus_overlay is not None else []
    arcs_h = len(arc_dims) * ts.small * 1.35 + ts.small * 0.6
    window, _total = _strip_window(strip, focused)
    if total > strip.cells and window[-1][0] + window[-1][1] == strip.cells:
        window[-1] = (window[-1][0], total - window[-1][0])
    ruler = ts.small * 1.4
    top = y
    arrays = [o for o in strip.overlays if o.kind == "array"][:3]
    bottom = pane[1] + h - len(arrays) * ts.small * 1.5  # room for the NumPy stride notes
    for _ in range(12):  # the largest cell (down from the family's) at which a row fits
        label_w, lane_h, per_row, row_h = _strip_geometry(len(strip.overlays), label_chars,
                                                          cell, ts, w)
        rows, y = _strip_cells_that_fit(window, total, per_row, top, arcs_h, ruler,
                                        row_h, ts, bottom)
        if y <= bottom or cell <= ts.small * 2.3:
            break
        cell = max(ts.small * 2.3, cell * 0.88)
    if y > pane[1] + h and rows and rows[-1].skipped:  # no room for the closing break note
        rows.pop()
        y -= ts.small * 1.8
    x0 = x + label_w
    layout_rows = tuple(rows)
    shown = [np.arange(r.start, r.start + r.count, dtype=np.int64) for r in layout_rows
             if not r.skipped]
    shown = np.concatenate(shown) if shown else np.zeros(0, dtype=np.int64)
    value_px = _value_px(cell, strip.values, shown, ts)
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
                texts.append(Text((x0 + (k - row.start) * cell, row.y - ruler, cell * step_every,
                                   ruler), f"{k:,}", ts.small, "muted", align="left"))
    first_row = next((r for r in layout_rows if not r.skipped), None)
    if first_row is not None:
        placed: list[Rect] = []
        for lane, overlay in enumerate(strip.overlays):
            ly = first_row.y + cell + 3 + lane * lane_h
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
        texts.append(Text((x0, y, w - label_w, ts.small * 1.5), elide(note, ts.small,
                                                                      w - label_w),
                          ts.small, f"tensor:{overlay.color}"))
        y += ts.small * 1.5
    reads = _reads(strip, focused)
    return StripLayout(strip, (x, pane[1], w, y - pane[1]), tuple(texts), cell, x0, lane_h,
                       layout_rows, per_row, tuple(arcs), value_px,
                       _corner_fits(cell, value_px, f"+{largest * strip.itemsize}B",
                                    ts), ts.small, ruler, reads, ghosts=ghosts)


def _corner_fits(cell: float, value_px: float, widest: str, ts: TypeScale) -> bool:
    """A small label in a cell's corner (index, byte offset) fits under the value."""
    return bool(value_px) and cell >= value_px * 1.15 + ts.small * 1.35 + 4 and \
        text_width(widest, ts.small, mono=True) <= cell - 6


def _label_step(cell: float, largest: int, ts: TypeScale) -> int:
    """Label every k-th column so that labels of `largest`'s width never touch."""
    need = text_width(str(max(largest, 0)), ts.small, bold=True) + ts.small * 0.4
    return next((k for k in (1, 2, 4, 5, 10, 20, 50, 100) if cell * k >= need), 1000)


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


def _value_px(cell: float, values: np.ndarray | None, shown, ts: TypeScale) -> float:
    """One value size per strip/grid: the largest at which its widest shown value fits."""
    widest = 1
    if values is not None and len(values):
        index = np.asarray(shown, dtype=np.int64).ravel()
        index = index[(index >= 0) & (index < len(values))]
        widest = _widest_text(values[index[:8192]])
    px = min(cell * 0.42, (cell - 8) / (0.62 * widest), ts.code * 1.5)
    return round(px, 1) if px >= ts.small else 0.0


def _arcs(arc_dims, offset: int, rows: tuple[StripRow, ...], x0: float, cell: float,
          ts: TypeScale, tr: Translate, right: float = 1e9) -> list[Arc]:
    """Stride arcs with their labels placed so that no two labels overlap."""
    first = next(r for r in rows if not r.skipped)
    top = first.y - ts.small * 1.4  # above the index ruler
    arcs: list[Arc] = []
    placed: list[Rect] = []
    level = 0
    for dim, stride in sorted(arc_dims, key=lambda ds: abs(ds[1])):
        end = offset + stride
        if not (first.start <= offset < first.start + first.count
                and first.start <= end < first.start + first.count):
            continue  # only steps that land on the same row are drawn as arcs
        label = tr("+{step} (dim {dim})").format(step=stride, dim=dim)
        lw = text_width(label, ts.small, bold=True) + 6
        height = ts.small * 1.35 * (level + 1)
        cx = x0 + (offset - first.start + 0.5) * cell
        ex = x0 + (end - first.start + 0.5) * cell
        mid = (cx + ex) / 2
        # right of the first cell's centre, where every longer (higher) arc rises
        left = min(max(mid - lw / 2, min(cx, ex) + ts.small * 0.4), right - lw)
        rect = (left, top - height - ts.small * 0.2, lw, ts.small * 1.3)
        while any(_overlap(rect, other) for other in placed):  # shift, within the strip
            moved = rect[0] + lw * 0.6
            rect = (moved if moved + lw <= right else rect[0], rect[1] - (0 if moved + lw <= right
                                                                          else rect[3]), lw,
                    rect[3])
        placed.append(rect)
        arcs.append(Arc(dim, offset, end, height, Text(rect, label, ts.small, f"dim:{dim}",
                                                       True, align="center")))
        level += 1
    return arcs


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _reads(strip: Strip, focused: TensorState | None) -> np.ndarray | None:
    """How many grid positions of the focused tensor read each storage cell (expand,
    overlapping windows read one cell many times)."""
    if focused is None or focused.numel == 0 or focused.numel > 1 << 20 or strip.cells > 1 << 22:
        return None
    if focused.itemsize != strip.itemsize:
        return None
    flat = element_indices(focused.shape, focused.stride, focused.storage_offset).ravel()
    flat = flat[(flat >= 0) & (flat < strip.cells)]
    counts = np.bincount(flat, minlength=strip.cells)
    return counts if counts.max(initial=0) > 1 else None


def _grid_layout(grid: Grid, ts: TypeScale, pane: Rect, cell: float, colors: dict[str, int],
                 tr: Translate, picture: Picture | None,
                 origin: tuple[float, float] | None = None) -> tuple[GridLayout, Rect]:
    t = grid.tensor
    x, y, w, h = pane
    texts: list[Text] = []
    color = colors.get(t.name, 0)
    name_w = text_width(t.name, ts.title, bold=True) + ts.small
    texts.append(Text((x, y, name_w, ts.title * 1.4), t.name, ts.title, f"tensor:{color}",
                      True))
    line = _title_line(t, tr)
    lines = wrap(line, ts.body, w - name_w)
    for n, part in enumerate(lines[:3]):
        texts.append(Text((x + name_w, y + (ts.title * 1.4 - ts.body * 1.3) / 2
                           + n * ts.body * 1.3, w - name_w, ts.body * 1.3),
                          elide(part, ts.body, w - name_w), ts.body, "text"))
    y += ts.title * 1.5 + ts.body * 1.3 * (min(len(lines), 3) - 1)
    relation = _relation(t, picture, tr) if picture is not None else ""
    texts.append(Text((x, y, w, ts.small * 1.5), elide(relation, ts.small, w), ts.small,
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
    y += ts.small * 1.6 + ts.small * 0.8
    _, formula_h = _grid_fixed(ts)
    avail_h = pane[1] + h - y - formula_h
    rows, cols, panel_keys = _grid_window(grid, cell, ts, w, avail_h)
    notes = _elision_notes(grid, rows, cols, panel_keys, tr)
    if notes:  # the notes take room below the panels: lay out again with less height
        rows, cols, panel_keys = _grid_window(grid, cell, ts, w,
                                              avail_h - len(notes) * ts.small * 1.5)
        notes = _elision_notes(grid, rows, cols, panel_keys, tr)
    pw, ph = _panel_size(len(rows), len(cols), cell, ts, max(rows))
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
    value_px = _value_px(cell, grid.values, shown, ts)
    largest = int(shown.max()) if len(shown) else 0
    layout = GridLayout(grid, (pane[0], pane[1], w, bottom - pane[1]), tuple(texts), cell,
                        tuple(rows), tuple(cols), tuple(panels), value_px,
                        _corner_fits(cell, value_px, f"#{largest}", ts), ts.small)
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


def _title_line(t: TensorState, tr: Translate) -> str:
    contiguity = tr("contiguous") if t.is_contiguous else tr("not contiguous")
    line = tr("shape {shape}  ·  stride {stride}  ·  offset {offset}").format(
        shape=tuple_text(t.shape), stride=tuple_text(t.stride), offset=f"{t.storage_offset:,}")
    line += f"  ·  {t.dtype.removeprefix('torch.')}  ·  {contiguity}"
    if t.is_meta:
        line += "  ·  " + tr("meta (layout only)")
    # each "name value" part stays on one line when the title wraps (no-break spaces)
    parts = [part.strip().replace(" ", "\u00a0") for part in line.split("  ·  ")]
    return "  · ".join(parts)


def _grid_window(grid: Grid, cell: float, ts: TypeScale, width: float,
                 height: float) -> tuple[list[int], list[int], list[tuple[int, ...]]]:
    """Rows, columns (-1: an elision) and panels that fit; NumPy-style first/last edges."""
    t = grid.tensor
    panel_keys = grid.panels()[:MAX_PANELS] or [()]
    label_w = text_width(str(max(grid.rows - 1, 0)), ts.small, True) + ts.small * 0.8
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
    if t.ndim > 2 and grid.panel_count > len(panels):
        first = grid.panel_start + 1
        notes.append(tr("panels {first}–{last} of {total} (PgDn / PgUp)").format(
            first=first, last=first + len(panels) - 1, total=f"{grid.panel_count:,}"))
    if t.is_meta:
        notes.append(tr("meta tensor: layout only, no values (\"?\")"))
    return notes


def _relation(t: TensorState, picture: Picture, tr: Translate) -> str:
    step = picture.step
    storage = f"S{t.storage_id}"
    sharing = [n for n in step.names_on(t.storage_id) if n != t.name]
    produced = t.origin
    source = produced.source if produced else None
    names = {x.name for x in step.tensors} | {a.name for a in step.arrays}
    if source is not None and source not in names:  # `del big`: the name is gone, not the data
        source = tr("{name} (name deleted)").format(name=source)
    if produced and produced.kind == "view":
        text = tr("view of {source} — shares storage {storage}, no data copied")
    elif produced and produced.kind == "copy":
        text = tr("copy of {source} — new storage {storage}")
    elif produced and produced.kind == "alias":
        text = tr("another name for {source} (same tensor object)")
    else:
        text = tr("lives on storage {storage}")
    text = text.format(source=source, storage=storage)
    names = ", ".join(sharing)
    if sharing and not (produced and produced.kind == "view"):
        text += " · " + tr("shares it with {names}").format(names=names)
    elif sharing:
        text += " · " + tr("also on it: {names}").format(names=names)
    return text + f" · data_ptr {t.data_ptr:#x}"


def _before_grid(before: TensorState, step: Step, grid: GridLayout, ts: TypeScale,
                 colors: dict[str, int], tr: Translate) -> GridLayout:
    """The view's source tensor laid out at the result's place: cells travel from it."""
    storage = step.storage(before.storage_id)
    source = Grid(before, storage.elements(before.dtype) if storage else None)
    pane = (grid.rect[0], grid.rect[1], grid.rect[2], 10_000.0)
    layout, _ = _grid_layout(source, ts, pane, grid.cell, colors, tr, None)
    return layout


def locate(scene: Scene, anchor) -> Rect | None:
    """Where an animation anchor (picture/transition.py) sits in the Scene; None if elided."""
    from stridescope.engine.picture.transition import GridCell, StorageCell

    if isinstance(anchor, StorageCell):
        strip = next((s for s in scene.strips if s.strip.storage.id == anchor.storage_id), None)
        return strip.cell_rect(anchor.cell) if strip is not None else None
    if isinstance(anchor, GridCell):
        grid = scene.grid if anchor.which == "after" else scene.before_grid
        return grid.cell_rect(anchor.panel, anchor.row, anchor.col) if grid else None
    return None
