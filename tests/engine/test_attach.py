"""Attach, without a kernel: the probe run in-process, strict parsing, steps from snapshots."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from stridescope.engine.live.attach import StepBuilder, attach_trace
from stridescope.engine.live.kernel_answer import (
    AttachError,
    parse_snapshot,
    probe_request,
    unquote_reply,
)
from stridescope.engine.live.kernel_probe import stridescope_probe


def _snap(namespace, known=None):
    text = stridescope_probe(namespace, {"known": known or {}})
    return parse_snapshot(unquote_reply(repr(text)))  # the answer travels as a str's repr


def test_probe_describes_tensors_arrays_and_skips_the_rest():
    a = torch.arange(12.0).reshape(3, 4)
    ns = {"a": a, "at": a.t(), "z": torch.tensor(7), "arr": np.arange(6).reshape(2, 3),
          "m": torch.empty(10**12, device="meta"), "sp": torch.eye(2).to_sparse(),
          "_private": torch.ones(1), "n": 3, "c": torch.tensor([1 + 2j])}
    snap = _snap(ns)
    names = [t.state.name for t in snap.tensors]
    assert names == ["a", "at", "z", "m", "c"]
    step = StepBuilder().add(snap, "attached to kernel-1.json")
    at = step.tensor("at")
    assert (at.shape, at.stride, at.storage_offset, at.data_ptr) == (
        (4, 3), (1, 4), 0, a.data_ptr())
    assert at.storage_id == step.tensor("a").storage_id and at.values == a.t().tolist()
    assert step.storage(at.storage_id).raw == a.numpy().tobytes()
    assert step.tensor("m").values is None and step.storage(step.tensor("m").storage_id).raw \
        is None
    assert step.tensor("z").shape == () and step.tensor("z").values == 7
    assert step.tensor("c").values == [1 + 2j]
    assert snap.arrays[0]["name"] == "arr" and snap.arrays[0]["strides"] == [24, 8]
    assert snap.skipped[0][0] == "sp" and "layout" in snap.skipped[0][1]
    assert step.warnings and "sp" in step.warnings[0]
    doc = attach_trace(StepBuilder().result(), snap)
    assert doc["format"] == "stridescope-trace/1"


def test_probe_leaves_the_namespace_as_it_was():
    code, expression = probe_request()
    assert "pickle" not in code and "import stridescope" not in code and "engine" not in code
    ns = {"a": torch.ones(2)}
    before = dict(ns)
    ns["__stridescope_snapshot__"] = stridescope_probe(ns, {})
    assert expression == "globals().pop('__stridescope_snapshot__', '')"
    ns.pop("__stridescope_snapshot__")
    assert ns == before


def test_unchanged_bytes_are_not_sent_again_and_writes_are_seen():
    a = torch.arange(6.0)
    ns = {"a": a}
    builder = StepBuilder()
    builder.add(_snap(ns), "attached")
    known = builder.known()
    assert len(known) == 1
    again = _snap(ns, known)
    assert again.storages[0].same and again.storages[0].raw is None
    step = builder.add(again, "In [2]", "print(a)")
    assert step.storages[0].raw == a.numpy().tobytes() and step.written_storages == ()
    ns["b"] = a[2:]
    a.mul_(2)
    step = builder.add(_snap(ns, builder.known()), "In [3]", "b = a[2:]\na.mul_(2)")
    assert step.written_storages == (1,)
    assert [(p.name, p.kind, p.source) for p in step.produced] == [("b", "view", "a")]
    assert step.source == "In [3]: b = a[2:]\na.mul_(2)"
    ns["c"] = ns["b"]
    ns["d"] = a.clone()
    step = builder.add(_snap(ns, builder.known()), "In [4]", "c = b\nd = a.clone()")
    assert [(p.name, p.kind, p.source) for p in step.produced] == [
        ("c", "alias", "b"), ("d", "new", None)]
    result = builder.result()
    assert result.source.splitlines()[step.line - 1] == "# In [4]"
    assert result.source.splitlines()[step.end_line - 1] == "d = a.clone()"


def _doc(**changes):
    doc = json.loads(stridescope_probe({"a": torch.arange(4)}, {}))
    for path, value in changes.items():
        where = doc
        *keys, last = path.split("__")
        for key in keys:
            where = where[int(key)] if key.isdigit() else where[key]
        where[int(last) if last.isdigit() else last] = value
    return json.dumps(doc)


@pytest.mark.parametrize("changes", [
    {"format": "other/1"},
    {"tensors__0__shape": [5]},                 # numel no longer matches
    {"tensors__0__shape": [2, -2]},
    {"tensors__0__stride": [1, 1]},
    {"tensors__0__name": "__import__('os')"},
    {"tensors__0__dtype": "float32; rm"},
    {"tensors__0__itemsize": 4},                # int64 is 8 bytes
    {"tensors__0__storage": "999"},
    {"tensors__0__values": [0, 1, 2]},
    {"tensors__0__values": [0, 1, 2, "x"]},
    {"tensors__0__is_view": 1},
    {"tensors__0__extra": 1},
    {"storages__0__raw": "AAAA"},               # bytes of the wrong length
    {"storages__0__raw": "!!"},
    {"storages__0__device": "cpu; x"},
    {"storages__0__nbytes": 2**70},
])
def test_malformed_answers_are_refused(changes):
    with pytest.raises(AttachError):
        parse_snapshot(_doc(**changes))


@pytest.mark.parametrize("text", ["", "'", "'abc", '"{}"', "'a\\'b'", "'a\\nb'", "{}"])
def test_only_a_plain_str_repr_is_unquoted(text):
    with pytest.raises(AttachError):
        unquote_reply(text)


def test_unquote_inverts_repr_of_the_probes_answers():
    text = stridescope_probe({"a": torch.tensor([float("nan"), 1.0])}, {})
    assert unquote_reply(repr(text)) == text
    assert unquote_reply(repr('{"s": "a\\\\b"}')) == '{"s": "a\\\\b"}'


def test_old_steps_lose_their_bytes_first_when_the_history_grows(monkeypatch):
    import stridescope.engine.live.attach

    monkeypatch.setattr(stridescope.engine.live.attach, "HISTORY_BYTES_LIMIT", 2500)
    a = torch.zeros(100, dtype=torch.float64)  # 800 bytes
    builder = StepBuilder()
    for n in range(5):
        a.add_(1)
        builder.add(_snap({"a": a}, builder.known()), f"In [{n + 1}]", "a.add_(1)")
    raws = [step.storages[0].raw for step in builder.steps]
    assert [r is not None for r in raws] == [False, False, True, True, True]
    assert raws[-1] == a.numpy().tobytes()
    assert all(step.tensor("a").values is not None for step in builder.steps)
