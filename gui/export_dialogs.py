"""File → Export still / animation (with progress) and Copy image, from the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox, QProgressDialog

from stridescope.gui.canvas_presenter import CanvasPresenter
from stridescope.gui.controller import Controller
from stridescope.gui.export import export_animation, render_scene
from stridescope.gui.i18n import _

ANIMATION_SIZE = (1200, 800)


class ExportDialogs(QObject):
    def __init__(self, window: QMainWindow, controller: Controller,
                 presenter: CanvasPresenter) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.presenter = presenter

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text)

    def export_still(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.window, _("Export canvas"), "stridescope.png",
            "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
            path += ".png"
        scene = self.presenter.scene
        rect = scene.sceneRect()
        size = (int(rect.width() * 1.5), int(rect.height() * 1.5))
        try:
            render_scene(scene, path, size, self.presenter.theme.background)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, _("Export failed"), str(exc))
            return
        self._status(_("Exported {path}").format(path=path))

    def export_animation(self) -> None:
        document = self.controller.document
        if document.step is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self.window, _("Export animation"), "stridescope.gif", "GIF (*.gif);;MP4 (*.mp4)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".gif", ".mp4"):
            path += ".gif"
        progress = QProgressDialog(_("Rendering frames…"), "", 0, 100, self.window)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def report(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            QApplication.processEvents()

        lesson, lang = self.presenter.lesson, self.presenter.lang
        captions = (lambda s: lesson.caption(s, lang)) if lesson else None
        try:
            export_animation(document.result, path, step=document.step_index + 1,
                             focus=document.focus, size=ANIMATION_SIZE, captions=captions,
                             progress=report)
        except (OSError, ValueError, RuntimeError) as exc:
            QMessageBox.warning(self.window, _("Export failed"), str(exc))
            return
        finally:
            progress.close()
        self._status(_("Exported {path}").format(path=path))

    def copy_image(self) -> None:
        image = self.presenter.view.grab().toImage()
        QGuiApplication.clipboard().setImage(image)
        self._status(_("Canvas copied to the clipboard"))
