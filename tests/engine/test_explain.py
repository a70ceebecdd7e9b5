"""Every layout error's explanation: its numbers agree with torch on random layouts, it exists
in both languages, and it survives the wire."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.explain import (
    explain_broadcast,
    explain_dim_range,
    explain_expand,
    explain_negative_step,
    explain_out_of_bounds,
    explain_overlap,
    explain_partial_overlap,
    explain_shape,
    explain_view_dtype,
)
from stridescope.engine.teaching.explain_base import SliceArg
from stridescope.engine.teaching.facts import tensor_facts
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.worker import wire

EXAMPLES = settings(max_examples=120, deadline=None)


def error_of(call):
    try:
        call()
    except (RuntimeError, ValueError, IndexError) as exc:
        return str(exc)
    return None


@st.composite
def strided_views(draw, max_ndim=3):
    """A view of arange(n) (so each value is its own storage index): permuted, sliced,
    maybe with an offset, maybe with expanded (stride 0) dims."""
    ndim = draw(st.integers(1, max_ndim))
    shape = draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))
    start = draw(st.integers(0, 3))
    base = torch.arange(start + math.prod(shape) + draw(st.integers(0, 3)))
    t = base[start:start + math.prod(shape)].view(shape)
    t = t.permute(*draw(st.permutations(range(ndim))))
    if draw(st.booleans()):
        d = draw(st.integers(0, ndim - 1))
        index = [slice(None)] * ndim
        index[d] = slice(draw(st.integers(0, min(1, t.shape[d] - 1))), None,
                         draw(st.integers(1, 2)))
        t = t[tuple(index)]
    return t


# ------------------------------------------------------------------ overlapping writes
@EXAMPLES
@given(strided_views(), st.data())
def test_overlap_names_a_cell_that_every_listed_position_reads(t, data):
    d = data.draw(st.integers(0, t.dim()))
    t = t.unsqueeze(d).expand(*[data.draw(st.integers(2, 3)) if i == d else -1
                                for i in range(t.dim() + 1)])
    message = error_of(lambda: t.add_(0))
    assert message and "single memory location" in message
    e = explain_overlap(tensor_facts(t, "t"), "add_")
    assert e is not None and d in e.dims
    values = t.reshape(-1).tolist() if t.is_contiguous() else t.contiguous().view(-1).tolist()
    assert e.readers == values.count(e.cell) >= 2
    assert e.distinct == len(set(values))
    for position in e.positions:
        assert t[position].item() == e.cell
    assert set(e.cells) == {v for v in values if values.count(v) > 1}


# ------------------------------------------------------------------ as_strided out of bounds
@EXAMPLES
@given(st.integers(1, 12), st.lists(st.tuples(st.integers(1, 4), st.integers(0, 4)),
                                    min_size=1, max_size=3),
       st.one_of(st.none(), st.integers(0, 6)), st.integers(0, 4))
def test_out_of_bounds_cells_and_bytes_match_torch(n, dims, offset, start):
    base = torch.arange(n)[min(start, n - 1):]
    size, stride = [s for s, _ in dims], [k for _, k in dims]
    args = (size, stride) if offset is None else (size, stride, offset)
    message = error_of(lambda: base.as_strided(*args))
    e = explain_out_of_bounds(tensor_facts(base, "base"), size, stride, offset)
    if message is None:
        assert e is None
        return
    assert e is not None, message
    m = re.search(r"requiring a storage size of (\d+) are out of bounds for storage of size "
                  r"(\d+)", message)
    assert m and int(m.group(1)) == e.needed_bytes
    assert int(m.group(2)) == e.receiver.storage_nbytes
    used = offset if offset is not None else base.storage_offset()
    indices = [used + sum(i * k for i, k in zip(p, stride))
               for p in np.ndindex(*size)]
    assert e.cells == tuple(indices)[: len(e.cells)]
    assert set(e.out_of_bounds) == {k for k in indices if k >= n}
    assert e.oob_count == sum(k >= n for k in indices)
    assert e.last_index == max(indices)


# ------------------------------------------------------------------ negative slice steps
@EXAMPLES
@given(strided_views(), st.data())
def test_negative_step_names_the_dim_and_the_cells_numpy_would_visit(t, data):
    d = data.draw(st.integers(0, t.dim() - 1))
    step = data.draw(st.integers(-3, -1))
    start = data.draw(st.one_of(st.none(), st.integers(-4, 4)))
    index = tuple(SliceArg(start, None, step) if i == d else SliceArg(None, None, None)
                  for i in range(t.dim()))
    real = tuple(slice(start, None, step) if i == d else slice(None) for i in range(t.dim()))
    assert error_of(lambda: t[real]) == "step must be greater than zero"
    e = explain_negative_step(tensor_facts(t, "t"), index)
    assert e is not None and e.dim == d and e.step == step
    assert (e.size, e.stride) == (t.shape[d], t.stride(d))
    # NumPy does allow it: the same layout in bytes, sliced the same way
    storage = np.arange(t.untyped_storage().nbytes() // 8)
    a = np.lib.stride_tricks.as_strided(storage[t.storage_offset():], t.shape,
                                        [s * 8 for s in t.stride()])
    along = a[real][tuple(0 if i != d else slice(None) for i in range(t.dim()))]
    assert list(e.cells) == along.tolist()
    if step == -1 and start is None:  # the fix the text offers: flip(d) has those values
        assert t.flip(d).movedim(d, 0).reshape(t.shape[d], -1)[:, 0].tolist() == along.tolist()


# ------------------------------------------------------------------ expand
@EXAMPLES
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.lists(st.integers(-1, 6), min_size=1, max_size=4))
def test_expand_names_the_dim_torch_names(shape, target):
    t = torch.zeros(shape)
    message = error_of(lambda: t.expand(*target))
    e = explain_expand(tensor_facts(t, "t"), target)
    if message is None:
        assert e is None
        return
    assert e is not None, message
    if e.reason == "fewer":
        assert "the number of sizes provided" in message
        padded = [-1] * (t.dim() - len(target)) + target
        suggested = f"expand({', '.join(map(str, padded))})" in e.text()
        assert suggested == (error_of(lambda: t.expand(*padded)) is None)
        return
    if e.reason == "leading":
        assert f"(-1) isn't allowed in a leading, non-existing dimension {e.dim}" in message
        return
    m = re.search(r"expanded size of the tensor \((-?\d+)\) must match the existing size "
                  r"\((\d+)\) at non-singleton dimension (\d+)", message)
    assert m, message
    assert e is not None
    assert (e.target_size, e.size, e.dim) == tuple(int(v) for v in m.groups())
    assert e.receiver.shape[e.source_dim] == e.size
    if e.repeats is not None:
        resolved = [s if s != -1 else t.shape[i - (len(target) - t.dim())]
                    for i, s in enumerate(target)]
        assert list(t.repeat(*e.repeats).shape) == resolved


# ------------------------------------------------------------------ -1 and numel
@EXAMPLES
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.lists(st.integers(-1, 6), min_size=1, max_size=3))
def test_shape_arithmetic_matches_torch(shape, requested):
    t = torch.zeros(shape)
    message = error_of(lambda: t.view(*requested))
    assume(message is None or "invalid for input" in message or "only one" in message)
    e = explain_shape(tensor_facts(t, "t"), "view", requested)
    assert (e is None) == (message is None), message
    if e is not None:
        assert e.numel == t.numel() and f"size {t.numel()}" in message or "only one" in message
        assert all(t.numel() % d == 0 for d in e.divisors)
        if requested.count(-1) == 1 and e.known:
            assert str(e.numel) in e.text() and (t.numel() / e.known) % 1


# ------------------------------------------------------------------ view(dtype)
DTYPES = [torch.int8, torch.int16, torch.float16, torch.int32, torch.float32, torch.int64,
          torch.complex64]
PREFIX = {"size": "self.size(-1) must be divisible", "offset": "self.storage_offset() must be",
          "last_stride": "self.stride(-1) must be 1", "stride": "must be divisible",
          "scalar": "self.dim() cannot be 0"}


@EXAMPLES
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.lists(st.integers(1, 8),
       min_size=0, max_size=3), st.integers(0, 3), st.booleans())
def test_view_dtype_reason_is_the_rule_torch_checks(source, target, shape, start, transpose):
    t = torch.zeros(start + math.prod(shape), dtype=source)[start:].view(shape)
    if transpose and t.dim() >= 2:
        t = t.transpose(0, -1)
    message = error_of(lambda: t.view(target))
    e = explain_view_dtype(tensor_facts(t, "t"), str(target))
    if message is None:
        assert e is None
        return
    assert e is not None, message
    assert PREFIX[e.reason] in message, (e.reason, message)
    if e.reason == "stride":
        assert f"self.stride({e.dim})" in message


# ------------------------------------------------------------------ dims out of range
@EXAMPLES
@given(st.lists(st.integers(1, 3), min_size=0, max_size=4), st.integers(-7, 7),
       st.sampled_from(["transpose", "sum", "unsqueeze", "flip", "size"]))
def test_dim_range_is_the_tensors_dims(shape, dim, op):
    t = torch.zeros(shape)
    call = {"transpose": lambda: t.transpose(0, dim), "sum": lambda: t.sum(dim),
            "unsqueeze": lambda: t.unsqueeze(dim), "flip": lambda: t.flip(dim),
            "size": lambda: t.size(dim)}[op]
    message = error_of(call)
    assume(message and "Dimension out of range" in message)
    e = explain_dim_range(tensor_facts(t, "t"), op, message, (dim,))
    assert e is not None and e.got == dim
    places = t.dim() + 1 if op == "unsqueeze" else max(t.dim(), 1)
    assert (e.low, e.high) == (-places, places - 1)
    assert e.receiver.shape == tuple(shape)


# ------------------------------------------------------------------ broadcasting
@EXAMPLES
@given(st.lists(st.integers(1, 4), min_size=0, max_size=3),
       st.lists(st.integers(1, 4), min_size=0, max_size=3))
def test_broadcast_clash_is_the_dim_torch_names(shape_a, shape_b):
    a, b = torch.zeros(shape_a), torch.zeros(shape_b)
    message = error_of(lambda: a + b)
    e = explain_broadcast(tensor_facts(a, "a"), tensor_facts(b, "b"), "add")
    if message is None:
        assert e is None
        return
    m = re.search(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at "
                  r"non-singleton dimension (\d+)", message)
    assert m and e is not None
    assert (e.size_a, e.size_b, e.dim) == tuple(int(v) for v in m.groups())
    if a.dim() == b.dim() == 1:
        assert tuple((a.unsqueeze(1) + b).shape) == (e.size_a, e.size_b)
        assert "unsqueeze(1)" in e.text()


# ------------------------------------------------------------------ partial overlap
@EXAMPLES
@given(st.integers(2, 12), st.integers(1, 5), st.integers(1, 2), st.booleans())
def test_partial_overlap_cells_are_read_and_written(n, shift, step, assign):
    assume(shift < n)
    x = torch.arange(n)
    target, source = x[shift:], x[:n - shift]
    target, source = target[::step], source[::step]
    message = error_of(lambda: target.copy_(source))
    assume(message is not None)
    assert "refer to a single memory location" in message
    e = explain_partial_overlap(tensor_facts(target, "t"), [tensor_facts(source, "s")], "copy_")
    written = set(target.tolist())  # arange: each value is its own storage index
    read = set(source.tolist())
    assert e is not None and set(e.cells) == written & read and e.count == len(written & read)
    assert (e.written, e.read) == (len(written), len(read))


# ------------------------------------------------------------------ the table, end to end
TABLE = {
    "x.add_(1)": ("x = torch.arange(3).view(3, 1).expand(3, 4)", "overlapping_write"),
    "x += 1": ("x = torch.arange(3).view(3, 1).expand(3, 4)", "overlapping_write"),
    "x[0] = 5": ("x = torch.arange(3).view(3, 1).expand(3, 4)", "overlapping_write"),
    "torch.arange(6).as_strided((3, 3), (2, 1))": ("", "out_of_bounds"),
    "x[::-1]": ("x = torch.arange(6)", "negative_step"),
    "torch.arange(3).expand(2, 4)": ("", "expand"),
    "torch.arange(6).view(4, -1)": ("", "shape"),
    "torch.arange(6, dtype=torch.int8).view(2, 3).view(torch.int32)": ("", "view_dtype"),
    "x.view(2, 3).transpose(0, 2)": ("x = torch.arange(6)", "dim_range"),
    "x.t().view(6)": ("x = torch.arange(6).view(2, 3)", "view_strides"),
    "x[1:] = x[:-1]": ("x = torch.arange(6)", "partial_overlap"),
    "torch.arange(3) + torch.arange(4)": ("", "broadcast"),
    "a * b": ("a = torch.arange(3)\nb = torch.arange(4)", "broadcast"),
    "torch.from_numpy(a)": ("import numpy as np\na = np.arange(6)[::-1]",
                            "numpy_negative_stride"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def numbers(text: str) -> list[str]:
    return sorted(re.findall(r"-?\d+(?:\.\d+)?", text.replace("size-1", "size 1")))


@pytest.mark.parametrize("statement", TABLE)
def test_each_error_is_explained_in_both_languages(statement):
    setup, kind = TABLE[statement]
    result = run_script(f"import torch\n{setup}\n{statement}\n")
    error = result.steps[-1].error
    assert error is not None and error.explanation is not None, statement
    e = error.explanation
    assert e.kind == kind
    en, zh = e.text(), e.text(translator("zh_CN"))
    assert en == e.text(translator("en")) and "{" not in en
    assert CJK.search(zh) and not re.search(r"\b(the|would|cannot)\b", zh), zh
    assert numbers(en) == numbers(zh), (en, zh)  # the translation keeps every number
    back = wire.decode(wire.encode(result))
    assert back.steps[-1].error.explanation == e
    assert e.to_json(translator("zh_CN"))["text"] == zh


def test_receiver_name_comes_from_the_call():
    result = run_script("import torch\ny = torch.arange(6)\nq = torch.as_strided(y, (3, 3), "
                        "(2, 1))\n")
    error = result.steps[-1].error
    assert error.receiver == "y" and error.explanation.receiver.name == "y"
    assert error.explanation.out_of_bounds == (6,)


def test_numpy_negative_stride_hook_explains_from_the_arrays_strides():
    """from_numpy of a reversed array (the interpreter runs it once NumPy is allowed)."""
    from stridescope.engine.teaching.explain import explain_failure
    from stridescope.engine.teaching.facts import failed_call

    array = np.arange(6)[::-1]
    message = error_of(lambda: torch.from_numpy(array))
    assert message is not None and "negative" in message
    call = failed_call("from_numpy", torch, (array,), {}, None)
    e = explain_failure(call, message)
    assert e is not None and e.kind == "numpy_negative_stride" and e.dims == (0,)
    assert "(-8,)" in e.text() and "(8,)" in e.text()
    assert numbers(e.text()) == numbers(e.text(translator("zh_CN")))


# ------------------------------------------------------------------ random failing statements
@st.composite
def failing_statements(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    sizes = ", ".join(str(draw(st.integers(-1, 5))) for _ in range(draw(st.integers(1, 3))))
    dim = draw(st.integers(-4, 4))
    dtype = draw(st.sampled_from(["int8", "int16", "int32", "int64", "float16"]))
    target = draw(st.sampled_from(["int8", "int32", "float64"]))
    setup = f"x = torch.arange({math.prod(shape)}, dtype=torch.{dtype}).view{tuple(shape)}"
    statement = draw(st.sampled_from([
        f"y = x.view({sizes})", f"y = x.t().view({sizes})" if len(shape) == 2 else "y = x[::-1]",
        f"y = x.reshape({sizes})", f"y = x.expand({sizes})", f"y = x.transpose(0, {dim})",
        f"y = x.view(torch.{target})", f"y = x[1:].view(torch.{target})",
        f"y = x.as_strided(({sizes}), ({sizes}))", f"y = x + torch.zeros({sizes})",
        f"x.unsqueeze(0).expand({sizes}, *x.shape).add_(1)", f"y = x.unsqueeze({dim})",
        "x[1:] = x[:-1]", "y = x[..., ::-2]"]))
    return f"import torch\n{setup}\n{statement}\n"


@settings(max_examples=80, deadline=None)
@given(failing_statements())
def test_every_explanation_of_a_random_failure_reads_in_both_languages(script):
    step = run_script(script).steps[-1]
    assume(step.error is not None and step.error.explanation is not None)
    e = step.error.explanation
    en, zh = e.text(), e.text(translator("zh_CN"))
    assert "{" not in en and "{" not in zh and CJK.search(zh)
    assert numbers(en) == numbers(zh), (en, zh)
    assert wire.decode(wire.encode(e)) == e


@EXAMPLES
@given(st.lists(st.tuples(st.integers(1, 3), st.integers(-3, 3)), min_size=1, max_size=3),
       st.integers(0, 20))
def test_negative_stride_fix_reads_the_same_cells(dims, offset):
    size, stride = [s for s, _ in dims], [k for _, k in dims]
    assume(any(k < 0 for k in stride))
    base = torch.arange(64)
    message = error_of(lambda: base.as_strided(size, stride, offset))
    assert message and "Negative strides" in message
    from stridescope.engine.teaching.explain import explain_failure
    from stridescope.engine.teaching.facts import failed_call

    e = explain_failure(failed_call("as_strided", base, (size, stride, offset), {}, None),
                        message)
    assert e is not None and e.kind == "negative_stride"
    start = offset + sum((s - 1) * k for s, k in zip(size, stride) if k < 0)
    assume(start >= 0)
    fixed = base.as_strided(size, [abs(k) for k in stride], start).flip(list(e.dims))
    expected = [offset + sum(i * k for i, k in zip(p, stride)) for p in np.ndindex(*size)]
    assert fixed.reshape(-1).tolist() == expected  # base[k] == k: values are the cells
    assert f"as_strided({_t(size)}, {_t([abs(k) for k in stride])}, {start})" in e.text()


def _t(values):
    return "(" + ", ".join(map(str, values)) + ("," if len(values) == 1 else "") + ")"
