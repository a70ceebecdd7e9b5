"""The window's console says the engine's explanation, in the UI's language — the same words
as `--json --lang`."""

from __future__ import annotations

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.i18n import translator
from stridescope.gui.main_window import MainWindow

SCRIPT = "import torch\nx = torch.arange(3).view(3, 1).expand(3, 4)\nx.add_(1)\n"


def test_console_explains_the_error_in_both_languages(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.controller.load(SCRIPT, step=-1)
    explanation = run_script(SCRIPT).steps[-1].error.explanation
    english = explanation.text()
    assert english in " ".join(window.console.toPlainText().split())
    window.set_lang("zh_CN")
    try:
        chinese = explanation.text(translator("zh_CN"))
        assert chinese != english and chinese in window.console.toPlainText()
    finally:
        window.set_lang("en")
