"""Scripts, lessons and sessions on disk: open, save, recent files, the window title."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from stridescope.engine.document.session_file import (
    Session,
    SessionError,
    load_session,
    read_regular_file,
    save_session,
)
from stridescope.engine.teaching.lessons import load_lesson, load_lesson_file
from stridescope.gui.canvas_presenter import CanvasPresenter
from stridescope.gui.controller import Controller
from stridescope.gui.i18n import _
from stridescope.gui.settings import Settings

MAX_OPEN_BYTES = 1024 * 1024


class DocumentFiles(QObject):
    def __init__(self, window: QMainWindow, controller: Controller, presenter: CanvasPresenter,
                 settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.presenter = presenter
        self.settings = settings
        self.recent_menu = QMenu(window)
        self._title = ""  # a file name; a lesson's title follows the language
        self._fill_recent(settings.get("recent_files"))

    # ----------------------------------------------------------------- open
    def open_path(self, path: str, step: int | None = None) -> bool:
        """Open a script, a lesson or a session; a script opens at `step` or its first tensor."""
        if path.endswith(".stridescope"):
            return self.open_session(path)
        try:
            p = Path(path)
            # a regular file only (a named pipe or /dev/zero would hang the window), BOM-less
            text = read_regular_file(p, MAX_OPEN_BYTES).decode("utf-8-sig")
            lesson = load_lesson_file(p, text)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self.window, _("Cannot open"),
                                _("Cannot open {path}:\n{reason}").format(path=path, reason=exc))
            return False
        self.presenter.lesson = lesson
        self.controller.load(lesson.script if lesson else text, path, step)
        self._title = Path(path).name
        self.update_title()
        self._remember(path)
        return True

    def open_session(self, path: str) -> bool:
        try:
            session = load_session(path)
        except SessionError as exc:  # corrupt, truncated, foreign: say so, change nothing
            QMessageBox.warning(self.window, _("Cannot open session"), str(exc))
            return False
        self.apply_session(session)
        self._title = Path(path).name
        self.update_title()
        self._remember(path)
        return True

    def apply_session(self, session: Session) -> None:
        lesson = None
        if session.lesson:
            try:
                lesson = load_lesson(session.lesson)
            except KeyError:
                lesson = None
        self.presenter.lesson = lesson
        if session.lang:
            self.presenter.lang = session.lang
        self.controller.load(session.script, step=session.cursor, sub=session.sub)
        if session.focus:
            self.controller.focus(session.focus)
        view = self.presenter.view
        if session.zoom:
            view.set_zoom(session.zoom)
            view.auto_fit = False

    def current_session(self) -> Session:
        document = self.controller.document
        lesson = self.presenter.lesson
        view = self.presenter.view
        return Session(document.script, document.cursor, document.focus,
                       lesson.name if lesson else None, self.presenter.lang,
                       None if view.auto_fit else view.zoom, document.sub)

    def update_title(self) -> None:
        lesson = self.presenter.lesson
        title = lesson.title(self.presenter.lang) if lesson else self._title
        self.window.setWindowTitle(f"Stridescope — {title}" if title else "Stridescope")

    # ----------------------------------------------------------------- dialogs
    def open_dialog(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, _("Open script or session"), "",
            _("Scripts and sessions (*.py *.stridescope);;All (*)"))
        if path:
            self.open_path(path)

    def save_script_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self.window, _("Save script"), "script.py",
                                                    "Python (*.py)")
        if path:
            try:
                Path(path).write_text(self.controller.document.script, encoding="utf-8")
            except OSError as exc:
                QMessageBox.warning(self.window, _("Cannot save"), str(exc))

    def save_session_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.window, _("Save session"), "session.stridescope",
            _("Stridescope session (*.stridescope)"))
        if not path:
            return
        if not path.endswith(".stridescope"):
            path += ".stridescope"
        try:
            save_session(path, self.current_session())
        except OSError as exc:
            QMessageBox.warning(self.window, _("Cannot save"), str(exc))
            return
        self._remember(path)
        self.window.statusBar().showMessage(_("Saved {path}").format(path=path))

    # ----------------------------------------------------------------- recent files
    def _remember(self, path: str) -> None:
        self._fill_recent(self.settings.add_recent(str(Path(path).resolve())))

    def _fill_recent(self, paths: list[str]) -> None:
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(paths))
