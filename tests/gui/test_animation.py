"""The animation clock: completes, leaves nothing running, never queues; GIF/MP4 exports."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QAbstractAnimation, QTimer

from stridescope.engine.interpret.runner import run_script
from stridescope.gui.export import HOLD_SECONDS, LEAD_SECONDS, export_animation, export_still
from tests.gui.helpers import open_window

SCRIPT = ("import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\nc = b.contiguous()\n"
          "c[0, 0] = 99\nd = a[1:, :2]\n")


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, SCRIPT)
    w.controller.first()
    w.show()
    yield w
    # no animation or timer may outlive a test
    w.animator.finish()
    assert not w.animator.running
    assert not w.autoplay.active


def test_step_forward_animates_and_completes(window, qtbot):
    window.animator.speed = 8.0
    window.controller.goto(1)
    window.controller.step_over()  # b = a.t(): a view
    assert window.animator.running
    assert window.scene.overlay is not None
    qtbot.waitUntil(lambda: not window.animator.running, timeout=3000)
    assert window.scene.overlay is None
    assert window.scene.grid_item.opacity() == 1.0


def test_rapid_stepping_does_not_queue(window, qtbot):
    window.animator.speed = 0.25  # slow: each animation would take ~5 s
    for _ in range(4):  # over: line 2's arange().reshape() has calls to step into
        window.controller.step_over()
    assert window.controller.document.step_index == 4
    # only the last step's animation runs; earlier ones finished at once
    assert window.animator.running
    assert window.animator.plan.focus == "c"
    window.animator.finish()
    assert window.scene.overlay is None


def test_step_back_is_instant(window):
    window.controller.goto(3)
    window.animator.finish()
    window.controller.step_back()
    assert not window.animator.running


def test_reduced_motion_shows_no_animation(window):
    window.animator.reduced_motion = True
    window.controller.step_forward()
    assert not window.animator.running and window.scene.overlay is None


def test_replay_and_autoplay(window, qtbot):
    window.animator.speed = 4.0
    window.controller.goto(2)
    window.presenter.replay()
    assert window.animator.running
    window.autoplay.toggle()
    assert window.autoplay.active
    qtbot.waitUntil(lambda: window.controller.document.step_index == 5, timeout=8000)
    qtbot.waitUntil(lambda: not window.autoplay.active, timeout=4000)


def test_no_stray_timers_after_animation(window, qtbot):
    window.animator.speed = 8.0
    window.controller.goto(2)
    qtbot.waitUntil(lambda: not window.animator.running, timeout=3000)
    assert window.animator._clock.state() == QAbstractAnimation.State.Stopped
    window.autosave.discard()  # the autosave debounce is the only timer allowed to wait
    assert [t for t in window.findChildren(QTimer) if t.isActive()
            and t is not window.code._debounce] == []


@pytest.mark.parametrize("step", [3, 4, 5, 6])
def test_gif_frames_size_and_last_frame_equals_still(tmp_path, step):
    result = run_script(SCRIPT)
    gif, png = tmp_path / "a.gif", tmp_path / "s.png"
    frames = export_animation(result, str(gif), step=step, size=(640, 480), fps=10,
                              seconds=1.0)
    export_still(result, str(png), step=step, size=(640, 480))
    with Image.open(gif) as animation:
        assert animation.size == (640, 480)
        assert animation.n_frames >= 3  # identical frames (a settled flash, the hold) merge
        assert frames == 10
        animation.seek(animation.n_frames - 1)
        assert animation.info["duration"] >= 1500  # the result is held long enough to read
        animation.seek(0)
        first = animation.convert("RGB")
        animation.seek(animation.n_frames - 1)
        last = animation.convert("RGB")
    with Image.open(png) as still:
        still = still.convert("RGB")
    assert _difference(first, last) > 0.05  # the animation shows change (one cell, at least)
    assert _difference(last, still) < 2.0  # ends on the still picture (GIF palette aside)


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel (0..255)."""
    from PIL import ImageChops, ImageStat

    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_mp4_export(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    import imageio.v2 as imageio

    path = tmp_path / "a.mp4"
    export_animation(run_script(SCRIPT), str(path), step=3, size=(640, 480), fps=12,
                     seconds=1.0)
    reader = imageio.get_reader(str(path))
    frames = [f for f in reader]
    reader.close()
    # the first frame is held (a loop shows the "before"), and so is the result
    assert len(frames) == round(12 * LEAD_SECONDS) + 12 + round(12 * HOLD_SECONDS)
    lead_end = frames[round(12 * LEAD_SECONDS) - 1].astype(int)
    assert abs(frames[0].astype(int) - lead_end).mean() < 2  # the same picture (codec noise)
    assert frames[0].shape == (480, 640, 3)


def test_unknown_animation_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError):
        export_animation(run_script(SCRIPT), str(tmp_path / "a.avi"), size=(320, 240), fps=2,
                         seconds=1.0)


