"""The canvas scene: header, storage strips, the focused grid, the live formula, the links."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
)

from stridescope.engine.picture.content import Formula, Picture
from stridescope.engine.picture.links import hover_links, link_avoid
from stridescope.engine.picture.scene import Scene, grid_opacity, link_pad, locate
from stridescope.engine.picture.transition import Frame, Plan
from stridescope.gui.canvas.animation_item import AnimationItem
from stridescope.gui.canvas.grid_item import GridItem
from stridescope.gui.canvas.mesh_item import MeshItem
from stridescope.gui.canvas.painting import Run, color, draw_runs, draw_text, runs_width
from stridescope.gui.canvas.strip_item import StripItem
from stridescope.gui.i18n import _
from stridescope.gui.theme import LIGHT, Theme

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class RunsItem(QGraphicsObject):
    """Lines of coloured text runs (the address formula)."""

    def __init__(self, size: float = 18.0, width: float = 0.0) -> None:
        super().__init__()
        self.size = size
        self.width = width  # > 0: a line breaks before a " + " term that would pass it
        self.lines: list[list[Run]] = []
        self._width = 10.0

    def set_lines(self, lines: list[list[Run]]) -> None:
        self.prepareGeometryChange()
        if self.width > 0:
            lines = [part for line in lines for part in self._broken(line)]
        self.lines = lines
        self._width = max((runs_width(r, self.size, mono=True) for r in lines), default=10.0)
        self.update()

    def _broken(self, line: list[Run]) -> list[list[Run]]:
        """The line in pieces no wider than self.width, broken before a run that starts
        with a space (" + i₀·stride₀", " = 9"): the engine reserved the lines
        (measures.formula_line_count)."""
        out: list[list[Run]] = [[]]
        used = 0.0
        for n, (text, hex_code, bold) in enumerate(line):
            w = runs_width([(text, hex_code, bold)], self.size, mono=True)
            # " + " and its term go together
            follow = runs_width(line[n + 1:n + 2], self.size, mono=True) \
                if text.strip() in ("+", "=") else 0.0
            if out[-1] and text.startswith(" ") and used + w + follow > self.width:
                text = "  " + text.lstrip()
                out.append([])
                w = runs_width([(text, hex_code, bold)], self.size, mono=True)
                used = 0.0
            out[-1].append((text, hex_code, bold))
            used += w
        return out

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0, 0, self._width + 4, len(self.lines) * self.size * 1.45 + 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        for n, runs in enumerate(self.lines):
            draw_runs(painter, 0, (n + 1) * self.size * 1.45 - self.size * 0.3, runs, self.size,
                      mono=True)


def formula_lines(formula: Formula | None, theme: Theme, ndim: int,
                  offset: int | None, example: tuple[str, Formula] | None = None
                  ) -> list[list[Run]]:
    """storage index = offset + Σ iₖ·strideₖ, with live numbers coloured by dimension. Under
    the symbols: the hint to hover (the window), or one cell worked out (`example`: a still
    cannot be hovered)."""
    t, m = theme.text, theme.muted
    index_label = _("storage index") + " = "
    if formula is None:
        runs: list[Run] = [(index_label, t, True), (_("offset"), m, False)]
        for d in range(ndim):
            sub = str(d).translate(SUBSCRIPTS)
            runs += [(" + ", m, False), (f"i{sub}·{_('stride')}{sub}", theme.dim_color(d), True)]
        note = f"   ({_('offset')} = {offset})" if offset is not None else ""
        if example is None:
            return [runs + [(note, m, False)],
                    [(_("hover or click a cell to see its address"), m, False)]]
        cell, worked = example
        line: list[Run] = [(_("for example") + f" {cell} → ", m, False),
                           (str(worked.offset), t, True)]
        for d, (i, stride) in enumerate(worked.terms):
            line += [(" + ", m, False), (f"{i}·{stride}", theme.dim_color(d), True)]
        return [runs + [(note, m, False)], line + [(" = ", m, False), (str(worked.result), t,
                                                                       True)]]
    runs = [(index_label, t, True), (str(formula.offset), t, True)]
    for d, (i, s) in enumerate(formula.terms):
        runs += [(" + ", m, False), (f"{i}·{s}", theme.dim_color(d), True)]
    runs += [(" = ", m, False), (str(formula.result), theme.highlight if theme.name != "light"
                                  else t, True)]
    address = [(_("byte address") + " = ", t, True), (f"{formula.storage_ptr:#x}", m, False),
               (" + ", m, False), (f"{formula.result} × {formula.itemsize} B", t, False),
               (" = ", m, False), (f"{formula.address:#x}", t, True)]
    return [runs, address]


class TextsItem(QGraphicsObject):
    """Composed Texts (the header, the storage summaries), painted as they are."""

    def __init__(self, texts, theme: Theme) -> None:
        super().__init__()
        self.texts = tuple(texts)
        self.theme = theme
        rects = [QRectF(*t.rect) for t in self.texts]
        self._bounds = QRectF()
        for rect in rects:
            self._bounds = self._bounds.united(rect)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        for text in self.texts:
            draw_text(painter, text, self.theme)


def _example_cell(grid) -> tuple[str, Formula] | None:
    """The last cell of the first panel drawn (every index at its largest shown: each stride
    counts), as `t[2, 3]`, with its formula."""
    rows = [r for r in grid.rows if r >= 0]
    cols = [c for c in grid.cols if c >= 0]
    if not grid.panels or not rows or not cols:
        return None
    panel = grid.panels[0][0]
    index = grid.grid.logical_index(panel, rows[-1], cols[-1])
    name = grid.grid.tensor.name
    return f"{name}[{', '.join(str(i) for i in index)}]", grid.grid.formula(panel, rows[-1],
                                                                              cols[-1])


class CanvasScene(QGraphicsScene):
    sig_status = Signal(str)
    sig_cell = Signal(object)  # the lit grid cell's logical index, or None (the walk dock)

    def __init__(self, theme: Theme = LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self.composed: Scene | None = None
        self.picture: Picture | None = None
        self.strip_items: dict[int, StripItem] = {}
        self.grid_item: GridItem | None = None
        self.formula_item = RunsItem()
        self.link_item = QGraphicsPathItem()
        self.selection: tuple | None = None  # a clicked cell stays lit when the mouse leaves
        self.overlay: AnimationItem | None = None
        self._anchor_cache: dict = {}
        self.plan: Plan | None = None
        self.interactive = True  # False for exports: no "hover" hint in a still

    # ----------------------------------------------------------------- building
    def show_scene(self, composed: Scene, theme: Theme | None = None) -> None:
        """Replace the items with ones painting `composed` (a Scene from compose)."""
        if theme is not None:
            self.theme = theme
        self.composed = composed
        self.picture = composed.picture
        self.overlay = None  # clear() below deletes it
        self.plan = None
        self.clear()  # deletes the old items
        self.strip_items = {}
        self.grid_item = None
        self.setBackgroundBrush(QBrush(color(self.theme.background)))
        self.addItem(TextsItem(composed.header + composed.summaries, self.theme))
        focus = composed.focus
        for layout in composed.strips:
            item = StripItem(layout, self.theme, focus, composed.value_colors)
            item.sig_hover.connect(self._on_strip_hover)
            item.sig_click.connect(self._on_strip_click)
            self.addItem(item)
            self.strip_items[layout.strip.storage.id] = item
        self.formula_item = RunsItem(composed.type.body, composed.formula[2]
                                     if composed.formula and composed.type.compact else 0.0)
        if composed.grid is not None:
            t = composed.grid.grid.tensor
            grid = GridItem(composed.grid, self.theme, composed.colors.get(t.name, 0),
                            composed.value_colors)
            grid.sig_hover.connect(self._on_grid_hover)
            grid.sig_click.connect(self._on_grid_click)
            self.addItem(grid)
            self.grid_item = grid
            if composed.formula is not None:
                self.formula_item.setPos(composed.formula[0], composed.formula[1])
                self.formula_item.set_lines(formula_lines(
                    None, self.theme, t.ndim, t.storage_offset,
                    None if self.interactive else _example_cell(composed.grid)))
                self.addItem(self.formula_item)
        self.mesh_item = None
        if composed.mesh is not None:  # a sharded tensor: painted by its own item
            self.mesh_item = MeshItem(composed.mesh, self.theme)
            self.addItem(self.mesh_item)
        self.link_item = QGraphicsPathItem()
        self.link_item.setZValue(10)
        self.addItem(self.link_item)
        viewport = composed.viewport
        self.setSceneRect(QRectF(0, 0, viewport.width, viewport.height))

    # ----------------------------------------------------------------- linking
    def _on_grid_hover(self, panel: tuple, row: int, col: int) -> None:
        if row < 0:
            self._restore_selection()
            return
        self.show_grid_cell(panel, row, col)

    def _on_grid_click(self, panel: tuple, row: int, col: int) -> None:
        self.selection = ("grid", panel, row, col) if row >= 0 else None

    def _on_strip_hover(self, storage_id: int, cell: int) -> None:
        if cell < 0:
            self._restore_selection()
            return
        self.show_storage_cell(storage_id, cell)

    def _on_strip_click(self, storage_id: int, cell: int) -> None:
        self.selection = ("strip", storage_id, cell) if cell >= 0 else None

    def _restore_selection(self) -> None:
        if self.selection is None:
            self.clear_highlight()
        elif self.selection[0] == "grid":
            self.show_grid_cell(*self.selection[1:])
        else:
            self.show_storage_cell(*self.selection[1:])

    def clear_highlight(self) -> None:
        for item in self.strip_items.values():
            item.set_highlight(set())
        if self.grid_item is not None:
            self.grid_item.set_highlight(None, ())
            t = self.grid_item.grid.tensor
            self.formula_item.set_lines(formula_lines(None, self.theme, t.ndim, t.storage_offset))
        self.link_item.setPath(QPainterPath())
        self.sig_cell.emit(None)

    def show_grid_cell(self, panel: tuple, row: int, col: int) -> int:
        """Light a grid cell, its storage cell and every grid cell reading it; return k."""
        grid_item = self.grid_item
        assert grid_item is not None
        grid = grid_item.grid
        k = grid.storage_index(panel, row, col)
        others = [(p, r, c) for p in grid_item.panels for r, c in grid.cells_reading(k, p)]
        grid_item.set_highlight((panel, row, col), others)
        strip_item = self.strip_items.get(grid.tensor.storage_id)
        for sid, item in self.strip_items.items():
            item.set_highlight({k} if sid == grid.tensor.storage_id else set())
        formula = grid.formula(panel, row, col)
        self.formula_item.set_lines(formula_lines(formula, self.theme, grid.tensor.ndim, None))
        self._draw_links([(panel, row, col)], strip_item, k)
        logical = grid.logical_index(panel, row, col)
        self.sig_cell.emit(tuple(logical))
        index = ", ".join(str(i) for i in logical)
        self.sig_status.emit(_("{name}[{index}] → storage index {k} (value {value})").format(
            name=grid.tensor.name, index=index, k=k, value=grid.value_text(k)))
        return k

    def show_storage_cell(self, storage_id: int, cell: int) -> None:
        """Light a storage cell and every logical position of the focused grid that reads it."""
        strip_item = self.strip_items.get(storage_id)
        for sid, item in self.strip_items.items():
            item.set_highlight({cell} if sid == storage_id else set())
        readers = []
        grid_item = self.grid_item
        if grid_item is not None and grid_item.grid.tensor.storage_id == storage_id:
            grid = grid_item.grid
            readers = [(p, r, c) for p in grid_item.panels for r, c in grid.cells_reading(cell, p)]
            grid_item.set_highlight(readers[0] if readers else None, readers)
            if readers:
                formula = grid.formula(*readers[0])
                self.formula_item.set_lines(
                    formula_lines(formula, self.theme, grid.tensor.ndim, None))
        self._draw_links(readers[:32], strip_item, cell)
        names = []
        if strip_item is not None:
            names = [o.name for o in strip_item.strip.overlays if o.covers(cell)]
        self.sig_status.emit(_("storage S{id}[{cell}] is read by {names} · {n} cell(s) of the "
                               "grid").format(id=storage_id, cell=cell,
                                              names=", ".join(names) if names else _("no tensor"),
                                              n=len(readers)))

    def _draw_links(self, cells: list[tuple], strip_item: StripItem | None, k: int) -> None:
        """Curves from each grid cell to the storage cell it reads, leaving from the cell's
        side that faces the strip and arriving at the storage cell's top edge, broken around
        the titles and the formula (the engine's geometry: links.hover_links)."""
        path = QPainterPath()
        if self.grid_item is not None and strip_item is not None and self.composed is not None:
            last = None
            for a, b in hover_links(self.composed, cells, strip_item.strip.storage.id, k):
                if last is None or abs(last[0] - a[0]) > 0.01 or abs(last[1] - a[1]) > 0.01:
                    path.moveTo(QPointF(*a))
                path.lineTo(QPointF(*b))
                last = b
        pen = QPen(color(self.theme.highlight), 3.0)
        pen.setCosmetic(True)
        self.link_item.setPen(pen)
        self.link_item.setPath(path)

    # ----------------------------------------------------------------- animation
    def begin_animation(self, plan: Plan | None = None) -> None:
        """Prepare to paint frames of the composed plan over the current picture."""
        self.end_animation()
        plan = plan or (self.composed.plan if self.composed else None)
        if plan is None:
            return
        self.plan = plan
        self._anchor_cache = {}
        composed = self.composed
        tween_at = QPointF(composed.grid.rect[0], composed.grid.rect[1]) if composed.grid \
            else QPointF(0, 0)
        focus = composed.grid.grid.tensor.name if composed.grid else None
        tint = self.theme.tensor_color(composed.colors.get(focus, 0)) if focus else None
        self.overlay = AnimationItem(self.theme, self.locate, self.sceneRect(), tween_at,
                                     composed.type, tint,
                                     avoid=lambda frame: link_avoid(composed, frame),
                                     pad=link_pad(composed), count_at=self._count_at)
        self.overlay.prepare(plan)  # geometry and labels before the first frame
        self.addItem(self.overlay)
        # static items are painted once into a device cache while the overlay moves
        for item in (self.grid_item, *self.strip_items.values()):
            if item is not None:
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if plan.kind in ("view", "copy", "new", "fade"):  # the new strides are the result:
            self._show_arcs(False)                        # they appear with it, not before

    def show_frame(self, frame: Frame) -> None:
        if self.overlay is None or self.plan is None:
            return
        self.overlay.set_frame(frame)
        if self.grid_item is not None and self.plan.kind in ("view", "copy", "new", "fade"):
            # a copy's grid is there from the start, faint: the logical order the values are
            # read in while they fly to the new strip (the frame is never half empty)
            self.grid_item.setOpacity(grid_opacity(self.plan, frame))
        new_strip = self.strip_items.get(self.plan.new_storage or -1)
        if new_strip is not None:
            new_strip.setOpacity(0.25 + 0.75 * frame.result_opacity)
        if frame.result_opacity >= 0.5:
            self._show_arcs(True)

    def _show_arcs(self, visible: bool) -> None:
        for item in self.strip_items.values():
            if item.arcs_visible != visible:
                item.arcs_visible = visible
                item.update()  # one repaint of its cache, twice per animation

    def end_animation(self) -> None:
        if self.overlay is not None:
            self.removeItem(self.overlay)
            self.overlay.deleteLater()
            self.overlay = None
        for item in (self.grid_item, *self.strip_items.values()):
            if item is not None:
                item.setOpacity(1.0)
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self._show_arcs(True)
        self.plan = None

    def _count_at(self, anchor) -> QRectF | None:
        """Where a storage cell's read count goes (StripLayout.count_rect), if anywhere."""
        strips = self.composed.strips if self.composed is not None else ()
        strip = next((s for s in strips if s.strip.storage.id == anchor.storage_id), None)
        rect = strip.count_rect(anchor.cell) if strip is not None else None
        return QRectF(*rect) if rect is not None else None

    def locate(self, anchor) -> QRectF | None:
        """Scene rectangle of an engine anchor; cached while one animation plays."""
        if anchor not in self._anchor_cache:
            rect = locate(self.composed, anchor) if self.composed else None
            self._anchor_cache[anchor] = QRectF(*rect) if rect is not None else None
        return self._anchor_cache[anchor]
