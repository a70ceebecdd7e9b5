"""The Memory walk dock: the focused tensor's walk through storage, following the step and
the grid hover (the hovered cell's point lights up).

It computes only while shown, and pyqtgraph is imported when the dock is first shown: the
window starts without it (tests/gui/test_imports.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from stridescope.engine.document.session import Document
from stridescope.gui.i18n import N_, _
from stridescope.gui.theme import LIGHT, Theme

MEASURE = N_("Measure on this machine")
MEASURING = N_("Measuring…")


class WalkPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.plot = None  # a gui.walk_plot.WalkPlot, made when first shown
        self.theme: Theme = LIGHT
        self._shown_key = None  # (step index, focus, run) whose walk is drawn
        self._hovered: tuple[int, ...] | None = None
        # measure(tensor, done): the controller's runner, set by the window
        self.measure = None
        self.measure_button = QPushButton(_(MEASURE))
        self.measure_button.clicked.connect(self.measure_focused)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.measure_button)

    def on_document(self, document: Document, animate: bool = False) -> None:
        self.document = document
        if self.isVisible():
            self._update()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        if self.plot is not None:
            self.plot.set_theme(theme)

    def on_hover(self, index) -> None:
        """The canvas's lit grid cell (a logical index), or None when it leaves."""
        self._hovered = tuple(index) if index is not None else None
        if self.plot is not None and self.isVisible():
            self.plot.light(self._hovered)

    def _update(self) -> None:
        from stridescope.gui.walk_plot import WalkPlot, focused_walk

        if self.plot is None:
            self.plot = WalkPlot(self.theme, figures_beside=True)
            self._layout.addWidget(self.plot)
        document = self.document
        step = document.shown_step if document is not None else None
        focus = document.shown_focus if document is not None else None
        key = (step.index, step.substep, focus, id(document.result)) if step is not None \
            else None
        if key != self._shown_key:
            self._shown_key = key
            self.plot.show_walk(*focused_walk(step, focus))
        self.plot.light(self._hovered)

    def measure_focused(self) -> None:
        """Time the focused tensor in the worker; the answer joins the figures."""
        from stridescope.gui.walk_plot import focused_tensor

        document = self.document
        tensor = focused_tensor(document.shown_step, document.shown_focus) if document else None
        if tensor is None or self.measure is None or self.plot is None:
            return
        key = self._shown_key
        self.measure_button.setEnabled(False)
        self.measure_button.setText(_(MEASURING))

        def done(timing) -> None:
            self.measure_button.setEnabled(True)
            self.measure_button.setText(_(MEASURE))
            if key == self._shown_key:  # still the walk it was measured for
                self.plot.set_timing(timing)

        self.measure(tensor, done)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._update()  # what changed while the dock was hidden

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() != QEvent.Type.LanguageChange:
            return
        self.measure_button.setText(_(MEASURE if self.measure_button.isEnabled()
                                      else MEASURING))
        if self.plot is not None:
            self.plot.show_walk(self.plot.walk, self.plot.name)
            self.plot.light(self._hovered)
