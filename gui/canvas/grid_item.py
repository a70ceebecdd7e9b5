"""The focused tensor's logical grid, painted from a composed GridLayout (no layout here)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from stridescope.engine.picture.scene import GridLayout, Scene
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


class GridItem(QGraphicsObject):
    sig_hover = Signal(tuple, int, int)  # panel, row, col (row -1: left)
    sig_click = Signal(tuple, int, int)

    def __init__(self, layout: GridLayout, theme: Theme, color_index: int,
                 value_colors: bool = False) -> None:
        super().__init__()
        self.value_colors = value_colors
        self.layout = layout
        self.grid = layout.grid
        self.theme = theme
        self.color_index = color_index
        self.panels = layout.panel_keys
        self.primary: tuple[tuple, int, int] | None = None
        self.secondary: set[tuple[tuple, int, int]] = set()
        self.flash: set[tuple[tuple, int, int]] = set()
        self.setAcceptHoverEvents(True)
        # without this flag option.exposedRect is the whole item and paint() draws every cell
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ----------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802
        return qrect(self.layout.rect).adjusted(-4, -4, 4, 4)

    def cell_rect(self, panel: tuple, row: int, col: int) -> QRectF:
        rect = self.layout.cell_rect(panel, row, col)
        return qrect(rect) if rect is not None else QRectF()

    def cell_at(self, pos: QPointF) -> tuple[tuple, int, int] | None:
        return self.layout.cell_at(pos.x(), pos.y())

    def set_highlight(self, primary, secondary) -> None:
        self.primary = primary
        self.secondary = set(secondary)
        self.update()

    # ----------------------------------------------------------------- events
    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        hit = self.cell_at(event.pos())
        self.sig_hover.emit(*(hit or ((), -1, -1)))

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.sig_hover.emit((), -1, -1)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        hit = self.cell_at(event.pos())
        self.sig_click.emit(*(hit or ((), -1, -1)))

    # ----------------------------------------------------------------- painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        theme = self.theme
        layout = self.layout
        exposed = visible_rect(painter, option.exposedRect)
        for text in layout.texts:
            if qrect(text.rect).intersects(exposed):
                draw_text(painter, text, theme)
        cell = layout.cell
        fill = color(theme.tensor_color(self.color_index), 55)
        border = QPen(color(theme.cell_border), 1.0)
        border.setCosmetic(True)
        value_font = font(layout.value_px, True, True) if layout.value_px else None
        index_px = layout.small_px if layout.show_index else 0
        for panel, px, py in layout.panels:
            panel_rect = QRectF(px, py, len(layout.cols) * cell, len(layout.rows) * cell)
            if not panel_rect.intersects(exposed):
                continue
            cells = []
            for ri, row in enumerate(layout.rows):
                for ci, col in enumerate(layout.cols):
                    rect = QRectF(px + ci * cell, py + ri * cell, cell, cell)
                    if rect.intersects(exposed):
                        cells.append((rect, row, col))
            real = [(rect, row, col) for rect, row, col in cells if row >= 0 and col >= 0]
            draw_cells(painter, [rect for rect, _, _ in real], fill, border)
            if self.value_colors:  # each cell in the hue of the storage element it reads
                dark = theme.name != "light"
                for rect, row, col in real:
                    k = self.grid.storage_index(panel, row, col)
                    painter.fillRect(rect.adjusted(1, 1, -1, -1),
                                     value_fill(Scene.value_hue(k), dark))
            if value_font is not None:
                painter.setFont(value_font)
                painter.setPen(color(theme.text))
                for rect, row, col in real:
                    k = self.grid.storage_index(panel, row, col)
                    lift = -layout.small_px * 0.45 if layout.show_index else 0.0
                    painter.drawText(rect.adjusted(0, lift, 0, lift),
                                     Qt.AlignmentFlag.AlignCenter, self.grid.value_text(k))
                painter.setPen(color(theme.muted))
                for rect, row, col in cells:
                    if row < 0 or col < 0:
                        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                                         "⋱" if row < 0 and col < 0 else
                                         ("⋮" if row < 0 else "⋯"))
            if index_px:
                painter.setFont(font(index_px, False, True))
                painter.setPen(color(theme.muted))
                for rect, row, col in real:
                    k = self.grid.storage_index(panel, row, col)
                    painter.drawText(rect.adjusted(0, 0, -3, -1), Qt.AlignmentFlag.AlignRight
                                     | Qt.AlignmentFlag.AlignBottom, f"#{k}")
            self._paint_marks(painter, panel)

    def _paint_marks(self, painter: QPainter, panel: tuple) -> None:
        theme = self.theme
        if self.primary and self.primary[0] == panel:
            painter.setPen(QPen(color(theme.highlight), 4.5))
            painter.drawRect(self.cell_rect(*self.primary).adjusted(2, 2, -2, -2))
        painter.setPen(QPen(color(theme.highlight), 3.0, Qt.PenStyle.DashLine))
        for key in self.secondary:
            if key[0] == panel and key != self.primary:
                painter.drawRect(self.cell_rect(*key).adjusted(3, 3, -3, -3))
        painter.setPen(QPen(color(theme.written), 3.0, Qt.PenStyle.DashLine))
        for key in self.layout.written:  # cells reading what this step wrote
            if key[0] == panel and self.layout.cell_rect(*key) is not None:
                painter.drawRect(self.cell_rect(*key).adjusted(3, 3, -3, -3))
        painter.setPen(QPen(color(theme.written), 4.0))
        for key in self.flash:
            if key[0] == panel:
                painter.drawRect(self.cell_rect(*key).adjusted(2, 2, -2, -2))
