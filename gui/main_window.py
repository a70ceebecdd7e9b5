"""The main window: composition only — canvas in the centre, dockable panels, menus.

Every behaviour lives in a part: the canvas presenter (document → picture → scene),
document files (open/save/sessions/recent), autosave (and crash restore), export dialogs,
autoplay, the predict flow, presentation mode and the menus. Panels follow the controller's
change signal themselves; a language switch retranslates every widget in place.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from stridescope.engine.interpret.script import EditParser
from stridescope.gui import operations
from stridescope.gui.animation import Animator
from stridescope.gui.autoplay import Autoplay
from stridescope.gui.autosave import Autosave
from stridescope.gui.canvas.scene import CanvasScene
from stridescope.gui.canvas.view import CanvasView
from stridescope.gui.canvas_presenter import CanvasPresenter
from stridescope.gui.controller import Controller
from stridescope.gui.document_files import DocumentFiles
from stridescope.gui.export_dialogs import ExportDialogs
from stridescope.gui.i18n import N_, _, install_language, settle_language_change
from stridescope.gui.menus import Menus
from stridescope.gui.panels.code_panel import CodePanel
from stridescope.gui.panels.info_panels import (
    ConsolePanel,
    HistoryPanel,
    InspectorPanel,
    TensorsPanel,
)
from stridescope.gui.panels.walk_panel import WalkPanel
from stridescope.gui.predict_flow import PredictFlow
from stridescope.gui.presentation import Presentation
from stridescope.gui.run_progress import RunProgress
from stridescope.gui.settings import Settings
from stridescope.gui.theme import LIGHT, THEMES


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Stridescope")
        self.resize(1500, 950)
        self.settings = settings = Settings()
        lang = settings.get("language") or (
            "zh_CN" if QLocale.system().name().startswith("zh") else "en")
        install_language(lang)
        self.controller = Controller(parent=self)
        self._edits = EditParser()  # each edit's syntax, parsed from where it changed
        self.run_progress = RunProgress.attach(self, self.controller)  # Cancel / Esc, notices
        self.scene = CanvasScene(THEMES.get(settings.get("theme"), LIGHT))
        self.view = CanvasView(self.scene)
        self.view.setObjectName("canvas")
        self.setCentralWidget(self.view)
        self.animator = Animator(self.scene, self)
        self.animator.speed = settings.get("animation/speed")
        self.animator.reduced_motion = settings.get("animation/reduced_motion")
        self.presenter = CanvasPresenter(self.scene, self.view, self.animator, self)
        self.presenter.theme = self.scene.theme
        self.presenter.lang = lang
        self.presenter.large_labels = bool(settings.get("view/large_labels"))
        self.presenter.value_colors = bool(settings.get("view/value_colors"))
        self.code, self.console = CodePanel(), ConsolePanel()
        self.inspector, self.tensors, self.history = InspectorPanel(), TensorsPanel(), \
            HistoryPanel()
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {title: self._dock(title, widget, area) for title, widget, area in (
            (N_("Code"), self.code, left), (N_("History"), self.history, left),
            (N_("Inspector"), self.inspector, right), (N_("Tensors"), self.tensors, right),
            (N_("Console"), self.console, Qt.DockWidgetArea.BottomDockWidgetArea))}
        self.walk = WalkPanel()
        self.walk.measure = lambda tensor, done: self.controller.runner.measure(tensor, done)
        self.walk.set_theme(self.scene.theme)
        self.docks["Memory walk"] = self._dock(N_("Memory walk"), self.walk,
                                               Qt.DockWidgetArea.BottomDockWidgetArea)
        self.docks["Memory walk"].hide()  # View → Memory walk
        self.docks["Memory walk"].visibilityChanged.connect(self._size_walk_dock)
        # the canvas is the subject: it gets most of the window (the docks what they need)
        self.resizeDocks([self.docks["Code"]], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Inspector"]], [290], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Console"]], [120], Qt.Orientation.Vertical)
        self.files = DocumentFiles(self, self.controller, self.presenter, settings)
        self.autosave = Autosave(self.files.current_session, self.files.apply_session, self,
                                 self.statusBar().showMessage)
        self.exports = ExportDialogs(self, self.controller, self.presenter)
        self.autoplay = Autoplay(self.controller, self)
        self.autoplay.set_speed(self.animator.speed)
        self.predict = PredictFlow(self.controller, self.presenter, self)
        self.presentation = Presentation(self, list(self.docks.values()), self.presenter)
        self.menus = Menus(self)
        self._connect()
        sys.excepthook = self._on_uncaught  # a failing slot is reported, the app keeps going

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(_(title), self)
        dock.setObjectName(f"dock{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        c = self.controller
        # the canvas first: it ends the running animation before the panels show the step
        for follower in (self.presenter, self.code, self.console, self.history, self.inspector,
                         self.tensors, self.walk):
            c.sig_changed.connect(follower.on_document)
        c.sig_changed.connect(self.autosave.schedule)
        self.animator.sig_frame.connect(lambda frame: self.inspector.show_tween(frame.tweens))
        self.animator.sig_finished.connect(self.inspector.retranslate)
        self.code.sig_run.connect(self._on_run)
        self.code.sig_append.connect(self._on_append)
        self.code.sig_step.connect(
            lambda delta: self.predict.step_forward() if delta > 0 else c.step_back())
        self.code.sig_run_to_line.connect(c.goto_line)
        self.history.sig_goto.connect(c.goto)
        self.history.sig_goto_sub.connect(c.goto_sub)
        self.tensors.sig_focus.connect(c.focus)
        self.scene.sig_status.connect(lambda text: self.statusBar().showMessage(text))
        self.scene.sig_cell.connect(self.walk.on_hover)

    def _size_walk_dock(self, visible: bool) -> None:
        """The first time the walk opens beside the console, it takes most of the bottom."""
        walk, console = self.docks["Memory walk"], self.docks["Console"]
        if not visible or walk.isFloating() or getattr(self, "_walk_sized", False):
            return
        self._walk_sized = True
        self.resizeDocks([walk], [max(360, self.height() * 2 // 5)], Qt.Orientation.Vertical)
        if not console.isHidden() and self.dockWidgetArea(console) == self.dockWidgetArea(walk):
            self.resizeDocks([console, walk], [self.width() // 3, self.width() * 2 // 3],
                             Qt.Orientation.Horizontal)

    # ----------------------------------------------------------------- settings
    def set_theme(self, name: str) -> None:
        self.presenter.theme = THEMES[name]
        self.walk.set_theme(THEMES[name])
        self.settings.set("theme", name)
        self.presenter.refresh()

    def set_lang(self, code: str) -> None:
        """Switch the whole UI and the lesson captions at runtime (in place, see changeEvent)."""
        self.presenter.lang = code
        self.settings.set("language", code)
        install_language(code)
        settle_language_change()

    def set_value_colors(self, on: bool) -> None:
        """Every storage element its own hue, repeated in the grid cells that read it."""
        self.presenter.value_colors = bool(on)
        self.settings.set("view/value_colors", bool(on))
        self.presenter.refresh()

    def set_large_labels(self, on: bool) -> None:
        self.presenter.large_labels = bool(on)
        self.settings.set("view/large_labels", bool(on))
        self.presenter.refresh()

    def set_speed(self, factor: float) -> None:
        self.animator.speed = factor
        self.autoplay.set_speed(factor)
        self.settings.set("animation/speed", float(factor))

    def set_reduced_motion(self, on: bool) -> None:
        self.animator.reduced_motion = on
        self.settings.set("animation/reduced_motion", on)

    def changeEvent(self, event) -> None:  # noqa: N802
        """Qt sends LanguageChange to every widget; the panels retranslate themselves."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.menus.retranslate()
            for title, dock in self.docks.items():
                dock.setWindowTitle(_(title))
            self.files.update_title()
            self.presenter.refresh()

    # ----------------------------------------------------------------- editing
    def _on_run(self, text: str) -> None:
        """Run the edited script; while it does not parse, keep the last good picture."""
        error = self._edits.parse(text)[1]  # from the first changed statement on
        if error is not None:
            self.console.show_document(self.controller.document)
            self.console.report(_("SyntaxError: {message} (line {line}) — the canvas shows the "
                                  "last version that ran").format(message=error.message,
                                                                  line=error.line))
            self.code.show_step(None, error.line)
            self.statusBar().showMessage(f"line {error.line}: {error.message}")
            return
        self.controller.set_script(text, "Run edited script")

    def _on_append(self, text: str) -> None:
        refused = self.controller.rejects(text)
        message = refused or self.controller.append(text)
        self.code.show_entry_result(message, appended=refused is None)

    def apply_operation(self, builder) -> None:
        statement = operations.statement_for(builder, self.controller.document.step,
                                             self.presenter.focus, self)
        if statement:
            error = self.controller.append(statement)
            if error:
                self.statusBar().showMessage(error)

    # ----------------------------------------------------------------- life cycle
    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.presentation.active:
            self.presentation.toggle()
            return
        super().keyPressEvent(event)

    def restore_layout(self) -> None:
        geometry = self.settings.get("window/geometry")
        state = self.settings.get("window/state")
        if geometry:
            self.restoreGeometry(geometry)
        if state:
            self.restoreState(state)

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.presentation.active:
            self.presentation.toggle()
        self.settings.set("window/geometry", bytes(self.saveGeometry()))
        self.settings.set("window/state", bytes(self.saveState()))
        self.settings.sync()
        self.animator.finish()
        self.autoplay.stop()
        self.autosave.discard()  # a clean exit leaves nothing to restore
        self.controller.shutdown()  # the worker process goes with the window
        super().closeEvent(event)

    def _on_uncaught(self, kind, value, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        print(text, file=sys.stderr)
        message = _("Internal error (the app keeps running): {error}").format(
            error=f"{kind.__name__}: {value}")
        self.console.report(message)
        self.statusBar().showMessage(message)