def test_inspector_numbers_tween_during_a_view_and_settle(window, qtbot):
    window.animator.speed = 0.5
    window.controller.goto(1)
    window.controller.step_over()  # b = a.t(): stride (4, 1) → (1, 4)
    seen = set()
    window.animator.sig_frame.connect(
        lambda frame: seen.add(window.inspector.values["stride (elements)"].text()))
    qtbot.waitUntil(lambda: not window.animator.running, timeout=6000)
    # old → new while it moves, never a blend that never existed (issue 9)
    assert "(4, 1) → (1, 4)" in seen
    assert seen <= {"(4, 1) → (1, 4)", "(1, 4)"}
    assert window.inspector.values["stride (elements)"].text() == "(1, 4)"


def test_stride_arcs_appear_with_the_result_not_before(window, qtbot):
    """Mid-transpose the strip's stride brackets are not already the new ones (issue 9)."""
    window.animator.speed = 0.5
    window.controller.goto(1)
    window.controller.step_over()  # b = a.t()
    strip = next(iter(window.scene.strip_items.values()))
    assert window.animator.running and not strip.arcs_visible
    qtbot.waitUntil(lambda: not window.animator.running, timeout=6000)
    assert all(item.arcs_visible for item in window.scene.strip_items.values())


def test_presenting_reaches_animations_and_step_figures(qapp, tmp_path):
    """presentation=True sets the type sizes of a GIF and of --export-steps as of a still:
    the GIF's last frame is the presenting still, not the plain one."""
    import numpy as np

    from stridescope.gui.export import export_steps

    result = run_script(SCRIPT)
    size = (640, 360)

    def pixels(path) -> np.ndarray:
        with Image.open(path) as image:
            image.seek(getattr(image, "n_frames", 1) - 1)
            return np.asarray(image.convert("RGB"), dtype=float)

    stills = {}
    for present in (False, True):
        export_still(result, str(tmp_path / f"{present}.png"), step=3, size=size,
                     presentation=present)
        stills[present] = pixels(tmp_path / f"{present}.png")
    gif = tmp_path / "present.gif"
    export_animation(result, str(gif), step=3, size=size, fps=4, seconds=0.5,
                     presentation=True)
    last = pixels(gif)
    assert abs(last - stills[True]).mean() < abs(last - stills[False]).mean() / 4
    folder = tmp_path / "figures"
    export_steps(result, str(folder), size=size, presentation=True)
    assert abs(pixels(folder / "step-03.png") - stills[True]).max() == 0


def test_a_failed_view_rests_with_its_break_marked_until_the_next_step(qtbot, tmp_path):
    """The walk stops at the first break; once the motion ends the marks stay (the learner
    reads "#12 past the end" at leisure) and go with the next step."""
    script = SCRIPT + "e = b.view(12)  #! expect-error\nf = a[0]\n"
    w = open_window(qtbot, tmp_path, script)
    w.show()
    w.animator.speed = 8.0
    w.controller.goto(5)
    w.controller.step_forward()  # the failed view
    assert w.animator.running and w.animator.plan.kind == "error"
    qtbot.waitUntil(lambda: not w.animator.running, timeout=3000)
    overlay = w.scene.overlay
    assert overlay is not None and overlay.frame.t == 1.0
    assert overlay.frame.broken and overlay.frame.walk_cells and overlay.frame.expected
    w.controller.step_forward()
    assert w.scene.overlay is not overlay
    w.animator.finish()
    assert w.scene.overlay is None
