"""Window behaviour with pytest-qt (offscreen): load, step, hover, link, undo, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from stridescope.gui.main_window import MainWindow
from tests.gui.helpers import open_window

ROOT = Path(__file__).resolve().parents[2]

TUTORIAL = (
    "import torch\n"
    "tensorA = torch.arange(12).reshape(3, 4)\n"
    "tensorA_T = tensorA.transpose(0, 1)\n"
    "tensorB = tensorA[1:3, 0:2]\n"
    "viewA = tensorA.transpose(0, 1).contiguous()\n"
    "bad = tensorA_T.view(12)\n"
)


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, TUTORIAL)
    w.show()
    return w


def test_opens_on_the_first_tensor_and_the_last_step_shows_the_error(window):
    doc = window.controller.document
    assert len(doc.steps) == 6
    assert doc.step_index == 1  # tensorA = …: the first step that creates a tensor
    window.controller.last()
    assert window.controller.document.step.error.type == "RuntimeError"
    assert "view size is not compatible" in window.console.toPlainText()
    assert "Why:" in window.console.toPlainText()  # the engine's explanation
    assert window.history.topLevelItemCount() == 6


def test_stepping_moves_the_cursor_and_the_canvas(window):
    c = window.controller
    c.goto(2)
    assert window.scene.picture.focus == "tensorA_T"
    assert window.inspector.values["stride (elements)"].text() == "(1, 4)"
    c.step_forward()
    assert c.document.step_index == 3
    assert window.inspector.values["storage offset"].text().startswith("4 elements")
    c.step_back()
    assert c.document.step_index == 2
    assert window.history.indexOfTopLevelItem(window.history.currentItem()) == 2


def test_hover_grid_cell_lights_storage_cell_and_formula(window):
    c = window.controller
    c.goto(3)  # tensorB = tensorA[1:3, 0:2]
    scene = window.scene
    k = scene.show_grid_cell((), 1, 0)  # tensorB[1, 0] = storage 4 + 1·4 + 0·1 = 8
    assert k == 8
    strip = scene.strip_items[scene.picture.grid.tensor.storage_id]
    assert strip.highlight == {8}
    formula_text = "".join(text for line in scene.formula_item.lines for text, _, _ in line)
    assert "storage index = 4 + 1·4 + 0·1 = 8" in formula_text
    assert not scene.link_item.path().isEmpty()


def test_hover_grid_cell_via_mouse_event(window, qtbot):
    from PySide6.QtCore import QPoint

    window.controller.goto(1)
    scene = window.scene
    grid = scene.grid_item
    center = grid.mapToScene(grid.cell_rect((), 2, 3).center())
    qtbot.mouseMove(window.view.viewport(), window.view.mapFromScene(center))
    qtbot.waitUntil(lambda: grid.primary == ((), 2, 3), timeout=2000)
    strip = scene.strip_items[grid.grid.tensor.storage_id]
    assert strip.highlight == {11}
    window.view.viewport()  # the link follows
    assert QPoint  # imported for the move


def test_hover_storage_cell_lights_every_reader(window):
    window.controller.goto(1)
    window.controller.focus("tensorA")
    scene = window.scene
    storage_id = scene.picture.grid.tensor.storage_id
    scene.show_storage_cell(storage_id, 6)
    assert scene.grid_item.primary == ((), 1, 2)


def test_append_after_an_error_says_why_it_did_not_run(window):
    message = window.controller.append("e = torch.arange(3)")
    assert "stops earlier, at line 6" in message


def test_expand_overlap_lights_all_cells_that_share_storage(window):
    window.controller.set_script(TUTORIAL.replace("bad = tensorA_T.view(12)\n", ""))
    assert window.controller.append("e = torch.arange(3).expand(2, 3)") is None
    scene = window.scene
    assert scene.picture.focus == "e"
    scene.show_grid_cell((), 0, 1)
    assert set(scene.grid_item.secondary) == {((), 0, 1), ((), 1, 1)}


def test_transpose_shares_storage_contiguous_makes_new_strip(window):
    c = window.controller
    c.goto(2)
    composed = window.scene.composed
    assert len(composed.strips) == 1 and not composed.summaries  # tensorA, tensorA_T: one
    c.goto(4)
    composed = window.scene.composed
    # contiguous(): a new storage, drawn cell by cell, and the one its values came from
    assert [s.strip.storage.id for s in composed.strips] == [2, 1] and not composed.summaries
    assert composed.strips[0].strip.storage.id == composed.grid.grid.tensor.storage_id
    step = c.document.step
    assert step.tensor("viewA").storage_id != step.tensor("tensorA").storage_id


def test_append_statement_then_undo_redo(window):
    c = window.controller
    before = c.document.script
    window.code.entry.setText("z = tensorA.flatten()")
    window.code.entry.returnPressed.emit()
    # the script stops at the failing view, so move the new line before it
    assert c.document.script.endswith("z = tensorA.flatten()\n")
    c.undo_stack.undo()
    assert c.document.script == before
    assert window.code.editor.toPlainText() == before
    c.undo_stack.redo()
    assert c.document.script.endswith("z = tensorA.flatten()\n")


def test_bad_statement_in_entry_shows_inline_error_and_keeps_text(window):
    window.code.entry.setText("x = (")
    window.code.entry.returnPressed.emit()
    assert window.code.entry.text() == "x = ("
    assert not window.code.entry_error.isHidden()
    assert "syntax error" in window.code.entry_error.text()


def test_syntax_error_in_editor_keeps_text_and_reports(window, qtbot):
    text = TUTORIAL + "oops = (\n"
    window.code.editor.setPlainText(text)
    window.code.run()
    assert window.code.editor.toPlainText() == text
    assert "SyntaxError" in window.console.toPlainText()


def test_operation_menu_appends_statement(window):
    from stridescope.engine.document import ops

    c = window.controller
    c.set_script(TUTORIAL.replace("bad = tensorA_T.view(12)\n", ""))
    c.last()
    c.focus("tensorA")
    step = c.document.step
    statement = ops.transpose(step.tensor("tensorA"), {t.name for t in step.tensors})
    assert statement == "tensorA_T1 = tensorA.transpose(0, 1)"
    assert c.append(statement) is None
    assert c.document.step.tensor("tensorA_T1").stride == (1, 4)


def test_exception_in_a_slot_is_reported_not_fatal(window, qtbot):
    def boom():
        raise ValueError("boom")

    window.controller.sig_changed.connect(boom)
    with qtbot.capture_exceptions() as exceptions:
        window.controller.step_back()
    assert exceptions  # pytest-qt saw it; in the app sys.excepthook reports it
    window._on_uncaught(ValueError, ValueError("boom"), None)
    assert "Internal error" in window.console.toPlainText()


def test_zoom_shortcuts_scale_the_canvas(window):
    window.view.reset_zoom()
    fitted = window.view.zoom
    window.view.zoom_in()
    assert window.view.zoom == pytest.approx(fitted * 1.25)
    window.view.reset_zoom()  # Ctrl+0 returns to the fitted view (issue 9)
    assert window.view.transform().m11() == pytest.approx(fitted)
    assert window.view.auto_fit


def test_lesson_file_shows_captions(qtbot):
    from stridescope.engine.teaching.lessons import lesson_path

    w = MainWindow()
    qtbot.addWidget(w)
    w.presenter.lang = "en"
    assert w.files.open_path(str(lesson_path("tutorial")))
    assert "#:" not in w.controller.document.script
    w.controller.goto(3)
    assert "transpose" in _header(w)


def test_export_menus_write_files(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    for name in ("c.png", "c.svg", "c.pdf"):
        target = str(tmp_path / name)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (t, ""))
        window.exports.export_still()
        assert (tmp_path / name).stat().st_size > 500
    target = str(tmp_path / "a.gif")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target, ""))
    window.controller.goto(2)
    window.exports.export_animation()
    assert (tmp_path / "a.gif").stat().st_size > 1000


def test_presentation_mode_toggles_and_restores(window, qtbot):
    from stridescope.gui.theme import HIGH_CONTRAST, LIGHT

    assert not window.presentation.active
    window.presentation.toggle()
    assert window.presentation.active
    assert window.presenter.theme is HIGH_CONTRAST
    assert all(not d.isVisible() for d in window.docks.values())
    assert window.menuBar().isHidden()
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation.active
    assert window.presenter.theme is LIGHT
    assert window.docks["Code"].isVisible() and not window.menuBar().isHidden()


def test_theme_and_caption_language_switch(window):
    window.set_theme("dark")
    assert window.scene.theme.name == "dark"
    window.set_lang("zh_CN")
    assert window.presenter.lang == "zh_CN"


def test_broken_edit_survives_navigation(window):
    broken = TUTORIAL + "x = (\n"
    window.code.editor.setPlainText(broken)
    window.code.run()
    window.controller.step_back()
    window.controller.first()
    assert window.code.editor.toPlainText() == broken  # no lost text
    assert window.scene.picture is not None  # the last good picture stays


def test_session_save_open_round_trip(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window.controller.goto(3)
    window.controller.focus("tensorA")
    target = str(tmp_path / "s.stridescope")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target, ""))
    window.files.save_session_dialog()
    window.controller.load("import torch\n")
    assert window.files.open_path(target)
    doc = window.controller.document
    assert doc.script == TUTORIAL and doc.step_index == 3 and doc.focus == "tensorA"
    assert target in window.settings.get("recent_files")


def test_corrupt_session_changes_nothing(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "bad.stridescope"
    bad.write_text('{"format": "stridescope-session/1", "script": "x = ')
    before = window.controller.document
    assert not window.files.open_path(str(bad))
    assert window.controller.document is before
    assert "not a session file" in shown[0]


def test_autosave_and_restore_after_a_crash(window, qtbot, tmp_path):
    import subprocess
    import sys

    window.code.editor.setPlainText(TUTORIAL + "extra = tensorA.clone()\n")
    window.code.run()
    window.autosave.write()
    assert window.autosave.path.exists()
    # a process that crashes: it holds its lock, autosaves, and dies without cleaning up
    crash = ("import os, shutil, sys\nsource = sys.argv[1]\nsys.argv = ['x']\n"
             "from stridescope.gui.app import ensure_app\napp = ensure_app()\n"
             "from stridescope.gui.autosave import hold_process_lock\n"
             "from stridescope.gui.settings import config_dir\nhold_process_lock(config_dir())\n"
             "target = config_dir() / f'autosave-{os.getpid()}-1.stridescope'\n"
             "shutil.copy(source, target)\nprint(target, flush=True)\nos._exit(3)\n")
    done = subprocess.run([sys.executable, "-c", crash, str(window.autosave.path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    crashed = Path(done.stdout.strip())
    assert done.returncode == 3 and crashed.exists(), done.stderr
    other = MainWindow()  # the next start, after a crash
    qtbot.addWidget(other)
    other.controller.load("import torch\n")
    assert other.autosave.offer_restore(ask=lambda: True)
    assert other.controller.document.script.endswith("extra = tensorA.clone()\n")
    assert not crashed.exists()  # offered once
    other.close()  # a clean exit removes its own autosave
    assert not other.autosave.path.exists()
    window.close()
    assert not window.autosave.path.exists()


def test_a_second_window_does_not_claim_a_crash(window, qtbot):
    """A running window's autosave belongs to a live process: no false restore prompt."""
    import subprocess
    import sys

    window.code.editor.setPlainText(TUTORIAL + "extra = tensorA.clone()\n")
    window.code.run()
    window.autosave.write()
    code = ("import sys; sys.argv = ['x']\n"
            "from stridescope.gui.app import ensure_app\napp = ensure_app()\n"
            "from stridescope.gui.main_window import MainWindow\nw = MainWindow()\n"
            "print('asked' if w.autosave.offer_restore(ask=lambda: True) else 'quiet')\n")
    # only this window's files: other tests' subprocess windows may have left real orphans
    import os
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="stridescope-second-"))
    for path in window.autosave.folder.glob(f"*-{os.getpid()}*"):
        shutil.copy(path, folder / path.name)
    env = {**os.environ, "STRIDESCOPE_CONFIG_DIR": str(folder)}
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env)
    assert second.stdout.strip().splitlines()[-1] == "quiet", second.stderr
    assert window.autosave.path.exists()


