"""The trace file: written a line per tensor (its text built once for every step that holds it
unchanged), the same JSON as json.dump; the changes form carries only what changed and
expands back to the full trace."""

from __future__ import annotations

import io
import json

import pytest

from stridescope.engine.document.trace import (
    CHANGES_FORMAT,
    FORMAT,
    changes_json,
    full_json,
    trace_json,
    write_trace,
)
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.lessons import load_lesson

LONG = "import torch\nbase = torch.arange(64).reshape(8, 8)\n" + "".join(
    f"t{i % 20} = base[{i % 7}:, ::{i % 3 + 1}].t()\n" for i in range(200)) + \
    "base.add_(1)\ndel t3\nt4 = None\n"


def _doc(source: str) -> dict:
    return trace_json(run_script(source), "x")


@pytest.mark.parametrize("source", [
    LONG, load_lesson("tutorial").script, load_lesson("19_numpy_bridge").script,
    "x = (1,\n", "", "import torch\nz = torch.zeros(0)\nprint('日本', float('nan'))\n"])
def test_the_written_trace_is_the_json_of_the_document(source):
    doc = _doc(source)
    file = io.StringIO()
    write_trace(doc, file)
    text = file.getvalue()
    assert json.loads(text) == json.loads(json.dumps(doc))
    assert text.endswith("}\n")
    if doc["steps"] and doc["steps"][-1]["tensors"]:  # one line per tensor
        name = next(iter(doc["steps"][-1]["tensors"]))
        assert f'\n    "{name}": {{"shape": ' in text


def test_the_changes_form_carries_only_what_changed_and_expands_back():
    doc = _doc(LONG)
    changes = changes_json(doc)
    assert changes["format"] == CHANGES_FORMAT
    assert full_json(changes) == doc and full_json(changes)["format"] == FORMAT
    steps = changes["steps"]
    for step, full in zip(steps, doc["steps"]):
        assert step["names"] == list(full["tensors"])
        assert list(step).index("names") + 1 == list(step).index("tensors")
    rebinding = steps[30]  # t{k} = base[…]: one tensor changed, the rest carried over
    assert list(rebinding["tensors"]) == [rebinding["source"].split(" =")[0]]
    written = next(s for s in steps if s["source"] == "base.add_(1)")
    assert set(written["tensors"]) == set(written["names"])  # bytes changed: every view
    assert "t3" not in steps[-2]["names"] and "t4" not in steps[-1]["names"]
    full_size, changes_size = len(json.dumps(doc)), len(json.dumps(changes))
    assert changes_size * 8 < full_size, (changes_size, full_size)
    back = json.loads(json.dumps(changes))  # as a reader gets it from the file
    assert full_json(back) == json.loads(json.dumps(doc))
