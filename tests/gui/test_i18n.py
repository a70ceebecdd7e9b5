"""Translations: every marked string has a finished zh_CN translation; the UI switches live."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "stridescope_zh_CN.ts"
sys.path.insert(0, str(ROOT / "tools"))


def test_every_marked_string_is_translated_in_the_ts_file():
    from update_translations import marked_strings

    messages = {m.findtext("source"): m.find("translation")
                for m in ET.parse(TS).getroot().iter("message")}
    for text in marked_strings():
        assert text in messages, f"not in the .ts file (run tools/update_translations.py): {text}"
        translation = messages[text]
        assert translation.get("type") != "unfinished" and translation.text, text
        # placeholders survive translation
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", translation.text))


def test_compiled_qm_is_up_to_date(qapp):
    from stridescope.gui.i18n import _, install_language

    assert install_language("zh_CN")
    try:
        assert _("&File") == "文件(&F)"
        assert _("storage index") == "存储下标"
    finally:
        install_language("en")
    assert _("&File") == "&File"


def test_user_visible_literals_in_gui_are_marked():
    """Menus, dialogs and labels: a literal passed to them must go through _() or N_()."""
    calls = re.compile(r"(addMenu|setText|setToolTip|setPlaceholderText|QMessageBox\.\w+|"
                       r"showMessage|QPushButton|QLabel|setHeaderLabels|setWindowTitle)"
                       r"\(\s*(self,\s*)?\"[A-Za-z]")
    for path in (ROOT / "gui").rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if '"Stridescope")' in line:  # the product's name is not translated
                continue
            assert not calls.search(line), f"{path.name}:{n}: {line.strip()}"


def test_window_switches_language_at_runtime(qtbot):
    from stridescope.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.controller.load("import torch\nx = torch.arange(6).view(2, 3)\n")
    window.set_lang("zh_CN")
    try:
        titles = [a.text() for a in window.menuBar().actions()]
        assert "文件(&F)" in titles
        assert window.docks["Code"].windowTitle() == "代码"
        assert window.code.run_button.text() == "▶ 运行"
        assert window.inspector.names["shape"].text() == "形状"
    finally:
        window.set_lang("en")
    assert "&File" in [a.text() for a in window.menuBar().actions()]


def test_a_cjk_font_is_available_for_chinese_text(qapp):
    from PySide6.QtGui import QFontDatabase

    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not chinese:
        pytest.skip("no CJK font installed here (Debian: fonts-wqy-microhei; CI installs it)")
    assert any("WenQuanYi" in f or "Noto" in f or "Hei" in f for f in chinese)


def test_chinese_text_renders_as_glyphs_not_boxes(qapp):
    """Draw 存储 and two characters no font has: real glyphs must differ from the boxes."""
    from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter

    from stridescope.gui.canvas.painting import font

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no CJK font installed here (CI installs fonts-wqy-microhei)")

    def draw(text: str) -> QImage:
        image = QImage(120, 40, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(font(20))
        painter.drawText(5, 30, text)
        painter.end()
        return image

    assert draw("存储") != draw("\U000f0000\U000f0001")


def test_lessons_menu_lists_every_lesson(qtbot):
    from stridescope.engine.teaching.lessons import lesson_names
    from stridescope.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    menu = window.menus.lessons_menu
    assert len(menu.actions()) == len(lesson_names())
    menu.actions()[6].trigger()  # 07_when_view_works
    lesson = window.presenter.lesson
    assert lesson is not None and lesson.name == "07_when_view_works"
