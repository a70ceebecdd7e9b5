"""Predict-then-reveal: ask before a step, reveal it, grade the answer against the trace.

Questions (a lesson picks one per statement with a `#?` line, see engine/lessons.py):
- layout (the default, only where the statement binds a new tensor): shape, stride, offset,
  contiguity, and view-or-copy — graded by storage identity, so the view of a temporary
  (`torch.ones(4).view(torch.int16)`) counts as a view;
- error: "will this statement raise?";
- value EXPR (`#? value a[0, 1]`): "what does a[0, 1] hold after this statement?";
- equal A B (`#? equal first second`): "are A and B equal after this statement?";
- output: "what will this statement print?";
- none: ask nothing here.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from typing import Any

from stridescope.engine.model.state import Step

LAYOUT_FIELDS = ("shape", "stride", "offset", "contiguous", "kind")
FIELDS = LAYOUT_FIELDS + ("error", "value", "equal", "output")
KINDS = ("layout", "error", "value", "equal", "output")
CHOICES = {  # fields answered by picking one of these (the dialog translates them)
    "contiguous": ("yes", "no"),
    "kind": ("view", "copy", "new"),
    "error": ("yes", "no"),
    "equal": ("yes", "no"),
}


@dataclass(frozen=True, slots=True)
class Question:
    name: str                   # the tensor asked about ("" when the question is not)
    source: str                 # the statement
    truth: dict[str, str]       # field -> the answer, as text
    kind: str = "layout"        # one of KINDS
    subject: str = ""           # what a value/equal question is about: "a[0, 1]", "first, second"
    accept: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other right answers


@dataclass(frozen=True, slots=True)
class Grade:
    field: str
    answer: str
    truth: str
    correct: bool


def question_for(step: Step, spec: str | None = None) -> Question | None:
    """The question to ask before `step` runs: the lesson's `#?` spec, or the layout question
    when the step binds a new tensor without failing. None: nothing to ask."""
    words = (spec or "layout").split(None, 1)
    kind, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    if kind == "none":
        return None
    if kind == "error":
        return Question("", step.source, {"error": "yes" if step.error else "no"}, "error")
    if kind == "output":
        return Question("", step.source, {"output": step.stdout.strip()}, "output")
    if kind == "value":
        return _value_question(step, rest)
    if kind == "equal":
        return _equal_question(step, rest)
    if kind != "layout":
        raise ValueError(f"unknown question {spec!r} (one of {', '.join(KINDS)}, none)")
    return _layout_question(step)


def _layout_question(step: Step) -> Question | None:
    if step.error is not None:
        return None
    for produced in reversed(step.produced):
        t = step.tensor(produced.name)
        if t is None or produced.kind == "alias":
            continue
        # storage identity: what the statement's last call did (a view of a temporary is a
        # view); the step's own kind (new storage for the namespace) is right as well
        memory = produced.memory if produced.memory in CHOICES["kind"] else produced.kind
        accept = (produced.kind,) if produced.kind != memory else ()
        return Question(t.name, step.source, {
            "shape": _tuple(t.shape), "stride": _tuple(t.stride),
            "offset": str(t.storage_offset), "contiguous": "yes" if t.is_contiguous else "no",
            "kind": memory}, "layout", "", {"kind": accept} if accept else {})
    return None


def _value_question(step: Step, expression: str) -> Question | None:
    name, index = parse_subject(expression)
    t = step.tensor(name)
    if t is None or t.values is None:
        return None
    value: Any = t.values
    try:
        for i in index:
            value = value[i]
    except (IndexError, TypeError):
        return None
    if isinstance(value, list):
        return None  # one element only: a number is what a student can type
    return Question(name, step.source, {"value": str(value)}, "value", expression.strip())


def _equal_question(step: Step, names: str) -> Question | None:
    parts = [p for p in re.split(r"[\s,]+", names) if p]
    if len(parts) != 2:
        raise ValueError(f"'#? equal' needs two tensor names, not {names!r}")
    a, b = (step.tensor(p) for p in parts)
    if a is None or b is None or a.values is None or b.values is None:
        return None
    same = a.shape == b.shape and a.values == b.values
    return Question("", step.source, {"equal": "yes" if same else "no"}, "equal",
                    f"{parts[0]}, {parts[1]}")


def parse_subject(expression: str) -> tuple[str, tuple[int, ...]]:
    """'a[0, -1]' -> ('a', (0, -1)); 'a' -> ('a', ()). Parsed, never evaluated."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(f"not a tensor element: {expression!r}") from None
    if isinstance(node, ast.Name):
        return node.id, ()
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        index = []
        for item in items:
            sign = 1
            if isinstance(item, ast.UnaryOp) and isinstance(item.op, ast.USub):
                sign, item = -1, item.operand
            if not (isinstance(item, ast.Constant) and type(item.value) is int):
                raise ValueError(f"only integer indices: {expression!r}")
            index.append(sign * item.value)
        return node.value.id, tuple(index)
    raise ValueError(f"not a tensor element: {expression!r}")


def grade(question: Question, answers: dict[str, str]) -> list[Grade]:
    """Compare each answered field leniently: '(4, 1)', '4,1', '[4 1]' are the same."""
    out = []
    for name in FIELDS:
        if name not in question.truth:
            continue
        answer = (answers.get(name) or "").strip()
        if not answer:
            continue
        truth = question.truth[name]
        right = (truth, *question.accept.get(name, ()))
        correct = any(_same(name, answer, r) for r in right)
        out.append(Grade(name, answer, truth, correct))
    return out


def _same(name: str, answer: str, truth: str) -> bool:
    if name == "value":
        a, t = _as_number(answer), _as_number(truth)
        if a is not None and t is not None:
            return a == t or math.isclose(a, t, rel_tol=1e-6, abs_tol=1e-9)
    return _normal(name, answer) == _normal(name, truth)


def _normal(name: str, text: str) -> str:
    text = text.strip().lower()
    if name in ("shape", "stride"):
        return ",".join(re.findall(r"-?\d+", text))
    if name in ("contiguous", "error", "equal"):
        return "yes" if text in ("yes", "y", "true", "1", "是") else "no"
    if name == "offset":
        numbers = re.findall(r"-?\d+", text)
        return numbers[0] if numbers else text
    if name == "kind":
        return {"视图": "view", "副本": "copy", "新张量": "new"}.get(text, text)
    if name == "output":  # words and numbers count; spaces, commas and brackets do not
        return " ".join(re.findall(r"[\w.\-]+", text))
    return " ".join(text.split())


def _as_number(text: str) -> float | None:
    text = text.strip().lower()
    if text in ("true", "false"):
        return float(text == "true")
    try:
        return float(text)
    except ValueError:
        return None


def _tuple(values: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"
