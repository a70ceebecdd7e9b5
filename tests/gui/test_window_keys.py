"""The window's keyboard and languages: shortcuts survive language switches, none collide,
menus keep distinct mnemonics, the first screen speaks the saved language, Ctrl+0 fits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest

from stridescope.gui.main_window import MainWindow
from tests.gui.helpers import open_window

SCRIPT = "import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\nc = b.contiguous()\n" \
    "d = a[1:, :2]\ne = d.flatten()\n"


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, SCRIPT)
    w.set_reduced_motion(True)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.set_lang("en")
    w.set_reduced_motion(False)


def _shortcuts(window) -> list[tuple[str, str]]:
    """(key, owner) for every enabled action and shortcut object of the window."""
    keys = []
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            keys.append((seq.toString(), action.text()))
    for shortcut in window.findChildren(QShortcut):
        for seq in shortcut.keys():
            keys.append((seq.toString(), "QShortcut"))
    return keys


def test_arrow_keys_step_once_each_after_two_language_switches(window, qtbot):
    window.set_lang("zh_CN")  # what --lang zh_CN does at start
    english = next(a for a in window.findChildren(QAction) if a.text() == "English")
    english.trigger()  # View → Language → English
    assert window.menuBar().actions()[0].text() == "&File"
    window.view.setFocus()
    c = window.controller
    c.goto(2)
    QTest.keyClick(window.view, Qt.Key.Key_Right)
    assert c.document.step_index == 3
    QTest.keyClick(window.view, Qt.Key.Key_Left)
    assert c.document.step_index == 2
    QTest.keyClick(window.view, Qt.Key.Key_Left)
    assert c.document.step_index == 1
    QTest.keyClick(window.view, Qt.Key.Key_End)
    assert c.document.step_index == 5
    QTest.keyClick(window.view, Qt.Key.Key_Home)
    assert c.document.step_index == 0
    QTest.keyClick(window.view, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()  # Ctrl+Q quits


def test_language_switches_retranslate_in_place_without_leaking_actions(window, qtbot):
    before = len(window.findChildren(QAction))
    step_forward = next(a for a in window.actions() if a.text() == "Step &forward")
    for _ in range(10):
        window.set_lang("zh_CN")
        window.set_lang("en")
    assert len(window.findChildren(QAction)) == before
    assert step_forward.text() == "Step &forward"  # the same object, retranslated
    window.set_lang("zh_CN")
    assert step_forward.text() == "前进一步(&F)"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_two_actions_share_a_shortcut_and_menus_have_distinct_mnemonics(window, lang):
    window.set_lang(lang)
    seen: dict[str, str] = {}
    for key, owner in _shortcuts(window):
        assert key not in seen, f"{key} is bound to both {seen[key]!r} and {owner!r}"
        seen[key] = owner
    mnemonics: dict[str, str] = {}
    for action in window.menuBar().actions():
        key = QKeySequence.mnemonic(action.text()).toString()
        assert key, f"menu {action.text()!r} has no mnemonic"
        assert key not in mnemonics, f"{key} opens both {mnemonics[key]!r} and {action.text()!r}"
        mnemonics[key] = action.text()


def test_first_screen_speaks_the_saved_language(qtbot):
    from stridescope.gui.i18n import install_language
    from stridescope.gui.settings import Settings

    Settings().set("language", "zh_CN")
    try:
        w = MainWindow()
        qtbot.addWidget(w)
        assert w.inspector.names["shape"].text() == "形状"
        assert w.docks["Inspector"].windowTitle() != "Inspector"
        assert w.menuBar().actions()[0].text() == "文件(&F)"
    finally:
        Settings().set("language", "")
        install_language("en")


def test_ctrl_0_returns_to_the_fitted_view(window, qtbot):
    view = window.view
    view.fit()
    fitted = view.zoom
    view.zoom_in()
    view.zoom_in()
    assert not view.auto_fit and view.zoom != pytest.approx(fitted)
    QTest.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.auto_fit
    assert view.zoom == pytest.approx(fitted)


def test_ctrl_q_ends_the_process_and_leaves_no_autosave_or_lock():
    """The real launcher in a fresh process: Ctrl+Q quits (exit 0), the autosave and the
    process lock are gone. How long it takes is measured by tools/quit_time.py, not here."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from quit_time import one_run

    phases = one_run(fast=True)  # raises when the window did not quit cleanly
    assert set(phases) == {"closeEvent", "to event loop end", "Ctrl+Q to process end"}


def test_sigterm_closes_the_window_like_ctrl_q(tmp_path):
    """A logout or `kill` (SIGTERM) is not a crash: the launcher closes the window cleanly,
    so no autosave or lock is left to offer a false restore next time."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "STRIDESCOPE_CONFIG_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "main.py", "--lesson", "tutorial"], cwd=root,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("instance-*.lock")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(tmp_path.glob("instance-*.lock")), "the window did not start"
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not list(tmp_path.glob("autosave-*")) and not list(tmp_path.glob("instance-*"))
