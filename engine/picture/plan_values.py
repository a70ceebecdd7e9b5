"""The values a motion plan is made of (engine/picture/transition.py plans them): anchors
(a grid cell of the tensor before or after, or a storage cell), the motions between them,
the plan, and the plain frame the canvas paints at any t."""

from __future__ import annotations

from dataclasses import dataclass

from stridescope.engine.model.state import TensorState
from stridescope.engine.picture.motion_geometry import IDENTITY, Matrix


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
    fade: str = "none"  # "none" | "out" (left behind) | "in" | "appear" (shown from start)
    #                     | "wait" (a card's place, faint, until its own card leaves)
    path: str = "line"  # "line" | "flip" (the turning sheet) | "lift" (an arc off the strip)
    #                     | "shrink" (half size mid-flight)
    start: float = 0.0  # when in [0, 1] it leaves and arrives (staggered motions)
    end: float = 1.0
    link: StorageCell | None = None  # the storage cell it reads: a line ties them all along
    style: str = ""     # "": a value's card; "dim:N": an axis label travelling in its colour
    sheet: tuple[int, int] | None = None  # a "flip": (row, col) on the sheet that turns


@dataclass(frozen=True, slots=True)
class Tween:
    label: str
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Window:
    """A frame over the grid, key by key: (t, top-left cell, bottom-right cell)."""

    keys: tuple[tuple[float, Anchor, Anchor], ...]
    # the storage the window covers, from (first, last) cell to (first, last), in the first
    # key interval: the frame on the strip shrinks with the frame on the grid
    storage_id: int | None = None
    span_from: tuple[int, int] = (0, 0)
    span_to: tuple[int, int] = (0, 0)


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
    motion: str = ""                   # the vocabulary's word (NOTE [Motion vocabulary])
    window: Window | None = None
    # "×N": a cell read more than once, and when each further reader peels off
    counts: tuple[tuple[StorageCell, tuple[float, ...]], ...] = ()
    expected: StorageCell | None = None  # failed view: where a constant step would land
    expected_step: int = 0
    storage_last: int = -1
    # the walk plays over [0, walk_end], then holds on its last (broken) pair
    walk_end: float = 1.0
    length: float = 1.0  # how long it plays, in units of the usual motion's time


@dataclass(frozen=True, slots=True)
class Sprite:
    text: str
    source: Anchor
    target: Anchor
    progress: float   # 0 at source, 1 at target (eased)
    opacity: float
    offset: tuple[float, float] = (0.0, 0.0)  # cells off the straight source → target line
    shape: Matrix = IDENTITY          # the card's unit square mapped (the turning sheet)
    text_opacity: float = 1.0         # a card seen edge-on hides its number
    link: StorageCell | None = None   # draw a line from the sprite to this storage cell
    style: str = ""                   # "": a card; "dim:N": a label in that axis colour


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
    # the window now: its top-left and bottom-right cells at both ends of this key interval
    # and the progress between them
    window: tuple[Anchor, Anchor, Anchor, Anchor, float] | None = None
    span: tuple[int, float, float] | None = None  # storage id, first and last cell covered
    counts: tuple[tuple[StorageCell, int], ...] = ()
    counts_opacity: float = 0.0
    expected: StorageCell | None = None  # the cell a constant step would have reached
    expected_step: int = 0               # that constant step
    storage_last: int = -1               # the storage's last cell (expected may be past it)
    tweens_opacity: float = 1.0          # the old → new line gives way to the result's header
