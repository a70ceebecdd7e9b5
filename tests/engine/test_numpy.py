"""NumPy in scripts: the allowlist, the refusals, the resource guard, and the trace of arrays."""

from __future__ import annotations

import json
import time

import pytest

from stridescope.engine.document.trace import trace_json
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.worker.wire import decode_result, encode_result

PRELUDE = "import torch\nimport numpy as np\nx = torch.zeros(3)\na = np.zeros(3)\n"

HOSTILE = [
    ("np.save('/tmp/x.npy', a)", "RefusedError"),
    ("np.load('/tmp/x.npy')", "RefusedError"),
    ("np.savez('/tmp/x', a)", "RefusedError"),
    ("np.savez_compressed('/tmp/x', a)", "RefusedError"),
    ("np.savetxt('/tmp/x.txt', a)", "RefusedError"),
    ("np.loadtxt('/etc/passwd')", "RefusedError"),
    ("np.genfromtxt('/etc/passwd')", "RefusedError"),
    ("np.fromfile('/etc/passwd')", "RefusedError"),
    ("np.fromregex('/etc/passwd', 'x', 'u1')", "RefusedError"),
    ("np.memmap('/tmp/x', mode='w+', shape=(3,))", "RefusedError"),
    ("a.tofile('/tmp/x')", "RefusedError"),
    ("a.dump('/tmp/x')", "RefusedError"),
    ("a.dumps()", "RefusedError"),
    ("a.ctypes", "RefusedError"),
    ("np.ctypeslib", "RefusedError"),
    ("a.__array_interface__", "RefusedError"),
    ("a.__reduce__()", "RefusedError"),
    ("np.lib.format", "RefusedError"),
    ("np.lib.npyio", "RefusedError"),
    ("np.testing", "RefusedError"),
    ("np.distutils", "RefusedError"),
    ("np.f2py", "RefusedError"),
    ("np.frompyfunc(print, 1, 1)", "RefusedError"),
    ("np.vectorize(print)", "RefusedError"),
    ("np.fromfunction(print, (2,))", "RefusedError"),
    ("np.apply_along_axis(print, 0, a)", "RefusedError"),
    ("np.piecewise(a, [a > 0], [print])", "RefusedError"),
    ("a.setflags(write=True)", "RefusedError"),
    ("np.show_config()", "RefusedError"),
    ("np.get_include()", "RefusedError"),
    ("import numpy.testing", "RefusedError"),
    ("from numpy.lib import format", "RefusedError"),
    ("from numpy import load", "RefusedError"),
    ("import numpy.f2py", "RefusedError"),
    ("a.data", "RefusedError"),
    ("np.info(np.add)", "RefusedError"),
    ("np.lib.test()", "RefusedError"),
    ("np.array([x, None])", "RefusedError"),
    ("np.array([1, 2], dtype=object)", "RefusedError"),
    ("np.zeros(3, dtype='O')", "RefusedError"),
    ("np.array([torch, torch])", "RefusedError"),
    ("np.zeros(2, dtype=[('f', 'O')])", "RefusedError"),
    ("a.astype(object)", "RefusedError"),
    ("np.frombuffer(x, dtype=np.float32)", "RefusedError"),
    ("np.lib.stride_tricks.as_strided(a, (1000,), (8,))", "RefusedError"),
    ("np.lib.stride_tricks.as_strided(a[1:], (3,), (-8,))", "RefusedError"),
    ("np.lib.stride_tricks.as_strided(a, (2,), (100,))", "RefusedError"),
    ("a.strides = (16,)", "NotSupportedError"),
    ("a.flags.writeable = True", "NotSupportedError"),
    ("np.set_printoptions(threshold=10**9)", "NotSupportedError"),
    ("np.ndarray((3,), buffer=a)", "NotSupportedError"),
    ("np.add.reduce(a)", "NotSupportedError"),
    ("np.linalg.inv(a)", "NotSupportedError"),
    ("np.char.add('a', 'b')", "NotSupportedError"),
    ("np.random.bit_generator", "NotSupportedError"),
    ("np.lib.mixins", "NotSupportedError"),
    ("np.nditer(a)", "NotSupportedError"),
    ("type('A', (), {})", "RefusedError"),
    ("a.flags['WRITEABLE'] = False", "RefusedError"),
    ("torch.from_numpy(np.frombuffer(b'a', dtype=np.uint8)).fill_(98)", "RefusedError"),
    ("torch.as_tensor(np.frombuffer(b'ab', dtype=np.uint8))", "RefusedError"),
    ("np.dtype('O')", "RefusedError"),
    ("np.dtype(dict)", "RefusedError"),
    ("np.array([1, 2], 'O')", "RefusedError"),
    ("[0] * np.int64(10**9)", "ResourceLimitError"),
    ("np.random.choice(10**12, 3, replace=False)", "ResourceLimitError"),
]


