"""Stepping into a chained statement's calls: keys, the history's foldable node, the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui.helpers import open_window

CHAIN = ("import torch\ntensorA = torch.arange(12).reshape(3, 4)\n"
         "viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)\n"
         "b = viewA.sum()\n")
CALLS = ["tensorA.transpose(0, 1)", "tensorA.transpose(0, 1).contiguous()",
         "tensorA.transpose(0, 1).contiguous().view(1, 12)"]
LABELS = ["① tensorA.transpose(0, 1)", "② .contiguous()", "③ .view(1, 12)"]  # in the picture


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, CHAIN)
    w.set_reduced_motion(True)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.set_reduced_motion(False)


def _where(window):
    doc = window.controller.document
    return doc.step_index, doc.sub


def _key(window, key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window.canvas_view if hasattr(window, "canvas_view") else window, key,
                   modifier)


def test_right_steps_into_the_calls_then_out_and_left_walks_back(window):
    window.controller.goto(2)
    path = [_where(window)]
    for _ in range(4):
        _key(window, Qt.Key.Key_Right)
        path.append(_where(window))
    assert path == [(2, -1), (2, 0), (2, 1), (2, 2), (3, -1)]
    shown = []
    for k in range(3):
        window.controller.goto_sub(2, k)
        shown.append(window.scene.picture.focus)
    assert shown == LABELS  # each call draws its own tensor
    window.controller.last()
    back = [_where(window)]
    for _ in range(4):
        _key(window, Qt.Key.Key_Left)
        back.append(_where(window))
    assert back == [(3, -1), (2, 2), (2, 1), (2, 0), (2, -1)]


def test_shift_right_and_f10_step_over_the_calls(window):
    window.controller.goto(2)
    _key(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert _where(window) == (3, -1)
    _key(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert _where(window) == (2, -1)
    _key(window, Qt.Key.Key_F10)
    assert _where(window) == (3, -1)
    window.controller.goto_sub(2, 1)
    _key(window, Qt.Key.Key_F10)  # from inside the statement: out to the next one
    assert _where(window) == (3, -1)


def test_history_shows_the_chain_as_a_foldable_node_and_clicks_go_there(window, qtbot):
    history = window.history
    node = history.topLevelItem(2)
    assert history.topLevelItemCount() == 4
    assert [node.child(k).text(0) for k in range(node.childCount())] == LABELS
    assert [node.child(k).toolTip(0) for k in range(node.childCount())] == CALLS
    assert node.isExpanded() and history.topLevelItem(3).childCount() == 0
    rect = history.visualItemRect(node.child(1))
    QTest.mouseClick(history.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _where(window) == (2, 1)
    assert window.scene.picture.focus == LABELS[1]
    assert history.currentItem() is history.topLevelItem(2).child(1)  # rebuilt, still there
    history.topLevelItem(2).setExpanded(False)  # folded by the user: stays folded
    window.controller.goto(3)
    assert not history.topLevelItem(2).isExpanded()
    history.topLevelItem(2).setExpanded(True)
    rect = history.visualItemRect(history.topLevelItem(1))
    QTest.mouseClick(history.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _where(window) == (1, -1)


def test_the_inspector_tensors_and_console_follow_the_call(window):
    window.controller.goto_sub(2, 1)  # .contiguous(): the copy, on its temporary storage
    values = window.inspector.values
    assert values["name"].text() == LABELS[1]
    assert values["stride (elements)"].text() == "(3, 1)"
    assert "copy" in values["made by"].text()
    names = [window.tensors.topLevelItem(i).child(j).text(0)
             for i in range(window.tensors.topLevelItemCount())
             for j in range(window.tensors.topLevelItem(i).childCount())]
    assert LABELS[1] in names and "viewA" not in names  # the statement has not bound it yet
    console = window.console.toPlainText()
    assert "line 3, call 2 of 3: " + CALLS[1] in console
    window.controller.goto(2)  # the statement: its own tensor and no call line
    assert values["name"].text() == "viewA" and "call 2 of 3" not in \
        window.console.toPlainText()


def test_a_saved_session_comes_back_inside_the_call(window, qtbot, tmp_path):
    from stridescope.engine.document.session_file import load_session, save_session

    window.controller.goto_sub(2, 2)
    path = tmp_path / "inside.stridescope"
    save_session(path, window.files.current_session())
    assert load_session(path).sub == 2
    window.controller.goto(0)
    assert window.files.open_path(str(path))
    qtbot.waitUntil(lambda: _where(window) == (2, 2), timeout=10_000)
    assert window.scene.picture.focus == LABELS[2]
