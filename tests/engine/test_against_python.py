"""Hypothesis: random scripts traced by the engine equal plain CPython + torch, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stridescope.engine.document.trace import trace_json
from stridescope.engine.interpret.runner import run_script
from tests.engine.plain_python import plain_trace, same_values, sharing_groups

CREATIONS = [
    "torch.arange({n}).reshape({a}, {b})",
    "torch.arange({n}, dtype=torch.float32).view({a}, {b})",
    "torch.randn({a}, {b})",
    "torch.zeros({a}, {b}, dtype=torch.int32)",
    "torch.ones({a}, 1, {b})",
    "torch.tensor([[1.5, -2.0, 3.25], [4.0, 5.5, -6.0]])",
    "torch.arange({n}).reshape({a}, {b}).t()",
    "torch.rand({a}, {b}, dtype=torch.float64)",
    "torch.full(({a}, {b}), 7, dtype=torch.int16)",
    "torch.eye({a})",
    "torch.empty_strided(({a}, {b}), (1, {a})).fill_(2)",
    "torch.linspace(0, 1, {n}).reshape({a}, {b})",
    "torch.arange({n}).reshape({a}, {b}) + 1j",
]
OPS = [
    "{x}.transpose(0, 1)", "{x}.t()", "{x}.T", "{x}.mT", "{x}.permute(1, 0)",
    "{x}[1:, ::2]", "{x}[::-1]" , "{x}[0]", "{x}[..., 1]", "{x}[None, :, 0]", "{x}[[0, 1]]",
    "{x}.unsqueeze(0)", "{x}.squeeze()", "{x}.contiguous()", "{x}.clone()", "{x}.flip(0)",
    "{x}.reshape(-1)", "{x}.view(-1)", "{x}.flatten()", "{x}.narrow(0, 0, 1)",
    "{x}.select(1, 0)", "{x}.diagonal()", "{x}.unfold(0, 2, 1)", "{x}.chunk(2, dim=1)[0]",
    "{x}.float()", "{x}.double()", "{x}.to(torch.int64)", "{x}.expand(3, -1, -1)",
    "{x}.movedim(0, -1)", "{x}.swapaxes(0, 1)", "{x}.roll(1, 0)", "{x} * 2", "{x} + {y}",
    "{x}.sum(0)", "{x}.view({a}, -1)", "{x}.unflatten(0, (1, -1))", "{x}.split(1)[0]",
    "{x}.as_strided((2, 2), (1, 2))", "{x}.detach()", "{x}.real", "{x}.abs()",
    "torch.stack([{x}, {x}])", "torch.cat([{x}, {x}], dim=0)", "{x}.expand_as({x})",
    "{x}[{x} > 0]", "({x} == {y}).all()", "{x}.t().contiguous()", "{x}.t().reshape(-1)",
]
STATEMENTS = [
    "{x}.mul_(2)", "{x}.fill_(3)", "{x}.zero_()", "{x}[0] = 5", "{x}[:, 0] = -1",
    "{x} += 1", "print({x})", "print({x}.stride(), {x}.storage_offset(), {x}.is_contiguous())",
    "print({x}.shape, {x}.dtype, len({x}))", "print({x}.storage().tolist())",
    # an empty tensor's data_ptr() is 0, so its delta is only compared when it has elements
    "print(f'{{{x}.numel()}} {{({x}.data_ptr() - {x}.untyped_storage().data_ptr()) "
    "if {x}.numel() else 0}}')",
    "{x}.add_({y})", "print(torch.equal({x}, {y}))", "print({x}.tolist())",
    "a0, a1 = {x}.chunk(2, dim=0)", "print({x}.untyped_storage().nbytes())",
]


@st.composite
def scripts(draw) -> str:
    a = draw(st.integers(1, 4))
    b = draw(st.integers(1, 4))
    lines = ["import torch", f"torch.manual_seed({draw(st.integers(0, 99))})"]
    names = []
    for _ in range(draw(st.integers(1, 2))):
        name = f"t{len(names)}"
        template = draw(st.sampled_from(CREATIONS))
        lines.append(f"{name} = " + template.format(n=a * b, a=a, b=b))
        names.append(name)
    for _ in range(draw(st.integers(1, 7))):
        x = draw(st.sampled_from(names))
        y = draw(st.sampled_from(names))
        if draw(st.booleans()):
            name = f"t{len(names)}"
            op = draw(st.sampled_from(OPS)).format(x=x, y=y, a=a)
            lines.append(f"{name} = {op}")
            names.append(name)
        else:
            lines.append(draw(st.sampled_from(STATEMENTS)).format(x=x, y=y))
    return "\n".join(lines) + "\n"


def check_equal(source: str, seed: int | None = None) -> None:
    """`seed`: seed torch's global generator before each run (for scripts that do not)."""
    if seed is not None:
        torch.manual_seed(seed)
    ours = json.loads(json.dumps(trace_json(run_script(source))))["steps"]
    if seed is not None:
        torch.manual_seed(seed)
    plain = plain_trace(source)
    # a statement the app refuses on purpose (a tensor over a read-only bytes buffer, say:
    # tests/engine/test_refused.py pins those) ends the comparable part of the script
    refused = next((i for i, s in enumerate(ours)
                    if s["error"] and s["error"]["type"] == "RefusedError"), None)
    if refused is not None:
        ours, plain = ours[:refused], plain[:refused]
    assert len(ours) == len(plain), source
    for mine, ref in zip(ours, plain):
        context = f"{source}\n-- at line {ref['line']}: {ref['source']}"
        assert mine["source"] == ref["source"], context
        assert mine["line"] == ref["line"], context
        assert mine["stdout"] == ref["stdout"], context
        if ref["error"] is None:
            assert mine["error"] is None, context
        else:
            assert mine["error"]["type"] == ref["error"]["type"], context
            assert mine["error"]["message"] == ref["error"]["message"], context
        assert mine["tensors"].keys() == ref["tensors"].keys(), context
        for name, expected in ref["tensors"].items():
            got = mine["tensors"][name]
            for key in ("shape", "stride", "storage_offset", "dtype", "itemsize", "device",
                        "is_contiguous", "storage_nbytes"):
                assert got[key] == expected[key], f"{context}\n{name}.{key}"
            delta = got["data_ptr"] - got["storage_data_ptr"] if got["data_ptr"] else None
            assert delta == expected["ptr_delta"], context
            assert ("values" in got) == ("values" in expected), context
            if "values" in expected:
                assert same_values(_from_json(got["values"], expected["values"]),
                                   expected["values"]), f"{context}\n{name}.values"
        assert sharing_groups(mine["tensors"], "storage_id") == sharing_groups(
            ref["tensors"], "storage_key"), context
        check_arrays(mine, ref, context)


