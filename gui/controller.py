"""The document controller: the one place that changes the Document; edits are undoable."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.guard import Limits
from engine.session import Document, check_statement
from engine.state import RunResult
from gui.i18n import _


class _DocumentCommand(QUndoCommand):
    """Swap between two documents. push() calls redo(): the work happens only there."""

    def __init__(self, controller: Controller, before: Document, after: Document,
                 text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._controller._set(self._after, animate=True)

    def undo(self) -> None:
        self._controller._set(self._before, animate=False)


class Controller(QObject):
    # the new document, and whether the change moved forward by one step (animate it)
    sig_changed = Signal(object, bool)

    def __init__(self, limits: Limits | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.limits = limits
        self.undo_stack = QUndoStack(self)
        self.document = Document.from_script("", limits)
        self.path: str | None = None
        self.read_only = False  # showing recorded steps (show_result): edits are refused

    # ----------------------------------------------------------------- script edits
    def load(self, script: str, path: str | None = None, step: int | None = None) -> None:
        """A new script, shown at `step` (-1: the last), else at its first tensor's step."""
        self.path = path
        self.read_only = False
        self.undo_stack.clear()
        document = Document.from_script(script, self.limits)
        if step is None:
            document = document.opening()
        elif step >= 0:
            document = document.at(step)
        self._set(document, animate=False)

    def show_result(self, result: RunResult, animate: bool = False) -> None:
        """Show steps recorded elsewhere (tensors given to the API, a Jupyter kernel's cells):
        the script is only their record, nothing is re-run; the cursor goes to the last."""
        self.path = None
        self.read_only = True
        self.undo_stack.clear()
        self._set(Document(result.source, -1, self.document.focus, result), animate=animate)

    def set_script(self, script: str, label: str = "Edit script") -> None:
        if script == self.document.script or self.read_only:
            return
        after = self.document.with_script(script, self.limits)
        self.undo_stack.push(_DocumentCommand(self, self.document, after, label))

    def append(self, statement: str) -> str | None:
        """Append a statement; return a message for the user, or None when all went well.

        A statement that does not parse changes nothing (see `rejects`)."""
        if self.read_only:
            return _("these tensors were recorded elsewhere: open a script to add statements")
        problem = self.rejects(statement)
        if problem:
            return problem
        after = self.document.appended(statement, self.limits)
        self.undo_stack.push(_DocumentCommand(self, self.document, after,
                                              _("Append {statement}").format(
                                                  statement=statement[:40])))
        stopped = after.steps[-1].error if after.steps else None
        if stopped is not None and stopped.line is not None and stopped.line < len(
                after.script.splitlines()):
            return _("added, but the script stops earlier, at line {line} ({error}): fix or "
                     "remove that line to run the new one").format(line=stopped.line,
                                                                  error=stopped.type)
        return None

    @staticmethod
    def rejects(statement: str) -> str | None:
        """Why `statement` cannot be appended, or None."""
        if not statement.strip():
            return _("type a statement first")
        problem = check_statement(statement.strip())
        return _("syntax error, {problem}").format(problem=problem) if problem else None

    # ----------------------------------------------------------------- navigation
    def goto(self, index: int) -> None:
        before = self.document.step_index
        doc = self.document.at(index)
        self._set(doc, animate=doc.step_index == before + 1)

    def step_forward(self) -> None:
        self.goto(self.document.step_index + 1)

    def step_back(self) -> None:
        self.goto(self.document.step_index - 1)

    def first(self) -> None:
        self.goto(0)

    def last(self) -> None:
        self.goto(len(self.document.steps) - 1)

    def goto_line(self, line: int) -> None:
        self.goto(self.document.step_for_line(line))

    def focus(self, name: str | None) -> None:
        self._set(self.document.focused(name), animate=False)

    def _set(self, document: Document, animate: bool) -> None:
        self.document = document
        self.sig_changed.emit(document, animate)
