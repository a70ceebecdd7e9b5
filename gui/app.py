"""QApplication set-up, shared by the window and headless exports."""

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


def run_window(path: str, step: int | None = None, screenshot: str | None = None,
               theme: str | None = None, lang: str | None = None, present: bool = False) -> int:
    app = ensure_app()
    from PySide6.QtCore import Qt, QTimer

    from gui.main_window import MainWindow

    window = MainWindow()
    window.restore_layout()
    if lang:
        window.set_lang(lang)
    window.open_path(path)
    if theme:
        window.set_theme(theme)
    if step is not None:
        window.controller.goto(step - 1)
    window.show()
    if not screenshot:
        QTimer.singleShot(0, window.offer_restore)
    if present:
        window.toggle_presentation()
    if screenshot:
        def grab() -> None:
            ok = window.grab().save(screenshot)
            print(f"{'saved' if ok else 'could not save'} {screenshot}")
            app.exit(0 if ok else 1)
        if window.controller.running:  # wait for the worker's first result, then grab
            window.controller.sig_changed.connect(
                lambda *_: QTimer.singleShot(600, grab), Qt.ConnectionType.SingleShotConnection)
        else:
            QTimer.singleShot(600, grab)
    return app.exec()
