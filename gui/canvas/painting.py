"""Small painting helpers shared by the canvas items: fonts, colours, coloured text runs."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

MONO_FAMILIES = ["DejaVu Sans Mono", "Menlo", "Consolas", "Noto Sans Mono", "monospace"]
SANS_FAMILIES = ["DejaVu Sans", "Noto Sans", "WenQuanYi Micro Hei", "Arial", "sans-serif"]


@lru_cache(maxsize=128)
def font(px: float, bold: bool = False, mono: bool = False) -> QFont:
    """A font whose size is given in scene pixels (the composed Scene's unit)."""
    f = QFont()
    f.setFamilies(MONO_FAMILIES if mono else SANS_FAMILIES)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    # scene text scales with zoom: no hinting keeps glyph positions stable when scaled
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


@lru_cache(maxsize=64)
def metrics(size: float, bold: bool = False, mono: bool = False) -> QFontMetricsF:
    return QFontMetricsF(font(size, bold, mono))


@lru_cache(maxsize=256)
def color(hex_code: str, alpha: int = 255) -> QColor:
    c = QColor(hex_code)
    c.setAlpha(alpha)
    return c


Run = tuple[str, str, bool]  # text, colour, bold


def runs_width(runs: list[Run], size: float, mono: bool = False) -> float:
    return sum(metrics(size, bold, mono).horizontalAdvance(text) for text, _, bold in runs)


def draw_runs(painter: QPainter, x: float, y: float, runs: list[Run], size: float,
              mono: bool = False) -> float:
    """Draw coloured runs on one baseline starting at (x, y); return the end x."""
    for text, hex_code, bold in runs:
        painter.setFont(font(size, bold, mono))
        painter.setPen(color(hex_code))
        painter.drawText(QPointF(x, y), text)
        x += metrics(size, bold, mono).horizontalAdvance(text)
    return x


def draw_centered(painter: QPainter, rect: QRectF, text: str, size: float, hex_code: str,
                  bold: bool = False, mono: bool = True) -> None:
    painter.setFont(font(size, bold, mono))
    painter.setPen(color(hex_code))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight}


def style_color(style: str, theme) -> str:
    """The theme's colour for a composed Text style."""
    if style.startswith("tensor:"):
        return theme.tensor_color(int(style[7:]))
    if style.startswith("dim:"):
        return theme.dim_color(int(style[4:]))
    return {"muted": theme.muted, "error": theme.error, "warning": theme.written,
            "code": theme.text}.get(style, theme.text)


def draw_text(painter: QPainter, text, theme) -> None:
    """Paint one composed Text in its box, at its size, in its style's colour."""
    x, y, w, h = text.rect
    rect = QRectF(x, y, w, h)
    if text.fill:
        fill = theme.panel if text.fill == "panel" else theme.error_fill
        painter.fillRect(rect, color(fill))
    painter.setFont(font(text.px, text.bold, text.mono))
    painter.setPen(color(style_color(text.style, theme)))
    painter.drawText(rect, _ALIGN[text.align] | Qt.AlignmentFlag.AlignVCenter
                     | Qt.TextFlag.TextSingleLine, text.text)


@lru_cache(maxsize=4096)
def value_fill(hue: float, dark: bool) -> QColor:
    """A pastel (light themes) or deep (dark themes) fill that keeps cell text readable."""
    return QColor.fromHsvF(hue, 0.32, 1.0) if not dark else QColor.fromHsvF(hue, 0.55, 0.42)


def visible_rect(painter: QPainter, exposed: QRectF) -> QRectF:
    """The part of `exposed` (item coordinates) that lands on the paint device.

    QGraphicsScene.render() passes the whole item as exposedRect; culling against the
    device keeps a frame of a million-cell item as cheap as the cells on screen.
    """
    inverse, invertible = painter.worldTransform().inverted()
    device = painter.device()
    if not invertible or device is None:
        return exposed
    on_device = inverse.mapRect(QRectF(0, 0, device.width(), device.height()))
    return exposed.intersected(on_device)


def cell_runs(rects: list[QRectF]) -> list[tuple[float, float, list[float]]]:
    """Cells that touch side by side on one line, merged: (top, height, edges) per run, where
    edges are the x of every cell boundary from the run's left to its right."""
    runs: list[tuple[float, float, list[float]]] = []
    for r in rects:
        left, top, right, height = r.left(), r.top(), r.right(), r.height()
        if runs:
            run_top, run_height, edges = runs[-1]
            if run_top == top and run_height == height and abs(edges[-1] - left) < 1e-6:
                edges.append(right)
                continue
        runs.append((top, height, [left, right]))
    return runs


def draw_cells(painter: QPainter, rects: list[QRectF], fill: QColor, border) -> None:
    """Cell backgrounds and borders, in batches: cells side by side are filled as one
    rectangle (one fill per run, not per cell) and their borders go in one drawLines."""
    from PySide6.QtCore import QLineF

    lines = []
    for top, height, edges in cell_runs(rects):
        left, right, bottom = edges[0], edges[-1], top + height
        painter.fillRect(QRectF(left, top, right - left, height), fill)
        lines.append(QLineF(left, top, right, top))
        lines.append(QLineF(left, bottom, right, bottom))
        lines += [QLineF(x, top, x, bottom) for x in edges]
    painter.setPen(border)
    painter.drawLines(lines)