def check_arrays(mine: dict, ref: dict, context: str) -> None:
    """Arrays: layout in bytes, values, and the tensor storage their bytes lie in, compared
    as data_ptr - storage data_ptr (never absolute addresses)."""
    arrays = mine.get("arrays", {})
    assert arrays.keys() == ref["arrays"].keys(), context
    for name, expected in ref["arrays"].items():
        got = arrays[name]
        for key in ("shape", "strides", "dtype", "itemsize", "c_contiguous", "f_contiguous",
                    "owndata", "writeable"):
            assert got[key] == expected[key], f"{context}\n{name}.{key}"
        assert ("values" in got) == ("values" in expected), f"{context}\n{name}"
        if "values" in expected:
            assert same_values(_from_json(got["values"], expected["values"]),
                               expected["values"]), f"{context}\n{name}.values"
        holders = {t for t, entry in mine["tensors"].items()
                   if got["storage_id"] is not None and entry["storage_id"] == got["storage_id"]}
        if got["size"] == 0:
            continue  # an empty array reads no bytes: only its origin could tell
        if expected["in_storages"]:
            assert holders and holders <= expected["in_storages"].keys(), f"{context}\n{name}"
            offsets = {expected["in_storages"][t] for t in holders}
            assert offsets == {got["storage_byte_offset"]}, f"{context}\n{name} offset"
        else:
            assert not holders, f"{context}\n{name} is in no named tensor's storage"


def _from_json(got, like):
    """JSON turns complex into [re, im]; turn it back where the reference has complex."""
    if isinstance(like, complex):
        return complex(*got)
    if isinstance(like, list):
        return [_from_json(g, lk) for g, lk in zip(got, like)]
    return got


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts())
def test_random_scripts_match_plain_python(source: str) -> None:
    check_equal(source)


