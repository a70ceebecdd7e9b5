"""Render composed Scenes to PNG, SVG, PDF, GIF and MP4 (headless or from the window).

Every export goes through engine/picture/compose.py, exactly like the window: the picture is
composed for the export's own size, so it fills the frame and its type sizes follow the rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stridescope.engine.model.state import RunResult, Step
from stridescope.engine.model.substeps import substep_count
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.scene import Scene, Viewport, ViewState
from stridescope.gui.theme import LIGHT, Theme

ANIMATION_SUFFIXES = (".gif", ".mp4")
HOLD_SECONDS = 1.6  # an animation holds its result this long, so a reader can read it
LEAD_SECONDS = 0.8  # and its first frame this long: a looping GIF shows the "before" first
MOTION_SECONDS = 2.4  # slow enough to follow a cell (and to narrate over, in a classroom)


def prepare() -> None:
    """Load what a render needs ahead of the picture (the CLI calls this while the worker
    imports torch): the application, the canvas items and the fonts' metrics."""
    from stridescope.gui.app import ensure_app
    from stridescope.gui.canvas.painting import metrics
    from stridescope.gui.canvas.scene import CanvasScene  # noqa: F401 - imported now, used by scene_for

    ensure_app()
    for bold, mono in ((False, False), (True, False), (False, True), (True, True)):
        metrics(14.0, bold, mono).horizontalAdvance("0")


def compose_step(result: RunResult, step: int | None = None, focus: str | None = None,
                 size: tuple[int, int] = (1200, 800),
                 captions: Callable[[Step], str] | None = None, animate: bool = False,
                 presentation: bool = False, value_colors: bool = False,
                 substep: int = -1) -> Scene:
    """The Scene of step (1-based; default the last) at `size`, in the current language;
    with `substep` >= 0, of that call of the step's chained statement."""
    from stridescope.gui.i18n import _, current_language

    index = (step or max(len(result.steps), 1)) - 1
    if result.steps and focus is not None and result.steps[index].tensor(focus) is None:
        names = ", ".join(t.name for t in result.steps[index].tensors) or "none"
        raise ValueError(f"no tensor named {focus!r} at step {index + 1} (there: {names})")
    caption = captions(result.steps[index]) if captions and result.steps else ""
    room = max((captions(s) for s in result.steps), key=len, default="") if captions else ""
    view = ViewState(step=index, focus=focus, lang=current_language(), caption=caption,
                     caption_room=room, animate=animate, value_colors=value_colors,
                     substep=substep)
    return compose(result, view, Viewport(size[0], size[1], presentation), _)


def scene_for(composed: Scene, theme: Theme):
    from stridescope.gui.app import ensure_app
    from stridescope.gui.canvas.scene import CanvasScene

    ensure_app()
    scene = CanvasScene(theme)
    scene.interactive = False
    scene.show_scene(composed, theme)
    return scene


