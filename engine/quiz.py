"""Predict-then-reveal: ask for the new tensor's layout before showing it, then grade."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.state import Step

FIELDS = ("shape", "stride", "offset", "contiguous", "kind")


@dataclass(frozen=True, slots=True)
class Question:
    name: str                   # the tensor the step produces
    source: str                 # the statement
    truth: dict[str, str]       # field -> the answer, as text


@dataclass(frozen=True, slots=True)
class Grade:
    field: str
    answer: str
    truth: str
    correct: bool


def question_for(step: Step) -> Question | None:
    """A question when the step binds a new tensor (and did not fail)."""
    if step.error is not None:
        return None
    for produced in reversed(step.produced):
        t = step.tensor(produced.name)
        if t is None or produced.kind == "alias":
            continue
        kind = {"view": "view", "copy": "copy", "new": "new"}[produced.kind]
        return Question(t.name, step.source, {
            "shape": _tuple(t.shape), "stride": _tuple(t.stride),
            "offset": str(t.storage_offset), "contiguous": "yes" if t.is_contiguous else "no",
            "kind": kind})
    return None


def grade(question: Question, answers: dict[str, str]) -> list[Grade]:
    """Compare each answered field leniently: '(4, 1)', '4,1', '[4 1]' are the same."""
    out = []
    for field in FIELDS:
        answer = (answers.get(field) or "").strip()
        if not answer:
            continue
        truth = question.truth[field]
        out.append(Grade(field, answer, truth, _normal(field, answer) == _normal(field, truth)))
    return out


def _normal(field: str, text: str) -> str:
    text = text.strip().lower()
    if field in ("shape", "stride"):
        return ",".join(re.findall(r"-?\d+", text))
    if field == "contiguous":
        return "yes" if text in ("yes", "y", "true", "1", "是") else "no"
    if field == "offset":
        numbers = re.findall(r"-?\d+", text)
        return numbers[0] if numbers else text
    return text


def _tuple(values: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"
