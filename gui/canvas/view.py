"""The canvas view: zoom (Ctrl+wheel, Ctrl +/−/0), pan, fit."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import QGraphicsView

from stridescope.gui.canvas.scene import CanvasScene

MIN_SCALE, MAX_SCALE = 0.02, 8.0


class CanvasView(QGraphicsView):
    """Shows the composed scene; the picture is composed for this view's size, so the fitted
    view is 1:1 and a resize asks for a new composition (sig_resized)."""

    sig_resized = Signal()

    def __init__(self, scene: CanvasScene, parent=None) -> None:
        super().__init__(scene, parent)

        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMouseTracking(True)
        self.zoom = 1.0
        self.auto_fit = True  # until the user zooms by hand, every new picture is fitted
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in),
                           ("Ctrl+=", self.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
                           ("Ctrl+0", self.reset_zoom)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(MIN_SCALE, min(MAX_SCALE, zoom))
        self.resetTransform()
        self.scale(self.zoom, self.zoom)

    def zoom_in(self) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom * 1.25)

    def zoom_out(self) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom / 1.25)

    def reset_zoom(self) -> None:
        """Ctrl+0: back to the fitted picture (composed for this size, so also 1:1)."""
        self.fit()

    def picture_changed(self) -> None:
        if self.auto_fit:
            self.fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.sig_resized.emit()  # compositions are cached per size: cheap when it repeats
        self.picture_changed()

    def fit(self, max_zoom: float = 2.5) -> None:
        """Fit the scene into the view; a tall scene (a long strip) fits its width and scrolls."""
        self.auto_fit = True
        rect: QRectF = self.sceneRect()
        if rect.width() <= 0 or rect.height() <= 0:
            return
        by_width = self.viewport().width() / rect.width()
        by_height = self.viewport().height() / rect.height()
        self.set_zoom(min(max_zoom, by_width, by_height))
        self.ensureVisible(QRectF(rect.left(), rect.top(), 1, 1))

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.0015 ** event.angleDelta().y()
            self.auto_fit = False
            self.set_zoom(self.zoom * factor)
            event.accept()
            return
        super().wheelEvent(event)
