"""The logical grid of the focused tensor: 2-D panels, axis labels coloured per dimension."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from engine.picture import Grid
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
TITLE_H = 58.0
AXIS_H = 40.0
HEADER = 22.0       # column index row
ROW_HEADER = 36.0   # row index column
PANEL_TITLE_H = 24.0
PANEL_GAP = 28.0
SHOWN = 2048        # rows/cols drawn per panel; larger tensors show their first 2048


class GridItem(QGraphicsObject):
    sig_hover = Signal(tuple, int, int)  # panel, row, col (row -1: left)
    sig_click = Signal(tuple, int, int)

    def __init__(self, grid: Grid, theme: Theme, color_index: int, relation: str = "",
                 max_width: float = 1400.0) -> None:
        super().__init__()
        self.grid = grid
        self.theme = theme
        self.color_index = color_index
        self.relation = relation
        shown = SHOWN if grid.values is not None else 16  # meta: the corner shows the layout
        self.rows = min(grid.rows, shown)
        self.cols = min(grid.cols, shown)
        self.panels = grid.panels() or [()]
        self.panel_w = ROW_HEADER + self.cols * CELL
        self.panel_h = PANEL_TITLE_H + HEADER + self.rows * CELL
        fits = max(1, int((max_width + PANEL_GAP) // (self.panel_w + PANEL_GAP)))
        self.panels_per_row = min(len(self.panels), fits)
        self.primary: tuple[tuple, int, int] | None = None
        self.secondary: set[tuple[tuple, int, int]] = set()
        self.flash: set[tuple[tuple, int, int]] = set()
        self._heatmaps: dict[tuple, object] = {}
        self._title_width = max(runs_width(self._title_runs(), 14),
                                runs_width([(self.relation, "", False)], 11.5)) + 8
        self.setAcceptHoverEvents(True)
        # without this flag option.exposedRect is the whole item and paint() draws every cell
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ----------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:  # noqa: N802
        panel_rows = math.ceil(len(self.panels) / self.panels_per_row)
        width = max(self.panels_per_row * (self.panel_w + PANEL_GAP), 560, self._title_width)
        return QRectF(0, 0, width, TITLE_H + AXIS_H + panel_rows * (self.panel_h + PANEL_GAP))

    def panel_origin(self, n: int) -> QPointF:
        r, c = divmod(n, self.panels_per_row)
        return QPointF(c * (self.panel_w + PANEL_GAP),
                       TITLE_H + AXIS_H + r * (self.panel_h + PANEL_GAP))

    def cell_rect(self, panel: tuple, row: int, col: int) -> QRectF:
        n = self.panels.index(panel) if panel in self.panels else 0
        o = self.panel_origin(n)
        return QRectF(o.x() + ROW_HEADER + col * CELL,
                      o.y() + PANEL_TITLE_H + HEADER + row * CELL, CELL, CELL)

    def cell_at(self, pos: QPointF) -> tuple[tuple, int, int] | None:
        for n, panel in enumerate(self.panels):
            o = self.panel_origin(n)
            x = pos.x() - o.x() - ROW_HEADER
            y = pos.y() - o.y() - PANEL_TITLE_H - HEADER
            if 0 <= x < self.cols * CELL and 0 <= y < self.rows * CELL:
                return panel, int(y // CELL), int(x // CELL)
        return None

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
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        exposed = visible_rect(painter, option.exposedRect)
        if exposed.top() < TITLE_H + AXIS_H:
            self._paint_title(painter)
        for n, panel in enumerate(self.panels):
            o = self.panel_origin(n)
            rect = QRectF(o.x(), o.y(), self.panel_w, self.panel_h)
            if rect.intersects(exposed):
                self._paint_panel(painter, panel, o, exposed, CELL * lod)

    def _title_runs(self) -> list:
        t = self.grid.tensor
        contiguity = _("contiguous") if t.is_contiguous else _("not contiguous")
        meta = "  ·  " + _("meta (layout only)") if t.is_meta else ""
        return [(t.name, self.theme.tensor_color(self.color_index), True),
                ("   " + _("shape {shape}  ·  stride {stride}  ·  offset {offset}").format(
                    shape=_tuple(t.shape), stride=_tuple(t.stride), offset=t.storage_offset)
                 + f"  ·  {t.dtype.removeprefix('torch.')}  ·  {contiguity}{meta}",
                 self.theme.text, False)]

    def _paint_title(self, painter: QPainter) -> None:
        t = self.grid.tensor
        theme = self.theme
        draw_runs(painter, 0, 22, self._title_runs(), 14)
        relation = self.relation
        total = self.grid.panel_count if t.ndim > 2 else 1
        if total > len(self.panels):
            first = self.grid.panel_start + 1
            relation += "  ·  " + _("panels {first}–{last} of {total} (PgDn / PgUp)").format(
                first=first, last=first + len(self.panels) - 1, total=total)
        draw_runs(painter, 0, 46, [(relation, theme.muted, False)], 11.5)
        # axis legend: one colour per dimension, the same colour as on the strip arcs
        x = 0.0
        for dim, (size, stride) in enumerate(zip(t.shape, t.stride)):
            role = self._role(dim)
            label = _("dim {dim}: size {size}, stride {stride}").format(dim=dim, size=size,
                                                                         stride=stride)
            x = draw_runs(painter, x, TITLE_H + 24, [(role + label, theme.dim_color(dim), True)],
                          11) + 22
        if t.ndim == 0:
            draw_runs(painter, 0, TITLE_H + 24, [(_("0-D tensor (a scalar): one cell, no "
                                                   "dimensions"), theme.muted, False)], 11)

    def _role(self, dim: int) -> str:
        ndim = self.grid.tensor.ndim
        if dim == ndim - 1:
            return "→ "
        if dim == ndim - 2:
            return "↓ "
        return "▦ "

    def _paint_panel(self, painter: QPainter, panel: tuple, o: QPointF, exposed: QRectF,
                     cell_px: float) -> None:
        theme = self.theme
        t = self.grid.tensor
        ndim = t.ndim
        if panel:
            runs = [("[", theme.muted, False)]
            for d, i in enumerate(panel):
                runs.append((str(i), theme.dim_color(d), True))
                runs.append((", ", theme.muted, False))
            runs.append((":, :]", theme.muted, False))
            draw_runs(painter, o.x() + ROW_HEADER, o.y() + 17, runs, 11, mono=True)
        top = o.y() + PANEL_TITLE_H + HEADER
        left = o.x() + ROW_HEADER
        # visible window of the panel
        r0 = max(0, math.floor((exposed.top() - top) / CELL))
        r1 = min(self.rows - 1, math.floor((exposed.bottom() - top) / CELL))
        c0 = max(0, math.floor((exposed.left() - left) / CELL))
        c1 = min(self.cols - 1, math.floor((exposed.right() - left) / CELL))
        if r1 < r0 or c1 < c0:
            return
        indices = self.grid.storage_indices(panel, range(r0, r1 + 1), range(c0, c1 + 1))
        if cell_px < 4:
            self._paint_heatmap(painter, panel, left, top)
            return
        self._paint_headers(painter, o, ndim, r0, r1, c0, c1, cell_px)
        fill = color(theme.tensor_color(self.color_index), 55)
        border = QPen(color(theme.cell_border), 1.0)
        border.setCosmetic(True)
        rects = [QRectF(left + c * CELL, top + r * CELL, CELL, CELL)
                 for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        draw_cells(painter, rects, fill, border)
        if cell_px >= 18:
            small = cell_px >= 34
            values = indices.ravel()
            for rect, k in zip(rects, values):
                k = int(k)
                text, size = fit_text(self.grid.value_text(k), CELL - 6, 15)
                draw_centered(painter, rect.adjusted(0, -4, 0, -4), text, size, theme.text,
                              bold=True)
                if small:
                    painter.setFont(font(8.5, mono=True))
                    painter.setPen(color(theme.muted))
                    painter.drawText(rect.adjusted(0, 0, -3, -1),
                                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                                     f"#{k}")
        for key, hex_code, width in ((self.primary, theme.highlight, 4.5),):
            if key and key[0] == panel:
                painter.setPen(QPen(color(hex_code), width))
                painter.drawRect(self.cell_rect(*key).adjusted(2, 2, -2, -2))
        pen = QPen(color(theme.highlight), 3.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for key in self.secondary:
            if key[0] == panel and key != self.primary:
                painter.drawRect(self.cell_rect(*key).adjusted(3, 3, -3, -3))
        painter.setPen(QPen(color(theme.written), 4.0))
        for key in self.flash:
            if key[0] == panel:
                painter.drawRect(self.cell_rect(*key).adjusted(2, 2, -2, -2))

    def _paint_headers(self, painter, o, ndim, r0, r1, c0, c1, cell_px) -> None:
        if cell_px < 12:
            return
        left = o.x() + ROW_HEADER
        top = o.y() + PANEL_TITLE_H + HEADER
        col_dim = ndim - 1
        for c in range(c0, c1 + 1):
            draw_centered(painter, QRectF(left + c * CELL, top - HEADER, CELL, HEADER), str(c),
                          10, self.theme.dim_color(max(col_dim, 0)), bold=True)
        if ndim >= 2:
            for r in range(r0, r1 + 1):
                draw_centered(painter, QRectF(o.x(), top + r * CELL, ROW_HEADER - 4, CELL),
                              str(r), 10, self.theme.dim_color(ndim - 2), bold=True)

    def _paint_heatmap(self, painter: QPainter, panel: tuple, left: float, top: float) -> None:
        if panel not in self._heatmaps:
            image = None
            if self.grid.values is not None:
                idx = self.grid.storage_indices(panel, range(self.rows), range(self.cols))
                valid = np.clip(idx, 0, len(self.grid.values) - 1)
                image = heatmap_image(self.grid.values[valid].ravel(), self.cols)
            self._heatmaps[panel] = image
        image = self._heatmaps[panel]
        target = QRectF(left, top, self.cols * CELL, self.rows * CELL)
        if image is None:
            painter.fillRect(target, color(self.theme.muted, 90))
        else:
            painter.drawImage(target, image)


def _tuple(values: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"
