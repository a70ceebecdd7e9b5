"""The document controller: the one place that changes the Document; edits are undoable."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from stridescope.engine.document.session import Document, check_statement
from stridescope.engine.model.limits import Limits
from stridescope.engine.model.state import RunResult
from stridescope.gui.i18n import _

# errors that mean the worker stopped the run (or it crashed): worth a status message
LIMIT_ERRORS = frozenset({"TimeLimitError", "ResourceLimitError", "WorkerCrash", "WorkerError"})


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


def make_runner(limits: Limits | None, parent: QObject):
    """The runner a new Controller uses: the worker process (tests may swap this)."""
    from stridescope.gui.script_runner import WorkerRunner

    return WorkerRunner(limits, parent)


class Controller(QObject):
    """Runs happen off the UI thread (in the worker); their results arrive later and only
    then change the document. A run that is cancelled changes nothing."""

    # the new document, and whether the change moved forward by one step (animate it)
    sig_changed = Signal(object, bool)
    sig_notice = Signal(str)  # what the user should know once a run finished (or stopped)

    def __init__(self, limits: Limits | None = None, parent: QObject | None = None,
                 runner=None) -> None:
        super().__init__(parent)
        self.limits = limits
        self.undo_stack = QUndoStack(self)
        self.runner = runner if runner is not None else make_runner(limits, self)
        self.document = Document.from_result(RunResult("", ()))
        self.path: str | None = None
        self._pending: tuple[str, str] | None = None  # (kind, undo label) of the run going on
        self._message: str | None = None
        self._submitting = False
        self._loading: str | None = None  # the script of a load still running
        self._load_step: int | None = None  # where the loaded script is shown
        self._load_sub = -1
        self._after_load: list = []       # navigation asked for while it runs
        self.read_only = False  # showing recorded steps (show_result): edits are refused

    @property
    def running(self) -> bool:
        return self._pending is not None

    def cancel(self) -> None:
        """Stop the run going on; the document (and the picture) stay as they were."""
        if self._pending is not None:
            self.runner.cancel()

    def shutdown(self) -> None:
        self.runner.shutdown()

    # ----------------------------------------------------------------- script edits
    def load(self, script: str, path: str | None = None, step: int | None = None,
             sub: int = -1) -> None:
        """A new script, shown at `step` (-1: the last; `sub`: the call of its chained
        statement), else at its first tensor's step, once it has run."""
        self.path = path
        self.read_only = False
        self.undo_stack.clear()
        self._after_load = []
        self._load_step, self._load_sub = step, sub
        self._submit(script, "load", "")
        if self._pending is not None:
            self._loading = script

    def show_result(self, result: RunResult, animate: bool = False) -> None:
        """Show steps recorded elsewhere (tensors given to the API, a Jupyter kernel's cells):
        the script is only their record, nothing is re-run; the cursor goes to the last."""
        self.cancel()
        self.path = None
        self.read_only = True
        self.undo_stack.clear()
        self._set(Document(result.source, -1, self.document.focus, result), animate=animate)

    def set_script(self, script: str, label: str = "Edit script") -> None:
        if script == self.document.script or self.read_only:
            return
        self._submit(script, "edit", label)

    def append(self, statement: str) -> str | None:
        """Append a statement; return a message for the user, or None when all went well
        (or when the run goes on in the worker: the message comes with sig_notice).

        A statement that does not parse changes nothing (see `rejects`)."""
        if self.read_only:
            return _("these tensors were recorded elsewhere: open a script to add statements")
        problem = self.rejects(statement)
        if problem:
            return problem
        self._message = None
        self._submit(self.document.appended_script(statement), "append",
                     _("Append {statement}").format(statement=statement[:40]))
        return self._message

    def _submit(self, script: str, kind: str, label: str) -> None:
        if self._pending is not None:
            self._pending = None
            self._loading = None
            self.runner.cancel()  # the newer edit wins
        self._pending = (kind, label)
        self._submitting = True
        try:
            self.runner.start(script, self.limits, self._on_result)
        finally:
            self._submitting = False

    def _on_result(self, result: RunResult | None) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        kind, label = pending
        if kind == "load":
            self._loading = None
        if result is None:
            self._after_load = []
            self.sig_notice.emit(_("Run cancelled: the canvas shows the last version that ran"))
            return
        if kind == "load":
            document = Document.from_result(result)
            step, self._load_step = self._load_step, None
            if step is None:
                document = document.opening()
            elif step >= 0:
                document = document.at(step, self._load_sub)
            self._set(document, animate=False)
            self._report_limit(result)
            queued, self._after_load = self._after_load, []
            for action in queued:
                action()
            return
        after = self.document.with_result(result)
        if kind == "append":
            after = replace(after, cursor=-1)
        self.undo_stack.push(_DocumentCommand(self, self.document, after, label))
        if kind == "append":
            self._message = self._append_message(after)
            if self._message:
                if not self._submitting:  # append() returned before the run finished
                    self.sig_notice.emit(self._message)
                return
        self._report_limit(result)

    def _report_limit(self, result: RunResult) -> None:
        error = result.steps[-1].error if result.steps else result.syntax_error
        if error is not None and error.type in LIMIT_ERRORS:
            self.sig_notice.emit(_("Stopped at line {line}: {message}").format(
                line=error.line, message=error.message))

    @staticmethod
    def _append_message(after: Document) -> str | None:
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
    @property
    def script(self) -> str:
        """The script being loaded, else the document's."""
        return self._loading if self._loading is not None else self.document.script

    def goto(self, index: int) -> None:
        if self._loading is not None:  # applied once the loaded script has run
            self._after_load.append(lambda: self.goto(index))
            return
        before = self.document.step_index
        doc = self.document.at(index)
        self._set(doc, animate=doc.step_index == before + 1)

    def step_forward(self) -> None:
        """Step into: a chained statement's calls one by one, then the next statement."""
        self._move(lambda doc: doc.stepped_into(), forward=True)

    def step_back(self) -> None:
        self._move(lambda doc: doc.stepped_back(), forward=False)

    def step_over(self, delta: int = 1) -> None:
        """The next (or previous) statement, past the calls of a chained one."""
        self._move(lambda doc: doc.stepped_over(delta), forward=delta > 0)

    def goto_sub(self, index: int, sub: int) -> None:
        """Show call `sub` of statement `index` (-1: the statement itself)."""
        self._move(lambda doc: doc.at(index, sub), forward=False)

    def _move(self, where, forward: bool) -> None:
        if self._loading is not None:  # applied once the loaded script has run
            self._after_load.append(lambda: self._move(where, forward))
            return
        doc = where(self.document)
        moved = (doc.step_index, doc.sub) != (self.document.step_index, self.document.sub)
        self._set(doc, animate=forward and moved)

    def first(self) -> None:
        self.goto(0)

    def last(self) -> None:
        self.goto(len(self.document.steps) - 1)

    def goto_line(self, line: int) -> None:
        self.goto(self.document.step_for_line(line))

    def focus(self, name: str | None) -> None:
        if self._loading is not None:
            self._after_load.append(lambda: self.focus(name))
            return
        self._set(self.document.focused(name), animate=False)

    def _set(self, document: Document, animate: bool) -> None:
        self.document = document
        self.sig_changed.emit(document, animate)
