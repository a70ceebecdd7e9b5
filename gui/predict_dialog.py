"""Predict-then-reveal: a small form asking what the next step will do."""

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

from stridescope.engine.teaching.quiz import CHOICES, LAYOUT_FIELDS, Grade, Question
from stridescope.gui.i18n import N_, _

# the words of each choice, translated where shown; answers() gives back the English key
CHOICE_WORDS = {"yes": N_("yes"), "no": N_("no"), "view": N_("view"), "copy": N_("copy"),
                "new": N_("new")}
FIELD_LABELS = {"shape": N_("shape"), "stride": N_("stride"), "offset": N_("offset"),
                "contiguous": N_("contiguous"), "kind": N_("view, copy or new?"),
                "error": N_("will it raise an error?"), "value": N_("value"),
                "equal": N_("equal?"), "output": N_("output")}
HINTS = {"shape": "(2, 3)", "stride": "(3, 1)", "offset": "0", "value": "0", "output": ""}


def choice_text(word: str) -> str:
    return _(CHOICE_WORDS[word]) if word in CHOICE_WORDS else word


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


def prompt_text(question: Question) -> str:
    source = html.escape(question.source)
    if question.kind == "error":
        return _("Before it runs: will<br><code>{source}</code><br>raise an error?").format(
            source=source)
    if question.kind == "value":
        return _("Before it runs: what will {subject} hold after<br><code>{source}</code>?") \
            .format(subject=html.escape(question.subject), source=source)
    if question.kind == "equal":
        return _("Before it runs: after<br><code>{source}</code><br>are {subject} equal?") \
            .format(subject=html.escape(question.subject), source=source)
    if question.kind == "output":
        return _("Before it runs: what will<br><code>{source}</code><br>print?").format(
            source=source)
    return _("Before it runs: what will {name} be after<br><code>{source}</code>?").format(
        name=html.escape(question.name), source=source)


class PredictDialog(QDialog):
    def __init__(self, question: Question, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Predict, then reveal"))
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt_text(question))
        layout.addWidget(self.prompt)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        names = LAYOUT_FIELDS if question.kind == "layout" else tuple(question.truth)
        for name in names:
            if name in CHOICES:
                widget: QLineEdit | QComboBox = QComboBox()
                widget.addItem("", "")
                for word in CHOICES[name]:
                    widget.addItem(choice_text(word), word)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(HINTS.get(name, ""))
            self.fields[name] = widget
            form.addRow(field_label(name), widget)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Reveal"))
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def answers(self) -> dict[str, str]:
        out = {}
        for name, widget in self.fields.items():
            out[name] = widget.currentData() if isinstance(widget, QComboBox) else widget.text()
        return out


def grades_text(grades: list[Grade]) -> str:
    if not grades:
        return ""
    parts = []
    for g in grades:
        mark = "✓" if g.correct else "✗"
        parts.append(f"{field_label(g.field)} {mark}"
                     + ("" if g.correct else f" ({choice_text(g.truth) or '—'})"))
    score = sum(g.correct for g in grades)
    return _("Your prediction: {score}/{total} — {details}").format(
        score=score, total=len(grades), details=" · ".join(parts))
