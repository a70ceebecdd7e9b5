"""QApplication bootstrap, shared by the window and headless exports (imports no window)."""

from __future__ import annotations

import os
import sys


def ensure_app():
    """The QApplication, created offscreen when there is no display."""
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Stridescope")
        app.setOrganizationName("Stridescope")
    return app
