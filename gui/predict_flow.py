"""Predict, then reveal: before stepping onto a new tensor, ask what it will look like."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from stridescope.engine.teaching.quiz import grade, question_for
from stridescope.gui.canvas_presenter import CanvasPresenter
from stridescope.gui.controller import Controller
from stridescope.gui.predict_dialog import PredictDialog, grades_text


class PredictFlow(QObject):
    def __init__(self, controller: Controller, presenter: CanvasPresenter,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self.presenter = presenter
        self.enabled = False
        self.ask = self._ask_dialog  # (Question) -> answers or None; replaced in tests

    def step_forward(self) -> None:
        """Step; in predict mode, first ask what the new tensor will look like."""
        document = self.controller.document
        self.presenter.prediction_note = ""
        nxt = document.step_index + 1
        into_calls = document.stepped_into().sub >= 0  # a call of this statement: no question
        if self.enabled and nxt < len(document.steps) and not into_calls:
            question = self._question_for(document.steps[nxt])
            if question is not None:
                answers = self.ask(question)
                if answers is None:  # cancelled: stay on this step
                    return
                self.presenter.prediction_note = grades_text(grade(question, answers))
        self.controller.step_forward()

    def _question_for(self, step):
        """The lesson's `#?` question for this step, else the layout question (or none)."""
        lesson = self.presenter.lesson
        spec = lesson.question(step) if lesson else None
        try:
            return question_for(step, spec)
        except ValueError:  # a malformed `#?` line in a user's lesson: ask the default
            return question_for(step)

    def _ask_dialog(self, question) -> dict | None:
        dialog = PredictDialog(question, self.parent())
        return dialog.answers() if dialog.exec() else None
