"""The explanation math agrees with torch on random layouts (view succeeds ⇔ no blockers)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from stridescope.engine.model.layout import (
    contiguous_strides,
    explain_view,
    infer_shape,
    is_contiguous,
    storage_index,
    view_strides,
)


@st.composite
def layouts(draw):
    """A random strided tensor (a permuted, sliced view of a contiguous base) and a new shape."""
    ndim = draw(st.integers(1, 4))
    shape = draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))
    base = torch.arange(math.prod(shape)).reshape(shape)
    perm = draw(st.permutations(range(ndim)))
    t = base.permute(*perm)
    if draw(st.booleans()):
        d = draw(st.integers(0, ndim - 1))
        step = draw(st.integers(1, 2))
        index = [slice(None)] * ndim
        index[d] = slice(0, None, step)
        t = t[tuple(index)]
    if draw(st.booleans()):
        t = t.unsqueeze(draw(st.integers(0, t.dim())))
    numel = t.numel()
    factors = [f for f in range(1, numel + 1) if numel % f == 0]
    new_shape = []
    remaining = numel
    for _ in range(draw(st.integers(0, 3))):
        f = draw(st.sampled_from([f for f in factors if remaining % f == 0]))
        new_shape.append(f)
        remaining //= f
    new_shape.append(remaining)
    return t, tuple(draw(st.permutations(new_shape)))


@settings(max_examples=400, deadline=None)
@given(layouts())
def test_view_explanation_agrees_with_torch(case):
    tensor, new_shape = case
    explanation = explain_view(tensor.shape, tensor.stride(), new_shape)
    try:
        expected = tensor.view(new_shape).stride()
    except RuntimeError as exc:
        assert "view size is not compatible" in str(exc)
        assert not explanation.ok
        assert explanation.blockers, "a failing view must name the dims that cannot merge"
        for b in explanation.blockers:
            assert b.outer_stride != b.inner_stride * b.inner_size
        return
    assert explanation.ok and not explanation.blockers
    assert explanation.new_stride == tuple(expected)
    assert view_strides(tensor.shape, tensor.stride(), new_shape) == tuple(expected)


@settings(max_examples=200, deadline=None)
@given(layouts())
def test_contiguity_and_addresses_agree_with_torch(case):
    tensor, _ = case
    assert is_contiguous(tensor.shape, tensor.stride()) == tensor.is_contiguous()
    flat_storage = torch.arange(tensor.untyped_storage().nbytes() // tensor.element_size())
    for index in [(0,) * tensor.dim(), tuple(s - 1 for s in tensor.shape)]:
        k = storage_index(tensor.storage_offset(), tensor.stride(), index)
        assert flat_storage[k].item() == tensor[index].item()


def test_transpose_explanation_names_the_dims():
    e = explain_view((4, 3), (1, 4), (1, 12))
    assert not e.ok
    (b,) = e.blockers
    assert (b.new_dim, b.outer_dim, b.inner_dim) == (1, 0, 1)
    assert (b.outer_stride, b.inner_stride, b.inner_size) == (1, 4, 3)
    assert "1 ≠ 4 × 3 = 12" in e.text()
    assert "reshape()" in e.text()


def test_numel_mismatch_is_explained():
    e = explain_view((3, 4), (4, 1), (5, 2))
    assert e.new_shape is None and not e.ok
    assert "12" in e.text()


@pytest.mark.parametrize(("requested", "numel", "expected"), [
    ((-1,), 12, (12,)), ((3, -1), 12, (3, 4)), ((-1, -1), 12, None), ((5, -1), 12, None),
    ((0, -1), 0, None), ((2, 6), 12, (2, 6)),
])
def test_infer_shape(requested, numel, expected):
    assert infer_shape(requested, numel) == expected


def test_contiguous_strides():
    assert contiguous_strides((3, 4)) == (4, 1)
    assert contiguous_strides((2, 3, 4)) == (12, 4, 1)
    assert contiguous_strides(()) == ()
