"""The Scene and its parts: frozen values in viewport pixels, and the limits of the layout."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridescope.engine.model.state import Step
from stridescope.engine.picture.content import Grid, Picture, Strip
from stridescope.engine.picture.transition import Plan

Rect = tuple[float, float, float, float]  # x, y, width, height
Translate = Callable[[str], str]

MAX_STRIP_CELLS = 4096     # cells of one storage laid out at most (windowed around the focus)
MAX_GRID_SIDE = 64         # rows/cols of one panel laid out at most before NumPy-style elision
MAX_PANELS = 12            # 2-D panels of a >= 3-D tensor drawn at once (PgDn pages on)
ELIDED_SIDE = 13           # an elided grid side shows 6 + "…" + 6 (NumPy shows 3 + 3)
WINDOWED_STRIP = 48        # a windowed storage asks the layout for this many cells' room
LONG_STRIP = 256           # a longer storage is windowed to the room left (with breaks)
EDGE_CELLS = 6             # cells shown around what a tensor reads, and at a storage's end


class Key:
    """Identity-hashed wrapper: results and translators are large/unhashable, and immutable."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other) -> bool:
        return isinstance(other, Key) and other.value is self.value


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
    # the longest caption of the lesson: every step's layout leaves room for one, so a step
    # with a longer caption than the last does not shrink or move the picture
    caption_room: str = ""
    animate: bool = True
    value_colors: bool = False     # every storage element its own hue, in strip and grid
    substep: int = -1              # the call of a chained statement shown; -1: the statement


@dataclass(frozen=True, slots=True)
class TypeScale:
    small: float     # the smallest text anywhere (indices, lane names, notes)
    body: float      # titles, captions, explanations
    code: float      # the statement
    title: float     # the focused tensor's name line
    # presenting: the frame is all there is (no console, no inspector), so the header folds
    # tighter (the counter beside the code, an error's words at `dense`) and the picture
    # keeps room for every row and value (issue 20)
    compact: bool = False

    @property
    def dense(self) -> float:
        """An error block's type when compact: still 18 px at 1280×720 (27 at 1080p), read
        from the back of a classroom; else the body size."""
        return round(self.small * 1.125, 1) if self.compact else self.body

    @staticmethod
    def for_viewport(viewport: Viewport) -> TypeScale:
        scale = min(viewport.width / 1920, viewport.height / 1080)
        floor = 24.0 if viewport.presentation else 14.0
        if viewport.large_labels:
            floor *= 1.3
        # presenting, type scales with the frame (a projector shows 1280×720 as big as
        # 1920×1080, so the picture must look the same); in a window it keeps a floor
        small = max(floor * (scale if viewport.presentation else max(scale, 0.72)), 10.0)
        return TypeScale(small=round(small, 1), body=round(small * 1.3, 1),
                         code=round(small * 1.55, 1), title=round(small * 1.45, 1),
                         compact=viewport.presentation)


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
    band: float = 0.0                  # height of the read counts under the cells ("×4")

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

    def count_rect(self, cell: int) -> Rect | None:
        """Where cell's read count ("×4") goes: the band under it (None: no band)."""
        rect = self.cell_rect(cell) if self.band else None
        return None if rect is None else (rect[0], rect[1] + self.cell + 1, self.cell,
                                          self.band)

    def lane_y(self, row: StripRow, lane: int) -> float:
        return row.y + self.cell + 3 + self.band + lane * self.lane_h


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
    titles: int = 0                    # texts[:titles]: name, shape, relation, legend lines

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
    mesh: Any = None                    # a sharded tensor's MeshLayout (mesh_layout.py)

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


def locate(scene: Scene, anchor) -> Rect | None:
    """Where an animation anchor (picture/transition.py) sits in the Scene; None if elided."""
    from stridescope.engine.picture.transition import GridCell, StorageCell

    if isinstance(anchor, StorageCell):
        strip = next((s for s in scene.strips if s.strip.storage.id == anchor.storage_id), None)
        return strip.cell_rect(anchor.cell) if strip is not None else None
    if isinstance(anchor, GridCell):
        grid = scene.grid if anchor.which == "after" else scene.before_grid
        if grid is None:
            return None
        if anchor.row == -1 or anchor.col == -1:  # an axis label: left of a row, above a col
            first = grid.cell_rect(anchor.panel, max(anchor.row, 0), max(anchor.col, 0))
            if first is None:
                return None
            x, y, w, h = first
            return (x - 0.6 * w, y, w, h) if anchor.col == -1 else (x, y - 0.6 * h, w, h)
        return grid.cell_rect(anchor.panel, anchor.row, anchor.col)
    return None


def link_pad(scene: Scene) -> float:
    """How far a link line stays clear of the address formula and the titles."""
    return scene.type.small * 0.4


def grid_opacity(plan: Plan | None, frame) -> float:
    """How visible the step's grid is at an animation frame: a view's, a copy's or a new
    tensor's grid comes with its result (a copy's is there from the start, faint: the order
    its values are read in while they fly to the new strip); any other grid stays."""
    if plan is None or frame is None or plan.kind not in ("view", "copy", "new", "fade"):
        return 1.0
    return max(0.3 if plan.kind == "copy" else 0.0, frame.result_opacity)
