"""Start the window: open a file, apply the command line, offer a crash restore, run, exit.

The exit is fast on purpose: once the window has closed (settings synced, autosave removed,
lock released), tearing down the Python interpreter with torch loaded took most of the
time between Ctrl+Q and the process ending; `os._exit` skips it (tools/quit_time.py).
"""

from __future__ import annotations

import os
import sys

from gui.app import ensure_app


def _quit_on_terminate(app) -> None:
    """SIGTERM (a logout, `kill`) closes the window as Ctrl+Q would: the autosave is removed
    and the next start does not offer a false crash restore. Python runs signal handlers
    only between bytecodes, so a slow timer lets it look while Qt's loop waits."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()


def run_window(path: str, step: int | None = None, screenshot: str | None = None,
               theme: str | None = None, lang: str | None = None, present: bool = False,
               fast_exit: bool = True) -> int:
    app = ensure_app()
    from PySide6.QtCore import Qt, QTimer

    from gui.main_window import MainWindow

    window = MainWindow()
    window.restore_layout()
    if lang:
        window.set_lang(lang)
    window.files.open_path(path, step=None if step is None else step - 1)
    if theme:
        window.set_theme(theme)
    window.show()
    if not screenshot:
        QTimer.singleShot(0, window.autosave.offer_restore)
    if present:
        window.presentation.toggle()
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
    _quit_on_terminate(app)
    code = app.exec()
    if fast_exit:
        if window.isVisible():  # app.exit() from elsewhere: close as Ctrl+Q would
            window.close()  # settings synced, autosave removed
        from gui.autosave import release_process_lock

        release_process_lock()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
