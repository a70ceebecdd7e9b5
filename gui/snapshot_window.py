"""The window around steps recorded elsewhere (the Python API, a Jupyter kernel): read-only."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from stridescope.engine.model.state import RunResult
from stridescope.gui.app import ensure_app


def open_result_window(result: RunResult, focus: str | None = None, theme: str | None = None,
                       lang: str | None = None, title: str = "", keep_excepthook: bool = True):
    """A shown MainWindow on `result`: navigation, inspector, export all work; the code panel
    is the record of where the steps came from, so it cannot be edited or re-run. Theme and
    language apply to this window only (the user's settings are not changed)."""
    ensure_app()
    from stridescope.gui.i18n import install_language, settle_language_change
    from stridescope.gui.main_window import MainWindow
    from stridescope.gui.theme import THEMES

    hook = sys.excepthook
    window = MainWindow()
    if keep_excepthook:  # in the user's own process their error handling stays theirs
        sys.excepthook = hook
    # a snapshot is not a script to restore after a crash: never the user's autosave
    window.autosave.discard()
    window.autosave.path = Path(tempfile.mkdtemp(prefix="stridescope-")) / "snapshot.stridescope"
    if theme is not None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}: one of {', '.join(THEMES)}")
        window.presenter.theme = THEMES[theme]  # this window only: settings unchanged
    if lang is not None and lang != window.presenter.lang:
        window.presenter.lang = lang
        install_language(lang)
        settle_language_change()
    code = window.code
    code.editor.setReadOnly(True)
    for widget in (code.run_button, code.entry):
        widget.hide()
    window.controller.show_result(result)
    if focus is not None:
        window.controller.focus(focus)
    window.setWindowTitle(f"Stridescope — {title}" if title else "Stridescope")
    window.show()
    return window
