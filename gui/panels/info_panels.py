"""Read-only panels: console (stdout and errors), inspector, tensors by storage, history."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from stridescope.engine.document.session import Document
from stridescope.engine.model.state import TensorState
from stridescope.engine.model.substeps import call_label, substep_count
from stridescope.engine.picture.labels import keeps_values
from stridescope.gui.i18n import N_, _


class ConsolePanel(QTextBrowser):
    """Everything printed up to the current step, exactly as Python prints it, and errors."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("console")
        self.setOpenLinks(False)
        self._document: Document | None = None

    def on_document(self, document: Document, animate: bool = False) -> None:
        """The controller's change signal."""
        self.show_document(document)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and self._document is not None:
            self.show_document(self._document)

    def show_document(self, document: Document) -> None:
        self._document = document
        parts = []
        upto = document.step_index
        result = document.result
        if result.syntax_error is not None:
            e = result.syntax_error
            parts.append(_error_html(f"SyntaxError: {e.message} (line {e.line})", None))
        # inside a chained statement the statement has not finished: its output and error
        # come when it does; the call being shown is said instead
        inside = document.sub >= 0 and document.shown_step is not document.step
        for step in document.steps[: upto + (0 if inside else 1)]:
            if step.stdout:
                parts.append(f"<pre style='margin:0'>{html.escape(step.stdout)}</pre>")
            for warning in step.warnings:
                parts.append(f"<div style='color:#8a6d00'>⚠ {_('line {n}').format(n=step.line)}: "
                             f"{html.escape(warning)}</div>")
            if step.error is not None:
                hint = None
                if step.error.explanation is not None:
                    hint = step.error.explanation.text(_)
                parts.append(_error_html(
                    f"{_('line {n}').format(n=step.error.line)}: {step.error.type}: "
                    f"{step.error.message}",
                    hint))
        if inside:
            shown = document.shown_step
            parts.append("<div style='color:#666'>▶ " + html.escape(
                _("line {n}, call {k} of {total}: {call}").format(
                    n=shown.line, k=shown.substep + 1, total=len(shown.substeps),
                    call=shown.source)) + "</div>")
        empty = _("(nothing printed yet)")
        self.setHtml("".join(parts) or f"<i style='color:#888'>{empty}</i>")
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def report(self, text: str) -> None:
        self.append(f"<div style='color:#B3261E'>{html.escape(text)}</div>")


def _error_html(message: str, hint: str | None) -> str:
    out = f"<div style='color:#B3261E'><b>✖ {html.escape(message)}</b></div>"
    if hint:
        out += (f"<div style='color:#444; background:#FDECEA; padding:4px'>"
                f"{_('Why:')} {html.escape(hint)}</div>")
    return out


