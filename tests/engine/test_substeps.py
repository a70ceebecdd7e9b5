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


# ----------------------------------------------------------------- sub-steps as steps
from stridescope.engine.model.substeps import substep_count, substep_step  # noqa: E402
from stridescope.engine.picture.compose import compose  # noqa: E402
from stridescope.engine.picture.scene import Viewport, ViewState  # noqa: E402


def _sub_steps(script: str):
    result = run_script(script)
    before, statement = result.steps[-2], result.steps[-1]
    return result, statement, [substep_step(before, statement, k)
                               for k in range(substep_count(statement))]


def test_each_call_of_the_tutorial_chain_is_a_step_with_its_tensor_and_storage():
    result, statement, (transposed, copied, viewed) = _sub_steps(CHAIN)
    a = statement.tensor("tensorA")
    assert transposed.tensor("① tensorA.transpose(0, 1)").stride == (1, 4)
    assert [s.id for s in transposed.storages] == [a.storage_id]  # same bytes, one strip
    assert transposed.produced[0].kind == "view" and transposed.produced[0].source == "tensorA"
    assert copied.produced[0].kind == "copy"
    copy = copied.tensor("② .contiguous()")  # named as the header's chain line numbers it
    assert copy.storage_id != a.storage_id and copied.storage(copy.storage_id).raw is not None
    # the copy's i-th value came from the transposed view's i-th cell of tensorA's storage
    assert copied.sources_of(copy.name) == tuple(
        (a.storage_id, c) for c in (0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11))
    assert viewed.tensor("③ .view(1, 12)").shape == (1, 12)
    assert copy.origin.kind == "copy" and copy.origin.source == "① tensorA.transpose(0, 1)"
    assert viewed.tensor("viewA") is None  # not bound yet while the calls run
    plans = [compose(result, ViewState(step=statement.index, substep=k),
                     Viewport(1280, 720)).plan.kind for k in range(3)]
    assert plans == ["view", "copy", "view"]
    header = compose(result, ViewState(step=statement.index, substep=1), Viewport(1280, 720))
    assert "call 2 of 3" in header.header[0].text and "▶②" in header.header[2].text


def test_a_reshape_that_copies_reads_a_temporary_storage_with_its_bytes():
    script = ("import torch\na = torch.arange(6).reshape(2, 3)\n"
              "b = a.t().reshape(6).view(3, 2)\n")
    result, statement, subs = _sub_steps(script)
    assert [s.memory for s in statement.substeps] == ["view", "copy", "view"]
    reshaped = statement.substeps[1]
    assert reshaped.tensor.storage_id == statement.tensor("b").storage_id  # b keeps it
    script = ("import torch\na = torch.arange(6).reshape(2, 3)\n"
              "b = a.t().reshape(6).t().contiguous().float()\n")
    result, statement, subs = _sub_steps(script)
    temporary = statement.substeps[1]
    assert temporary.memory == "copy" and temporary.tensor.storage_id == 0
    assert temporary.temporary.label == "tmp"
    assert temporary.temporary.elements("torch.int64").tolist() == [0, 3, 1, 4, 2, 5]
    step = subs[1]
    assert step.storage(0) is temporary.temporary
    assert step_json(statement)["substeps"][1]["temporary"]["values"] == [0, 3, 1, 4, 2, 5]
    blobs: list[bytes] = []
    assert decode(encode(statement, blobs), blobs) == statement


def test_distinct_temporaries_get_distinct_ids():
    script = ("import torch\na = torch.arange(6).reshape(2, 3)\n"
              "b = a.t().contiguous().t().contiguous().float()\n")
    statement = run_script(script).steps[-1]
    ids = [s.tensor.storage_id for s in statement.substeps]
    assert ids[1] == ids[2] == 0 and ids[3] == -1 and ids[4] > 0


def test_a_failing_chain_can_be_stepped_up_to_the_call_that_failed():
    script = ("import torch\na = torch.arange(12).reshape(3, 4)\n"
              "b = a.t().contiguous().t().view(12)\n")
    result, statement, subs = _sub_steps(script)
    assert statement.error is not None and len(subs) == 3
    assert all(s.error is None for s in subs)
    assert subs[-1].tensor("③ .t()").is_contiguous is False


def test_the_document_inside_a_call_shows_the_calls_step_and_tensor():
    from stridescope.engine.document.session import Document

    document = Document.from_result(run_script(CHAIN)).at(2, 1)
    shown = document.shown_step
    assert (shown.index, shown.substep) == (2, 1) and document.step.substep == -1
    assert document.shown_focus == "② .contiguous()"
    assert shown.tensor(document.shown_focus).stride == (3, 1)  # the copy, row-major
    assert document.focused("tensorA").shown_focus == "② .contiguous()"
    chosen = document.focused("① tensorA.transpose(0, 1)")
    assert chosen.at(2, 1).shown_focus == "① tensorA.transpose(0, 1)"  # the call before it
    statement = document.at(2)
    assert statement.shown_step is statement.step and statement.shown_focus == "viewA"


def test_a_chain_failing_on_an_unnamed_tensor_draws_that_tensor():
    """`a.t().contiguous().t().view(12)` fails on what `.t()` returned: the picture shows
    that tensor (stride (1, 3), the strides the error speaks of), not the contiguous `a`."""
    from stridescope.engine.document.session import Document

    script = ("import torch\na = torch.arange(12).reshape(3, 4)\n"
              "b = a.t().contiguous().t().view(12)\n")
    result = run_script(script)
    scene = compose(result, ViewState(step=2), Viewport(1280, 720))
    t = scene.grid.grid.tensor
    assert (t.name, t.stride) == ("③ .t()", (1, 3))
    assert scene.step.error.explanation.stride == (1, 3)
    assert scene.header[1].text == "b = a.t().contiguous().t().view(12)"  # the statement
    assert scene.strips[0].strip.storage.label == "tmp" and "storage tmp" in " ".join(
        x.text for x in scene.grid.texts)
    document = Document.from_result(result).at(2)
    assert document.shown_focus == "③ .t()" and document.shown_step.error is not None
    # a failure on a named tensor keeps the statement's picture
    named = run_script("import torch\na = torch.arange(12).reshape(3, 4).t()\nb = a.view(12)\n")
    assert compose(named, ViewState(step=2), Viewport(1280, 720)).grid.grid.tensor.name == "a"


def test_one_call_then_a_failing_one_draws_the_tensor_the_failure_speaks_of():
    """`a.t().view(12)`: one call returned, the next failed. The error speaks of strides
    (1, 4), so the picture shows `① a.t()` with its walk, not `a` with (4, 1)."""
    from stridescope.engine.picture.transition import plan_transition

    script = "import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t().view(12)\n"
    result = run_script(script)
    step = result.steps[2]
    assert [s.source for s in step.substeps] == ["a.t()"]
    scene = compose(result, ViewState(step=2), Viewport(1280, 720))
    t = scene.grid.grid.tensor
    assert (t.name, t.stride) == ("① a.t()", (1, 4)) == (t.name, step.error.explanation.stride)
    plan = compose(result, ViewState(step=2, animate=True), Viewport(1280, 720)).plan
    assert plan.kind == "error" and plan.motion == "walk"
    assert [a.cell for a in plan.walk[1::2]] == [0, 4, 8, 1]
    assert plan_transition(result.steps[1], step).kind == "error"
    ok = run_script("import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\n")
    assert ok.steps[2].substeps == ()  # a single call that returned is no chain