def test_founding_tutorial_matches_plain_python() -> None:
    check_equal(
        "import torch\n"
        "tensorA = torch.arange(12).reshape(3, 4)\n"
        "print(tensorA.storage().tolist())\n"
        "print(tensorA.storage().data_ptr() == tensorA.data_ptr())\n"
        "tensorA_T = tensorA.transpose(0,  # 第一维\n"
        "                              1)\n"
        "tensorB = tensorA[1:3, 0:2]\n"
        "print(tensorB.storage_offset(), tensorB.stride(), tensorB.is_contiguous())\n"
        "viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)\n"
        "seed = 8\n"
        "torch.manual_seed(seed)\n"
        "random_tensor = torch.rand((3, 4))\n"
        '"""a docstring-like block"""\n'
        "print(tensorA.storage())\n"
        "b = tensorA.float()\n"
        "b[0][0] = 3.14\n"
        "print(b, b.dtype, b.shape, b.device)\n"
        "bad = tensorA_T.view(12)\n"
    )


@st.composite
def python_expressions(draw, depth: int = 0) -> str:
    """Plain-Python expressions: arithmetic, comparisons, containers, slicing, f-strings."""
    leaves = st.sampled_from(["0", "1", "-3", "7", "2.5", "True", "None", "'ab'", "[1, 2, 3]",
                              "(4, 5)", "x", "y", "1j"])
    if depth > 2 or draw(st.booleans()):
        return draw(leaves)
    left = draw(python_expressions(depth + 1))
    right = draw(python_expressions(depth + 1))
    form = draw(st.sampled_from([
        "({a} + {b})", "({a} - {b})", "({a} * {b})", "({a} / {b})", "({a} // {b})",
        "({a} % {b})", "({a} == {b})", "({a} < {b})", "({a} and {b})", "({a} or {b})",
        "(not {a})", "(-{a})", "[{a}, {b}]", "({a}, {b})", "[{a}, {b}][1]", "({a} if {b} else 0)",
        "len([{a}, {b}])", "FSTRING", "str({a})", "[{a}, {b}, 3][::-1]",
        "{a} in [1, 2]", "abs(-2)", "min(3, 1, 2)", "list(range(3))[1:]",
    ]))
    if form == "FSTRING":  # f-strings take leaves only: nested quotes need Python 3.12
        return f'f"{{{draw(leaves)}!r}}-{{{draw(leaves)}:>4}}"'
    return form.format(a=left, b=right)


@settings(max_examples=200, deadline=None)
@given(python_expressions())
def test_python_expressions_print_like_cpython(expression: str) -> None:
    check_equal(f"x = 3\ny = [0, 1]\nprint({expression})\n")


# ---------------------------------------------------------------- torch and NumPy together
ARRAY_CREATIONS = [
    "np.arange({n}).reshape({a}, {b})",
    "np.arange({n}, dtype=np.float32).reshape({a}, {b})",
    "np.ones(({a}, {b}))",
    "np.zeros(({a}, {b}), dtype=np.int16, order='F')",
    "np.array([[1.5, -2.0, 3.25], [4.0, 5.5, -6.0]])",
    "np.linspace(0, 1, {n}).reshape({a}, {b})",
    "np.eye({a}, dtype=np.complex128)",
    "np.random.default_rng({seed}).random(({a}, {b}))",
    "torch.arange({n}).reshape({a}, {b}).numpy()",
    "torch.ones({a}, {b}).t().numpy()",
]
ARRAY_OPS = [  # a NumPy array in, a NumPy array or a tensor out
    "{p}.T", "{p}[::2]", "{p}[::-1]", "{p}[1:, ::2]", "{p}.reshape(-1)", "{p}.ravel()",
    "{p}.copy()", "{p}.flatten()", "np.ascontiguousarray({p}.T)", "np.asfortranarray({p})",
    "{p} + 1", "{p} * {p}", "{p}.astype(np.float32)", "{p}.sum(axis=0)",
    "np.broadcast_to({p}[:1], (3,) + {p}.shape[1:])", "np.transpose({p})",
    "np.lib.stride_tricks.as_strided({p}, {p}.shape, {p}.strides)",
    "np.lib.stride_tricks.as_strided({p}, {p}.shape[:1], {p}.strides[:1])",
    "np.concatenate([{p}, {p}])", "{p}.view(np.uint8)", "np.flip({p}, 0)",
    "torch.from_numpy({p})", "torch.as_tensor({p})", "torch.tensor({p})",
    "torch.from_numpy({p}).t()", "torch.as_tensor({p}, dtype=torch.float64)",
    "torch.from_numpy({p}[:, ::2])", "np.frombuffer({p}.tobytes(), dtype={p}.dtype)",
    "np.lib.stride_tricks.sliding_window_view({p}.ravel(), 2)", "{p}[np.array([0, 0])]",
    "{p}[{p} > 1]", "np.asarray(torch.from_numpy({p}))",
]
TENSOR_TO_ARRAY = ["{x}.numpy()", "{x}.t().numpy()", "np.asarray({x})", "{x}[1:].numpy()",
                   "np.array({x})", "{x}.numpy().T", "{x}[..., ::2].numpy()",
                   "{x}.numpy()[::-1]"]