class InspectorPanel(QWidget):
    FIELDS = (N_("name"), N_("shape"), N_("dtype"), N_("itemsize"), N_("stride (elements)"),
              N_("stride (bytes)"), N_("storage offset"), N_("numel"), N_("data_ptr"),
              N_("storage"), N_("storage data_ptr"), N_("storage nbytes"), N_("contiguous"),
              N_("channels_last"), N_("device"), N_("made by"), N_("shares storage with"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.form = QFormLayout(self)
        self.values: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        for field_name in self.FIELDS:
            label = QLabel("—")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.values[field_name] = label
            self.names[field_name] = QLabel()
            self.form.addRow(self.names[field_name], label)
        self._shown: tuple | None = None
        self.retranslate()  # the first screen speaks the installed language

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def on_document(self, document: Document, animate: bool = False) -> None:
        """The controller's change signal: show the tensor the picture is about (inside a
        chained statement: the call's tensor)."""
        step = document.shown_step
        focused = step.tensor(document.shown_focus) if step is not None and \
            document.shown_focus else None
        sharing = [n for n in step.names_on(focused.storage_id) if n != focused.name] \
            if focused is not None else []
        computed = focused is not None and focused.origin is not None and \
            focused.origin.kind == "copy" and not keeps_values(step, focused.name)
        self.show_tensor(focused, sharing, computed)

    def retranslate(self) -> None:
        for field_name, label in self.names.items():
            label.setText(_(field_name))
        if self._shown is not None:
            self.show_tensor(*self._shown)

    def show_tween(self, tweens) -> None:
        """While a view animates, the changed fields read old → new (never a blend that
        never existed); the finished step shows the new values alone."""
        fields = {"stride": "stride (elements)", "offset": "storage offset", "shape": "shape"}
        for label, before, after in tweens:
            if label in fields and before != after:
                old, new = (str(v[0]) if label == "offset" else _tuple_text(v)
                            for v in (before, after))
                self.values[fields[label]].setText(f"{old} → {new}")
        if not tweens and self._shown is not None:
            self.show_tensor(*self._shown)

    def show_tensor(self, t: TensorState | None, sharing: list[str],
                    computed: bool = False) -> None:
        """`computed`: a new tensor computed from its source (`w * 2`), not a copy of it."""
        self._shown = (t, sharing, computed)
        if t is None:
            for label in self.values.values():
                label.setText("—")
            return
        origin = "—"
        if t.origin is not None:
            origin = {"view": _("view of {name} (no copy)"),
                      "copy": _("copy of {name} (new storage)"),
                      "alias": _("same object as {name}"),
                      "new": _("new tensor (new storage)")}[t.origin.kind].format(
                name=t.origin.source)
            if computed:
                origin = _("computed from {name} (new storage)").format(name=t.origin.source)
        rows = {
            "name": t.name, "shape": str(tuple(t.shape)), "dtype": t.dtype,
            "itemsize": f"{t.itemsize} B",
            "stride (elements)": str(tuple(t.stride)),
            "stride (bytes)": str(tuple(s * t.itemsize for s in t.stride)),
            "storage offset": _("{n} elements = {b} B").format(
                n=t.storage_offset, b=t.storage_offset * t.itemsize),
            "numel": f"{t.numel:,}", "data_ptr": f"{t.data_ptr:#x}",
            "storage": f"S{t.storage_id}", "storage data_ptr": f"{t.storage_data_ptr:#x}",
            "storage nbytes": f"{t.storage_nbytes:,}",
            "contiguous": _("yes") if t.is_contiguous else _("no"),
            "channels_last": "—" if t.is_channels_last is None else
            (_("yes") if t.is_channels_last else _("no")),
            "device": t.device + (_(" (layout only, no values)") if t.is_meta else ""),
            "made by": origin, "shares storage with": ", ".join(sharing) or _("nobody"),
        }
        for key, value in rows.items():
            self.values[key].setText(value)


class TensorsPanel(QTreeWidget):
    """Named tensors grouped by storage; clicking one focuses it."""

    sig_focus = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tensors")
        self.itemClicked.connect(self._on_clicked)
        self._document: Document | None = None
        self.retranslate()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def retranslate(self) -> None:
        self.setHeaderLabels([_("tensor"), _("shape"), _("stride"), _("offset")])
        if self._document is not None:
            self.on_document(self._document)

    def on_document(self, document: Document, animate: bool = False) -> None:
        """The controller's change signal."""
        self._document = document
        self.show_document(document, document.shown_focus)

    def show_document(self, document: Document, focus: str | None) -> None:
        self.clear()
        step = document.shown_step  # inside a call: the names before it, and the call's tensor
        if step is None:
            return
        for storage in step.storages:
            group = QTreeWidgetItem(self, [_("storage S{id} · {nbytes} B").format(
                id=storage.id, nbytes=f"{storage.nbytes:,}"),
                                           "", "", ""])
            group.setFirstColumnSpanned(True)
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for t in step.tensors:
                if t.storage_id != storage.id:
                    continue
                item = QTreeWidgetItem(group, [t.name, str(tuple(t.shape)),
                                               str(tuple(t.stride)), str(t.storage_offset)])
                item.setData(0, Qt.ItemDataRole.UserRole, t.name)
                if t.name == focus:
                    self.setCurrentItem(item)
        self.expandAll()
        for column in range(4):
            self.resizeColumnToContents(column)

    def _on_clicked(self, item: QTreeWidgetItem) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name:
            self.sig_focus.emit(name)


class HistoryPanel(QTreeWidget):
    """The steps as a timeline; clicking one shows the state after it. A chained statement
    is a foldable node whose children are its calls (click one to step into it there)."""

    sig_goto = Signal(int)
    sig_goto_sub = Signal(int, int)  # statement index, call index

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.setUniformRowHeights(True)  # one line per row: 10,000 rows lay out in O(1)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self._steps: tuple = ()
        self._parents: list[int] = []  # rows with calls under them (foldable)
        self.itemClicked.connect(self._on_clicked)

    def on_document(self, document: Document, animate: bool = False) -> None:
        """The controller's change signal."""
        self.show_document(document)

    def show_document(self, document: Document) -> None:
        self.blockSignals(True)
        if document.steps is not self._steps:  # a new run; a step key press only moves
            self._fill(document)
        current = self.item_at(document.step_index, document.sub)
        if current is not None:
            self.setCurrentItem(current)
        self.blockSignals(False)

    def _fill(self, document: Document) -> None:
        """The rows of a new run. Rows of steps the last run shared (an edit resumed from a
        checkpoint keeps its prefix's Step objects) are kept; only the rest are made."""
        old, self._steps = self._steps, document.steps
        root = self.invisibleRootItem()
        folded = {i for i in self._parents if i < root.childCount()
                  and not root.child(i).isExpanded()}
        same = 0
        for before, after in zip(old, document.steps):
            if before is not after:
                break
            same += 1
        self.setCurrentItem(None)
        rows = root.takeChildren()  # clear() is quadratic: 10,000 rows took 2.7–8.6 s
        rows[same:] = [self._row(step) for step in document.steps[same:]]
        self.addTopLevelItems(rows)
        self._parents = [i for i, row in enumerate(rows) if row.childCount()]
        for i in self._parents:
            rows[i].setExpanded(i not in folded)

    @staticmethod
    def _row(step) -> QTreeWidgetItem:
        mark = "✖ " if step.error else ""
        first = step.source.splitlines()[0] if step.source else ""
        item = QTreeWidgetItem([f"{step.index + 1:>3}  {mark}{first}"])
        item.setData(0, Qt.ItemDataRole.UserRole, (step.index, -1))
        if step.error:
            item.setForeground(0, Qt.GlobalColor.red)
        for k in range(substep_count(step)):  # named as the picture names the call
            child = QTreeWidgetItem([call_label(step.substeps, k)])
            child.setToolTip(0, step.substeps[k].source)
            child.setData(0, Qt.ItemDataRole.UserRole, (step.index, k))
            item.addChild(child)
        return item

    def item_at(self, index: int, sub: int = -1) -> QTreeWidgetItem | None:
        """The row of statement `index`, or of its call `sub`."""
        if not 0 <= index < self.topLevelItemCount():
            return None
        item = self.topLevelItem(index)
        return item.child(sub) if 0 <= sub < item.childCount() else item

    def _on_clicked(self, item: QTreeWidgetItem) -> None:
        index, sub = item.data(0, Qt.ItemDataRole.UserRole)
        if sub < 0:
            self.sig_goto.emit(index)
        else:
            self.sig_goto_sub.emit(index, sub)


def _tuple_text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"
