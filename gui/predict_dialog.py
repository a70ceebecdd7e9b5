"""Predict-then-reveal: a small form asking for the next tensor's layout."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from engine.quiz import Grade, Question
from gui.i18n import _


class PredictDialog(QDialog):
    def __init__(self, question: Question, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Predict, then reveal"))
        layout = QVBoxLayout(self)
        prompt = QLabel(_("Before it runs: what will {name} be after<br><code>{source}</code>?")
                        .format(name=html.escape(question.name),
                                source=html.escape(question.source)))
        layout.addWidget(prompt)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        for field, label, hint in (("shape", _("shape"), "(2, 3)"),
                                   ("stride", _("stride"), "(3, 1)"),
                                   ("offset", _("offset"), "0")):
            edit = QLineEdit()
            edit.setPlaceholderText(hint)
            self.fields[field] = edit
            form.addRow(label, edit)
        contiguous = QComboBox()
        contiguous.addItems(["", "yes", "no"])
        self.fields["contiguous"] = contiguous
        form.addRow(_("contiguous"), contiguous)
        kind = QComboBox()
        kind.addItems(["", "view", "copy", "new"])
        self.fields["kind"] = kind
        form.addRow(_("view or copy?"), kind)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Reveal"))
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def answers(self) -> dict[str, str]:
        out = {}
        for field, widget in self.fields.items():
            out[field] = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        return out


def grades_text(grades: list[Grade]) -> str:
    if not grades:
        return ""
    parts = []
    for g in grades:
        mark = "✓" if g.correct else "✗"
        parts.append(f"{_(g.field) if g.field != 'kind' else _('view or copy?')} {mark}"
                     + ("" if g.correct else f" ({g.truth})"))
    score = sum(g.correct for g in grades)
    return _("Your prediction: {score}/{total} — {details}").format(
        score=score, total=len(grades), details=" · ".join(parts))