def render_scene(scene, path: str, size: tuple[int, int], background: str) -> None:
    """Draw the scene into size and write path by its suffix."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    width, height = size
    target = QRectF(0, 0, width, height)
    suffix = Path(path).suffix.lower()

    def paint(painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(target, QColor(background))
        scene.render(painter, target, scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    if suffix == ".png":
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor(background))
        painter = QPainter(image)
        paint(painter)
        painter.end()
        if not image.save(path, "PNG"):
            raise OSError(f"cannot write {path}")
    elif suffix == ".svg":
        from PySide6.QtCore import QSize
        from PySide6.QtSvg import QSvgGenerator  # imported only for an SVG

        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(width, height))
        generator.setViewBox(target)
        generator.setTitle("Stridescope")
        painter = QPainter(generator)
        paint(painter)
        painter.end()
    elif suffix == ".pdf":
        from PySide6.QtCore import QMarginsF, QSizeF
        from PySide6.QtGui import QPageSize, QPdfWriter

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
                 theme: Theme = LIGHT, captions: Callable[[Step], str] | None = None,
                 presentation: bool = False, value_colors: bool = False,
                 substep: int = -1) -> None:
    """Headless: render step (1-based; default the last) of result into path."""
    composed = compose_step(result, step, focus, size, captions, presentation=presentation,
                            value_colors=value_colors, substep=substep)
    render_scene(scene_for(composed, theme), path, size, theme.background)


def animation_frames(result: RunResult, step: int | None, focus: str | None,
                     size: tuple[int, int], fps: int, seconds: float, theme: Theme = LIGHT,
                     captions: Callable[[Step], str] | None = None, value_colors: bool = False,
                     substep: int = -1, presentation: bool = False):
    """Yield QImages of the animation into step (1-based; default the last), or into its
    call `substep` (from the call before it); `presentation`: at projector type sizes, as
    the window presents it."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    from stridescope.engine.picture.transition import frame_at

    composed = compose_step(result, step, focus, size, captions, animate=True,
                            value_colors=value_colors, substep=substep,
                            presentation=presentation)
    scene = scene_for(composed, theme)
    scene.begin_animation()
    count = max(2, round(fps * seconds * (composed.plan.length if composed.plan else 1.0)))
    for i in range(count):
        if composed.plan is not None:
            scene.show_frame(frame_at(composed.plan, i / (count - 1)))
        if scene.mesh_item is not None:  # a sharded tensor: blocks fly between rank strips
            scene.mesh_item.set_progress(i / (count - 1))
        image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
        image.fill(QColor(theme.background))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, size[0], size[1]), scene.sceneRect(),
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
                     fps: int = 30, seconds: float = MOTION_SECONDS, theme: Theme = LIGHT,
                     captions: Callable[[Step], str] | None = None, progress=None,
                     value_colors: bool = False, substep: int = -1,
                     presentation: bool = False) -> int:
    """Write a GIF (Pillow) or MP4 (imageio-ffmpeg) of the step's animation; return frames.

    The first frame is held LEAD_SECONDS and the result HOLD_SECONDS (GIF: one long frame;
    MP4: repeated frames), and a GIF loops."""
    suffix = Path(path).suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise ValueError(f"unsupported animation format: {suffix}")
    if not result.steps:
        raise ValueError("the script has no steps to animate")
    frames = []
    total = max(2, round(fps * seconds))
    for n, image in enumerate(animation_frames(result, step, focus, size, fps, seconds, theme,
                                               captions, value_colors, substep,
                                               presentation)):
        frames.append(_to_pil(image))
        if progress is not None:
            progress(n + 1, total)
    frame_ms = int(1000 / fps)
    if suffix == ".gif":
        from PIL import Image

        quantized = [f.quantize(colors=255, method=Image.Quantize.FASTOCTREE) for f in frames]
        durations = [int(LEAD_SECONDS * 1000)] + [frame_ms] * (len(frames) - 2) + \
            [int(HOLD_SECONDS * 1000)]
        quantized[0].save(path, save_all=True, append_images=quantized[1:],
                          duration=durations, loop=0, optimize=False)
        return len(frames)
    lead = [frames[0]] * round(fps * LEAD_SECONDS)
    hold = [frames[-1]] * round(fps * HOLD_SECONDS)
    try:
        import imageio.v2 as imageio
        import numpy as np
    except ImportError as exc:
        raise RuntimeError("MP4 export needs the optional extra: pip install "
                           "'stridescope[video]' (imageio + imageio-ffmpeg)") from exc
    try:
        with imageio.get_writer(path, fps=fps, codec="libx264", macro_block_size=8,
                                quality=8) as writer:
            for frame in lead + frames + hold:
                writer.append_data(np.asarray(frame))
    except Exception as exc:  # ffmpeg missing or failing: say so plainly
        raise RuntimeError(f"MP4 export failed: {exc}") from exc
    return len(lead) + len(frames) + len(hold)


def export_steps(result: RunResult, folder: str, size: tuple[int, int] = (1200, 800),
                 fps: int = 30, gif: bool = False, theme: Theme = LIGHT,
                 captions: Callable[[Step], str] | None = None,
                 value_colors: bool = False, substeps: bool = False,
                 presentation: bool = False) -> list[str]:
    """One numbered PNG (and optionally GIF) per step: a ready figure set for a tutorial.
    With `substeps`, each call of a chained statement too, after its statement, in the order
    → steps into them: step-03.png, step-03_call1.png, step-03_call2.png, step-04.png."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for step in result.steps:
        calls = range(substep_count(step)) if substeps else range(0)
        for sub in (-1, *calls):
            name = f"step-{step.index + 1:02d}" + (f"_call{sub + 1}" if sub >= 0 else "")
            stem = out / name
            export_still(result, f"{stem}.png", step=step.index + 1, size=size, theme=theme,
                         captions=captions, value_colors=value_colors, substep=sub,
                         presentation=presentation)
            written.append(f"{stem}.png")
            if gif and (step.index > 0 or sub > 0):
                export_animation(result, f"{stem}.gif", step=step.index + 1, size=size,
                                 fps=fps, theme=theme, captions=captions,
                                 value_colors=value_colors, substep=sub,
                                 presentation=presentation)
                written.append(f"{stem}.gif")
    return written
