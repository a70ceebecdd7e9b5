"""The wire format: engine values cross a process boundary unchanged, and nothing else does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.worker.wire import WireError, decode, decode_result, encode, encode_result

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """import torch
a = torch.arange(12.).reshape(3, 4)
a[0, 0] = float('nan')
t = a.t()
c = t.contiguous()
z = torch.complex(torch.arange(3.), -torch.arange(3.))
h = torch.ones(3, dtype=torch.bfloat16)
m = torch.empty(10**6, device="meta").view(1000, 1000)
print("héllo", 1/3)
w = t.view(12)
"""


def _same(a, b):
    assert a == b  # frozen dataclasses compare field by field (values/raw excluded)
    for sa, sb in zip(a.steps, b.steps):
        assert [s.raw for s in sa.storages] == [s.raw for s in sb.storages]
        assert json.dumps(encode([t.values for t in sa.tensors])) == \
            json.dumps(encode([t.values for t in sb.tensors]))


@pytest.mark.parametrize("with_blobs", [True, False])
def test_round_trip_is_lossless(with_blobs):
    result = run_script(SCRIPT)
    assert result.steps[-1].error is not None
    blobs: list[bytes] | None = [] if with_blobs else None
    text = json.dumps(encode_result(result, blobs))
    back = decode_result(json.loads(text), blobs)
    _same(result, back)
    assert back.steps[-1].error.explanation.blockers  # nested dataclasses survive
    if with_blobs:  # unchanged storages are shared between steps, and sent once
        distinct = {id(s.raw) for st in result.steps for s in st.storages if s.raw is not None}
        distinct |= {id(sub.temporary.raw) for st in result.steps for sub in st.substeps
                     if sub.temporary is not None and sub.temporary.raw is not None}
        assert len(blobs) == len(distinct)


@pytest.mark.parametrize("bad", [
    {"dc": "Popen", "f": {}},
    {"dc": "Produced", "f": {"name": "a", "kind": "view", "source": None, "evil": 1}},
    {"blob": 3},
    {"b64": "not base64!"},
    {"x": 1},
    {"t": "abc"},
    {"f": "1e999"},
    "deep",
])
def test_decoding_refuses_what_it_did_not_produce(bad):
    if bad == "deep":
        bad = []
        for _ in range(300):
            bad = [bad]
    with pytest.raises(WireError):
        decode(bad, [])


def test_not_a_result_is_refused():
    with pytest.raises(WireError):
        decode_result(encode((1, 2)))


def test_gui_side_modules_do_not_import_torch():
    modules = ["worker.wire", "picture.content", "picture.transition", "model.state",
               "model.array_layout", "teaching.explain", "teaching.i18n"]
    code = ("import sys; " + "".join(f"import stridescope.engine.{m}; " for m in modules)
            + "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "False"


def test_numpy_long_double_values_cross_as_floats():
    result = run_script("import numpy as np\nx = np.zeros(2, dtype=np.longdouble)\n"
                        "z = np.ones(1, dtype=np.clongdouble)\ny = 1\n")
    assert [s.error for s in result.steps] == [None] * 4
    blobs: list[bytes] = []
    back = decode_result(json.loads(json.dumps(encode_result(result, blobs))), blobs)
    arrays = {a.name: a.values for a in back.steps[-1].arrays}
    assert arrays["x"] == [0.0, 0.0] and arrays["z"] == [complex(1, 0)]
