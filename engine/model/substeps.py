"""Sub-steps as steps: the Step that draws one call of a chained statement.

For `viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)` the runner records three
SubSteps (state.py). `substep_step(before, statement, k)` turns the k-th into a Step the
picture draws like any other: the names as they were before the statement (the statement
has not bound its target yet), plus the call's tensor, named by its text, on the storage it
reads (a temporary one included). It says how the call made its tensor from the one before
(`produced`) and, for a copy in logical order, where each value came from (`provenance`),
so that the ordinary transition animates sub-step k-1 -> k.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from itertools import product

from stridescope.engine.model.state import Produced, Step, SubStep, TensorState

# the copies that keep the logical order of their input (a flip or a sort does not): their
# i-th value is the input's i-th value
ORDER_KEEPING_COPIES = frozenset({
    "contiguous", "clone", "reshape", "reshape_as", "flatten", "ravel", "float", "double",
    "half", "bfloat16", "int", "long", "short", "bool", "to", "type", "type_as", "view_as",
})
PROVENANCE_LIMIT = 4096  # elements; a bigger copy fades in instead of flying cell by cell
_KIND = {"view": "view", "copy": "copy", "same": "alias", "new": "new"}


CALL_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯"


def call_text(substeps: tuple[SubStep, ...], k: int) -> str:
    """What call k adds to the one before: `.contiguous()` in `a.t().contiguous()`."""
    source, previous = substeps[k].source, substeps[k - 1].source if k > 0 else ""
    return (source[len(previous):] if previous and source.startswith(previous)
            else source).strip()


def call_label(substeps: tuple[SubStep, ...], k: int) -> str:
    """The name call k's tensor goes by in the picture: `② .contiguous()`, numbered as in
    the header's chain line (the whole expression is the header's source line)."""
    mark = CALL_MARKS[k] if k < len(CALL_MARKS) else f"({k + 1})"
    return f"{mark} {call_text(substeps, k)}"


def call_labels(step: Step) -> frozenset[str]:
    return frozenset(call_label(step.substeps, k) for k in range(len(step.substeps)))


def substep_count(step: Step) -> int:
    """How many sub-steps a statement can be stepped into (0: none)."""
    return len(step.substeps) if step.substep < 0 and len(step.substeps) >= 2 else 0


def substep_step(before: Step | None, statement: Step, k: int) -> Step:
    """The Step that draws sub-step `k` of `statement`; `before` is the step before the
    statement (None for the first)."""
    substeps = statement.substeps
    sub, label = substeps[k], call_label(substeps, k)
    names = before.tensors if before is not None else ()
    tensors = tuple(t for t in names if t.name != label)
    input_tensor = _input(substeps, k, names)
    if k > 0:  # the previous call's tensor stays on screen: the transition starts there
        input_tensor = replace(input_tensor, name=call_label(substeps, k - 1))
        tensors += (input_tensor,)
    kind = _KIND.get(sub.memory, "new")
    produced = Produced(label, kind if input_tensor is not None else "new",
                        input_tensor.name if input_tensor is not None else None, sub.memory)
    # the call's tensor says how it was made (the picture's relation line, the inspector)
    tensors += (replace(sub.tensor, name=label, origin=produced),)
    storages = {s.id: s for s in (before.storages if before is not None else ())}
    storages.update({s.id: s for s in statement.storages if s.id not in storages})
    for earlier in statement.substeps[max(0, k - 1):k + 1]:
        if earlier.temporary is not None:
            storages[earlier.temporary.id] = earlier.temporary
    read = {t.storage_id for t in tensors}  # the strips drawn: only storages a name reads
    provenance = ()
    if (kind == "copy" and input_tensor is not None and input_tensor.numel == sub.tensor.numel
            and input_tensor.numel <= PROVENANCE_LIMIT
            and _method(sub.source) in ORDER_KEEPING_COPIES):
        provenance = ((label, logical_cells(input_tensor)),)
    return Step(
        index=statement.index, line=statement.line, end_line=statement.end_line,
        source=sub.source, stdout="", error=None, tensors=tensors,
        storages=tuple(sorted((s for s in storages.values() if s.id in read), key=lambda s: s.id)),
        produced=(produced,), provenance=provenance, substeps=substeps,
        expected_error=False, substep=k)


def failing_call_step(before: Step | None, statement: Step) -> Step | None:
    """A chained statement that failed in a call made on an unnamed tensor —
    `a.t().contiguous().t().view(12)` fails in `.view(12)` on the tensor `.t()` returned —
    drawn with that tensor (the last call that returned) in focus, so the picture shows the
    strides the error speaks of rather than `a`. None when the statement's own picture
    already shows the tensor the call was made on, or that tensor is not the last call's."""
    error = statement.error
    if error is None or statement.substep >= 0 or not statement.substeps:
        return None
    if error.receiver and statement.tensor(error.receiver) is not None:
        return None
    last = statement.substeps[-1].tensor
    explanation = error.explanation
    shape, stride = getattr(explanation, "shape", None), getattr(explanation, "stride", None)
    if shape is None or stride is None or (tuple(shape), tuple(stride)) != (last.shape,
                                                                           last.stride):
        return None  # the failing call was made on something else (an argument, …)
    k = len(statement.substeps) - 1
    drawn = substep_step(before, statement, k)
    return replace(drawn, source=statement.source, stdout=statement.stdout,
                   warnings=statement.warnings, expected_error=statement.expected_error,
                   error=replace(error, receiver=call_label(statement.substeps, k)),
                   substep=-1)


def logical_cells(t: TensorState) -> tuple[tuple[int, int], ...]:
    """(storage id, storage index) of each element of `t` in logical (row-major) order."""
    ranges = [range(n) for n in t.shape]
    return tuple((t.storage_id, t.storage_offset + sum(i * s for i, s in zip(index, t.stride)))
                 for index in product(*ranges))


def _input(substeps: tuple[SubStep, ...], k: int,
           names: tuple[TensorState, ...]) -> TensorState | None:
    """The tensor sub-step k's call was made on: the previous call's, else the named
    receiver of the first call (`tensorA` in `tensorA.transpose(0, 1)`)."""
    if k > 0:
        return substeps[k - 1].tensor
    receiver = _receiver(substeps[0].source)
    found = next((t for t in names if t.name == receiver), None)
    return found


def _call(source: str) -> ast.Call | None:
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None
    return node if isinstance(node, ast.Call) else None


def _receiver(source: str) -> str | None:
    call = _call(source)
    func = call.func if call is not None else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _method(source: str) -> str | None:
    call = _call(source)
    return call.func.attr if call is not None and isinstance(call.func, ast.Attribute) else None