@pytest.mark.parametrize(("statement", "error_type"), HOSTILE)
def test_hostile_numpy_statement_is_refused(statement, error_type):
    result = run_script(f"{PRELUDE}{statement}\ny = a + 1\n")
    last = result.steps[-1]
    assert len(result.steps) == 5, "execution must stop at the refused statement"
    assert last.error is not None, statement
    assert last.error.type == error_type, last.error.message
    assert last.error.line == 5
    if error_type == "RefusedError":
        assert last.error.message.startswith("refused"), last.error.message


def test_refused_static_names_run_nothing_of_their_statement():
    for expression in ("np.loadtxt('/etc/passwd')", "np.lib.format", "a.tofile('/tmp/x')",
                       "np.memmap('/tmp/x')"):
        step = run_script(f"{PRELUDE}z = [a.fill(7), {expression}]\n").steps[-1]
        assert step.error is not None and step.error.type == "RefusedError", expression
        assert step.array("a").values == [0.0, 0.0, 0.0], "part of a refused statement ran"


def test_no_file_is_written(tmp_path):
    target = tmp_path / "out"
    run_script(f"{PRELUDE}np.save('{target}', a)\n")
    run_script(f"{PRELUDE}np.savetxt('{target}', a)\n")
    run_script(f"{PRELUDE}a.tofile('{target}')\n")
    assert not list(tmp_path.iterdir())


HUGE = [
    "b = np.zeros((10**6, 10**6))",
    "b = np.ones(10**12)",
    "b = np.empty(2**40, dtype=np.uint8)",
    "b = np.full(10**6, 'x' * 10**4)",
    "b = np.arange(10**12)",
    "b = np.linspace(0, 1, 10**12)",
    "b = np.eye(10**6)",
    "b = np.random.rand(10**6, 10**6)",
    "b = np.random.default_rng(0).random((10**6, 10**6))",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)) + 1",
    "b = -np.broadcast_to(a[:1], (10**6, 10**6))",
    "b = abs(np.broadcast_to(a[:1], (10**6, 10**6)))",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)).sum()",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)).copy()",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)).astype(np.float32)",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)).tolist()",
    "b = np.broadcast_to(a[:1], (10**6, 10**6)).ravel()",
    "b = np.broadcast_to(a[:1], (10**6, 10**6))[np.zeros(10**4, dtype=np.int64)]",
    "b = np.ascontiguousarray(np.broadcast_to(a[:1], (10**6, 10**6)))",
    "b = np.outer(np.zeros(10**6), np.zeros(10**6))",
    "b = np.kron(np.zeros(10**5), np.zeros(10**5))",
    "b = np.zeros((10**5, 1)) @ np.zeros((1, 10**5))",
    "b = np.matmul(np.zeros((10**5, 1)), np.zeros((1, 10**5)))",
    "b = np.tile(a, 10**9)",
    "b = a.repeat(10**9)",
    "b = np.meshgrid(np.zeros(10**5), np.zeros(10**5))",
    "b = np.concatenate([np.broadcast_to(a[:1], (10**6, 10**6))] * 2)",
    "b = np.array(torch.zeros(1).expand(10**6, 10**6))",
    "b = torch.zeros(1).expand(10**6, 10**6).numpy().copy()",
    "b = torch.tensor(np.broadcast_to(a[:1], (10**6, 10**6)))",
    "b = torch.as_tensor(np.broadcast_to(a[:1], (10**6, 10**6)), dtype=torch.float32)",
    "b = list(np.zeros(200_000))",
    "b = np.zeros(20_000_000, dtype=np.uint8).tolist()",
    "b = -torch.zeros(1).expand(10**6, 10**6)",
    "b = abs(torch.zeros(1).expand(10**6, 10**6))",
]


