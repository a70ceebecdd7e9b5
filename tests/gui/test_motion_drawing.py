"""The motion vocabulary as drawn: a transpose's link lines reach the strip in the pixels,
the turning sheet's cards are where the engine says, the frame stays cheap to paint."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture.transition import frame_at
from stridescope.gui.export import compose_step, scene_for
from stridescope.gui.theme import LIGHT

SCRIPT = "import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\n"
SIZE = (1280, 720)


def _render(scene) -> QImage:
    image = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    image.fill(QColor(LIGHT.background))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, *SIZE), scene.sceneRect(),
                 Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return image


def _inked(image: QImage, point: QPointF) -> bool:
    """Anything but the background within two pixels of point."""
    background = QColor(LIGHT.background)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            x, y = round(point.x()) + dx, round(point.y()) + dy
            if 0 <= x < SIZE[0] and 0 <= y < SIZE[1] and image.pixelColor(x, y) != background:
                return True
    return False


def test_transpose_frames_draw_every_link_line_down_to_its_storage_cell(qapp):
    result = run_script(SCRIPT)
    composed = compose_step(result, 3, None, SIZE, animate=True)
    plan = composed.plan
    assert plan is not None and plan.motion == "flip"
    scene = scene_for(composed, LIGHT)
    scene.begin_animation()
    spent = []
    for t in (0.2, 0.35, 0.65, 0.8):
        frame = frame_at(plan, t)
        start = time.perf_counter()
        scene.show_frame(frame)
        image = _render(scene)
        spent.append(time.perf_counter() - start)
        cards = [s for s in frame.sprites if not s.style]
        assert len(cards) == 12
        for sprite in cards:
            a, b = scene.locate(sprite.source), scene.locate(sprite.target)
            cell = scene.locate(sprite.link)
            p = sprite.progress
            centre = QPointF(a.center().x() + (b.center().x() - a.center().x()) * p
                             + sprite.offset[0] * a.width(),
                             a.center().y() + (b.center().y() - a.center().y()) * p
                             + sprite.offset[1] * a.height())
            end = QPointF(cell.center().x(), cell.top() + 2)
            # the card is painted at its centre, and its line three quarters of the way down
            assert _inked(image, centre), (t, sprite.text)
            assert _inked(image, centre + (end - centre) * 0.75), (t, sprite.text)
    scene.end_animation()
    assert max(spent) < 1.0  # one frame, painted offscreen at 1280×720


def test_a_copy_shows_its_grid_faintly_while_the_values_fly(qapp):
    """The frame is never half empty during a copy: the result's grid is there, faint, from
    the first frame (the logical order the values are read in)."""
    from stridescope.engine.interpret.runner import run_script
    from stridescope.engine.picture.compose import compose
    from stridescope.engine.picture.scene import Viewport, ViewState
    from stridescope.engine.picture.transition import frame_at
    from stridescope.gui.canvas.scene import CanvasScene

    result = run_script("import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\n"
                        "c = b.contiguous()\n")
    composed = compose(result, ViewState(step=3), Viewport(1280, 720))
    assert composed.plan.kind == "copy"
    scene = CanvasScene()
    scene.show_scene(composed)
    scene.begin_animation()
    scene.show_frame(frame_at(composed.plan, 0.0))
    assert 0.25 <= scene.grid_item.opacity() < 0.5
    scene.show_frame(frame_at(composed.plan, 1.0))
    assert scene.grid_item.opacity() == 1.0
