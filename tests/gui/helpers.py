"""Shared window set-up for the GUI tests."""

from __future__ import annotations


def open_window(qtbot, tmp_path, script: str):
    """A MainWindow showing `script` (saved as a file and opened the way a user would)."""
    from stridescope.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    path = tmp_path / "s.py"
    path.write_text(script)
    assert w.files.open_path(str(path))
    return w
