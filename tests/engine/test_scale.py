"""Scale: the runner's cost per statement does not grow with the script, unchanged states are
shared (not copied) step to step and on the wire, and a cap on names never drops the names a
statement is about."""

from __future__ import annotations

import ast
import json
import time

import pytest

from stridescope.engine.document.trace import step_json, trace_json
from stridescope.engine.interpret.runner import MAX_NAMED_TENSORS, iter_steps, run_script
from stridescope.engine.interpret.script import SourceSegments
from stridescope.engine.model.limits import Limits
from stridescope.engine.worker.wire import WireError, decode, encode


def _seconds_per_statement(source: str, statements: int) -> float:
    start = time.perf_counter()
    for _step in iter_steps(source, Limits(max_statements=100_000)):
        pass
    return (time.perf_counter() - start) / statements


def _per_statement(statements: int) -> float:
    return _seconds_per_statement("import torch\nbase = torch.arange(6)\n" + "".join(
        f"t{i % 3} = base[{i % 4}:]\n" for i in range(statements)), statements)


def test_time_per_statement_does_not_grow_with_the_script():
    # a path quadratic in the script (re-splitting the source per statement) made the
    # 2,000-statement script ~7x slower per statement than the 200-statement one
    short = min(_per_statement(200) for _ in range(3))
    long = _per_statement(2_000)
    assert long / short < 2.5, (short, long)


def _per_view(names: int) -> float:
    return _seconds_per_statement("import torch\nbase = torch.arange(4096)\n" + "".join(
        f"v{i} = base[{i}:{i} + 10]\n" for i in range(names)), names)


def test_time_per_statement_grows_little_with_the_names_alive():
    # every statement adds a name: looking at every live tensor at every step made the
    # 2,000-name script ~8.5x slower per statement than the 200-name one (~2.3x once a step
    # recorded the names it spells; ~1.7x since the cap's fast path, NameCap, no longer
    # walks the 256 names to keep; what is left is recording 256 states a step)
    short = min(_per_view(200) for _ in range(3))
    long = min(_per_view(2_000) for _ in range(2))
    assert long / short < 3, (short, long)


@pytest.mark.parametrize("source", [
    "a = 1\r\nb = (1,\r 2)\nif a:\n    pass\n\x0cc = 'é' + 'ü'; d = 3\n",
    "x = [1,\n2,\n3]",
    "y = 2\n\n\nz = (y\n  + 1)  # hi\nw = '日本' ; v = z",
])
def test_source_segments_are_those_of_ast(source):
    segments = SourceSegments(source)
    for node in ast.walk(ast.parse(source)):
        if hasattr(node, "end_lineno"):
            assert segments.of(node) == (ast.get_source_segment(source, node) or "")


def test_unchanged_states_are_the_same_objects_and_changed_ones_are_new():
    steps = run_script("import torch\na = torch.arange(6)\nb = a[2:]\nc = 1\n"
                       "a.add_(1)\nb.unsqueeze_(0)\n").steps
    assert steps[3].tensor("a") is steps[2].tensor("a")
    assert steps[3].storages[0] is steps[2].storages[0]
    assert steps[4].tensor("a") is not steps[3].tensor("a")  # bytes changed in place
    assert steps[4].tensor("a").values == [1, 2, 3, 4, 5, 6]
    assert steps[4].tensor("b").values == [3, 4, 5, 6]
    assert steps[5].tensor("a") is steps[4].tensor("a")
    assert steps[5].tensor("b") is not steps[4].tensor("b")  # its shape changed in place
    assert steps[5].tensor("b").values == [[3, 4, 5, 6]]


def test_the_wire_sends_an_unchanged_state_once():
    source = "import torch\nbase = torch.arange(64).reshape(8, 8)\n" + "".join(
        f"t{i % 20} = base[{i % 7}:, ::{i % 3 + 1}].t()\n" for i in range(200))
    steps = run_script(source).steps
    sizes = {}
    for shared in (False, True):
        seen, objects, blobs, frames = {}, ({} if shared else None), [], []
        for step in steps:
            frames.append(encode(step, blobs, seen, objects))
        sizes[shared] = len(json.dumps(frames))
        states = [] if shared else None
        back = [decode(data, blobs, states) for data in frames]
        assert back == list(steps)
        assert [t.values for s in back for t in s.tensors] == [
            t.values for s in steps for t in s.tensors]
    assert sizes[True] * 5 < sizes[False]  # each step carries only what changed


def test_a_state_reference_must_point_at_a_state_sent_before():
    with pytest.raises(WireError):
        decode({"ref": 0}, [], [])
    with pytest.raises(WireError):
        decode({"ref": 0})


def test_the_trace_of_shared_states_is_that_of_full_steps():
    result = run_script("import torch\nimport numpy as np\na = torch.arange(6)\n"
                        "n = np.arange(4)\nm = torch.from_numpy(n)\nb = a[1:]\nc = 2\n")
    doc = trace_json(result, "x")
    assert doc["steps"] == [step_json(s) for s in result.steps]
    assert "numpy_memory" in doc["steps"][-1]["tensors"]["m"]
    assert "numpy_memory" not in doc["steps"][-1]["tensors"]["a"]


def _views(count: int) -> str:
    return ("import torch\nbase = torch.arange(4096)\n"
            + "".join(f"v{i} = base[{i}:{i} + 10]\n" for i in range(count))
            + "last = v3.view(2, 5)\n")


def test_a_cap_on_names_keeps_those_the_statement_is_about():
    count = MAX_NAMED_TENSORS + 44
    step = run_script(_views(count)).steps[-1]
    names = {t.name for t in step.tensors}
    assert {"last", "v3", "base"} <= names
    assert len(names) <= MAX_NAMED_TENSORS + 1
    for t in step.tensors:  # no origin names a tensor that is alive but left out
        assert t.origin is None or t.origin.source is None or t.origin.source in names
    left_out = [w for w in step.warnings if w.startswith("RecorderLimit: +")]
    assert len(left_out) == 1 and "more tensors on S1: v0 … " in left_out[0], step.warnings
    assert left_out[0].startswith(f"RecorderLimit: +{count + 2 - len(names)} ")


def test_a_left_out_name_keeps_its_origin_for_when_it_is_drawn_again():
    count = MAX_NAMED_TENSORS + 10
    source = _views(count) + "w = v0 + 0\n"  # v0, left out for long, is named again
    step = run_script(source).steps[-1]
    assert step.tensor("v0").origin.kind == "view"
    assert step.tensor("v0").origin.source == "base"
    assert step.tensor("w").origin.source == "v0"
