"""The memory walk against a brute-force count in plain Python, over every layout a strategy
draws (as_strided layouts with stride 0 and overlaps, offsets, unaligned storages) and the
layouts real torch ops make (transpose, slices, expand, flip's copy)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from stridescope.engine.model.walk import (
    CACHE_LINE,
    heat_map,
    plot_points,
    touched_lines,
    walk,
)
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.teaching.walk_text import figure_lines, finding


def brute(shape, stride, offset, itemsize, base):
    """Every byte of every element, line by line, in loop order."""
    addresses, order, seen_bytes = [], [], set()
    for index in itertools.product(*(range(s) for s in shape)):
        k = offset + sum(i * s for i, s in zip(index, stride))
        addresses.append(k * itemsize)
        for b in range(k * itemsize, (k + 1) * itemsize):
            seen_bytes.add(b)
            line = (base + b) // CACHE_LINE
            if not order or order[-1] != line:
                order.append(line)
    n = math.prod(shape)
    return {"addresses": addresses, "touched": len(seen_bytes), "lines": len(set(order)),
            "fetched": len(order), "contiguous": -(-n * itemsize // CACHE_LINE)}


@st.composite
def layouts(draw):
    ndim = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim)))
    stride = tuple(draw(st.lists(st.integers(0, 40), min_size=ndim, max_size=ndim)))
    itemsize = draw(st.sampled_from([1, 2, 4, 8, 16]))
    offset = draw(st.integers(0, 20))
    base = draw(st.integers(0, 63))  # unaligned storages too: elements may straddle lines
    return shape, stride, offset, itemsize, base


@settings(max_examples=400, deadline=None)
@given(layouts())
def test_walk_matches_brute_force(layout):
    shape, stride, offset, itemsize, base = layout
    w = walk(shape, stride, offset, itemsize, base)
    want = brute(shape, stride, offset, itemsize, base)
    assert w.addresses.tolist() == want["addresses"]
    assert w.bytes_read == len(want["addresses"]) * itemsize
    assert w.bytes_touched == want["touched"]
    assert w.lines_touched == want["lines"]
    assert w.lines_fetched == want["fetched"]
    assert w.contiguous_fetched == want["contiguous"]
    assert touched_lines(w).size == want["lines"]


def _torch_layouts():
    x = torch.arange(6 * 10, dtype=torch.float32).reshape(6, 10)
    c = torch.arange(2 * 3 * 4, dtype=torch.int64).reshape(2, 3, 4)
    return {"contiguous": x, "transpose": x.t(), "row slice": x[1:5], "column slice": x[:, 2:7],
            "strided slice": x[::2, ::3], "expand": torch.arange(4.0).unsqueeze(0).expand(5, 4),
            "flip (a copy)": x.flip(0), "permute": c.permute(2, 0, 1), "offset": x[3, 4:],
            "as_strided overlap": x.as_strided((5, 4), (2, 1), 3), "int8": torch.zeros(
                9, 7, dtype=torch.int8).t(), "complex": torch.zeros(3, 5,
                                                                   dtype=torch.complex128).t()}


@pytest.mark.parametrize("name", list(_torch_layouts()))
def test_real_torch_layouts_match_brute_force(name):
    t = _torch_layouts()[name]
    base = t.untyped_storage().data_ptr() % CACHE_LINE
    w = walk(t.shape, t.stride(), t.storage_offset(), t.element_size(), base)
    want = brute(tuple(t.shape), t.stride(), t.storage_offset(), t.element_size(), base)
    assert (w.lines_touched, w.lines_fetched) == (want["lines"], want["fetched"])
    # the walk reads what torch reads: the values at those addresses are the tensor's values
    flat = t.as_strided((t.untyped_storage().nbytes() // t.element_size(),), (1,), 0)
    assert torch.equal(flat[torch.from_numpy(w.addresses // t.element_size())],
                       t.reshape(-1))


def test_the_shapes_of_the_walk():
    n = 1000
    contiguous = walk((n, n), (n, 1), 0, 4)
    transpose = walk((n, n), (1, n), 0, 4)
    expand = walk((n, n), (0, 1), 0, 4)
    assert contiguous.ratio == 1.0
    assert contiguous.lines_fetched == n * n * 4 // 64
    # a transpose leaves its line on every step: one fetch per element, 16× a contiguous walk
    assert transpose.lines_fetched == n * n and transpose.ratio == 16.0
    assert transpose.lines_touched == contiguous.lines_touched  # same bytes, other order
    # stride 0 re-reads one row: 4000 B = 63 distinct lines, fetched again for every row
    assert expand.lines_touched == math.ceil(n * 4 / 64) == 63
    assert expand.lines_fetched == 63 * n
    assert np.all(np.diff(contiguous.addresses) == 4)


def test_a_million_element_walk_is_vectorised_and_plot_points_keep_the_teeth():
    w = walk((1000, 1000), (1, 1000), 0, 4)
    x, y = plot_points(w, 20_000)
    assert x.size == y.size == 20_000
    assert y.max() == w.addresses.max() and y.min() == w.addresses.min()
    assert np.all(np.diff(x) >= 0)
    counts, first, per_row = heat_map(w, 256, 128)
    assert counts.sum() == w.walked and counts.shape[0] == 256 and first == 0


def test_capped_walk_covers_the_first_iterations():
    from stridescope.engine.model import walk as walk_module

    shape, stride = (7, 9, 5), (1, 35, 7)
    full = walk(shape, stride, 2, 4)
    old = walk_module.WALK_LIMIT
    walk_module.WALK_LIMIT = 100
    try:
        capped = walk(shape, stride, 2, 4)
    finally:
        walk_module.WALK_LIMIT = old
    assert capped.capped and capped.walked == 100
    assert capped.addresses.tolist() == full.addresses[:100].tolist()
    assert capped.iteration_of((6, 8, 4)) is None and capped.iteration_of((0, 1, 2)) == 7


def test_bad_layouts_get_clear_errors():
    with pytest.raises(ValueError, match="differ in length"):
        walk((2, 3), (1,), 0, 4)
    with pytest.raises(ValueError, match="itemsize"):
        walk((2,), (1,), 0, 128)


def test_finding_in_both_languages():
    transpose = walk((100, 100), (1, 100), 0, 4)
    en = finding(transpose)
    assert "16.00×" in en and "comes back" in en
    zh = finding(transpose, translator("zh_CN"))
    assert "16.00" in zh and zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert "fetched once" in finding(walk((100, 100), (100, 1), 0, 4))
    assert "Stride 0" in finding(walk((100, 100), (0, 1), 0, 4))
    gaps = finding(walk((100, 50), (100, 2), 0, 4))  # x[:, ::2]: every line once, half used
    assert "skips bytes" in gaps and "50%" in gaps and "2.00×" in gaps
    assert "50%" in finding(walk((100, 50), (100, 2), 0, 4), translator("zh_CN"))
    assert "empty" in finding(walk((0, 3), (3, 1), 0, 4))
    for line in figure_lines(transpose, translator("zh_CN")):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line)
