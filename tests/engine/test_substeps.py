"""Sub-steps: a chained statement records each call's tensor, in the order the calls returned."""

from __future__ import annotations

from stridescope.engine.document.trace import step_json
from stridescope.engine.interpret import interpreter
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.worker.wire import decode, encode

CHAIN = ("import torch\ntensorA = torch.arange(12).reshape(3, 4)\n"
         "viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)\n")


def test_the_tutorial_chain_shows_transpose_then_copy_then_view():
    step = run_script(CHAIN).steps[-1]
    assert [s.source for s in step.substeps] == [
        "tensorA.transpose(0, 1)", "tensorA.transpose(0, 1).contiguous()",
        "tensorA.transpose(0, 1).contiguous().view(1, 12)"]
    transposed, copied, viewed = (s.tensor for s in step.substeps)
    assert [s.memory for s in step.substeps] == ["view", "copy", "view"]
    a, view_a = step.tensor("tensorA"), step.tensor("viewA")
    assert transposed.stride == (1, 4) and transposed.storage_id == a.storage_id
    assert not transposed.is_contiguous
    assert copied.stride == (3, 1) and copied.storage_id == view_a.storage_id != a.storage_id
    assert (viewed.shape, viewed.stride, viewed.values) == (view_a.shape, view_a.stride,
                                                             view_a.values)
    assert step_json(step)["substeps"][1]["memory"] == "copy"


def test_a_temporary_storage_that_dies_in_the_statement_is_storage_0():
    step = run_script("import torch\nx = torch.ones(2).float().double()\n").steps[-1]
    assert [(s.memory, s.tensor.storage_id) for s in step.substeps] == [
        ("new", 0), ("same", 0), ("copy", step.tensor("x").storage_id)]


def test_no_sub_steps_for_single_calls_loops_or_big_results(monkeypatch):
    assert run_script("import torch\na = torch.arange(4)\n").steps[-1].substeps == ()
    loop = "import torch\na = torch.arange(4)\nfor i in range(3):\n    b = a.t().t()\n"
    assert run_script(loop).steps[-1].substeps == ()
    monkeypatch.setattr(interpreter, "RECORDED_BYTES", 16)
    assert run_script("import torch\na = torch.arange(4).view(2, 2)\n").steps[-1].substeps == ()


def test_a_chain_that_fails_keeps_the_calls_that_returned():
    step = run_script("import torch\na = torch.arange(12).reshape(3, 4)\n"
                      "b = a.t().contiguous().t().view(12)\n").steps[-1]
    assert step.error is not None
    assert [s.memory for s in step.substeps] == ["view", "copy", "view"]


def test_sub_steps_cross_the_wire():
    step = run_script(CHAIN).steps[-1]
    blobs: list[bytes] = []
    assert decode(encode(step, blobs), blobs) == step
