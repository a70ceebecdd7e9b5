"""The animation overlay: paints one Frame (moving values, flashes, the view walk, tweens)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPixmap, QPolygonF, QStaticText
from PySide6.QtWidgets import QGraphicsObject

from stridescope.engine.picture.transition import Frame, Plan
from stridescope.gui.canvas.painting import color, draw_centered, draw_runs, font, runs_width
from stridescope.gui.i18n import _
from stridescope.gui.theme import Theme


def _lerp(a: QRectF, b: QRectF, p: float) -> QRectF:
    return QRectF(a.x() + (b.x() - a.x()) * p, a.y() + (b.y() - a.y()) * p,
                  a.width() + (b.width() - a.width()) * p,
                  a.height() + (b.height() - a.height()) * p)


class AnimationItem(QGraphicsObject):
    """Sits above everything; `locate(anchor)` maps engine anchors to scene rectangles."""

    def __init__(self, theme: Theme, locate, bounds: QRectF, tween_at: QPointF,
                 type_scale=None) -> None:
        super().__init__()
        self.px = type_scale.body if type_scale is not None else 18.0
        self.theme = theme
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
        if frame is None or frame.t >= 1.0:
            return
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
        if frame.pointer is not None:
            self._paint_pointer(painter, frame)
        # many sprites: plain boxes (cheap); few: rounded ones, cached as pixmaps
        sprites = frame.sprites
        fancy = len(sprites) <= 200
        paths = self._paths if len(self._paths) == len(sprites) else \
            [self._path(sprite) for sprite in sprites]
        if fancy:
            for sprite, path in zip(sprites, paths):
                if path is None:
                    continue
                rect = _lerp(*path, sprite.progress).adjusted(4, 4, -4, -4)
                painter.setOpacity(sprite.opacity)
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
            painter.fillRect(QRectF(x - 6, y, width + 12, px * 1.6), color(theme.panel, 240))
            draw_runs(painter, x, y + px * 1.15, runs, px, mono=True)

    def _path(self, sprite) -> tuple[QRectF, QRectF] | None:
        a, b = self.locate(sprite.source), self.locate(sprite.target)
        return None if a is None or b is None else (a, b)

    def _paint_boxes(self, painter: QPainter, sprites, paths) -> None:
        """Plain boxes with their values, in batches: the boxes of one opacity in one
        drawRects, then their labels as cached laid-out text."""
        groups: dict[float, list[tuple[QRectF, str]]] = {}
        for sprite, path in zip(sprites, paths):
            if path is not None:
                rect = _lerp(*path, sprite.progress).adjusted(4, 4, -4, -4)
                groups.setdefault(sprite.opacity, []).append((rect, sprite.text))
        pen = QPen(color(self.theme.text), 1.2)
        ink = color("#000000")
        for opacity, boxes in groups.items():
            painter.setOpacity(opacity)
            painter.setPen(pen)
            painter.setBrush(color(self.theme.highlight, 235))
            painter.drawRects([rect for rect, _ in boxes])
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
            p.setPen(QPen(color(self.theme.text), 1.5))
            p.setBrush(color(self.theme.highlight, 235))
            p.drawRoundedRect(rect, 6, 6)
            draw_centered(p, rect, text, self._value_px(rect), "#000000", bold=True)
            p.end()
            self._sprites[key] = pixmap
        return pixmap

    @staticmethod
    def _value_px(rect: QRectF) -> float:
        return max(8.0, min(rect.height() * 0.45, rect.width() * 0.3))

    def _paint_pointer(self, painter: QPainter, frame: Frame) -> None:
        storage_id, start, end = frame.pointer
        from stridescope.engine.picture.transition import StorageCell

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
