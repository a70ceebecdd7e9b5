"""The canvas scene: header, storage strips, the focused grid, the live formula, the links."""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsTextItem,
)

from engine.picture import Formula, Picture
from engine.transition import Frame, GridCell, Plan, StorageCell
from gui.canvas.animation_item import AnimationItem
from gui.canvas.grid_item import GridItem
from gui.canvas.painting import Run, color, draw_runs, runs_width
from gui.canvas.strip_item import StripItem
from gui.i18n import _
from gui.theme import LIGHT, Theme

MARGIN = 24.0
GAP = 26.0
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class RunsItem(QGraphicsObject):
    """Lines of coloured text runs (the address formula)."""

    def __init__(self, size: float = 13.0) -> None:
        super().__init__()
        self.size = size
        self.lines: list[list[Run]] = []
        self._width = 10.0

    def set_lines(self, lines: list[list[Run]]) -> None:
        self.prepareGeometryChange()
        self.lines = lines
        self._width = max((runs_width(r, self.size, mono=True) for r in lines), default=10.0)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0, 0, self._width + 4, len(self.lines) * self.size * 1.9 + 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        for n, runs in enumerate(self.lines):
            draw_runs(painter, 0, (n + 1) * self.size * 1.9 - 6, runs, self.size, mono=True)


def formula_lines(formula: Formula | None, theme: Theme, ndim: int,
                  offset: int | None) -> list[list[Run]]:
    """storage index = offset + Σ iₖ·strideₖ, with live numbers coloured by dimension."""
    t, m = theme.text, theme.muted
    index_label = _("storage index") + " = "
    if formula is None:
        runs: list[Run] = [(index_label, t, True), (_("offset"), m, False)]
        for d in range(ndim):
            sub = str(d).translate(SUBSCRIPTS)
            runs += [(" + ", m, False), (f"i{sub}·stride{sub}", theme.dim_color(d), True)]
        note = f"   ({_('offset')} = {offset})" if offset is not None else ""
        return [runs + [(note, m, False)],
                [(_("hover or click a cell to see its address"), m, False)]]
    runs = [(index_label, t, True), (str(formula.offset), t, True)]
    for d, (i, s) in enumerate(formula.terms):
        runs += [(" + ", m, False), (f"{i}·{s}", theme.dim_color(d), True)]
    runs += [(" = ", m, False), (str(formula.result), theme.highlight if theme.name != "light"
                                  else t, True)]
    address = [(_("byte address") + " = ", t, True), (f"{formula.storage_ptr:#x}", m, False),
               (" + ", m, False), (f"{formula.result} × {formula.itemsize} B", t, False),
               (" = ", m, False), (f"{formula.address:#x}", t, True)]
    return [runs, address]


