"""The predict dialog asks the question the lesson chose, in the UI's language."""

from __future__ import annotations

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.lessons import lesson_path
from stridescope.engine.teaching.quiz import grade, question_for
from stridescope.gui.i18n import install_language
from stridescope.gui.predict_dialog import PredictDialog, grades_text

SCRIPT = "import torch\na = torch.arange(12).reshape(3, 4)\nt = a.t()\nw = t.view(12)\n"


def test_an_error_question_offers_translated_yes_and_no(qtbot):
    step = run_script(SCRIPT).steps[-1]
    question = question_for(step, "error")
    assert install_language("zh_CN")
    try:
        dialog = PredictDialog(question)
        qtbot.addWidget(dialog)
        assert list(dialog.fields) == ["error"]
        combo = dialog.fields["error"]
        assert [combo.itemText(i) for i in range(combo.count())] == ["", "是", "否"]
        assert "会报错吗" in dialog.prompt.text()
        combo.setCurrentIndex(1)
        answers = dialog.answers()
        assert answers == {"error": "yes"}  # the key, not the Chinese word
        assert "✓" in grades_text(grade(question, answers))
    finally:
        install_language("en")


def test_layout_question_choices_and_revealed_truth_are_translated(qtbot):
    step = run_script("import torch\nbits = torch.ones(4).view(torch.int16)\n").steps[-1]
    question = question_for(step)
    assert install_language("zh_CN")
    try:
        dialog = PredictDialog(question)
        qtbot.addWidget(dialog)
        kind = dialog.fields["kind"]
        assert [kind.itemText(i) for i in range(kind.count())] == ["", "视图", "副本", "新张量"]
        kind.setCurrentIndex(1)
        assert grade(question, dialog.answers())[0].correct  # a view of a temporary is a view
        wrong = grades_text(grade(question, {"kind": "copy"}))
        assert "✗ (视图)" in wrong and "视图、副本还是新张量" in wrong
    finally:
        install_language("en")


def test_value_question_is_a_text_field(qtbot):
    step = run_script("import torch\na = torch.zeros(2, 2)\na[0, 1] = 7\n").steps[-1]
    question = question_for(step, "value a[0, 1]")
    dialog = PredictDialog(question)
    qtbot.addWidget(dialog)
    assert "a[0, 1]" in dialog.prompt.text()
    dialog.fields["value"].setText("7")
    assert grade(question, dialog.answers())[0].correct


def test_the_window_asks_the_lesson_s_question(qtbot):
    from stridescope.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.files.open_path(str(lesson_path("07_when_view_works")))
    steps = window.controller.document.steps
    failing = next(s.index for s in steps if s.source == "w = t.view(12)")
    window.controller.goto(failing - 1)
    window.predict.enabled = True
    asked = []
    window.predict.ask = lambda q: asked.append(q) or {"error": "no"}
    window.predict.step_forward()
    assert asked[0].kind == "error" and asked[0].truth == {"error": "yes"}
    assert window.controller.document.step_index == failing
    header = " ".join(t.text for t in window.scene.composed.header)
    assert "✗" in header and "view(12) fails" in header
