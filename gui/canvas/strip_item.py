"""The storage strip: one flat storage, its cells in memory order, the tensors drawn over it."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from engine.picture import Strip
from gui.canvas.painting import (
    color,
    draw_cells,
    draw_centered,
    draw_runs,
    fit_text,
    font,
    heatmap_image,
    runs_width,
    visible_rect,
)
from gui.i18n import _
from gui.theme import Theme

CELL = 56.0
LEFT = 124.0         # margin for lane names
LABEL_H = 34.0       # strip title line
ARC_H = 30.0         # room for stride arcs above the first row
LANE = 12.0
ROW_GAP = 16.0
SHOWN_CELLS = 1 << 22  # longer storages (meta tensors of terabytes) show their start


def cells_per_row(cells: int) -> int:
    if cells <= 24:
        return max(cells, 1)
    if cells <= 512:
        return 16
    return 32 if cells <= 16384 else 64


class StripItem(QGraphicsObject):
    """Paints only the exposed cells; switches to text-free cells, then a heatmap, when small."""

    sig_hover = Signal(int, int)  # storage id, cell (-1: left)
    sig_click = Signal(int, int)

    def __init__(self, strip: Strip, theme: Theme, focus: str | None,
                 focus_stride: tuple[int, ...] = (), title: str = "") -> None:
        super().__init__()
        self.strip = strip
        self.theme = theme
        self.focus = focus
        self.focus_stride = focus_stride
        self.title = title
        # without values (meta) the start of the layout says it all: show 128 cells
        self.cells = min(strip.cells, SHOWN_CELLS if strip.values is not None else 128)
        self.per_row = cells_per_row(self.cells)
        self.rows = max(1, math.ceil(self.cells / self.per_row))
        self.lanes = len(strip.overlays)
        self.row_height = CELL + self.lanes * LANE + 4 + ROW_GAP
        self.highlight: set[int] = set()
        self.flash: set[int] = set()
        self._heatmap = None
        self._heatmap_done = False
        self._title_width = runs_width(self._title_runs(), 12) + 8
        self.setAcceptHoverEvents(True)
        # without this flag option.exposedRect is the whole item and paint() draws every cell
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ----------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        width = max(LEFT + self.per_row * CELL + 12, self._title_width)
        return QRectF(0, 0, width, LABEL_H + ARC_H + self.rows * self.row_height)

    def cell_rect(self, cell: int) -> QRectF:
        row, col = divmod(cell, self.per_row)
        return QRectF(LEFT + col * CELL, LABEL_H + ARC_H + row * self.row_height, CELL, CELL)

    def cell_at(self, pos: QPointF) -> int:
        col = math.floor((pos.x() - LEFT) / CELL)
        row = math.floor((pos.y() - LABEL_H - ARC_H) / self.row_height)
        within = (pos.y() - LABEL_H - ARC_H) - row * self.row_height
        if not (0 <= col < self.per_row and 0 <= row < self.rows and within <= CELL):
            return -1
        cell = row * self.per_row + col
        return cell if cell < self.cells else -1

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
        theme = self.theme
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        cell_px = CELL * lod
        exposed = visible_rect(painter, option.exposedRect)
        if exposed.top() < LABEL_H:
            self._paint_title(painter)
        first = max(0, math.floor((exposed.top() - LABEL_H - ARC_H) / self.row_height))
        last = min(self.rows - 1, math.floor((exposed.bottom() - LABEL_H - ARC_H)
                                              / self.row_height))
        if last < first:
            return
        if cell_px < 4:
            self._paint_heatmap(painter, first, last)
            return
        col0 = max(0, math.floor((exposed.left() - LEFT) / CELL))
        col1 = min(self.per_row - 1, math.floor((exposed.right() - LEFT) / CELL))
        focus_overlay = next((o for o in self.strip.overlays if o.name == self.focus), None)
        border = QPen(color(theme.cell_border), 1.0)
        border.setCosmetic(True)
        for row in range(first, last + 1):
            base = row * self.per_row
            cells = [base + col for col in range(col0, col1 + 1) if base + col < self.cells]
            plain, tinted = [], []
            for cell in cells:
                covered = focus_overlay is not None and focus_overlay.covers(cell)
                (tinted if covered else plain).append(self.cell_rect(cell))
            for rects, fill in ((plain, color(theme.cell)),
                                (tinted, color(theme.tensor_color(focus_overlay.color), 70)
                                 if focus_overlay else None)):
                if rects:
                    draw_cells(painter, rects, fill, border)
            for cell in cells if cell_px >= 18 else ():
                rect = self.cell_rect(cell)
                text, size = fit_text(self.strip.value_text(cell), CELL - 6, 15)
                draw_centered(painter, rect, text, size, theme.text)
                if cell_px >= 34:
                    painter.setFont(font(8.5, mono=True))
                    painter.setPen(color(theme.muted))
                    painter.drawText(rect.adjusted(3, 1, 0, 0),
                                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                                     f"[{cell}]")
                    painter.drawText(rect.adjusted(0, 0, -3, -1),
                                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                                     f"+{cell * self.strip.itemsize}B")
            self._paint_lanes(painter, row, col0, col1)
        self._paint_marks(painter, first, last)
        self._paint_arcs(painter)

    def _paint_title(self, painter: QPainter) -> None:
        draw_runs(painter, 4, 22, self._title_runs(), 12)

    def _title_runs(self) -> list:
        s = self.strip
        theme = self.theme
        runs = [(_("Storage {label}").format(label=s.storage.label), theme.text, True),
                ("   " + _("{dtype} · {itemsize} B/element · {cells} elements · {nbytes} bytes "
                          "· ptr {ptr}").format(dtype=s.dtype.removeprefix("torch."),
                                                itemsize=s.itemsize, cells=f"{s.cells:,}",
                                                nbytes=f"{s.storage.nbytes:,}",
                                                ptr=f"{s.storage.data_ptr:#x}"),
                 theme.muted, False)]
        if self.title:
            runs.append((f"   {self.title}", theme.muted, False))
        if self.cells < s.cells:
            runs.append(("   " + _("(showing the first {n})").format(n=f"{self.cells:,}"),
                         theme.muted, False))
        if s.written:
            runs.append(("   ✎ " + _("written this step"), theme.written, True))
        return runs

    def _paint_lanes(self, painter: QPainter, row: int, col0: int, col1: int) -> None:
        y0 = LABEL_H + ARC_H + row * self.row_height + CELL + 3
        for lane, overlay in enumerate(self.strip.overlays):
            y = y0 + lane * LANE
            tint = color(self.theme.tensor_color(overlay.color))
            painter.setFont(font(9, bold=overlay.name == self.focus))
            painter.setPen(tint)
            label = fit_text(f"{overlay.name} @{overlay.offset}", LEFT - 8, 9, mono=False)[0]
            painter.drawText(QRectF(2, y - 2, LEFT - 8, LANE + 2),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            for col in range(col0, col1 + 1):
                cell = row * self.per_row + col
                if cell >= self.cells:
                    break
                if overlay.covers(cell):
                    painter.fillRect(QRectF(LEFT + col * CELL + 1, y, CELL - 2, LANE - 4), tint)
            # the pointer: where this tensor's first element (its storage offset) sits
            if row * self.per_row <= overlay.offset < (row + 1) * self.per_row:
                x = LEFT + (overlay.offset % self.per_row) * CELL
                tri = QPolygonF([QPointF(x, y - 3), QPointF(x + 9, y + (LANE - 4) / 2),
                                 QPointF(x, y + LANE - 3)])
                painter.setPen(QPen(color(self.theme.text), 0.8))
                painter.setBrush(tint)
                painter.drawPolygon(tri)
                painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_marks(self, painter: QPainter, first: int, last: int) -> None:
        lo, hi = first * self.per_row, (last + 1) * self.per_row
        for cells, hex_code, width in ((self.flash, self.theme.written, 4.0),
                                       (self.highlight, self.theme.highlight, 4.0)):
            pen = QPen(color(hex_code), width)
            painter.setPen(pen)
            for cell in cells:
                if lo <= cell < hi and cell < self.cells:
                    painter.drawRect(self.cell_rect(cell).adjusted(2, 2, -2, -2))
        # every tensor that reads a lit cell: its lane segment is outlined too
        painter.setPen(QPen(color(self.theme.highlight), 2.5))
        for cell in self.highlight:
            if not (lo <= cell < hi and cell < self.cells):
                continue
            rect = self.cell_rect(cell)
            for lane, overlay in enumerate(self.strip.overlays):
                if overlay.covers(cell):
                    y = rect.bottom() + 3 + lane * LANE
                    painter.drawRect(QRectF(rect.left(), y - 1, CELL, LANE - 2))

    def _paint_arcs(self, painter: QPainter) -> None:
        """Arcs from the focused tensor's first element, one stride step per dim."""
        overlay = next((o for o in self.strip.overlays if o.name == self.focus), None)
        if overlay is None or not self.focus_stride:
            return
        start = overlay.offset
        if not 0 <= start < self.cells:
            return
        a = self.cell_rect(start)
        drawn = 0
        for dim, step in enumerate(self.focus_stride):
            end = start + step
            if step == 0 or not 0 <= end < self.cells or drawn >= 4:
                continue
            b = self.cell_rect(end)
            height = 10 + 7 * drawn
            path = QPainterPath(QPointF(a.center().x(), a.top()))
            mid_x = (a.center().x() + b.center().x()) / 2
            top = min(a.top(), b.top()) - height - 8
            path.quadTo(QPointF(mid_x, top), QPointF(b.center().x(), b.top()))
            pen = QPen(color(self.theme.dim_color(dim)), 2.2)
            painter.setPen(pen)
            painter.drawPath(path)
            painter.setFont(font(9, bold=True))
            painter.drawText(QPointF(mid_x - 14, top + height / 2 - 1),
                             _("+{step} (dim {dim})").format(step=step, dim=dim))
            drawn += 1

    def _paint_heatmap(self, painter: QPainter, first: int, last: int) -> None:
        if not self._heatmap_done:
            self._heatmap = heatmap_image(self.strip.values, self.per_row)
            self._heatmap_done = True
        target = QRectF(LEFT, LABEL_H + ARC_H + first * self.row_height, self.per_row * CELL,
                        (last - first + 1) * self.row_height)
        if self._heatmap is None:
            painter.fillRect(target, color(self.theme.muted, 90))
            return
        painter.drawImage(target, self._heatmap,
                          QRectF(0, first, self.per_row, last - first + 1))
