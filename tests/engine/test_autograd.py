"""Autograd views from the real tensors: the trace carries grad_fn, is_leaf and the version
counter as plain torch reports them, and autograd's two in-place errors are explained with
the names and versions of the tensors involved, in English and Chinese."""

from __future__ import annotations

import pytest
import torch

from stridescope.engine.document.trace import trace_json
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.i18n import translator

SCRIPT = """import torch
w = torch.ones(2, 3, requires_grad=True)
wt = w.t()
d = w.detach()
d[0, 0] = 5.0
v = w[0]
b = w * 2
"""


def test_the_trace_has_what_plain_torch_says_of_each_tensor():
    steps = trace_json(run_script(SCRIPT))["steps"]
    tensors = steps[-1]["tensors"]
    w = torch.ones(2, 3, requires_grad=True)
    plain = {"w": w, "wt": w.t(), "d": w.detach()}
    plain["d"][0, 0] = 5.0  # in the script's order: a view made after the write differs
    plain.update({"v": w[0], "b": w * 2})
    for name, t in plain.items():
        mine = tensors[name]
        assert mine["requires_grad"] == t.requires_grad, name
        if t.requires_grad:
            assert mine["grad_fn"] == (None if t.grad_fn is None else type(t.grad_fn).__name__)
            assert mine["is_leaf"] == t.is_leaf and mine["version"] == t._version, name
        else:
            assert "grad_fn" not in mine  # d: cut from the graph, nothing to say
    # a view made before an in-place write to its base is rebuilt by autograd as an
    # as_strided of the base (plain torch says the same)
    assert tensors["wt"]["grad_fn"] == "AsStridedBackward0" and tensors["w"]["version"] == 1
    assert tensors["d"]["storage_id"] == tensors["w"]["storage_id"]  # detach shares


def test_a_script_can_read_the_version_counter():
    result = run_script(SCRIPT + "print(w._version, b._version)\nb.mul_(2)\nprint(b._version)\n")
    assert [s.stdout for s in result.steps[-3:]] == ["1 0\n", "", "1\n"]


def _error(source: str):
    step = run_script(source).steps[-1]
    assert step.error is not None, source
    return step.error


WRITES = {
    "v.add_(1)": (lambda w, v: v.add_(1), True), "v.mul_(2)": (lambda w, v: v.mul_(2), True),
    "v.zero_()": (lambda w, v: v.zero_(), True), "w.add_(1)": (lambda w, v: w.add_(1), False),
    "w.t().mul_(2)": (lambda w, v: w.t().mul_(2), True),
}


@pytest.mark.parametrize("write", WRITES)
def test_writing_into_a_leaf_or_its_view_is_explained(write):
    error = _error(SCRIPT + write + "\n")
    same, is_view = WRITES[write]
    with pytest.raises(RuntimeError) as plain:  # the same error in plain torch
        w = torch.ones(2, 3, requires_grad=True)
        same(w, w[0])
    assert error.message == str(plain.value)
    e = error.explanation
    assert e is not None and e.kind == "leaf_view_write" and e.is_view == is_view
    text = e.text()
    assert ("is a view of a leaf tensor" in text) == is_view and ".clone()" in text
    assert "叶子张量" in e.text(translator("zh_CN")) and "clone()" in e.text(translator("zh_CN"))


@pytest.mark.parametrize("saving, written", [
    ("c = b.pow(2)", "b.mul_(3)"),      # pow saves its input
    ("c = b.sigmoid()\nb2 = c", "c.add_(1)"),  # sigmoid saves its output
    ("c = b * b", "b[0, 0] = 7.0"),     # a write through indexing moves the version too
])
def test_a_saved_tensor_written_since_is_named_with_its_versions(saving, written):
    source = SCRIPT + saving + "\n" + written + "\nc.sum().backward()\n"
    error = _error(source)
    assert "modified by an inplace operation" in error.message
    e = error.explanation
    assert e is not None and e.kind == "saved_tensor_written"
    assert (e.version, e.expected) == (1, 0)
    assert e.written is not None and e.written.name in {"b", "c", "b2"}
    assert e.written.version == 1
    assert f"saved {e.written.name} " in e.text() and "version 0" in e.text()
    zh = e.text(translator("zh_CN"))
    assert "版本 0" in zh and "版本 1" in zh


def test_the_lesson_fails_twice_and_explains_both():
    from stridescope.engine.teaching.lessons import load_lesson

    steps = run_script(load_lesson("21_autograd_views").script).steps
    kinds = [s.error.explanation.kind for s in steps if s.error is not None]
    assert kinds == ["leaf_view_write", "saved_tensor_written"]


@pytest.mark.parametrize("cut, counted", [("w.detach()", 1), ("w.data", 0)])
def test_detach_and_data_share_the_storage_and_a_write_through_them_shows(cut, counted):
    # detach() shares the version counter (autograd can catch the write); .data does not
    result = run_script(f"import torch\nw = torch.ones(3, requires_grad=True)\nd = {cut}\n"
                        "d[0] = 2.0\n")
    step = result.steps[-1]
    by_name = {t.name: t for t in step.tensors}
    assert by_name["d"].storage_id == by_name["w"].storage_id
    assert not by_name["d"].requires_grad and by_name["w"].requires_grad
    assert step.written_storages == (by_name["w"].storage_id,)
    assert by_name["w"].values[0] == 2.0 and by_name["w"].version == counted
