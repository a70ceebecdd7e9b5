"""The memory walk drawn with pyqtgraph: byte address against iteration, the 64-byte cache
lines as bands (a heat map when there are too many to draw one by one), the figures beside.

One widget serves the dock (View → Memory walk) and the headless `--export-walk`; the
numbers all come from engine/model/walk.py, this module only paints them.
"""

from __future__ import annotations

import numpy as np

from stridescope.gui.app import ensure_app

ensure_app()  # pyqtgraph picks its Qt binding at import: PySide6, with an application

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont  # noqa: E402
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget  # noqa: E402

from stridescope.engine.model.walk import (  # noqa: E402
    CACHE_LINE,
    Walk,
    heat_map,
    plot_points,
    touched_lines,
)
from stridescope.engine.teaching.walk_text import (  # noqa: E402
    figure_lines,
    finding,
    timing_lines,
)
from stridescope.gui.i18n import _  # noqa: E402
from stridescope.gui.theme import LIGHT, Theme  # noqa: E402

MAX_BANDS = 256         # more distinct lines than this: a heat map instead of bands
MAX_POINTS = 100_000    # what the curve holds (plot_points keeps each bucket's min and max)
MIN_PX = 14             # the type-size rule: nothing under 14 px at 1920×1080
# A long walk opens on its first iterations, where the teeth are visible; the figures count
# the whole walk, and in the window the wheel zooms out.
FIRST_VIEW = 4096


