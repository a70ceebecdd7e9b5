"""The one place where the document becomes the canvas: compose, scene, fit, animation.

The window, the panels and the dialogs never compose a picture or plan a transition; they
call `show`, `replay` or `turn_panels` here (stridescope.engine.picture.compose does the composing).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from stridescope.engine.document.session import Document
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.scene import Viewport, ViewState
from stridescope.engine.teaching.lessons import Lesson
from stridescope.gui.animation import Animator
from stridescope.gui.canvas.scene import CanvasScene
from stridescope.gui.canvas.view import CanvasView
from stridescope.gui.i18n import _, current_language
from stridescope.gui.theme import LIGHT, Theme


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
        self.lang = "en"  # of the lesson captions
        self.lesson: Lesson | None = None
        self.prediction_note = ""  # shown once, with the step it was about
        self.panel_start = 0  # first 2-D slice shown of a many-panel tensor
        self.presenting = False
        self.large_labels = False
        self.value_colors = False
        self._panel_focus: str | None = None
        self._room_key: tuple | None = None  # the run and language _room was measured for
        self._room = ""
        self.document: Document | None = None
        view.sig_resized.connect(self.refresh)  # composed for the view's size

    @property
    def focus(self) -> str | None:
        """The tensor the picture is about (None before anything is shown)."""
        return self.document.shown_focus if self.document is not None else None

    def on_document(self, document: Document, animate: bool) -> None:
        """The controller's change signal: a new step ends the running animation at once."""
        self.animator.finish()
        self.show(document)
        if animate:
            self._play()
        self.prediction_note = ""

    def refresh(self) -> None:
        """Redraw the current document (theme, language, size or layout changed)."""
        if self.document is not None:
            self.show(self.document)

    def _caption_room(self, document: Document) -> str:
        """The lesson's longest caption for this run and language (computed once)."""
        if self.lesson is None:
            return ""
        key = (id(document.result), self.lesson.name, self.lang)
        if self._room_key != key:
            self._room_key = key
            self._room = max((self.lesson.caption(s, self.lang) for s in document.steps),
                             key=len, default="")
        return self._room

    def show(self, document: Document) -> None:
        self.document = document
        step = document.step
        if step is None:
            self.scene.clear()
            self.scene.composed = self.scene.picture = None
            return
        focused_name = document.shown_focus
        if focused_name != self._panel_focus:  # a new tensor starts at its first panels
            self._panel_focus, self.panel_start = focused_name, 0
        caption = self.lesson.caption(step, self.lang) if self.lesson else ""
        if self.prediction_note:
            caption = f"{self.prediction_note}\n{caption}".strip()
        view = ViewState(step=step.index, focus=document.focus, panel_start=self.panel_start,
                         lang=current_language(), caption=caption,
                         caption_room=self._caption_room(document),
                         value_colors=self.value_colors, substep=document.sub)
        size = self.view.viewport().size()
        viewport = Viewport(max(size.width(), 320), max(size.height(), 240), self.presenting,
                            self.large_labels)
        self.scene.show_scene(compose(document.result, view, viewport, _), self.theme)
        self.view.picture_changed()

    def replay(self) -> None:
        """Animate the change from the previous step to the shown one again."""
        document = self.document
        if (document is None or document.step is None
                or (document.step.index == 0 and document.sub <= 0)):
            return
        self.show(document)
        self._play()

    def _play(self) -> None:
        composed = self.scene.composed
        if composed is not None and composed.plan is not None:
            self.animator.play(composed.plan)
        elif composed is not None and composed.mesh is not None and composed.mesh.moves:
            self.animator.play_mesh(self.scene.mesh_item)

    def turn_panels(self, delta: int) -> None:
        """PgDn/PgUp: the next/previous slices, as many as the picture shows at once."""
        grid = self.scene.composed.grid if self.scene.composed else None
        if grid is None:
            return
        shown, count = len(grid.panels), max(1, grid.grid.panel_count)
        start = self.panel_start + delta * shown
        self.panel_start = 0 if start >= count else (max(0, count - shown) if start < 0
                                                     else start)
        self.refresh()