@pytest.mark.parametrize("statement", HUGE)
def test_huge_numpy_work_is_refused_before_it_happens(statement):
    start = time.monotonic()
    error = run_script(f"{PRELUDE}{statement}\n").steps[-1].error
    assert error is not None and error.type == "ResourceLimitError", (statement, error)
    assert time.monotonic() - start < 5


def test_views_of_huge_layouts_are_free():
    result = run_script(
        f"{PRELUDE}b = np.broadcast_to(a[:1], (10**6, 10**6))\nprint(b.strides, b.shape)\n"
        "c = torch.from_numpy(b)\nprint(c.stride())\nd = b[np.array([0, 1])]\n"
        "w = np.lib.stride_tricks.sliding_window_view(np.arange(10**6), 3)\nprint(w.strides)\n")
    assert [s.error for s in result.steps] == [None] * len(result.steps)
    assert "".join(s.stdout for s in result.steps) == \
        "(0, 0) (1000000, 1000000)\n(0, 0)\n(8, 8)\n"
    b = result.steps[-1].array("b")
    assert b.values is None and b.strides == (0, 0) and not b.writeable


def test_numpy_scalars_and_dtypes_work_like_python():
    source = (f"{PRELUDE}s = np.float32(1.5)\nprint(s.item(), s.dtype, s.itemsize, type(s))\n"
              "d = np.dtype('int16')\nprint(d.itemsize, d.kind, np.finfo(np.float32).eps)\n"
              "print(np.iinfo(np.int8).max, np.issubdtype(d, np.integer))\n"
              "from numpy.lib.stride_tricks import as_strided\n"
              "print(as_strided(np.arange(6), (2, 2), (16, 8)).tolist())\n"
              "from numpy import arange\nprint(arange(3))\n")
    result = run_script(source)
    assert [s.error for s in result.steps] == [None] * len(result.steps)
    assert "".join(s.stdout for s in result.steps) == (
        "1.5 float32 4 <class 'numpy.float32'>\n2 i 1.1920929e-07\n127 True\n"
        "[[0, 1], [2, 3]]\n[0 1 2]\n")


SHARING = """import torch
import numpy as np
t = torch.arange(12, dtype=torch.float64).reshape(3, 4)
n = t.numpy()
nt = t.T.numpy()
m = np.arange(10.)
u = torch.from_numpy(m)
part = torch.from_numpy(m[2:5])
w = torch.ones(2, 3).numpy()
b = np.frombuffer(b'abcd', dtype=np.uint8)
v = m[1::2]
t.add_(1)
np.add(m, 1, out=m)
"""


