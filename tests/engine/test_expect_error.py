"""`#! expect-error`: a lesson can fail on purpose, explain why, and go on to the fix."""

from __future__ import annotations

from stridescope.engine.interpret.runner import run_script

FAIL_THEN_FIX = """import torch
a = torch.arange(12).reshape(3, 4)
t = a.t()
#! expect-error
w = t.view(12)
c = t.contiguous()
v = c.view(12)  #! expect-error (marked but succeeds: nothing changes)
x = v.view(5)
y = 1
"""


def test_marked_error_continues_and_unmarked_error_stops():
    steps = run_script(FAIL_THEN_FIX).steps
    assert [s.line for s in steps] == [1, 2, 3, 5, 6, 7, 8]
    failed = steps[3]
    assert failed.error is not None and failed.expected_error
    assert failed.error.explanation is not None and failed.error.explanation.blockers
    assert "w" not in {t.name for t in failed.tensors}
    assert steps[5].error is None and steps[5].tensor("v").shape == (12,)
    last = steps[-1]
    assert last.error is not None and not last.expected_error  # unmarked: the run stops


def test_without_marks_python_semantics_hold():
    plain = FAIL_THEN_FIX.replace("#! expect-error", "#")
    steps = run_script(plain).steps
    assert steps[-1].line == 5 and steps[-1].error is not None
