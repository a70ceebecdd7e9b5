"""The script editor: syntax highlighting, the current step's lines lit, run/step buttons."""

from __future__ import annotations

import keyword

from PySide6.QtCore import QEvent, QRegularExpression, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from stridescope.engine.document.session import Document
from stridescope.engine.model.state import Step
from stridescope.gui.i18n import _


class PythonHighlighter(QSyntaxHighlighter):
    def __init__(self, document) -> None:
        super().__init__(document)

        def fmt(hex_code: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(hex_code))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            f.setFontItalic(italic)
            return f

        words = "|".join(keyword.kwlist)
        self.rules = [
            (QRegularExpression(rf"\b({words})\b"), fmt("#7C3AED", bold=True)),
            (QRegularExpression(r"\btorch\b"), fmt("#C2410C", bold=True)),
            (QRegularExpression(r"\b[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?j?\b"), fmt("#0E7490")),
            (QRegularExpression(r"\.[A-Za-z_][A-Za-z0-9_]*(?=\()"), fmt("#1D4ED8")),
            (QRegularExpression(r"(\"[^\"]*\"|'[^']*')"), fmt("#15803D")),
            (QRegularExpression(r"#[^\n]*"), fmt("#6B7280", italic=True)),
        ]

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        for pattern, form in self.rules:
            it = pattern.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), form)


class CodePanel(QWidget):
    sig_run = Signal(str)          # the edited script, to run
    sig_append = Signal(str)       # a statement to append
    sig_step = Signal(int)         # -1 back, +1 forward
    sig_run_to_line = Signal(int)  # 1-based line of the text cursor

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("codeEditor")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(11)
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        self.highlighter = PythonHighlighter(self.editor.document())
        self.run_button = QPushButton()
        self.back_button = QPushButton()
        self.forward_button = QPushButton()
        self.to_cursor_button = QPushButton()
        self.entry = QLineEdit()
        self.entry_error = QLabel()
        self.entry_error.setStyleSheet("color: #B3261E")
        self.entry_error.setWordWrap(True)
        self.entry_error.hide()
        buttons = QHBoxLayout()
        for b in (self.run_button, self.back_button, self.forward_button, self.to_cursor_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.entry)
        layout.addWidget(self.entry_error)
        self.run_button.clicked.connect(self.run)
        self.back_button.clicked.connect(lambda: self.sig_step.emit(-1))
        self.forward_button.clicked.connect(lambda: self.sig_step.emit(1))
        self.to_cursor_button.clicked.connect(
            lambda: self.sig_run_to_line.emit(self.editor.textCursor().blockNumber() + 1))
        self.entry.returnPressed.connect(self._on_entry)
        # live: re-run shortly after typing stops
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(700)
        self._debounce.timeout.connect(self.run)
        self.editor.textChanged.connect(self._on_text_changed)
        self._setting = False
        self._shown_script: str | None = None
        self.retranslate()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def on_document(self, document: Document, animate: bool = False) -> None:
        """The controller's change signal: new text only when the script changed (navigation
        never touches the editor), and the step's lines lit."""
        if document.script != self._shown_script:
            self._shown_script = document.script
            self.set_script(document.script)
        step = document.step
        error_line = None
        if step is not None and step.error is not None:
            error_line = step.error.line
        elif document.result.syntax_error is not None:
            error_line = document.result.syntax_error.line
        self.show_step(step, error_line)

    def retranslate(self) -> None:
        self.run_button.setText(_("▶ Run"))
        self.run_button.setToolTip(_("Run the edited script (Ctrl+Return)"))
        self.back_button.setText(_("◀ Step"))
        self.forward_button.setText(_("Step ▶"))
        self.to_cursor_button.setText(_("Run to cursor"))
        self.entry.setPlaceholderText(_("append a statement, e.g. y = x.t()   (Enter)"))

    def _on_text_changed(self) -> None:
        if not self._setting:
            self._debounce.start()

    def run(self) -> None:
        self._debounce.stop()
        self.sig_run.emit(self.editor.toPlainText())

    def _on_entry(self) -> None:
        self.sig_append.emit(self.entry.text())

    def show_entry_result(self, message: str | None, appended: bool) -> None:
        """Clear the entry once the statement is in the script; keep it when it was refused."""
        if appended:
            self.entry.clear()
        self.entry_error.setText(message or "")
        self.entry_error.setVisible(bool(message))

    def set_script(self, script: str) -> None:
        """Replace the text (keeping the caret line) unless it already matches."""
        if self.editor.toPlainText() == script:
            return
        line = self.editor.textCursor().blockNumber()
        self._setting = True
        try:
            self.editor.setPlainText(script)
        finally:
            self._setting = False
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.movePosition(QTextCursor.MoveOperation.Down, n=line)
        self.editor.setTextCursor(cursor)

    def show_step(self, step: Step | None, error_line: int | None) -> None:
        """Light the current step's lines (and the error line in red)."""
        selections = []
        if step is not None:
            selections += self._line_selection(step.line, step.end_line, "#FFF3C4")
        if error_line is not None:
            selections += self._line_selection(error_line, error_line, "#FDE2E1")
        self.editor.setExtraSelections(selections)

    def _line_selection(self, first: int, last: int, hex_code: str) -> list:
        out = []
        doc = self.editor.document()
        for line in range(first, last + 1):
            block = doc.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(QColor(hex_code))
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.cursor = QTextCursor(block)
            out.append(sel)
        return out
