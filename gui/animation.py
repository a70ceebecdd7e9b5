"""One animation clock for the canvas: plays a Plan, never queues (a new step finishes it)."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QObject, QVariantAnimation, Signal

from stridescope.engine.picture.transition import Plan, frame_at
from stridescope.gui.canvas.scene import CanvasScene

BASE_DURATION_MS = 1200


class Animator(QObject):
    sig_finished = Signal()
    sig_frame = Signal(object)  # the Frame just shown (the inspector tweens its numbers)

    def __init__(self, scene: CanvasScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.speed = 1.0
        self.reduced_motion = False
        self.plan: Plan | None = None
        self.mesh_item = None  # a MeshItem whose cells are flying in
        self._clock = QVariantAnimation(self)
        self._clock.setStartValue(0.0)
        self._clock.setEndValue(1.0)
        # easing lives in the engine's frame_at; the clock itself runs linearly
        self._clock.setEasingCurve(QEasingCurve.Type.Linear)
        self._clock.valueChanged.connect(self._on_value)
        self._clock.finished.connect(self._on_finished)

    @property
    def running(self) -> bool:
        return self._clock.state() == QVariantAnimation.State.Running

    def play(self, plan: Plan) -> None:
        self.finish()
        if self.reduced_motion or plan.kind == "none":
            return
        self.plan = plan
        self.scene.begin_animation(plan)
        self.scene.show_frame(frame_at(plan, 0.0))
        self._clock.setDuration(max(1, int(BASE_DURATION_MS * plan.length / self.speed)))
        self._clock.start()

    def play_mesh(self, item) -> None:
        """A sharded tensor's step: its local cells fly in (gui/canvas/mesh_item.py)."""
        self.finish()
        if self.reduced_motion or item is None:
            return
        self.mesh_item = item
        item.set_progress(0.0)
        self._clock.setDuration(max(1, int(BASE_DURATION_MS / self.speed)))
        self._clock.start()

    def finish(self) -> None:
        """Jump to the end of the running animation at once (stepping never queues)."""
        if self.running:
            self._clock.stop()
        if self.mesh_item is not None:
            item, self.mesh_item = self.mesh_item, None
            try:
                item.set_progress(1.0)
            except RuntimeError:  # the scene replaced (deleted) it meanwhile
                pass
        if self.plan is not None:
            plan, self.plan = self.plan, None
            if plan.kind == "error" and plan.walk:  # the break stays marked until the next step
                self.scene.show_frame(frame_at(plan, 1.0))
            else:
                self.scene.end_animation()
            self.sig_finished.emit()

    def _on_value(self, value: float) -> None:
        if self.mesh_item is not None:
            try:
                self.mesh_item.set_progress(float(value))
            except RuntimeError:  # the scene replaced (deleted) it meanwhile
                self.mesh_item = None
        if self.plan is not None:
            frame = frame_at(self.plan, float(value))
            self.scene.show_frame(frame)
            self.sig_frame.emit(frame)

    def _on_finished(self) -> None:
        self.finish()
