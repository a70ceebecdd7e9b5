"""The menu bar: built once; a language switch re-sets the texts of the same actions.

Rebuilding menus on a language switch left the old actions on the window: every shortcut
became ambiguous (→ ← Home F5 Ctrl+Q did nothing) and each switch leaked ~54 actions. Here
every action and menu keeps its source text, and `retranslate` only calls setText.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from stridescope.engine.teaching.lessons import lesson_names, lesson_path, load_lesson
from stridescope.gui import operations
from stridescope.gui.i18n import LANGUAGES, N_, _
from stridescope.gui.theme import HIGH_CONTRAST, LIGHT

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


class Menus(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        # (action, source text or a function giving the text in the current language)
        self._texts: list[tuple[QAction, str | Callable[[], str]]] = []
        self._build()
        self.retranslate()

    def retranslate(self) -> None:
        for action, source in self._texts:
            action.setText(source() if callable(source) else _(source))

    # ----------------------------------------------------------------- helpers
    def _menu(self, parent, source: str | Callable[[], str]) -> QMenu:
        menu = QMenu(parent)
        parent.addMenu(menu)
        self._texts.append((menu.menuAction(), source))
        return menu

    def _action(self, menu: QMenu, source: str | Callable[[], str], slot, shortcut=None,
                also: str | None = None, checkable: bool = False,
                checked: bool = False) -> QAction:
        action = QAction(self.window)
        keys = [QKeySequence(k) for k in (shortcut, also) if k is not None]
        if keys:
            action.setShortcuts(keys)
        if checkable:
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda checked=False: slot())
        self._texts.append((action, source))
        menu.addAction(action)
        self.window.addAction(action)  # shortcuts keep working with the menu bar hidden
        return action

    # ----------------------------------------------------------------- the menus
    def _build(self) -> None:
        w = self.window
        bar = w.menuBar()
        c, files, exports = w.controller, w.files, w.exports
        file_menu = self._menu(bar, N_("&File"))
        self._action(file_menu, N_("&Open script…"), files.open_dialog,
                     QKeySequence.StandardKey.Open)
        self._action(file_menu, N_("&Save script as…"), files.save_script_dialog,
                     QKeySequence.StandardKey.SaveAs)
        self._action(file_menu, N_("Save session as…"), files.save_session_dialog,
                     QKeySequence.StandardKey.Save)
        file_menu.addMenu(files.recent_menu)
        self._texts.append((files.recent_menu.menuAction(), N_("Open &recent")))
        self._action(file_menu, N_("&Export canvas (PNG, SVG, PDF)…"), exports.export_still,
                     "Ctrl+E")
        self._action(file_menu, N_("Export &animation of this step (GIF, MP4)…"),
                     exports.export_animation, "Ctrl+Shift+E")
        self._action(file_menu, N_("&Copy image"), exports.copy_image, "Ctrl+Shift+C")
        file_menu.addSeparator()
        self._action(file_menu, N_("&Quit"), w.close, "Ctrl+Q")  # StandardKey.Quit: none on X11

        edit = self._menu(bar, N_("&Edit"))
        stack = c.undo_stack
        undo = self._action(edit, N_("&Undo"), stack.undo, QKeySequence.StandardKey.Undo)
        redo = self._action(edit, N_("&Redo"), stack.redo, QKeySequence.StandardKey.Redo)
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)

        step = self._menu(bar, N_("&Step"))
        self._action(step, N_("&Run script"), w.code.run, "Ctrl+Return")
        # as in a debugger: → / F11 step into a chained statement's calls, Shift+→ / F10
        # step over them to the next statement
        self._action(step, N_("Step &forward"), w.predict.step_forward, "Right", also="F11")
        self._action(step, N_("Step &back"), c.step_back, "Left", also="Shift+F11")
        self._action(step, N_("Step &over (next statement)"), lambda: c.step_over(1),
                     "Shift+Right", also="F10")
        self._action(step, N_("Step back o&ver (previous statement)"), lambda: c.step_over(-1),
                     "Shift+Left", also="Shift+F10")
        self._action(step, N_("F&irst step"), c.first, "Home")
        self._action(step, N_("&Last step"), c.last, "End")
        self._action(step, N_("Predict before each step"),
                     lambda on: setattr(w.predict, "enabled", on), checkable=True,
                     checked=w.predict.enabled)
        self._action(step, N_("&Replay this step"), w.presenter.replay, "R")
        self._action(step, N_("&Play / pause"), w.autoplay.toggle, "Space")
        speed = self._menu(step, N_("Animation &speed"))
        for factor in SPEEDS:
            self._action(speed, lambda f=factor: f"{f:g}×", lambda f=factor: w.set_speed(f))
        self._action(step, N_("Reduced &motion (no animation)"), w.set_reduced_motion,
                     checkable=True, checked=w.settings.get("animation/reduced_motion"))
        self._action(step, N_("Run to &cursor"), lambda: c.goto_line(
            w.code.editor.textCursor().blockNumber() + 1), "Ctrl+F10")

        self.lessons_menu = self._menu(bar, N_("&Lessons"))
        for name in lesson_names():
            lesson = load_lesson(name)
            self._action(self.lessons_menu, lambda le=lesson: le.title(w.presenter.lang),
                         lambda n=name: files.open_path(str(lesson_path(n))))

        tensor = self._menu(bar, N_("&Tensor"))
        for text, builder in operations.OPERATIONS:
            self._action(tensor, text, lambda b=builder: w.apply_operation(b))

        view = self._menu(bar, N_("&View"))
        self._action(view, N_("&Presentation mode"), w.presentation.toggle, "F5")
        theme_menu = self._menu(view, N_("&Theme"))
        for name, label in ((LIGHT.name, N_("light")), ("dark", N_("dark")),
                            (HIGH_CONTRAST.name, N_("high contrast"))):
            self._action(theme_menu, label, lambda n=name: w.set_theme(n))
        language = self._menu(view, N_("&Language"))
        for code, label in LANGUAGES.items():
            self._action(language, lambda t=label: t, lambda c=code: w.set_lang(c))
        zoom = w.view
        self._action(view, N_("Zoom &in"), zoom.zoom_in)
        self._action(view, N_("Zoom &out"), zoom.zoom_out)
        self._action(view, N_("&Actual size"), zoom.reset_zoom)
        self._action(view, N_("&Fit width"), zoom.fit, "Ctrl+9")
        self._action(view, N_("&Large labels"), w.set_large_labels, checkable=True,
                     checked=bool(w.settings.get("view/large_labels")))
        self._action(view, N_("&Value colours"), w.set_value_colors, checkable=True,
                     checked=bool(w.settings.get("view/value_colors")))
        self._action(view, N_("Next 2-D slices"), lambda: w.presenter.turn_panels(1), "PgDown")
        self._action(view, N_("Previous 2-D slices"), lambda: w.presenter.turn_panels(-1), "PgUp")
        view.addSeparator()
        for dock in w.docks.values():
            view.addAction(dock.toggleViewAction())