MIXED_STATEMENTS = [
    "np.add({p}, 1, out={p})", "{p} += 1", "{p}[0] = 7", "{p}.fill(2)", "{x}.add_(1)",
    "{x}.mul_(2)", "{x}[0] = -1", "print({p})", "print({p}.strides, {p}.flags.c_contiguous, "
    "{p}.flags.f_contiguous, {p}.flags.owndata)", "print({p}.shape, {p}.dtype, {p}.itemsize)",
    "print({p}.tolist())", "print(np.shares_memory({p}, {q}))", "print({x}.stride(), {p}.strides)",
    "print(f'{{{p}}}')", "print({p}.base is None)",
]


@st.composite
def mixed_scripts(draw) -> str:
    a = draw(st.integers(1, 4))
    b = draw(st.integers(2, 4))
    lines = ["import torch", "import numpy as np", f"torch.manual_seed({draw(st.integers(0, 9))})"]
    arrays = ["p0"]
    tensors = ["t0"]
    template = draw(st.sampled_from(ARRAY_CREATIONS))
    lines.append("p0 = " + template.format(n=a * b, a=a, b=b, seed=draw(st.integers(0, 9))))
    lines.append("t0 = " + draw(st.sampled_from(CREATIONS)).format(n=a * b, a=a, b=b))
    for _ in range(draw(st.integers(1, 7))):
        p = draw(st.sampled_from(arrays))
        q = draw(st.sampled_from(arrays))
        x = draw(st.sampled_from(tensors))
        kind = draw(st.sampled_from(["array_op", "to_array", "statement"]))
        if kind == "array_op":
            op = draw(st.sampled_from(ARRAY_OPS)).format(p=p)
            is_tensor = op.startswith("torch.")
            name = f"t{len(tensors)}" if is_tensor else f"p{len(arrays)}"
            (tensors if is_tensor else arrays).append(name)
            lines.append(f"{name} = {op}")
        elif kind == "to_array":
            name = f"p{len(arrays)}"
            arrays.append(name)
            lines.append(f"{name} = " + draw(st.sampled_from(TENSOR_TO_ARRAY)).format(x=x))
        else:
            lines.append(draw(st.sampled_from(MIXED_STATEMENTS)).format(p=p, q=q, x=x))
    return "\n".join(lines) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_scripts())
def test_scripts_mixing_torch_and_numpy_match_plain_python(source: str) -> None:
    check_equal(source)


TENSORS_TUTORIAL = (Path(__file__).parent / "tensors_tutorial.py").read_text(encoding="utf-8")


def test_the_pytorch_tensors_tutorial_runs_verbatim_and_prints_what_python_prints() -> None:
    """PyTorch's "Tensors" tutorial (Learn the Basics), as published; its random tensors are
    the same in both runs because both start from the same seed."""
    check_equal(TENSORS_TUTORIAL, seed=0)
    result = run_script(TENSORS_TUTORIAL)
    assert all(step.error is None for step in result.steps)
    assert "n: [2. 2. 2. 2. 2.]\n" in result.steps[-1].stdout
    last = result.steps[-1]
    n, t = last.array("n"), last.tensor("t")
    assert n.storage_id == t.storage_id and n.storage_byte_offset == 0
    assert n.values == [2.0] * 5 and t.values == [2.0] * 5