def test_arrays_report_the_memory_they_share():
    steps = run_script(SHARING).steps
    assert all(s.error is None for s in steps)
    last = steps[-1]
    t, n, nt = last.tensor("t"), last.array("n"), last.array("nt")
    assert n.storage_id == nt.storage_id == t.storage_id and n.memory_id is None
    assert n.strides == (32, 8) and n.element_strides == (4, 1) == t.stride
    assert nt.strides == (8, 32) and nt.f_contiguous and not nt.c_contiguous
    assert n.torch_dtype == t.dtype == "torch.float64" and n.dtype == "float64"
    m, u, part, v = last.array("m"), last.tensor("u"), last.tensor("part"), last.array("v")
    assert m.storage_id == u.storage_id and m.storage_byte_offset == 0
    assert m.owndata and m.memory_id is not None
    block = last.memory(m.memory_id)
    assert block.kind == "numpy" and block.owner == "m" and block.nbytes == 80
    assert (part.storage_id, 16) in block.holds and (u.storage_id, 0) in block.holds
    assert v.base_name == "m" and v.strides == (16,) and v.memory_id == m.memory_id
    assert v.memory_byte_offset == 8 and v.storage_id == u.storage_id
    w = last.array("w")
    assert w.storage_id is None and last.memory(w.memory_id).kind == "torch"
    b = last.array("b")
    assert last.memory(b.memory_id).kind == "bytes" and not b.writeable
    assert last.memory(b.memory_id).elements().tolist() == [97, 98, 99, 100]
    # writes show through both ways, and the trace says which memory changed
    add_t, add_m = steps[-2], steps[-1]
    assert add_t.written_storages == (t.storage_id,) and add_t.array("n").values[0][0] == 1.0
    assert u.storage_id in add_m.written_storages and m.memory_id in add_m.written_memories
    assert add_m.tensor("u").values[0] == 1.0 and add_m.array("m").values[0] == 1.0


def test_trace_json_writes_arrays_and_the_wire_carries_them():
    result = run_script(SHARING)
    step = trace_json(result)["steps"][-1]
    n = step["arrays"]["n"]
    assert n["strides"] == [32, 8]
    assert n["data_ptr"] - step["tensors"]["t"]["storage_data_ptr"] == 0
    assert not n["owndata"] and n["c_contiguous"] and n["values"][0] == [1.0, 2.0, 3.0, 4.0]
    assert n["dtype"] == "float64" and n["itemsize"] == 8
    assert step["memories"] and "written_memories" in step
    m_block = step["arrays"]["m"]["memory_id"]
    assert step["tensors"]["u"]["numpy_memory"] == {"id": m_block, "byte_offset": 0}
    assert step["tensors"]["part"]["numpy_memory"] == {"id": m_block, "byte_offset": 16}
    assert "numpy_memory" not in step["tensors"]["t"]
    json.dumps(trace_json(result))
    blobs: list[bytes] = []
    assert decode_result(json.loads(json.dumps(encode_result(result, blobs))), blobs) == result
    assert "arrays" not in trace_json(run_script("import torch\nx = torch.ones(2)\n"))["steps"][1]


def test_complex_and_string_values():
    result = run_script("import numpy as np\nc = np.array([1+2j, 3j])\ns = np.array(['ab', 'c'])\n"
                        "d = np.array(['2020-01-01'], dtype='datetime64[D]')\n")
    step = trace_json(result)["steps"][-1]
    assert step["arrays"]["c"]["values"] == [[1.0, 2.0], [0.0, 3.0]]
    assert step["arrays"]["s"]["values"] == ["ab", "c"]
    assert "values" not in step["arrays"]["d"]


def test_negative_strides_cannot_become_a_tensor():
    step = run_script("import torch\nimport numpy as np\nn = np.arange(4)[::-1]\n"
                      "t = torch.from_numpy(n)\n").steps[-1]
    assert step.error.type == "ValueError" and "negative" in step.error.message
    assert step.array("n").strides == (-8,)


def test_the_numpy_lesson_prints_what_plain_python_prints():
    """Every statement of the lesson but its deliberate failure, checked against plain Python
    (values, byte strides, which storage each array lives in)."""
    from stridescope.engine.teaching.lessons import load_lesson
    from tests.engine.test_against_python import check_equal

    script = load_lesson("19_numpy_bridge").script
    assert "bad = torch.from_numpy(r)\n" in script
    check_equal(script.replace("bad = torch.from_numpy(r)\n", ""))


def test_the_provenance_replay_never_touches_live_arrays():
    # a copy statement is replayed on index tensors to find where each element came from;
    # an array in it must not be written a second time
    step = run_script("import torch\nimport numpy as np\nn = np.zeros(3)\nt = torch.zeros(3)\n"
                      "c = t + torch.tensor(np.add(n, 1, out=n))\n").steps[-1]
    assert step.error is None and step.array("n").values == [1.0, 1.0, 1.0]


