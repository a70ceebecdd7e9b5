"""While a run takes long: which line is running, a busy bar, and Cancel (or Esc)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from stridescope.gui.i18n import _


class RunProgress(QWidget):
    """Shown in the status bar once a run has taken longer than ~300 ms; hidden after."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy: a statement's length is not known in advance
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setToolTip(_("Stop the script (Esc)"))
        self.cancel_button.clicked.connect(controller.cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()
        runner = controller.runner
        runner.sig_slow.connect(self._on_slow)
        runner.sig_progress.connect(self._on_progress)
        runner.sig_finished.connect(self.hide)

    @classmethod
    def attach(cls, window: QMainWindow, controller) -> RunProgress:
        """Put the progress in the window's status bar, with Esc to cancel while it shows."""
        widget = cls(controller, window)
        window.statusBar().addPermanentWidget(widget)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setEnabled(False)  # only while a run shows: Esc also leaves presentation
        shortcut.activated.connect(controller.cancel)
        widget.shortcut = shortcut
        controller.sig_notice.connect(lambda text: window.statusBar().showMessage(text, 10000))
        return widget

    def _on_slow(self) -> None:
        self.label.setText(_("Running…"))
        self.show()
        if hasattr(self, "shortcut"):
            self.shortcut.setEnabled(True)

    def _on_progress(self, done: int, line: int) -> None:
        if done < 0:
            self.label.setText(_("Starting the worker (PyTorch is loading)…"))
        elif line:
            self.label.setText(_("Running line {line} ({done} statements done)…").format(
                line=line, done=done))
        else:
            self.label.setText(_("Running…"))

    def hide(self) -> None:  # noqa: D102 - also turns Esc back over to the window
        super().hide()
        if hasattr(self, "shortcut"):
            self.shortcut.setEnabled(False)
