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
    source = readable_source(scene.sceneRect(), width, height)
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


MIN_EXPORT_SCALE = 0.45


def readable_source(scene_rect, width: int, height: int):
    """The part of the scene to draw: all of it, unless that would shrink the cells past
    reading (a huge layout) — then its top-left corner at a readable scale."""
    from PySide6.QtCore import QRectF

    scale = min(width / scene_rect.width(), height / scene_rect.height())
    if scale >= MIN_EXPORT_SCALE:
        return scene_rect
    by_width = width / scene_rect.width()
    scale = by_width if by_width >= MIN_EXPORT_SCALE else MIN_EXPORT_SCALE
    return QRectF(scene_rect.left(), scene_rect.top(), min(scene_rect.width(), width / scale),
                  min(scene_rect.height(), height / scale))


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


ANIMATION_SUFFIXES = (".gif", ".mp4")


def animation_frames(result: RunResult, step: int | None, focus: str | None,
                     size: tuple[int, int], fps: int, seconds: float, theme: Theme = LIGHT,
                     captions: Callable[[Step], str] | None = None):
    """Yield QImages of the animation into step (1-based; default the last)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    from engine.transition import frame_at, plan_transition
    from gui.app import ensure_app

    ensure_app()
    index = (step or len(result.steps)) - 1
    caption = captions(result.steps[index]) if captions else ""
    scene = build_scene(result, index, focus, theme, width=max(size[0], 900), caption=caption)
    before = result.steps[index - 1] if index > 0 else None
    plan = plan_transition(before, result.steps[index], scene.picture.focus)
    scene.begin_animation(plan)
    count = max(2, round(fps * seconds))
    source = readable_source(scene.sceneRect(), *size)
    for i in range(count):
        scene.show_frame(frame_at(plan, i / (count - 1)))
        image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
        image.fill(QColor(theme.background))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, size[0], size[1]), source,
                     Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        yield image
    scene.end_animation()


def _to_pil(image):
    from PIL import Image

    image = image.convertToFormat(image.Format.Format_RGB888)
    data = bytes(image.constBits())[: image.bytesPerLine() * image.height()]
    return Image.frombuffer("RGB", (image.width(), image.height()), data, "raw", "RGB",
                            image.bytesPerLine(), 1)


def export_animation(result: RunResult, path: str, step: int | None = None,
                     focus: str | None = None, size: tuple[int, int] = (1200, 800),
                     fps: int = 30, seconds: float = 1.6, theme: Theme = LIGHT,
                     captions: Callable[[Step], str] | None = None, progress=None) -> int:
    """Write a GIF (Pillow) or MP4 (imageio-ffmpeg) of the step's animation; return frames."""
    suffix = Path(path).suffix.lower()
    if not result.steps:
        raise ValueError("the script has no steps to animate")
    frames = []
    total = max(2, round(fps * seconds))
    for n, image in enumerate(animation_frames(result, step, focus, size, fps, seconds, theme,
                                               captions)):
        frames.append(_to_pil(image))
        if progress is not None:
            progress(n + 1, total)
    # hold the final picture a moment so a looping GIF reads well
    hold = [frames[-1]] * max(1, fps // 2)
    if suffix == ".gif":
        from PIL import Image

        quantized = [f.quantize(colors=255, method=Image.Quantize.FASTOCTREE)
                     for f in frames + hold]
        quantized[0].save(path, save_all=True, append_images=quantized[1:],
                          duration=int(1000 / fps), loop=0, optimize=False)
    elif suffix == ".mp4":
        try:
            import imageio.v2 as imageio
            import numpy as np
        except ImportError as exc:
            raise RuntimeError("MP4 export needs the optional extra: pip install "
                               "'stridescope[video]' (imageio + imageio-ffmpeg)") from exc
        try:
            with imageio.get_writer(path, fps=fps, codec="libx264", macro_block_size=8,
                                    quality=8) as writer:
                for frame in frames + hold:
                    writer.append_data(np.asarray(frame))
        except Exception as exc:  # ffmpeg missing or failing: say so plainly
            raise RuntimeError(f"MP4 export failed: {exc}") from exc
    else:
        raise ValueError(f"unsupported animation format: {suffix}")
    return len(frames) + len(hold)


def export_steps(result: RunResult, folder: str, size: tuple[int, int] = (1200, 800),
                 fps: int = 30, gif: bool = False, theme: Theme = LIGHT,
                 captions: Callable[[Step], str] | None = None) -> list[str]:
    """One numbered PNG (and optionally GIF) per step: a ready figure set for a tutorial."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for step in result.steps:
        stem = out / f"step-{step.index + 1:02d}"
        export_still(result, f"{stem}.png", step=step.index + 1, size=size, theme=theme,
                     captions=captions)
        written.append(f"{stem}.png")
        if gif and step.index > 0:
            export_animation(result, f"{stem}.gif", step=step.index + 1, size=size, fps=fps,
                             theme=theme, captions=captions)
            written.append(f"{stem}.gif")
    return written