def test_every_allowlisted_numpy_callable_has_a_sizing_rule():
    import numpy as np

    from stridescope.engine.interpret import numpy_policy

    for name in numpy_policy.numpy_attributes():
        value = getattr(np, name)
        if isinstance(value, type):  # classes: scalar types are sized as copies, others refused
            continue
        if callable(value):
            assert name in numpy_policy.RULES, name
    array = np.zeros((2, 2))
    for name in numpy_policy.ARRAY_ATTRIBUTES:
        if callable(getattr(array, name)):
            assert numpy_policy.rule_for(array, getattr(array, name), name)[0] is not \
                numpy_policy.free or name in ("item", "view", "transpose", "swapaxes",
                                              "squeeze", "diagonal"), name


def test_arrays_say_whether_they_are_views_or_copies():
    steps = run_script("import torch\nimport numpy as np\nt = torch.ones(2, 3)\nn = t.numpy()\n"
                       "nt = t.T.numpy()\nc = np.ascontiguousarray(nt)\nm = np.ones(4)\n"
                       "r = m[::-1]\nsame = c\nprint(r)\n").steps
    origins = {a.name: (a.origin.kind, a.origin.source) for a in steps[-1].arrays}
    assert origins == {"n": ("view", "t"), "nt": ("view", "t"), "c": ("copy", "nt"),
                       "m": ("new", None), "r": ("view", "m"), "same": ("alias", "c")}
    assert trace_json(run_script("import numpy as np\nm = np.ones(2)\nv = m[1:]\n"))[
        "steps"][-1]["arrays"]["v"]["origin"] == {"kind": "view", "of": "m"}


def test_array_layout_gives_each_element_its_byte_on_the_strip():
    from stridescope.engine.model import array_layout

    step = run_script("import torch\nimport numpy as np\nt = torch.arange(12.).reshape(3, 4)\n"
                      "nt = t.T.numpy()\ncol = t[:, 1].numpy()\nm = np.arange(6)\n"
                      "r = m[::-2]\n").steps[-1]
    t, nt, col, r = step.tensor("t"), step.array("nt"), step.array("col"), step.array("r")
    assert array_layout.strip_of(nt) == ("storage", t.storage_id)
    assert array_layout.element_bytes(nt).tolist() == [0, 16, 32, 4, 20, 36, 8, 24, 40, 12,
                                                       28, 44]
    assert array_layout.byte_extent(col) == (4, 40) and array_layout.start_byte(col) == 4
    assert array_layout.element_at(nt, (1, 2)) == 4 + 2 * 16
    assert array_layout.strip_of(r) == ("memory", step.array("m").memory_id)
    assert array_layout.element_bytes(r).tolist() == [40, 24, 8]
    assert array_layout.byte_extent(r) == (8, 48)
    mask = array_layout.covered_bytes(r, 48)
    assert mask.sum() == 24 and mask[8:16].all() and not mask[16:24].any()
    assert [m.id for m in array_layout.memory_strips(step)] == [step.array("m").memory_id]
    assert {a.name for a in array_layout.arrays_on(step, ("storage", t.storage_id))} == {
        "nt", "col"}


def test_a_tour_of_the_numpy_allowlist_matches_plain_python():
    from pathlib import Path

    from tests.engine.test_against_python import check_equal

    source = (Path(__file__).parent / "numpy_tour.py").read_text(encoding="utf-8")
    assert all(step.error is None for step in run_script(source).steps)
    check_equal(source)


def test_tensors_made_from_arrays_say_view_or_copy_of_the_array():
    step = run_script("import torch\nimport numpy as np\nm = np.ones(4)\n"
                      "shared = torch.from_numpy(m)\ncopied = torch.tensor(m)\n"
                      "at = torch.as_tensor(m)\npart = torch.from_numpy(m[1:])\n").steps[-1]
    origins = {t.name: (t.origin.kind, t.origin.source) for t in step.tensors}
    assert origins == {"shared": ("view", "m"), "copied": ("copy", "m"), "at": ("view", "m"),
                       "part": ("view", "m")}


