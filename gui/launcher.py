"""Start the window: open a file, apply the command line, offer a crash restore, run, exit.

The exit is fast on purpose: once the window has closed (settings synced, autosave removed,
lock released), tearing down the Python interpreter with torch loaded took most of the
time between Ctrl+Q and the process ending; `os._exit` skips it (tools/quit_time.py).
"""

from __future__ import annotations

import os
import sys

from stridescope.gui.app import ensure_app


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
               fast_exit: bool = True, size: tuple[int, int] | None = None) -> int:
    app = ensure_app()
    from PySide6.QtCore import QTimer

    from stridescope.gui.main_window import MainWindow

    window = MainWindow()
    window.restore_layout()
    if size:  # --size wins over the saved geometry (a screenshot at a size asked for)
        window.resize(*size)
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
        _grab_after_first_frame(window, screenshot, size)
    _quit_on_terminate(app)
    code = app.exec()
    if fast_exit:
        if window.isVisible():  # app.exit() from elsewhere: close as Ctrl+Q would
            window.close()  # settings synced, autosave removed
        from stridescope.gui.autosave import release_process_lock

        release_process_lock()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _grab_after_first_frame(window, path: str, size: tuple[int, int] | None = None,
                            patience_ms: int = 30000) -> None:
    """Save the window to path and quit as soon as the canvas has painted the document's
    first full frame (so `--screenshot` measures start-up from outside); after patience_ms
    it is saved as it is."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    app = ensure_app()
    viewport = window.view.viewport()

    def grab() -> None:
        if getattr(window, "_screenshot_taken", False):
            return
        window._screenshot_taken = True
        ok = window.grab().save(path)
        print(f"{'saved' if ok else 'could not save'} {path}")
        got = (window.width(), window.height())
        if size and got != tuple(size):  # the docks' minimum sizes win over --size
            print(f"stridescope: the window cannot be {size[0]}x{size[1]}; the screenshot is "
                  f"{got[0]}x{got[1]}", file=sys.stderr)
        app.exit(0 if ok else 1)

    def painted_in_full() -> bool:
        """The worker's first result is shown (or there is nothing to show)."""
        document = window.presenter.document
        if window.controller.running or document is None:
            return False
        return document.step is None or window.scene.composed is not None

    class FirstFrame(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and painted_in_full():
                viewport.removeEventFilter(self)
                QTimer.singleShot(0, grab)  # after this paint: the whole window is drawn
            return False

    watcher = FirstFrame(window)
    viewport.installEventFilter(watcher)
    QTimer.singleShot(patience_ms, grab)
