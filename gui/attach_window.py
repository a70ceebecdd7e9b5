"""The window following a running Jupyter kernel: a new step after every cell the user runs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from stridescope.engine.live.attach import KernelFollower
from stridescope.engine.model.state import RunResult
from stridescope.gui.app import ensure_app
from stridescope.gui.i18n import _
from stridescope.gui.snapshot_window import open_result_window


class AttachBridge(QObject):
    """Carries the follower's results (from its thread) into the window's thread."""

    sig_result = Signal(object)
    sig_message = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.sig_result.connect(self._on_result)
        self.sig_message.connect(self._on_message)
        self.refreshes = 0

    @Slot(object)
    def _on_result(self, result: RunResult) -> None:
        self.refreshes += 1
        self.window.controller.show_result(result, animate=len(result.steps) > 1)
        step = result.steps[-1]
        self.window.statusBar().showMessage(
            _("{source} · {count} tensors").format(source=step.source.splitlines()[0],
                                                   count=len(step.tensors)))

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self.window.console.report(text)
        self.window.statusBar().showMessage(text)


def open_attach_window(connection_file: str, theme: str | None = None,
                       lang: str | None = None, timeout: float = 10.0):
    """The window, and the follower feeding it (stop it when done: `follower.stop()`)."""
    window = open_result_window(RunResult("", ()), theme=theme, lang=lang,
                                title=_("kernel {name}").format(name=Path(connection_file).name),
                                keep_excepthook=False)
    window.statusBar().showMessage(_("Connecting to the kernel…"))
    bridge = AttachBridge(window)
    follower = KernelFollower(connection_file, bridge.sig_result.emit, bridge.sig_message.emit,
                              timeout=timeout)
    window.attach_bridge = bridge
    window.attach_follower = follower
    follower.start()
    return window, follower


def run_attach_window(connection_file: str, theme: str | None = None,
                      lang: str | None = None) -> int:
    app = ensure_app()
    window, follower = open_attach_window(connection_file, theme, lang)
    app.aboutToQuit.connect(follower.stop)
    code = app.exec()
    follower.stop()
    del window
    return code
