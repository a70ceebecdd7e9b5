"""Paints a MeshLayout (engine/picture/mesh_layout.py): cells filled in their ranks' colours,
replicated cells striped, values, texts; hovering a global cell lights the ranks and local
storage cells that hold it. No layout here: every rectangle comes from the layout."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsObject

from stridescope.engine.picture.mesh_layout import MeshLayout
from stridescope.gui.canvas.painting import color, draw_centered, draw_text
from stridescope.gui.theme import Theme


class MeshItem(QGraphicsObject):
    def __init__(self, layout: MeshLayout, theme: Theme) -> None:
        super().__init__()
        self.layout = layout
        self.theme = theme
        self.lit: set[tuple] = set()
        self.hovered: tuple | None = None
        self._globals = [c for c in layout.cells if c.key[0] == "global"]
        self._moves = dict(layout.moves)
        self.progress = 1.0  # < 1: local cells on their way from where their values were
        self.setAcceptHoverEvents(True)

    def set_progress(self, t: float) -> None:
        self.progress = min(1.0, max(0.0, t))
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(*self.layout.rect).adjusted(-4, -4, 4, 4)

    def light(self, key: tuple | None) -> None:
        """Light global cell `key` and what holds it (None: nothing)."""
        self.hovered = key
        self.lit = set(self.layout.links.get(key, ())) if key else set()
        self.update()

    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        point = event.pos()
        hit = next((c.key for c in self._globals if QRectF(*c.rect).contains(point)), None)
        if hit != self.hovered:
            self.light(hit)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.light(None)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        theme = self.theme
        for text in self.layout.texts:
            draw_text(painter, text, theme)
        border = QPen(color(theme.muted), 1)
        moving = self.progress < 1.0 and self._moves
        t = self.progress * self.progress * (3 - 2 * self.progress)  # ease in and out
        cells = [c for c in self.layout.cells if not (moving and c.key in self._moves)]
        if moving:  # drawn last, over everything, between where they were and where they go
            cells += [c for c in self.layout.cells if c.key in self._moves]
        for cell in cells:
            rect = QRectF(*cell.rect)
            if moving and cell.key in self._moves:
                x, y, w, h = self._moves[cell.key]
                tx, ty, tw, th = cell.rect
                rect = QRectF(x + (tx - x) * t, y + (ty - y) * t, w + (tw - w) * t,
                              h + (th - h) * t)
            flying = moving and cell.key in self._moves
            self._fill(painter, rect, cell.ranks, 255 if flying else 150)  # opaque in flight
            lit = cell.key in self.lit or cell.key == self.hovered
            painter.setPen(QPen(color(theme.text), 3) if lit else border)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            if not cell.text:
                continue
            if cell.key[0] == "rank":
                draw_centered(painter, rect, cell.text, self._rank_px(rect), theme.text,
                              bold=True, mono=False)
            elif self.layout.value_px and rect.width() >= self.layout.value_px * 1.6:
                draw_centered(painter, rect, cell.text, self.layout.value_px, theme.text)

    def _rank_px(self, rect: QRectF) -> float:
        # "rank 3 (1, 1)": about 13 characters must fit the box's width
        return max(14.0, min(rect.height() * 0.3, rect.width() / 8, 28.0))

    def _fill(self, painter: QPainter, rect: QRectF, ranks: tuple[int, ...],
              alpha: int = 150) -> None:
        """One rank: its colour; several (replicated): diagonal stripes of each owner's."""
        if not ranks:
            return
        if len(ranks) == 1:
            painter.fillRect(rect, color(self.theme.tensor_color(ranks[0]), alpha))
            return
        painter.save()
        painter.setClipRect(rect)
        band = max(4.0, rect.width() / 6)
        n = 0
        start = rect.left() - rect.height()
        x = start
        while x < rect.right():
            path = QPainterPath(QPointF(x, rect.bottom()))
            path.lineTo(x + band, rect.bottom())
            path.lineTo(x + band + rect.height(), rect.top())
            path.lineTo(x + rect.height(), rect.top())
            path.closeSubpath()
            painter.fillPath(path, color(self.theme.tensor_color(ranks[n % len(ranks)]), alpha))
            x += band
            n += 1
        painter.restore()