def test_lesson_19_says_what_torch_and_numpy_do():
    from stridescope.engine.teaching.lessons import load_lesson
    from stridescope.engine.teaching.quiz import question_for

    lesson = load_lesson("19_numpy_bridge")
    steps = run_script(lesson.script).steps
    by_source = {s.source: s for s in steps}
    n_step = by_source["n = t.numpy()"]
    n, t = n_step.array("n"), n_step.tensor("t")
    assert (n.strides, n.element_strides, t.stride, n.itemsize) == ((32, 8), (4, 1), (4, 1), 8)
    assert n.storage_id == t.storage_id and n.origin.kind == "view" and not n.owndata
    assert "(32, 8) (4, 1) 8" in by_source["print(n.strides, t.stride(), t.element_size())"].stdout
    assert by_source["t[0, 0] = 100"].array("n").values[0][0] == 100
    assert by_source["np.add(n, 1, out=n)"].tensor("t").values[0][0] == 101
    nt = by_source["nt = t.T.numpy()"].array("nt")
    assert nt.strides == (8, 32) and nt.f_contiguous and not nt.c_contiguous
    c = by_source["c = np.ascontiguousarray(nt)"].array("c")
    assert c.strides == (24, 8) and c.owndata and c.storage_id is None
    assert c.origin.kind == "copy" and c.origin.source == "nt"
    made = by_source["copied = torch.tensor(m)"]
    assert made.tensor("shared").origin.kind == "view" and made.tensor("copied").origin.kind \
        == "copy"
    assert question_for(by_source["shared = torch.from_numpy(m)"]).truth["kind"] == "view"
    assert by_source["print(shared[0].item(), copied[0].item())"].stdout == "7.0 1.0\n"
    assert by_source["r = m[::-1]"].array("r").strides == (-8,)
    bad = by_source["bad = torch.from_numpy(r)"]
    assert bad.expected_error and bad.error.type == "ValueError"
    assert "negative" in bad.error.message
    assert steps[-1].tensor("good").stride == (1,) and steps[-1].stdout == \
        "(1,) [1.0, 1.0, 1.0, 7.0]\n"


def _plain_outcome(source: str) -> tuple[str | None, str]:
    import contextlib
    import io
    import warnings

    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(source, {})  # noqa: S102 — test-generated code only
        except Exception as exc:
            return type(exc).__name__, out.getvalue()
    return None, out.getvalue()


def _outcome(source: str) -> tuple[str | None, str]:
    steps = run_script(source).steps
    error = next((s.error.type for s in steps if s.error), None)
    return error, "".join(s.stdout for s in steps)


FUZZ_PRELUDE = ("import torch\nimport numpy as np\na = np.arange(6.).reshape(2, 3)\n"
                "t = torch.arange(6.).reshape(3, 2)\ns = np.float64(2.5)\n")


def test_every_allowlisted_function_succeeds_or_fails_as_plain_python_does():
    """Sizing rules and checks must never turn a call NumPy accepts into an error, nor change
    which error a bad call gets."""
    import numpy as np

    from stridescope.engine.interpret import numpy_policy

    for name in sorted(n for n in numpy_policy.RULES if hasattr(np, n)):
        for args in ("a", "a, 2", "(2, 2)", "t"):
            source = f"{FUZZ_PRELUDE}r = np.{name}({args})\n"
            mine = _outcome(source)
            if mine[0] != "RefusedError":
                assert mine[0] == _plain_outcome(source)[0], source


def test_operators_mixing_arrays_tensors_and_numbers_behave_as_in_plain_python():
    values = ("a", "t", "s", "2.5", "[1, 2, 3]")
    for op in "+ - * / // % ** @ == < & | ^ in".split():
        for x in values:
            for y in values:
                source = f"{FUZZ_PRELUDE}r = {x} {op} {y}\nprint(r)\n"
                assert _outcome(source) == _plain_outcome(source), source
