"""Render the canvas of one step to PNG, SVG or PDF (headless or from the window)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.picture import build_picture
from engine.state import RunResult, Step
from gui.theme import LIGHT, Theme


def tensor_colors(steps: tuple[Step, ...]) -> dict[str, int]:
    """A stable colour per tensor name, in order of first appearance across the script."""
    colors: dict[str, int] = {}
    for step in steps:
        for t in step.tensors:
            colors.setdefault(t.name, len(colors))
    return colors


def build_scene(result: RunResult, step_index: int, focus: str | None, theme: Theme,
                width: float, caption: str = ""):
    from gui.canvas.scene import CanvasScene

    step = result.steps[step_index]
    if focus is not None and step.tensor(focus) is None:
        raise ValueError(f"no tensor named {focus!r} at step {step_index + 1} "
                         f"(there: {', '.join(t.name for t in step.tensors) or 'none'})")
    colors = tensor_colors(result.steps)
    scene = CanvasScene(theme)
    scene.set_picture(build_picture(step, focus, colors), theme, caption, colors, width,
                      len(result.steps))
    return scene


def render_scene(scene, path: str, size: tuple[int, int], background: str) -> None:
    """Fit the scene into size (keeping its aspect) and write path by its suffix."""
    from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
    from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgGenerator

    width, height = size
    source = scene.sceneRect()
    target = QRectF(0, 0, width, height)
    suffix = Path(path).suffix.lower()

    def paint(painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(target, QColor(background))
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)

    if suffix == ".png":
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor(background))
        painter = QPainter(image)
        paint(painter)
        painter.end()
        if not image.save(path, "PNG"):
            raise OSError(f"cannot write {path}")
    elif suffix == ".svg":
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(width, height))
        generator.setViewBox(target)
        generator.setTitle("Stridescope")
        painter = QPainter(generator)
        paint(painter)
        painter.end()
    elif suffix == ".pdf":
        writer = QPdfWriter(path)
        writer.setResolution(96)
        writer.setPageSize(QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "",
                                     QPageSize.SizeMatchPolicy.ExactMatch))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setTitle("Stridescope")
        painter = QPainter(writer)
        scale = writer.width() / width
        painter.scale(scale, scale)
        paint(painter)
        painter.end()
    else:
        raise ValueError(f"unsupported export format: {suffix}")
    if not Path(path).is_file():
        raise OSError(f"cannot write {path}")


def export_still(result: RunResult, path: str, step: int | None = None,
                 focus: str | None = None, size: tuple[int, int] = (1200, 800),
                 theme: Theme = LIGHT, captions: Callable[[Step], str] | None = None) -> None:
    """Headless: render step (1-based; default the last) of result into path."""
    from gui.app import ensure_app

    ensure_app()
    if not result.steps:
        from engine.state import ErrorInfo, Step

        error = result.syntax_error or ErrorInfo("Error", "the script has no statements", None)
        empty = Step(0, error.line or 1, error.line or 1, "", "", error, (), ())
        result = RunResult(result.source, (empty,), result.syntax_error)
        step = 1
    index = (step or len(result.steps)) - 1
    caption = captions(result.steps[index]) if captions else ""
    scene = build_scene(result, index, focus, theme, width=max(size[0], 900), caption=caption)
    render_scene(scene, path, size, theme.background)