class CanvasScene(QGraphicsScene):
    sig_status = Signal(str)

    def __init__(self, theme: Theme = LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self.picture: Picture | None = None
        self.strip_items: dict[int, StripItem] = {}
        self.grid_item: GridItem | None = None
        self.formula_item = RunsItem()
        self.link_item = QGraphicsPathItem()
        self.header = QGraphicsTextItem()
        self.selection: tuple | None = None  # a clicked cell stays lit when the mouse leaves
        self.caption: str = ""
        self.step_count = 0
        self.overlay: AnimationItem | None = None
        self._anchor_cache: dict = {}
        self.ghost: GridItem | None = None
        self.plan: Plan | None = None

    # ----------------------------------------------------------------- building
    def set_picture(self, picture: Picture, theme: Theme | None = None, caption: str = "",
                    colors: dict[str, int] | None = None, width: float = 1200.0,
                    step_count: int = 0) -> None:
        if theme is not None:
            self.theme = theme
        self.picture = picture
        self.caption = caption
        self.step_count = step_count or picture.step.index + 1
        self.overlay = None  # clear() below deletes it
        self.ghost = None
        self.plan = None
        self.clear()  # deletes the old items
        self.strip_items = {}
        self.grid_item = None
        self.formula_item = RunsItem()
        self.link_item = QGraphicsPathItem()
        self.header = QGraphicsTextItem()
        self.setBackgroundBrush(QBrush(color(self.theme.background)))
        colors = colors or {}
        focus = picture.grid.tensor if picture.grid else None
        y = MARGIN
        for strip in picture.strips:
            item = StripItem(strip, self.theme, picture.focus,
                             focus.stride if focus and focus.storage_id == strip.storage.id
                             else ())
            item.setPos(MARGIN, y)
            item.sig_hover.connect(self._on_strip_hover)
            item.sig_click.connect(self._on_strip_click)
            self.addItem(item)
            self.strip_items[strip.storage.id] = item
            y += item.boundingRect().height() + GAP
        if picture.grid is not None:
            t = picture.grid.tensor
            self.formula_item.set_lines(formula_lines(None, self.theme, t.ndim, t.storage_offset))
            self.formula_item.setPos(MARGIN, y)
            self.addItem(self.formula_item)
            y += self.formula_item.boundingRect().height() + 6
            grid = GridItem(picture.grid, self.theme, colors.get(t.name, 0),
                            self._relation(picture), max_width=width - 2 * MARGIN)
            grid.setPos(MARGIN, y)
            grid.sig_hover.connect(self._on_grid_hover)
            grid.sig_click.connect(self._on_grid_click)
            self.addItem(grid)
            self.grid_item = grid
        self.link_item.setZValue(10)
        self.addItem(self.link_item)
        # the header spans the content's width; everything moves down below it
        content = self.itemsBoundingRect()
        self.header.setHtml(self._header_html(picture))
        self.header.setTextWidth(max(min(content.width(), width - 2 * MARGIN), 560))
        self.header.setPos(MARGIN, MARGIN)
        shift = self.header.boundingRect().height() + 8
        for item in self.items():
            if item is not self.link_item:
                item.moveBy(0, shift)
        self.addItem(self.header)
        rect = self.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        rect.setLeft(0)
        rect.setTop(0)
        self.setSceneRect(rect)

    def _header_html(self, picture: Picture) -> str:
        step = picture.step
        theme = self.theme
        total = _("Step {n} of {total} · line {line}").format(n=step.index + 1,
                                                               total=self.step_count,
                                                               line=step.line)
        source = html.escape(step.source.splitlines()[0] if step.source else "")
        if step.source.count("\n"):
            source += " …"
        parts = [f"<div style='font-size:13pt; color:{theme.muted}'>{total}"
                 f"</div><div style='font-family:DejaVu Sans Mono,monospace; font-size:16pt; "
                 f"color:{theme.text}'><b>{source}</b></div>"]
        if self.caption:
            caption = html.escape(self.caption).replace("\n", "<br>")
            parts.append(f"<div style='font-size:14pt; color:{theme.text}; "
                         f"background:{theme.panel}'>{caption}</div>")
        if step.stdout:
            out = html.escape(step.stdout.rstrip("\n")[:600])
            parts.append(f"<pre style='font-size:11pt; color:{theme.muted}; margin:2px'>"
                         f"{out}</pre>")
        if step.error is not None:
            message = html.escape(f"{step.error.type}: {step.error.message}")
            parts.append(f"<div style='font-size:13pt; color:{theme.error}; "
                         f"background:{theme.error_fill}'><b>✖ {message}</b></div>")
            if step.error.explanation is not None:
                text = html.escape(step.error.explanation.text(_))
                parts.append(f"<div style='font-size:12pt; color:{theme.text}; "
                             f"background:{theme.error_fill}'>{text}</div>")
        return "".join(parts)

    def _relation(self, picture: Picture) -> str:
        grid = picture.grid
        assert grid is not None
        t = grid.tensor
        step = picture.step
        storage = f"S{t.storage_id}"
        sharing = [n for n in step.names_on(t.storage_id) if n != t.name]
        produced = t.origin
        source = produced.source if produced else None
        if produced and produced.kind == "view":
            text = _("view of {source} — shares storage {storage}, no data copied")
        elif produced and produced.kind == "copy":
            text = _("copy of {source} — new storage {storage}")
        elif produced and produced.kind == "alias":
            text = _("another name for {source} (same tensor object)")
        else:
            text = _("lives on storage {storage}")
        text = text.format(source=source, storage=storage)
        names = ", ".join(sharing)
        if sharing and not (produced and produced.kind == "view"):
            text += " · " + _("shares it with {names}").format(names=names)
        elif sharing:
            text += " · " + _("also on it: {names}").format(names=names)
        return text + f" · data_ptr {t.data_ptr:#x}"

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
        index = ", ".join(str(i) for i in grid.logical_index(panel, row, col))
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
        path = QPainterPath()
        if strip_item is not None and self.grid_item is not None and 0 <= k < strip_item.cells:
            target = strip_item.mapToScene(strip_item.cell_rect(k).center())
            target = QPointF(target.x(), target.y() + 18)
            for panel, row, col in cells:
                rect = self.grid_item.cell_rect(panel, row, col)
                start = self.grid_item.mapToScene(QPointF(rect.center().x(), rect.top() + 4))
                path.moveTo(start)
                mid_y = (start.y() + target.y()) / 2
                path.cubicTo(QPointF(start.x(), mid_y), QPointF(target.x(), mid_y), target)
        pen = QPen(color(self.theme.highlight), 2.5)
        pen.setCosmetic(True)
        self.link_item.setPen(pen)
        self.link_item.setPath(path)

    # ----------------------------------------------------------------- animation
    def begin_animation(self, plan: Plan) -> None:
        """Prepare to paint frames of `plan` over the current picture."""
        self.end_animation()
        self.plan = plan
        self.ghost = None
        self._anchor_cache = {}
        if plan.before is not None and self.grid_item is not None and self.picture is not None:
            from engine.picture import Grid

            self.ghost = GridItem(Grid(plan.before, None), self.theme, 0,
                                  max_width=self.grid_item.boundingRect().width())
        tween_at = QPointF(MARGIN, MARGIN + 20)
        if self.grid_item is not None:
            tween_at = self.grid_item.mapToScene(QPointF(0, 44))
        self.overlay = AnimationItem(self.theme, self.locate, self.sceneRect(), tween_at)
        self.addItem(self.overlay)
        # static items are painted once into a device cache while the overlay moves
        for item in (self.grid_item, *self.strip_items.values()):
            if item is not None:
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def show_frame(self, frame: Frame) -> None:
        if self.overlay is None or self.plan is None:
            return
        self.overlay.set_frame(frame)
        if self.grid_item is not None and self.plan.kind in ("view", "copy", "new", "fade"):
            self.grid_item.setOpacity(frame.result_opacity)
        new_strip = self.strip_items.get(self.plan.new_storage or -1)
        if new_strip is not None:
            new_strip.setOpacity(0.25 + 0.75 * frame.result_opacity)

    def end_animation(self) -> None:
        if self.overlay is not None:
            self.removeItem(self.overlay)
            self.overlay.deleteLater()
            self.overlay = None
        for item in (self.grid_item, *self.strip_items.values()):
            if item is not None:
                item.setOpacity(1.0)
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.plan = None
        self.ghost = None

    def locate(self, anchor) -> QRectF | None:
        """Scene rectangle of an engine anchor; cached while one animation plays."""
        if anchor in self._anchor_cache:
            return self._anchor_cache[anchor]
        rect = self._locate(anchor)
        self._anchor_cache[anchor] = rect
        return rect

    def _locate(self, anchor) -> QRectF | None:
        if isinstance(anchor, StorageCell):
            item = self.strip_items.get(anchor.storage_id)
            if item is None or not 0 <= anchor.cell < item.cells:
                return None
            return item.mapRectToScene(item.cell_rect(anchor.cell))
        if isinstance(anchor, GridCell) and self.grid_item is not None:
            if anchor.which == "after":
                return self.grid_item.mapRectToScene(
                    self.grid_item.cell_rect(anchor.panel, anchor.row, anchor.col))
            if self.ghost is not None:
                return self.ghost.cell_rect(anchor.panel, anchor.row, anchor.col).translated(
                    self.grid_item.pos())
        return None
