"""The main window: composition only — canvas in the centre, dockable panels, menus."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
)

from engine.lessons import Lesson, load_lesson_file
from engine.picture import build_picture, default_focus
from engine.quiz import grade, question_for
from engine.script import parse
from engine.session import Document
from engine.session_file import Session, SessionError, load_session, save_session
from engine.transition import plan_transition
from gui import operations
from gui.animation import Animator
from gui.canvas.scene import CanvasScene
from gui.canvas.view import CanvasView
from gui.controller import Controller
from gui.export import export_animation, render_scene, tensor_colors
from gui.i18n import LANGUAGES, N_, _, install_language
from gui.panels.code_panel import CodePanel
from gui.panels.info_panels import ConsolePanel, HistoryPanel, InspectorPanel, TensorsPanel
from gui.predict_dialog import PredictDialog, grades_text
from gui.run_progress import RunProgress
from gui.settings import Settings, config_dir
from gui.theme import HIGH_CONTRAST, LIGHT, THEMES

MAX_OPEN_BYTES = 1024 * 1024


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Stridescope")
        self.resize(1500, 950)
        self.settings = Settings()
        self.theme = THEMES.get(self.settings.get("theme"), LIGHT)
        self.lang = self.settings.get("language") or (
            "zh_CN" if QLocale.system().name().startswith("zh") else "en")
        install_language(self.lang)
        self.lesson: Lesson | None = None
        self.controller = Controller(parent=self)
        self.run_progress = RunProgress.attach(self, self.controller)  # Cancel / Esc, notices
        self.scene = CanvasScene(self.theme)
        self.view = CanvasView(self.scene)
        self.view.setObjectName("canvas")
        self.animator = Animator(self.scene, self)
        self.animator.sig_frame.connect(lambda frame: self.inspector.show_tween(frame.tweens))
        self.animator.sig_finished.connect(lambda: self.inspector.retranslate())
        self._autoplay = QTimer(self)
        self._autoplay.timeout.connect(self._autoplay_tick)
        self.animator.speed = self.settings.get("animation/speed")
        self.animator.reduced_motion = self.settings.get("animation/reduced_motion")
        self.autosave_path = config_dir() / "autosave.stridescope"
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(1500)
        self._autosave.timeout.connect(self.write_autosave)
        self.setCentralWidget(self.view)
        self.code = CodePanel()
        self.console = ConsolePanel()
        self.inspector = InspectorPanel()
        self.tensors = TensorsPanel()
        self.history = HistoryPanel()
        self.docks = {
            "Code": self._dock(N_("Code"), self.code, Qt.DockWidgetArea.LeftDockWidgetArea),
            "History": self._dock(N_("History"), self.history,
                                  Qt.DockWidgetArea.LeftDockWidgetArea),
            "Inspector": self._dock(N_("Inspector"), self.inspector,
                                    Qt.DockWidgetArea.RightDockWidgetArea),
            "Tensors": self._dock(N_("Tensors"), self.tensors,
                                  Qt.DockWidgetArea.RightDockWidgetArea),
            "Console": self._dock(N_("Console"), self.console,
                                  Qt.DockWidgetArea.BottomDockWidgetArea),
        }
        self.resizeDocks([self.docks["Code"]], [430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Inspector"]], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Console"]], [170], Qt.Orientation.Vertical)
        self._saved_layout = None
        self.predict_mode = False
        self.panel_page = 0  # which 64 panels of a many-panel tensor are shown
        self._panel_focus: str | None = None
        self.prediction_note = ""
        self.ask_prediction = self._ask_prediction  # replaced in tests
        self._shown_script: str | None = None
        self._build_menus()
        self._connect()
        sys.excepthook = self._on_uncaught  # a failing slot is reported, the app keeps going

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(_(title), self)
        dock.setObjectName(f"dock{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ----------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self._action(file_menu, _("&Open script…"), self.open_dialog, QKeySequence.StandardKey.Open)
        self._action(file_menu, _("&Save script as…"), self.save_dialog,
                     QKeySequence.StandardKey.SaveAs)
        self._action(file_menu, _("Save session as…"), self.save_session_dialog, "Ctrl+Shift+S")
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self._fill_recent(self.settings.get("recent_files"))
        self._action(file_menu, _("&Export canvas (PNG, SVG, PDF)…"), self.export_dialog, "Ctrl+E")
        self._action(file_menu, _("Export &animation of this step (GIF, MP4)…"),
                     self.export_animation_dialog, "Ctrl+Shift+E")
        self._action(file_menu, _("&Copy image"), self.copy_image, "Ctrl+Shift+C")
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu(_("&Edit"))
        undo = self.controller.undo_stack.createUndoAction(self, _("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.controller.undo_stack.createRedoAction(self, _("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        step = bar.addMenu(_("&Step"))
        c = self.controller
        self._action(step, _("&Run script"), self.code.run, "Ctrl+Return")
        self._action(step, _("Step &forward"), self.step_forward, "Right", also="F10")
        self._action(step, _("Step &back"), c.step_back, "Left", also="Shift+F10")
        self._action(step, _("F&irst step"), c.first, "Home")
        self._action(step, _("&Last step"), c.last, "End")
        predict = self._action(step, _("Predict before each step"),
                               lambda: setattr(self, "predict_mode", predict.isChecked()))
        predict.setCheckable(True)
        predict.setChecked(self.predict_mode)
        self._action(step, _("&Replay this step"), self.replay, "R")
        self._action(step, _("&Play / pause"), self.toggle_autoplay, "Space")
        speed = step.addMenu(_("Animation &speed"))
        for factor in (0.25, 0.5, 1.0, 2.0, 4.0):
            self._action(speed, f"{factor:g}×", lambda f=factor: self.set_speed(f))  # noqa
        reduced = self._action(step, _("Reduced &motion (no animation)"),
                               lambda: self.set_reduced_motion(reduced.isChecked()))
        reduced.setCheckable(True)
        reduced.setChecked(self.settings.get("animation/reduced_motion"))
        self._action(step, _("Run to &cursor"), lambda: c.goto_line(
            self.code.editor.textCursor().blockNumber() + 1), "Ctrl+F10")
        lessons = self.lessons_menu = bar.addMenu(_("L&essons"))
        from engine.lessons import LESSON_DIR, lesson_names, load_lesson

        for name in lesson_names():
            title = load_lesson(name).title(self.lang)
            self._action(lessons, title,
                         lambda n=name: self.open_path(str(LESSON_DIR / f"{n}.py")))
        tensor = bar.addMenu(_("&Tensor"))
        for text, builder in operations.OPERATIONS:
            self._action(tensor, _(text), lambda b=builder: self._apply_operation(b))
        view = bar.addMenu(_("&View"))
        self._action(view, _("&Presentation mode"), self.toggle_presentation, "F5")
        theme_menu = view.addMenu(_("&Theme"))
        for name, label in ((LIGHT.name, _("light")), ("dark", _("dark")),
                            (HIGH_CONTRAST.name, _("high contrast"))):
            self._action(theme_menu, label, lambda n=name: self.set_theme(n))
        language = view.addMenu(_("&Language"))
        for code, label in LANGUAGES.items():
            self._action(language, label, lambda c=code: self.set_lang(c))
        self._action(view, _("Zoom &in"), self.view.zoom_in)
        self._action(view, _("Zoom &out"), self.view.zoom_out)
        self._action(view, _("&Actual size"), self.view.reset_zoom)
        self._action(view, _("&Fit width"), self.view.fit, "Ctrl+9")
        self._action(view, _("Next 2-D slices"), lambda: self.turn_panels(1), "PgDown")
        self._action(view, _("Previous 2-D slices"), lambda: self.turn_panels(-1), "PgUp")
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())

    def _action(self, menu, text: str, slot, shortcut=None, also: str | None = None) -> QAction:
        action = QAction(text, self)
        keys = []
        if shortcut is not None:
            keys.append(QKeySequence(shortcut))
        if also:
            keys.append(QKeySequence(also))
        if keys:
            action.setShortcuts(keys)
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # shortcuts keep working with the menu bar hidden (presenting)
        return action

    def _connect(self) -> None:
        c = self.controller
        c.sig_changed.connect(self._on_document_changed)
        self.code.sig_run.connect(self._on_run)
        self.code.sig_append.connect(self._on_append)
        self.code.sig_step.connect(
            lambda delta: self.step_forward() if delta > 0 else c.step_back())
        self.code.sig_run_to_line.connect(c.goto_line)
        self.history.sig_goto.connect(c.goto)
        self.tensors.sig_focus.connect(c.focus)
        self.scene.sig_status.connect(lambda text: self.statusBar().showMessage(text))

    # ----------------------------------------------------------------- documents
    def open_path(self, path: str) -> bool:
        if path.endswith(".stridescope"):
            return self.open_session(path)
        try:
            p = Path(path)
            if p.stat().st_size > MAX_OPEN_BYTES:
                raise ValueError("the file is larger than 1 MiB")
            text = p.read_text(encoding="utf-8")
            lesson = load_lesson_file(p)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, _("Cannot open"), _("Cannot open {path}:\n{reason}").format(
                path=path, reason=exc))
            return False
        self.lesson = lesson
        self.controller.load(lesson.script if lesson else text, path)
        title = lesson.title(self.lang) if lesson else Path(path).name
        self.setWindowTitle(f"Stridescope — {title}")
        self._remember(path)
        return True

    def open_session(self, path: str) -> bool:
        try:
            session = load_session(path)
        except SessionError as exc:  # corrupt, truncated, foreign: say so, change nothing
            QMessageBox.warning(self, _("Cannot open session"), str(exc))
            return False
        self.apply_session(session)
        self.setWindowTitle(f"Stridescope — {Path(path).name}")
        self._remember(path)
        return True

    def apply_session(self, session: Session) -> None:
        from engine.lessons import load_lesson

        self.lesson = None
        if session.lesson:
            try:
                self.lesson = load_lesson(session.lesson)
            except KeyError:
                self.lesson = None
        if session.lang:
            self.lang = session.lang
        self.controller.load(session.script)
        if session.cursor >= 0:
            self.controller.goto(session.cursor)
        if session.focus:
            self.controller.focus(session.focus)
        if session.zoom:
            self.view.set_zoom(session.zoom)
            self.view.auto_fit = False

    def current_session(self) -> Session:
        document = self.controller.document
        return Session(document.script, document.cursor, document.focus,
                       self.lesson.name if self.lesson else None, self.lang,
                       None if self.view.auto_fit else self.view.zoom)

    def save_session_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save session"), "session.stridescope",
                                              _("Stridescope session (*.stridescope)"))
        if not path:
            return
        if not path.endswith(".stridescope"):
            path += ".stridescope"
        try:
            save_session(path, self.current_session())
        except OSError as exc:
            QMessageBox.warning(self, _("Cannot save"), str(exc))
            return
        self._remember(path)
        self.statusBar().showMessage(_("Saved {path}").format(path=path))

    def write_autosave(self) -> None:
        try:
            save_session(self.autosave_path, self.current_session())
        except OSError as exc:
            self.statusBar().showMessage(_("Autosave failed: {reason}").format(reason=exc))

    def offer_restore(self, ask=None) -> bool:
        """After a crash the autosave is still there: offer to bring the script back."""
        if not self.autosave_path.exists():
            return False
        try:
            session = load_session(self.autosave_path)
        except SessionError:
            self.autosave_path.unlink(missing_ok=True)
            return False
        if session.script == self.controller.script:
            return False
        if ask is None:
            def ask() -> bool:
                answer = QMessageBox.question(
                    self, _("Restore unsaved script?"),
                    _("Stridescope did not close normally last time. Restore the script you "
                      "were working on?"))
                return answer == QMessageBox.StandardButton.Yes
        if ask():
            self.apply_session(session)
            return True
        return False

    def _remember(self, path: str) -> None:
        self._fill_recent(self.settings.add_recent(str(Path(path).resolve())))

    def _fill_recent(self, paths: list[str]) -> None:
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(paths))

    def open_dialog(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open script or session"), "",
            _("Scripts and sessions (*.py *.stridescope);;All (*)"))
        if path:
            self.open_path(path)

    def save_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save script"), "script.py",
                                              "Python (*.py)")
        if path:
            try:
                Path(path).write_text(self.controller.document.script, encoding="utf-8")
            except OSError as exc:
                QMessageBox.warning(self, _("Cannot save"), str(exc))

    def _on_document_changed(self, document: Document, animate: bool) -> None:
        self.animator.finish()  # a new step ends the running animation at once
        self._autosave.start()
        if document.script != self._shown_script:  # navigation never touches the editor
            self._shown_script = document.script
            self.code.set_script(document.script)
        step = document.step
        error_line = None
        if step is not None and step.error is not None:
            error_line = step.error.line
        elif document.result.syntax_error is not None:
            error_line = document.result.syntax_error.line
        self.code.show_step(step, error_line)
        self.console.show_document(document)
        self.history.show_document(document)
        self._show_canvas(document)
        step = document.step
        if animate and step is not None and step.index > 0:
            before = document.steps[step.index - 1]
            self.animator.play(plan_transition(before, step, self.scene.picture.focus))
        self.prediction_note = ""  # shown once, with the step it was about

    def retranslate(self) -> None:
        self.menuBar().clear()
        self._build_menus()
        for title, dock in self.docks.items():
            dock.setWindowTitle(_(title))
        self.code.retranslate()
        self.inspector.retranslate()
        self.tensors.retranslate()
        document = self.controller.document
        self.console.show_document(document)
        if document.step is not None:
            self._show_canvas(document)

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.settings.set("theme", name)
        self._show_canvas(self.controller.document)

    def set_lang(self, code: str) -> None:
        """Switch the whole UI and the lesson captions at runtime."""
        self.lang = code
        self.settings.set("language", code)
        install_language(code)
        self.retranslate()
        self._show_canvas(self.controller.document)
        if self.lesson:
            self.setWindowTitle(f"Stridescope — {self.lesson.title(code)}")

    @property
    def presenting(self) -> bool:
        return self._saved_layout is not None

    def toggle_presentation(self) -> None:
        """Full screen, canvas only, high contrast, big type; Esc or F5 restores."""
        if self.presenting:
            state, theme, geometry = self._saved_layout
            self._saved_layout = None
            self.showNormal()
            self.restoreState(state)
            self.restoreGeometry(geometry)
            self.menuBar().show()
            self.statusBar().show()
            self.theme = theme
        else:
            self._saved_layout = (self.saveState(), self.theme, self.saveGeometry())
            for dock in self.docks.values():
                dock.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.theme = HIGH_CONTRAST
            self.showFullScreen()
        self.view.auto_fit = True
        self._show_canvas(self.controller.document)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.presenting:
            self.toggle_presentation()
            return
        super().keyPressEvent(event)

    def turn_panels(self, delta: int) -> None:
        self.panel_page = max(0, self.panel_page + delta)
        self._show_canvas(self.controller.document)

    def step_forward(self) -> None:
        """Step; in predict mode, first ask what the new tensor will look like."""
        document = self.controller.document
        self.prediction_note = ""
        nxt = document.step_index + 1
        if self.predict_mode and nxt < len(document.steps):
            question = question_for(document.steps[nxt])
            if question is not None:
                answers = self.ask_prediction(question)
                if answers is None:  # cancelled: stay on this step
                    return
                self.prediction_note = grades_text(grade(question, answers))
        self.controller.step_forward()

    def _ask_prediction(self, question) -> dict | None:
        dialog = PredictDialog(question, self)
        return dialog.answers() if dialog.exec() else None

    def replay(self) -> None:
        document = self.controller.document
        step = document.step
        if step is not None and step.index > 0:
            self._show_canvas(document)
            self.animator.play(plan_transition(document.steps[step.index - 1], step,
                                               self.scene.picture.focus))

    def set_speed(self, factor: float) -> None:
        self.animator.speed = factor
        self.settings.set("animation/speed", float(factor))
        self._autoplay.setInterval(int(1600 / factor))

    def set_reduced_motion(self, on: bool) -> None:
        self.animator.reduced_motion = on
        self.settings.set("animation/reduced_motion", on)

    def toggle_autoplay(self) -> None:
        if self._autoplay.isActive():
            self._autoplay.stop()
            return
        if self.controller.document.step_index >= len(self.controller.document.steps) - 1:
            self.controller.first()
        self._autoplay.setInterval(int(1600 / self.animator.speed))
        self._autoplay.start()

    def _autoplay_tick(self) -> None:
        document = self.controller.document
        if document.step_index >= len(document.steps) - 1:
            self._autoplay.stop()
            return
        self.controller.step_forward()

    def _show_canvas(self, document: Document) -> None:
        step = document.step
        if step is None:
            self.scene.clear()
            self.inspector.show_tensor(None, [])
            self.tensors.clear()
            return
        colors = tensor_colors(document.steps)
        focused_name = document.focus or default_focus(step)
        if focused_name != self._panel_focus:  # a new tensor starts at its first panels
            self._panel_focus, self.panel_page = focused_name, 0
        picture = build_picture(step, document.focus, colors, self.panel_page)
        width = max(self.view.viewport().width(), 900)
        caption = self.lesson.caption(step.source, self.lang) if self.lesson else ""
        if self.prediction_note and step.index == self.controller.document.step_index:
            caption = f"{self.prediction_note}\n{caption}".strip()
        self.scene.set_picture(picture, self.theme, caption, colors, width, len(document.steps))
        focused = picture.grid.tensor if picture.grid else None
        sharing = [n for n in step.names_on(focused.storage_id) if n != focused.name] \
            if focused else []
        self.inspector.show_tensor(focused, sharing)
        self.tensors.show_document(document, picture.focus)
        self.view.picture_changed()

    def _on_run(self, text: str) -> None:
        """Run the edited script; while it does not parse, keep the last good picture."""
        error = parse(text)[1]
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

    def _apply_operation(self, builder) -> None:
        doc = self.controller.document
        focus = self.scene.picture.focus if self.scene.picture else None
        statement = operations.statement_for(builder, doc.step, focus, self)
        if statement:
            error = self.controller.append(statement)
            if error:
                self.statusBar().showMessage(error)

    # ----------------------------------------------------------------- export
    def export_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export canvas"), "stridescope.png", "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
            path += ".png"
        rect = self.scene.sceneRect()
        size = (int(rect.width() * 1.5), int(rect.height() * 1.5))
        try:
            render_scene(self.scene, path, size, self.theme.background)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, _("Export failed"), str(exc))
            return
        self.statusBar().showMessage(_("Exported {path}").format(path=path))

    def export_animation_dialog(self) -> None:
        document = self.controller.document
        if document.step is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Export animation"), "stridescope.gif",
                                              "GIF (*.gif);;MP4 (*.mp4)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".gif", ".mp4"):
            path += ".gif"
        progress = QProgressDialog(_("Rendering frames…"), "", 0, 100, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def report(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            QApplication.processEvents()

        captions = (lambda s: self.lesson.caption(s.source, self.lang)) if self.lesson else None
        try:
            export_animation(document.result, path, step=document.step_index + 1,
                             focus=document.focus, size=(1200, 800), captions=captions,
                             progress=report)
        except (OSError, ValueError, RuntimeError) as exc:
            QMessageBox.warning(self, _("Export failed"), str(exc))
            return
        finally:
            progress.close()
        self.statusBar().showMessage(_("Exported {path}").format(path=path))

    def copy_image(self) -> None:
        image = self.view.grab().toImage()
        QGuiApplication.clipboard().setImage(image)
        self.statusBar().showMessage(_("Canvas copied to the clipboard"))

    def restore_layout(self) -> None:
        geometry = self.settings.get("window/geometry")
        state = self.settings.get("window/state")
        if geometry:
            self.restoreGeometry(geometry)
        if state:
            self.restoreState(state)

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.presenting:
            self.toggle_presentation()
        self.settings.set("window/geometry", bytes(self.saveGeometry()))
        self.settings.set("window/state", bytes(self.saveState()))
        self.settings.sync()
        self._autosave.stop()
        self.animator.finish()
        self._autoplay.stop()
        self.controller.shutdown()  # the worker process goes with the window
        self.autosave_path.unlink(missing_ok=True)  # a clean exit leaves nothing to restore
        super().closeEvent(event)

    def _on_uncaught(self, kind, value, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        print(text, file=sys.stderr)
        message = _("Internal error (the app keeps running): {error}").format(
            error=f"{kind.__name__}: {value}")
        self.console.report(message)
        self.statusBar().showMessage(message)
