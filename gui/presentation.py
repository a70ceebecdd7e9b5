"""Presentation mode: full screen, canvas only, high contrast; Esc or F5 restores."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QMainWindow

from stridescope.gui.canvas_presenter import CanvasPresenter
from stridescope.gui.theme import HIGH_CONTRAST


class Presentation(QObject):
    def __init__(self, window: QMainWindow, docks: list[QDockWidget],
                 presenter: CanvasPresenter) -> None:
        super().__init__(window)
        self.window = window
        self.docks = docks
        self.presenter = presenter
        self._saved = None  # (window state, theme, geometry) while presenting

    @property
    def active(self) -> bool:
        return self._saved is not None

    def toggle(self) -> None:
        window = self.window
        if self.active:
            state, theme, geometry = self._saved
            self._saved = None
            window.showNormal()
            window.restoreState(state)
            window.restoreGeometry(geometry)
            window.menuBar().show()
            window.statusBar().show()
            self.presenter.theme = theme
            self.presenter.presenting = False
        else:
            self._saved = (window.saveState(), self.presenter.theme, window.saveGeometry())
            for dock in self.docks:
                dock.hide()
            window.menuBar().hide()
            window.statusBar().hide()
            self.presenter.theme = HIGH_CONTRAST
            self.presenter.presenting = True
            window.showFullScreen()
            screen = window.screen()
            if screen is not None:  # without a window manager full screen is only a request
                window.setGeometry(screen.geometry())
        self.presenter.view.auto_fit = True
        self.presenter.refresh()
