"""A storage strip, painted from a composed StripLayout: cells in memory order, one lane per
tensor reading it (in bytes), the pointer at each offset, stride arcs (no layout here)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from stridescope.engine.picture.scene import Scene, StripLayout
from stridescope.gui.canvas.painting import (
    color,
    draw_cells,
    draw_text,
    font,
    value_fill,
    visible_rect,
)
from stridescope.gui.theme import Theme


def qrect(rect) -> QRectF:
    return QRectF(*rect)


class StripItem(QGraphicsObject):
    """Paints only the exposed rows."""

    sig_hover = Signal(int, int)  # storage id, cell (-1: left)
    sig_click = Signal(int, int)

    def __init__(self, layout: StripLayout, theme: Theme, focus: str | None,
                 value_colors: bool = False) -> None:
        super().__init__()
        self.value_colors = value_colors
        self.layout = layout
        self.strip = layout.strip
        self.theme = theme
        self.focus = focus
        self.cells = layout.strip.cells
        self.highlight: set[int] = set()
        self.flash: set[int] = set()
        self.arcs_visible = True  # hidden while a view animates: the strides are its result
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ----------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802
        x, y, w, h = self.layout.rect
        top = min((a.label.rect[1] for a in self.layout.arcs), default=y)
        return QRectF(x - 4, min(y, top) - 4, w + 8, h + (y - min(y, top)) + 8)

    def cell_rect(self, cell: int) -> QRectF:
        rect = self.layout.cell_rect(cell)
        return qrect(rect) if rect is not None else QRectF()

    def cell_at(self, pos: QPointF) -> int:
        return self.layout.cell_at(pos.x(), pos.y())

    def set_highlight(self, cells: set[int]) -> None:
        if cells != self.highlight:
            self.highlight = cells
            self.update()

    # ----------------------------------------------------------------- events
    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        self.sig_hover.emit(self.strip.storage.id, self.cell_at(event.pos()))

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.sig_hover.emit(self.strip.storage.id, -1)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.sig_click.emit(self.strip.storage.id, self.cell_at(event.pos()))

    # ----------------------------------------------------------------- painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        layout = self.layout
        theme = self.theme
        exposed = visible_rect(painter, option.exposedRect)
        for text in layout.texts:
            if qrect(text.rect).intersects(exposed):
                draw_text(painter, text, theme)
        focus = next((o for o in self.strip.overlays if o.name == self.focus), None)
        border = QPen(color(theme.cell_border), 1.0)
        border.setCosmetic(True)
        tint = color(theme.tensor_color(focus.color), 70) if focus else None
        cell = layout.cell
        for row in layout.rows:
            lanes_bottom = layout.lane_y(row, len(self.strip.overlays))
            if row.skipped or not QRectF(layout.x0, row.y, row.count * cell,
                                         lanes_bottom - row.y).intersects(exposed):
                if row.skipped:
                    self._paint_break(painter, row)
                continue
            col0 = max(0, math.floor((exposed.left() - layout.x0) / cell))
            col1 = min(row.count - 1, math.floor((exposed.right() - layout.x0) / cell))
            cells = range(row.start + col0, min(row.start + col1 + 1, self.strip.cells))
            rects = [QRectF(layout.x0 + (k - row.start) * cell, row.y, cell, cell) for k in cells]
            draw_cells(painter, rects, color(theme.cell), border)
            self._paint_ghosts(painter, row)
            if self.value_colors:
                dark = theme.name != "light"
                for k, rect in zip(cells, rects):
                    painter.fillRect(rect.adjusted(1, 1, -1, -1),
                                     value_fill(Scene.value_hue(k), dark))
            elif focus is not None:
                for k, rect in zip(cells, rects):
                    for a, b in focus.segments(k):
                        painter.fillRect(QRectF(rect.left() + a * cell, rect.top(),
                                                (b - a) * cell, cell), tint)
            self._paint_values(painter, cells, rects)
            self._paint_lanes(painter, row, cells)
        self._paint_marks(painter)
        if self.arcs_visible:
            self._paint_arcs(painter)

    def _paint_ghosts(self, painter: QPainter, row) -> None:
        """Cells past the storage's end that a failed layout would read: dashed, ✗."""
        layout = self.layout
        for k in layout.ghosts:
            if not row.start <= k < row.start + row.count:
                continue
            rect = QRectF(layout.x0 + (k - row.start) * layout.cell, row.y, layout.cell,
                          layout.cell).adjusted(2, 2, -2, -2)
            painter.setPen(QPen(color(self.theme.error), 2.5, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            painter.setFont(font(max(layout.value_px, layout.small_px), True, False))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "✗")

    def _paint_values(self, painter: QPainter, cells, rects) -> None:
        layout, theme = self.layout, self.theme
        if layout.value_px:
            painter.setFont(font(layout.value_px, False, True))
            painter.setPen(color(theme.text))
            lift = -layout.small_px * 0.45 if layout.show_bytes else 0.0
            for k, rect in zip(cells, rects):
                painter.drawText(rect.adjusted(0, lift, 0, lift), Qt.AlignmentFlag.AlignCenter,
                                 self.strip.value_text(k))
        small = layout.small_px
        if layout.show_bytes:
            painter.setFont(font(small, False, True))
            painter.setPen(color(theme.muted))
            for k, rect in zip(cells, rects):
                painter.drawText(rect.adjusted(0, 0, -3, -1), Qt.AlignmentFlag.AlignRight
                                 | Qt.AlignmentFlag.AlignBottom,
                                 f"+{k * self.strip.itemsize}B")
        # how many grid positions read a cell ("×4") is a label under it, among the texts

    def _paint_lanes(self, painter: QPainter, row, cells) -> None:
        layout = self.layout
        cell = layout.cell
        bar = layout.lane_h * 0.55
        for lane, overlay in enumerate(self.strip.overlays):
            y = layout.lane_y(row, lane) + (layout.lane_h - bar) / 2
            tint = color(self.theme.tensor_color(overlay.color))
            # a NumPy array is not a tensor: its lane is hatched and outlined, not solid
            fill = QBrush(tint, Qt.BrushStyle.BDiagPattern) if overlay.kind == "array" else tint
            spans: list[list[float]] = []  # the lane is in bytes: one bar per covered run
            ticks: list[float] = []
            for k in cells:
                x = layout.x0 + (k - row.start) * cell
                segments = overlay.segments(k)
                for a, b in segments:
                    if spans and abs(spans[-1][1] - (x + a * cell)) < 0.5:
                        spans[-1][1] = x + b * cell
                    else:
                        spans.append([x + a * cell, x + b * cell])
                ticks += [x + f * cell for f in (overlay.element_starts(k) if segments else ())
                          if any(a <= f <= b for a, b in segments)]
            for left, right in spans:
                segment = QRectF(left, y, right - left, bar)
                painter.fillRect(segment, fill)
                if overlay.kind == "array":
                    painter.setPen(QPen(tint, 1.2))
                    painter.drawRect(segment)
            painter.setPen(QPen(color(self.theme.background), 2.0))
            for t in ticks:  # cut where the tensor's own elements begin
                painter.drawLine(QPointF(t, y), QPointF(t, y + bar))
            # the pointer: where this tensor's first element (its storage offset) starts
            start = overlay.offset_cell
            if row.start <= start < row.start + row.count:
                x = layout.x0 + (start - row.start) * cell
                h = layout.lane_h * 0.9
                top = y + bar / 2 - h / 2
                tri = QPolygonF([QPointF(x, top), QPointF(x + h * 0.8, top + h / 2),
                                 QPointF(x, top + h)])
                painter.setPen(QPen(color(self.theme.text), 1.2))
                painter.setBrush(tint)
                painter.drawPolygon(tri)
                painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_break(self, painter: QPainter, row) -> None:
        """A break row is its note ('… N more cells …'); a short zigzag marks the cut."""
        layout = self.layout
        y = row.y + layout.small_px * 0.8
        x = layout.x0 - layout.small_px * 1.6
        path = QPainterPath(QPointF(x, y))
        for n in range(4):
            path.lineTo(x + (n + 0.5) * layout.small_px * 0.3, y + (-1 if n % 2 else 1) * 4)
        painter.setPen(QPen(color(self.theme.muted), 1.5))
        painter.drawPath(path)

    def _paint_marks(self, painter: QPainter) -> None:
        layout = self.layout
        pen = QPen(color(self.theme.written), 3.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)  # what this step wrote, outlined in the still as well
        for k in layout.written:
            rect = layout.cell_rect(k)
            if rect is not None:
                painter.drawRect(qrect(rect).adjusted(3, 3, -3, -3))
        for cells, hex_code in ((self.flash, self.theme.written),
                                (self.highlight, self.theme.highlight)):
            painter.setPen(QPen(color(hex_code), 4.0))
            for k in cells:
                rect = layout.cell_rect(k)
                if rect is not None:
                    painter.drawRect(qrect(rect).adjusted(2, 2, -2, -2))
        # every tensor that reads a lit cell: its lane segment is outlined too
        painter.setPen(QPen(color(self.theme.highlight), 2.5))
        for k in self.highlight:
            rect = layout.cell_rect(k)
            row = next((r for r in layout.rows if not r.skipped
                        and r.start <= k < r.start + r.count), None)
            if rect is None or row is None:
                continue
            for lane, overlay in enumerate(self.strip.overlays):
                if overlay.covers(k):
                    y = layout.lane_y(row, lane)
                    painter.drawRect(QRectF(rect[0], y, layout.cell, layout.lane_h - 1))

    def _paint_arcs(self, painter: QPainter) -> None:
        layout = self.layout
        for arc in layout.arcs:
            a, b = layout.cell_rect(arc.start), layout.cell_rect(arc.end)
            if a is None or b is None:
                continue
            ax, bx = a[0] + a[2] / 2, b[0] + b[2] / 2
            top = arc.label.rect[1] + arc.label.rect[3]
            base = a[1] - layout.ruler
            # a bracket: up from the first cell, across at its level, down onto cell +stride;
            # longer steps sit higher, so no line crosses a shorter step's label
            r = min(8.0, abs(bx - ax) / 2, (base - top) / 2)
            sign = 1 if bx >= ax else -1
            path = QPainterPath(QPointF(ax, base))
            path.lineTo(ax, top + r)
            path.quadTo(QPointF(ax, top), QPointF(ax + sign * r, top))
            path.lineTo(bx - sign * r, top)
            path.quadTo(QPointF(bx, top), QPointF(bx, top + r))
            path.lineTo(bx, base)
            painter.setPen(QPen(color(self.theme.dim_color(arc.dim)), 2.4))
            painter.drawPath(path)
            draw_text(painter, arc.label, self.theme)
