"""Read-only panels: console (stdout and errors), inspector, tensors by storage, history."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from engine.session import Document
from engine.state import TensorState


class ConsolePanel(QTextBrowser):
    """Everything printed up to the current step, exactly as Python prints it, and errors."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("console")
        self.setOpenLinks(False)

    def show_document(self, document: Document) -> None:
        parts = []
        upto = document.step_index
        result = document.result
        if result.syntax_error is not None:
            e = result.syntax_error
            parts.append(_error_html(f"SyntaxError: {e.message} (line {e.line})", None))
        for step in document.steps[: upto + 1]:
            if step.stdout:
                parts.append(f"<pre style='margin:0'>{html.escape(step.stdout)}</pre>")
            for warning in step.warnings:
                parts.append(f"<div style='color:#8a6d00'>⚠ line {step.line}: "
                             f"{html.escape(warning)}</div>")
            if step.error is not None:
                hint = None
                if step.error.explanation is not None:
                    hint = step.error.explanation.text()
                parts.append(_error_html(
                    f"line {step.error.line}: {step.error.type}: {step.error.message}", hint))
        self.setHtml("".join(parts) or "<i style='color:#888'>(nothing printed yet)</i>")
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def report(self, text: str) -> None:
        self.append(f"<div style='color:#B3261E'>{html.escape(text)}</div>")


def _error_html(message: str, hint: str | None) -> str:
    out = f"<div style='color:#B3261E'><b>✖ {html.escape(message)}</b></div>"
    if hint:
        out += (f"<div style='color:#444; background:#FDECEA; padding:4px'>"
                f"Why: {html.escape(hint)}</div>")
    return out


class InspectorPanel(QWidget):
    FIELDS = ("name", "shape", "dtype", "itemsize", "stride (elements)", "stride (bytes)",
              "storage offset", "numel", "data_ptr", "storage", "storage data_ptr",
              "storage nbytes", "contiguous", "channels_last", "device", "made by",
              "shares storage with")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        form = QFormLayout(self)
        self.values: dict[str, QLabel] = {}
        for field_name in self.FIELDS:
            label = QLabel("—")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.values[field_name] = label
            form.addRow(field_name, label)

    def show_tensor(self, t: TensorState | None, sharing: list[str]) -> None:
        if t is None:
            for label in self.values.values():
                label.setText("—")
            return
        origin = "—"
        if t.origin is not None:
            origin = {"view": f"view of {t.origin.source} (no copy)",
                      "copy": f"copy of {t.origin.source} (new storage)",
                      "alias": f"same object as {t.origin.source}",
                      "new": "new tensor (new storage)"}[t.origin.kind]
        rows = {
            "name": t.name, "shape": str(tuple(t.shape)), "dtype": t.dtype,
            "itemsize": f"{t.itemsize} B",
            "stride (elements)": str(tuple(t.stride)),
            "stride (bytes)": str(tuple(s * t.itemsize for s in t.stride)),
            "storage offset": f"{t.storage_offset} elements = {t.storage_offset * t.itemsize} B",
            "numel": f"{t.numel:,}", "data_ptr": f"{t.data_ptr:#x}",
            "storage": f"S{t.storage_id}", "storage data_ptr": f"{t.storage_data_ptr:#x}",
            "storage nbytes": f"{t.storage_nbytes:,}",
            "contiguous": "yes" if t.is_contiguous else "no",
            "channels_last": "—" if t.is_channels_last is None else
            ("yes" if t.is_channels_last else "no"),
            "device": t.device + (" (layout only, no values)" if t.is_meta else ""),
            "made by": origin, "shares storage with": ", ".join(sharing) or "nobody",
        }
        for key, value in rows.items():
            self.values[key].setText(value)


class TensorsPanel(QTreeWidget):
    """Named tensors grouped by storage; clicking one focuses it."""

    sig_focus = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tensors")
        self.setHeaderLabels(["tensor", "shape", "stride", "offset"])
        self.itemClicked.connect(self._on_clicked)

    def show_document(self, document: Document, focus: str | None) -> None:
        self.clear()
        step = document.step
        if step is None:
            return
        for storage in step.storages:
            group = QTreeWidgetItem(self, [f"storage S{storage.id} · {storage.nbytes:,} B",
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


class HistoryPanel(QListWidget):
    """The steps as a timeline; clicking one shows the state after it."""

    sig_goto = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.itemClicked.connect(lambda item: self.sig_goto.emit(self.row(item)))

    def show_document(self, document: Document) -> None:
        self.blockSignals(True)
        self.clear()
        for step in document.steps:
            mark = "✖ " if step.error else ""
            first = step.source.splitlines()[0] if step.source else ""
            item = QListWidgetItem(f"{step.index + 1:>3}  {mark}{first}")
            if step.error:
                item.setForeground(Qt.GlobalColor.red)
            self.addItem(item)
        if document.step_index >= 0:
            self.setCurrentRow(document.step_index)
        self.blockSignals(False)