def test_restore_dialog_speaks_the_language_with_its_own_buttons(window, tmp_path,
                                                                   monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def fake_exec(box):
        seen["title"] = box.windowTitle()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    window.set_lang("zh_CN")
    try:
        assert window.autosave.ask() is False
    finally:
        window.set_lang("en")
    assert seen["title"] == "恢复未保存的脚本？"
    assert seen["buttons"] == ["恢复", "放弃"]  # not Qt's untranslated Yes/No


def test_settings_are_typed_and_reject_unknown_keys(window):
    import pytest as _pytest

    window.set_speed(2.0)
    assert window.settings.get("animation/speed") == 2.0
    with _pytest.raises(KeyError):
        window.settings.get("no/such/key")
    with _pytest.raises(TypeError):
        window.settings.set("theme", 3)
    window.set_speed(1.0)


def test_predict_then_reveal(window):
    window.controller.goto(2)  # next: tensorB = tensorA[1:3, 0:2]
    window.predict.enabled = True
    asked = []

    def answer(question):
        asked.append(question)
        return {"shape": "2, 2", "stride": "(4, 1)", "offset": "0", "kind": "view"}

    window.predict.ask = answer
    window.predict.step_forward()
    assert asked and asked[0].name == "tensorB"
    assert window.controller.document.step_index == 3
    assert "3/4" in _header(window) and "(4)" in _header(window)  # offset was 4
    window.predict.ask = lambda question: None  # cancelled: no step
    window.predict.step_forward()
    assert window.controller.document.step_index == 3


def test_many_panels_are_reached_page_by_page(window):
    window.controller.set_script("import torch\nx = torch.arange(200 * 4).reshape(100, 2, 2, 2)\n")
    grid = window.scene.grid_item
    shown = len(grid.panels)
    first_page = set(grid.panels)
    assert grid.panels[0] == (0, 0) and 1 <= shown < 200
    window.presenter.turn_panels(1)  # the next page starts right after the last panel shown
    first = window.scene.grid_item.panels[0]
    assert first == divmod(shown, 2)
    seen = set(window.scene.grid_item.panels)
    for _ in range(400):  # every panel is reached, then it wraps around
        window.presenter.turn_panels(1)
        seen.update(window.scene.grid_item.panels)
        if window.scene.grid_item.panels[0] == (0, 0):
            break
    assert window.scene.grid_item.panels[0] == (0, 0) and len(seen | first_page) == 200


def _header(window) -> str:
    return " ".join(t.text for t in window.scene.composed.header)


def test_a_step_key_press_moves_the_history_cursor_without_rebuilding_its_rows(
        window, qtbot, monkeypatch):
    # rebuilding every row on each step made a key press cost the script's length
    # (582 ms on a 1,000-statement script); a new run still rebuilds them
    fills = []
    original = type(window.history)._fill
    monkeypatch.setattr(type(window.history), "_fill",
                        lambda self, doc: (fills.append(doc), original(self, doc)))
    c = window.controller
    for _ in range(3):
        c.step_forward()
    c.step_back()
    history = window.history
    assert fills == []
    from PySide6.QtCore import Qt

    shown = history.currentItem().data(0, Qt.ItemDataRole.UserRole)  # (statement, call)
    assert shown == (c.document.step_index, c.document.sub)
    c.set_script(TUTORIAL.replace("bad = tensorA_T.view(12)\n", ""))  # a new run
    qtbot.waitUntil(lambda: len(c.document.steps) == 5, timeout=60_000)
    assert window.history.topLevelItemCount() == 5 and len(fills) == 1