def type_px(height: int) -> tuple[int, int, int]:
    """(title, body, ticks) pixel sizes for a frame this tall; never under MIN_PX."""
    scale = max(1.0, height / 1080)
    return round(22 * scale), round(18 * scale), max(MIN_PX, round(16 * scale))


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class WalkPlot(QWidget):
    """Title, the pyqtgraph plot, and the figures (with the timings when they come)."""

    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None,
                 figures_beside: bool = False) -> None:
        super().__init__(parent)
        self.theme = theme
        self.walk: Walk | None = None
        self.name = ""
        self.lang_translate = _
        self.timing = None  # a Timing from the worker, shown under the figures
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.curve = pg.PlotDataItem()
        self.curve.setDownsampling(auto=True, method="peak")  # fast at 10^6 points
        self.curve.setClipToView(True)
        self.bands = pg.BarGraphItem(x0=[], y0=[], width=[], height=[])
        self.heat = pg.ImageItem()
        self.point = pg.ScatterPlotItem()
        for item in (self.heat, self.bands, self.curve, self.point):
            self.plot.addItem(item)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        if figures_beside:  # the dock is wide and short: the figures go right of the plot
            row = QHBoxLayout()
            row.addWidget(self.plot, 3)
            scroll = QScrollArea()  # the timings make the figures taller than a short dock
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.figures)
            self.figures.setAlignment(Qt.AlignmentFlag.AlignTop)
            row.addWidget(scroll, 2)
            layout.addLayout(row, 1)
        else:
            layout.addWidget(self.plot, 1)
            layout.addWidget(self.figures)
        self.hover_line = ""
        self.zoomed = False
        self.set_type(1080)

    # ----------------------------------------------------------------- look
    def set_type(self, height: int) -> None:
        title, body, ticks = type_px(height)
        self.title.setFont(_font(title, bold=True))
        self.figures.setFont(_font(body))
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setStyle(tickFont=_font(ticks))
            axis.label.setFont(_font(body))
        self._apply_theme()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._apply_theme()
        self._draw()

    def _apply_theme(self) -> None:
        t = self.theme
        self.plot.setBackground(t.background)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(t.muted))
            axis.setTextPen(pg.mkPen(t.text))
        self.setStyleSheet(f"background: {t.background}; color: {t.text};")

    # ----------------------------------------------------------------- content
    def show_walk(self, walk: Walk | None, name: str = "") -> None:
        if walk is not self.walk:
            self.timing = None
        self.walk, self.name = walk, name
        self.hover_line = ""
        self._draw()

    def set_timing(self, timing) -> None:
        self.timing = timing
        self._write_figures()

    def _draw(self) -> None:
        w, t = self.walk, self.theme
        self.point.setData([], [])
        self.plot.setLabel("bottom", _("iteration of the row-major loop"), color=t.text)
        self.plot.setLabel("left", _("byte address in storage"), color=t.text)
        if w is None:
            self.title.setText(_("Memory walk: no tensor to walk"))
            self.curve.setData([], [])
            self.bands.setOpts(x0=[], y0=[], width=[], height=[])
            self.heat.clear()
            self._write_figures()
            return
        self.title.setText(_("Memory walk of {name}: shape {shape} · stride {stride} · "
                             "offset {offset} · {itemsize} B per element").format(
            name=self.name, shape=tuple(w.shape), stride=tuple(w.stride), offset=w.offset,
            itemsize=w.itemsize))
        x, y = plot_points(w, MAX_POINTS)
        many = x.size > 2000
        self.curve.setData(x, y, pen=pg.mkPen(t.tensor_color(0), width=2),
                           symbol=None if many else "o", symbolSize=7,
                           symbolBrush=t.tensor_color(0), symbolPen=None)
        self._draw_lines(w)
        self.plot.enableAutoRange()
        self.zoomed = w.walked > FIRST_VIEW
        if self.zoomed:
            self.plot.setXRange(0, FIRST_VIEW, padding=0.02)
            self.plot.getViewBox().setAutoVisible(y=True)
            self.plot.enableAutoRange(axis="y")
        self._write_figures()

    def _draw_lines(self, w: Walk) -> None:
        """One band per cache line touched, or a heat map of reads per line and iteration."""
        lines = touched_lines(w)
        span = max(w.walked, 1)
        band = QColor(self.theme.dim_color(1))
        if lines.size <= MAX_BANDS:
            self.heat.clear()
            brushes = []
            for n in lines:
                band.setAlpha(60 if n % 2 else 30)
                brushes.append(pg.mkBrush(QColor(band)))
            self.bands.setOpts(x0=np.full(lines.size, -0.5), width=np.full(lines.size, span),
                               y0=lines * CACHE_LINE - w.base,
                               height=np.full(lines.size, CACHE_LINE), brushes=brushes,
                               pens=[pg.mkPen(None)] * lines.size)
            return
        self.bands.setOpts(x0=[], y0=[], width=[], height=[])
        counts, first, per_row = heat_map(w)
        image = np.log1p(counts.astype(np.float64))
        self.heat.setImage(image, autoLevels=True)
        band.setAlpha(255)
        lut = np.zeros((256, 4), dtype=np.ubyte)
        lut[:, :3] = (band.red(), band.green(), band.blue())
        lut[:, 3] = np.linspace(0, 110, 256)
        self.heat.setLookupTable(lut)
        self.heat.setRect(QRectF(0, first * CACHE_LINE - w.base, span,
                                 counts.shape[1] * per_row * CACHE_LINE))

    def _write_figures(self) -> None:
        w = self.walk
        if w is None:
            self.figures.setText("")
            return
        lines = figure_lines(w, _) + [finding(w, _)]
        if self.timing is not None:
            lines += timing_lines(self.timing, _)
        if self.zoomed:
            lines.insert(0, _("The plot shows the first {shown:,} iterations; the figures count "
                              "all {walked:,}.").format(shown=FIRST_VIEW, walked=w.walked))
        if self.hover_line:
            lines.append(self.hover_line)
        self.figures.setText("\n".join(lines))

    # ----------------------------------------------------------------- hover
    def light(self, index: tuple[int, ...] | None) -> int | None:
        """Light the walk's point for logical `index` (None or (): none); its iteration."""
        w = self.walk
        n = w.iteration_of(tuple(index)) if w is not None and index is not None else None
        if n is None:
            self.point.setData([], [])
            self.hover_line = ""
        else:
            address = int(w.addresses[n])
            self.point.setData([n], [address], size=18, brush=pg.mkBrush(self.theme.highlight),
                               pen=pg.mkPen(self.theme.text, width=2))
            self.hover_line = _("{name}[{index}]: iteration {n:,}, byte {address:,}, cache line "
                                "{line:,}").format(
                name=self.name, index=", ".join(str(i) for i in index), n=n, address=address,
                line=(address + w.base) // CACHE_LINE)
        self._write_figures()
        return n


def focused_tensor(step, focus: str | None):
    """The focused TensorState of a step (the picture's default focus when None), or None."""
    from stridescope.engine.picture.content import default_focus

    if step is None:
        return None
    name = focus if focus is not None and step.tensor(focus) is not None else default_focus(step)
    return step.tensor(name) if name else None


def focused_walk(step, focus: str | None):
    """(walk, name) of the focused tensor of a step; (None, "") without one."""
    from stridescope.engine.model.walk import walk_of

    tensor = focused_tensor(step, focus)
    return (walk_of(tensor), tensor.name) if tensor is not None else (None, "")


def walk_step(result, step: int | None, focus: str | None):
    """The step to walk (1-based; default the last); ValueError when there is nothing."""
    if not result.steps:
        raise ValueError("the script made no steps: nothing to walk")
    index = (step or len(result.steps)) - 1
    chosen = result.steps[index]
    if focus is not None and chosen.tensor(focus) is None:
        names = ", ".join(t.name for t in chosen.tensors) or "none"
        raise ValueError(f"no tensor named {focus!r} at step {index + 1} (there: {names})")
    if focused_tensor(chosen, focus) is None:
        raise ValueError(f"no tensor to walk at step {index + 1}")
    return chosen


def render_widget(widget: QWidget, path: str, size: tuple[int, int]) -> None:
    """Lay the widget out at `size` offscreen and write it as PNG or SVG (by suffix)."""
    from pathlib import Path

    from PySide6.QtCore import QPoint, QSize
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
        widget.render(image)
        ok = image.save(path, "PNG")
    elif suffix == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(*size))
        generator.setViewBox(QRectF(0, 0, *size))
        generator.setTitle("Stridescope memory walk")
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint())
        finally:
            ok = painter.end()
    else:
        raise ValueError(f"--export-walk: the file must end in .png or .svg, not {suffix!r}")
    widget.hide()
    if not ok or not Path(path).is_file():
        raise OSError(f"cannot write {path}")


def export_walk(result, path: str, step: int | None = None, focus: str | None = None,
                size: tuple[int, int] = (1920, 1080), theme: Theme = LIGHT,
                timing=None) -> Walk:
    """Headless: the walk of the focused tensor of step (1-based; default the last)."""
    walk, name = focused_walk(walk_step(result, step, focus), focus)
    plot = WalkPlot(theme)
    plot.set_type(size[1])
    plot.show_walk(walk, name)
    if timing is not None:
        plot.set_timing(timing)
    render_widget(plot, path, size)
    return walk
