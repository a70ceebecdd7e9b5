"""The one place where the document becomes the canvas: picture, scene, fit, animation.

The window, the panels and the dialogs never build a picture or plan a transition; they
call `show`, `replay` or `turn_panels` here. (The picture pipeline is being re-composed,
issue 8: swapping `build_picture`/`plan_transition` for `compose` touches this file only.)
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from engine.lessons import Lesson
from engine.picture import build_picture
from engine.session import Document
from engine.transition import plan_transition
from gui.animation import Animator
from gui.canvas.scene import CanvasScene
from gui.canvas.view import CanvasView
from gui.export import tensor_colors
from gui.theme import LIGHT, Theme


class CanvasPresenter(QObject):
    """Feeds the scene from the document plus the window's view state (below)."""

    def __init__(self, scene: CanvasScene, view: CanvasView, animator: Animator,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.view = view
        self.animator = animator
        # view state: what the document does not say but the picture depends on
        self.theme: Theme = LIGHT
        self.lang = "en"
        self.lesson: Lesson | None = None
        self.prediction_note = ""  # shown once, with the step it was about
        self.panel_page = 0  # which 64 panels of a many-panel tensor are shown
        self._panel_focus: str | None = None
        self.document: Document | None = None

    @property
    def focus(self) -> str | None:
        """The tensor the picture is about (None before anything is shown)."""
        return self.document.shown_focus if self.document is not None else None

    def on_document(self, document: Document, animate: bool) -> None:
        """The controller's change signal: a new step ends the running animation at once."""
        self.animator.finish()
        self.show(document)
        if animate:
            self.replay(redraw=False)
        self.prediction_note = ""

    def refresh(self) -> None:
        """Redraw the current document (theme, language or layout changed)."""
        if self.document is not None:
            self.show(self.document)

    def show(self, document: Document) -> None:
        self.document = document
        step = document.step
        if step is None:
            self.scene.clear()
            return
        colors = tensor_colors(document.steps)
        focused_name = document.shown_focus
        if focused_name != self._panel_focus:  # a new tensor starts at its first panels
            self._panel_focus, self.panel_page = focused_name, 0
        picture = build_picture(step, document.focus, colors, self.panel_page)
        width = max(self.view.viewport().width(), 900)
        caption = self.lesson.caption(step.source, self.lang) if self.lesson else ""
        if self.prediction_note:
            caption = f"{self.prediction_note}\n{caption}".strip()
        self.scene.set_picture(picture, self.theme, caption, colors, width, len(document.steps))
        self.view.picture_changed()

    def replay(self, redraw: bool = True) -> None:
        """Animate the change from the previous step to the shown one."""
        document = self.document
        step = document.step if document is not None else None
        if step is None or step.index == 0:
            return
        if redraw:
            self.show(document)
        self.animator.play(plan_transition(document.steps[step.index - 1], step,
                                           self.scene.picture.focus))

    def turn_panels(self, delta: int) -> None:
        self.panel_page = max(0, self.panel_page + delta)
        self.refresh()
