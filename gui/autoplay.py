"""Play / pause: step forward on a timer (its pace follows the animation speed)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from stridescope.gui.controller import Controller

BASE_INTERVAL_MS = 1600


class Autoplay(QObject):
    def __init__(self, controller: Controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.speed = 1.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def set_speed(self, factor: float) -> None:
        self.speed = factor
        self.timer.setInterval(int(BASE_INTERVAL_MS / factor))

    def toggle(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            return
        document = self.controller.document
        if document.step_index >= len(document.steps) - 1:
            self.controller.first()
        self.timer.setInterval(int(BASE_INTERVAL_MS / self.speed))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        document = self.controller.document
        if document.step_index >= len(document.steps) - 1:
            self.timer.stop()
            return
        self.controller.step_forward()
