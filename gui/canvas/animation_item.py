"""The animation overlay: paints one Frame (moving values, flashes, the view walk, tweens)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QPolygonF, QStaticText
from PySide6.QtWidgets import QGraphicsObject

from stridescope.engine.picture.motion_geometry import (
    IDENTITY,
    card_corners,
    link_pieces,
    sprite_rect,
)
from stridescope.engine.picture.transition import Frame, Plan, StorageCell
from stridescope.gui.canvas.painting import (
    color,
    draw_centered,
    draw_runs,
    font,
    runs_width,
    style_color,
)
from stridescope.gui.i18n import _
from stridescope.gui.theme import Theme


def _lerp(a: QRectF, b: QRectF, p: float) -> QRectF:
    return QRectF(a.x() + (b.x() - a.x()) * p, a.y() + (b.y() - a.y()) * p,
                  a.width() + (b.width() - a.width()) * p,
                  a.height() + (b.height() - a.height()) * p)


def _tint(hex_code: str, background: str, alpha: float = 55 / 255) -> str:
    """The opaque colour of `hex_code` drawn at `alpha` over `background` (the grid's cell
    fill, GridItem)."""
    a, b = QColor(hex_code), QColor(background)
    mix = [round(x * alpha + y * (1 - alpha)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3])]
    return QColor(*mix).name()


class AnimationItem(QGraphicsObject):
    """Sits above everything; `locate(anchor)` maps engine anchors to scene rectangles."""

    def __init__(self, theme: Theme, locate, bounds: QRectF, tween_at: QPointF,
                 type_scale=None, tensor_color: str | None = None,
                 avoid: Callable[[Frame], tuple] | None = None, pad: float = 0.0,
                 count_at: Callable[[StorageCell], QRectF | None] | None = None) -> None:
        super().__init__()
        # what link lines break around at a frame (links.link_avoid: the formula, titles)
        self.avoid, self.pad = avoid, pad
        self.px = type_scale.body if type_scale is not None else 18.0
        self.small = type_scale.small if type_scale is not None else 14.0
        self.count_at = count_at  # where a storage cell's read count goes (the strip's band)
        self.theme = theme
        # a moving value is filled as the grid it lands in is (no colour snap at the end);
        # its outline, in the highlight colour, says that it moves
        self.card_fill = _tint(tensor_color, theme.background) if tensor_color else \
            theme.highlight
        self.locate = locate
        self.bounds = bounds
        self.tween_at = tween_at
        self.frame: Frame | None = None
        self._sprites: dict[tuple, QPixmap] = {}
        self._paths: list[tuple[QRectF, QRectF] | None] = []  # per motion of the plan
        self._labels: dict[tuple[str, int], QStaticText] = {}
        self.setZValue(50)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def prepare(self, plan: Plan) -> None:
        """Before the clock starts: every motion's source and target rectangle (once per
        plan, not per frame), and the first frame's pixmaps and laid-out labels."""
        paths = []
        for motion in plan.motions:
            a, b = self.locate(motion.source), self.locate(motion.target)
            paths.append(None if a is None or b is None else (a, b))
        self._paths = paths
        fancy = len(paths) <= 200
        for motion, path in zip(plan.motions, paths):
            if path is not None:
                rect = path[0].adjusted(4, 4, -4, -4)
                if fancy:
                    self._sprite(motion.text, rect.width(), rect.height())
                else:
                    self._label(motion.text, self._value_px(rect))

    def set_frame(self, frame: Frame | None) -> None:
        self.frame = frame
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        frame = self.frame
        if frame is None or (frame.t >= 1.0 and not frame.walk_cells):
            return  # at rest nothing moves; a failed view keeps its walk marked
        theme = self.theme
        for anchor in frame.flash:
            rect = self.locate(anchor)
            if rect is not None:
                painter.fillRect(rect, color(theme.written, int(170 * frame.flash_strength)))
        for n, anchor in enumerate(frame.walk_cells):
            rect = self.locate(anchor)
            if rect is None:
                continue
            current = n >= len(frame.walk_cells) - 2
            hex_code = theme.error if frame.broken and current else theme.highlight
            painter.setPen(QPen(color(hex_code), 4.5 if current else 2.0))
            painter.drawRect(rect.adjusted(3, 3, -3, -3))
        if frame.expected is not None:
            self._paint_expected(painter, frame)
        if frame.pointer is not None:
            self._paint_pointer(painter, frame)
        if frame.window is not None:
            self._paint_window(painter, frame)
        if frame.counts and frame.counts_opacity > 0:
            self._paint_counts(painter, frame)
        # many sprites: plain boxes (cheap); few: rounded ones, cached as pixmaps
        sprites = frame.sprites
        fancy = len(sprites) <= 200
        paths = self._paths if len(self._paths) == len(sprites) else \
            [self._path(sprite) for sprite in sprites]
        if fancy:
            self._paint_links(painter, sprites, paths)
            for sprite, path in zip(sprites, paths):
                if path is None:
                    continue
                base = _lerp(*path, sprite.progress)
                dx, dy = sprite.offset
                base.translate(dx * base.width(), dy * base.height())
                painter.setOpacity(sprite.opacity)
                if sprite.style:
                    self._paint_label(painter, sprite, base)
                    continue
                if sprite.shape != IDENTITY:
                    self._paint_card(painter, sprite, base)
                    continue
                rect = base.adjusted(4, 4, -4, -4)
                painter.drawPixmap(rect, self._sprite(sprite.text, rect.width(), rect.height()),
                                   QRectF(0, 0, rect.width() * 2, rect.height() * 2))
        else:
            self._paint_boxes(painter, sprites, paths)
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        changed = [(label, b, a) for label, b, a in frame.tweens if b != a]
        if changed:  # old → new: the numbers switch, they never blend
            runs = []
            for label, before, after in changed:
                runs += [(f"{_(label)} ", theme.muted, False),
                         (f"{_tuple(before)} → {_tuple(after)}   ", theme.text, True)]
            px = self.px
            x, y = self.tween_at.x(), self.tween_at.y()
            width = runs_width(runs, px, mono=True)
            painter.setOpacity(frame.tweens_opacity)
            painter.fillRect(QRectF(x - 6, y, width + 12, px * 1.6), color(theme.panel, 240))
            draw_runs(painter, x, y + px * 1.15, runs, px, mono=True)
            painter.setOpacity(1.0)

    def _paint_links(self, painter: QPainter, sprites, paths) -> None:
        """A thin line from every moving value to the storage cell it reads, all along,
        broken around the address formula (the engine's geometry: links.frame_links)."""
        pen = QPen(color(self.theme.highlight, 150), 1.3)
        painter.setPen(pen)
        avoid = self.avoid(self.frame) if self.avoid is not None else None
        for sprite, path in zip(sprites, paths):
            if sprite.link is None or path is None:
                continue
            cell = self.locate(sprite.link)
            if cell is None:
                continue
            a, b = (r.getRect() for r in path)
            rect = sprite_rect(a, b, sprite.progress, sprite.offset)
            painter.setOpacity(sprite.opacity * 0.9)
            for start, end in link_pieces(rect, cell.getRect(), avoid, self.pad):
                painter.drawLine(QPointF(*start), QPointF(*end))
        painter.setOpacity(1.0)

    def _paint_card(self, painter: QPainter, sprite, base: QRectF) -> None:
        """A card of the turning sheet: its unit square mapped, its number upright."""
        size = base.width() - 8
        centre = (base.center().x() / size, base.center().y() / size)
        corners = card_corners(centre, sprite.shape)
        painter.setPen(QPen(color(self.theme.highlight), 2.0))
        painter.setBrush(color(self.card_fill))
        painter.drawPolygon(QPolygonF([QPointF(x * size, y * size) for x, y in corners]))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if sprite.text_opacity > 0.05:
            painter.setOpacity(sprite.opacity * sprite.text_opacity)
            rect = base.adjusted(4, 4, -4, -4)
            a, b, c, d = sprite.shape
            scale = max(0.55, min(1.0, abs(a * d - b * c) ** 0.5))
            draw_centered(painter, rect, sprite.text, self._value_px(rect) * scale, "#000000",
                          bold=True)

    def _paint_label(self, painter: QPainter, sprite, base: QRectF) -> None:
        """An axis label riding the sheet in its axis colour (the result's own fades in)."""
        draw_centered(painter, base, sprite.text, self.px,
                      style_color(sprite.style, self.theme), bold=True)

    def _paint_window(self, painter: QPainter, frame: Frame) -> None:
        """The slice's frame over the grid, and the storage it covers on the strip."""
        tl0, br0, tl1, br1, p = frame.window
        rects = [self.locate(a) for a in (tl0, br0, tl1, br1)]
        if None not in rects:
            a, b = rects[0].united(rects[1]), rects[2].united(rects[3])
            painter.setPen(QPen(color(self.theme.highlight), 4.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(_lerp(a, b, p).adjusted(-3, -3, 3, 3), 6, 6)
        if frame.span is None:
            return
        storage_id, lo, hi = frame.span
        first, last = self.locate(StorageCell(storage_id, int(lo))), \
            self.locate(StorageCell(storage_id, int(hi)))
        if first is None or last is None:
            return
        painter.setPen(QPen(color(self.theme.highlight), 4.0))
        if abs(first.top() - last.top()) < 1:  # one row of the strip: one frame
            left = first.left() + (lo - int(lo)) * first.width()
            right = last.left() + (hi - int(hi) + 1) * last.width()
            painter.drawRoundedRect(QRectF(left, first.top(), right - left,
                                           first.height()).adjusted(-2, -2, 2, 2), 5, 5)
            return
        for cell in range(int(lo), int(hi) + 1):  # folded: cell by cell
            rect = self.locate(StorageCell(storage_id, cell))
            if rect is not None:
                painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def _paint_counts(self, painter: QPainter, frame: Frame) -> None:
        """"×N" counting up under every storage cell an expand reads N times, where the
        still says it (StripLayout.count_rect: the band under the cells, not over the
        value); a strip too narrow for the counts has no band, and shows none."""
        painter.setOpacity(frame.counts_opacity)
        for cell, n in frame.counts:
            box = self.count_at(cell) if self.count_at is not None else None
            if box is None:
                continue
            painter.fillRect(box, color(self.theme.highlight, 235))
            draw_centered(painter, box, f"×{n}", self.small, "#000000", bold=True, mono=False)
        painter.setOpacity(1.0)

    def _paint_expected(self, painter: QPainter, frame: Frame) -> None:
        """Where one more constant step would have gone: dashed, in the error colour; past
        the storage's end it stands beyond the strip's last cell."""
        cell = frame.expected
        rect = self.locate(cell)
        past = False
        if rect is None and cell.cell > frame.storage_last >= 0:
            last = self.locate(StorageCell(cell.storage_id, frame.storage_last))
            if last is None:
                return
            rect = last.translated(0, last.height() * 1.3)  # under the last: no room right
            past = True
        if rect is None:
            return
        pen = QPen(color(self.theme.error), 3.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(color(self.theme.error_fill, 200))
        painter.drawRect(rect.adjusted(5, 5, -5, -5))
        draw_centered(painter, rect, f"#{cell.cell}", self.px, self.theme.error, bold=True)
        note = f"+{frame.expected_step} → #{cell.cell}"
        if past:
            note += " " + _("(past the end)")
        # ends under the cell's right edge: the strip's last cell is at the canvas's edge
        box = QRectF(rect.right() - rect.width() * 6, rect.bottom() + 2, rect.width() * 6,
                     self.px * 1.3)
        painter.setFont(font(self.px * 0.8, True, True))
        painter.setPen(color(self.theme.error))
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         note)

    def _path(self, sprite) -> tuple[QRectF, QRectF] | None:
        a, b = self.locate(sprite.source), self.locate(sprite.target)
        return None if a is None or b is None else (a, b)

    def _paint_boxes(self, painter: QPainter, sprites, paths) -> None:
        """Plain boxes with their values, in batches: the boxes of one opacity in one
        drawRects, then their labels as cached laid-out text."""
        groups: dict[float, list[tuple[QRectF, str]]] = {}
        plain: dict[float, list[QRectF]] = {}
        cards: dict[float, list[QPolygonF]] = {}
        for sprite, path in zip(sprites, paths):
            if path is None:
                continue
            base = _lerp(*path, sprite.progress)
            base.translate(sprite.offset[0] * base.width(), sprite.offset[1] * base.height())
            if sprite.style:  # an axis label riding a turning sheet
                painter.setOpacity(sprite.opacity)
                self._paint_label(painter, sprite, base)
                continue
            rect = base.adjusted(4, 4, -4, -4)
            if sprite.shape != IDENTITY:  # a turning card: its polygon, its number if facing
                size = rect.width()
                centre = (rect.center().x() / size, rect.center().y() / size)
                cards.setdefault(sprite.opacity, []).append(QPolygonF(
                    [QPointF(x * size, y * size) for x, y in card_corners(centre, sprite.shape)]))
                if sprite.text_opacity < 0.5:
                    continue
            else:
                plain.setdefault(sprite.opacity, []).append(rect)
            groups.setdefault(sprite.opacity, []).append((rect, sprite.text))
        pen = QPen(color(self.theme.highlight), 1.6)
        ink = color(self.theme.text)
        for opacity in {*groups, *cards}:
            boxes = groups.get(opacity, [])
            painter.setOpacity(opacity)
            painter.setPen(pen)
            painter.setBrush(color(self.card_fill))
            for polygon in cards.get(opacity, []):
                painter.drawPolygon(polygon)
            if opacity in plain:
                painter.drawRects(plain[opacity])
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(ink)
            current = None
            for rect, text in boxes:
                px = round(self._value_px(rect))
                if px != current:
                    painter.setFont(font(px, True, True))
                    current = px
                label = self._label(text, px)
                size = label.size()
                painter.drawStaticText(QPointF(rect.center().x() - size.width() / 2,
                                               rect.center().y() - size.height() / 2), label)

    def _label(self, text: str, px: float) -> QStaticText:
        """A value's laid-out text at a font size, made once and drawn every frame."""
        key = (text, round(px))
        label = self._labels.get(key)
        if label is None:
            label = QStaticText(text)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            label.prepare(font=font(key[1], True, True))
            self._labels[key] = label
        return label

    def _sprite(self, text: str, width: float, height: float) -> QPixmap:
        """A moving value, drawn once at 2× and reused: 1,000 sprites stay cheap per frame."""
        key = (text, round(width), round(height))
        pixmap = self._sprites.get(key)
        if pixmap is None:
            pixmap = QPixmap(max(1, round(width * 2)), max(1, round(height * 2)))
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.scale(2, 2)
            rect = QRectF(0.75, 0.75, width - 1.5, height - 1.5)
            p.setPen(QPen(color(self.theme.highlight), 2.0))
            p.setBrush(color(self.card_fill))
            p.drawRoundedRect(rect, 6, 6)
            draw_centered(p, rect, text, self._value_px(rect), self.theme.text, bold=True)
            p.end()
            self._sprites[key] = pixmap
        return pixmap

    @staticmethod
    def _value_px(rect: QRectF) -> float:
        return max(8.0, min(rect.height() * 0.45, rect.width() * 0.3))

    def _paint_pointer(self, painter: QPainter, frame: Frame) -> None:
        storage_id, start, end = frame.pointer
        a = self.locate(StorageCell(storage_id, int(start)))
        b = self.locate(StorageCell(storage_id, int(end)))
        if a is None or b is None:
            return
        p = frame.pointer_progress
        x = a.left() + (b.left() - a.left()) * p
        y = a.top() + (b.top() - a.top()) * p - 6
        tri = QPolygonF([QPointF(x, y), QPointF(x + 14, y), QPointF(x + 7, y + 12)])
        painter.setPen(QPen(color(self.theme.text), 1.0))
        painter.setBrush(color(self.theme.highlight))
        painter.drawPolygon(tri)


def _tuple(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"
