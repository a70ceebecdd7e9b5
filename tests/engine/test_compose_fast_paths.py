"""The fast paths of the picture layout (issue 13) give exactly what the plain
definitions give."""

from __future__ import annotations

import numpy as np
import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture import grid_layout, strip_layout
from stridescope.engine.picture.content import build_picture, format_value
from stridescope.engine.picture.scene import TypeScale
from stridescope.engine.picture.text import widest_text


@pytest.mark.parametrize("values", [
    np.array([], dtype=np.int64), np.array([0]), np.array([-1, 5, 12]),
    np.array([-1000, 99999, 3], dtype=np.int32), np.array([7, 255], dtype=np.uint8),
    np.array([True, False]), np.array([0.5, -2.0, 1e7, np.nan]),
    np.array([1 + 2j, -3.5j]), np.arange(-4096, 4096, dtype=np.int16),
])
def test_widest_text_is_the_widest_formatted_value(values):
    expected = max((len(format_value(v)) for v in values.tolist()), default=1)
    assert widest_text(values) == expected


@pytest.mark.parametrize("segments, cells, per_row", [
    ([(0, 12)], 12, 5), ([(0, 7)], 12, 7), ([(3, 9)], 40, 4), ([(0, 100), (900, 100)], 1000, 32),
    ([(10, 1), (20, 1)], 30, 8),
])
def test_strip_rows_extent_matches_the_rows(segments, cells, per_row):
    ts = TypeScale(14.0, 18.2, 21.7, 20.3)
    rows, y = strip_layout._strip_rows_at(segments, cells, per_row, 100.0, 30.0, 19.6, 50.0, ts)
    assert strip_layout._strip_rows_extent(segments, cells, per_row, 100.0, 30.0, 50.0, ts) == \
        (len(rows), y)


@pytest.mark.parametrize("script", [
    "x = torch.arange(24).reshape(2, 3, 4)[:, 1:, ::2]",
    "x = torch.arange(12).reshape(3, 4).t()",
    "x = torch.arange(10)[2:]",
    "x = torch.tensor(5)",
    "x = torch.arange(4000).reshape(40, 100)[::3, 5:]",
])
def test_shown_indices_are_the_cells_storage_indices(script):
    step = run_script("import torch\n" + script).steps[-1]
    grid = build_picture(step).grid
    rows = [0, 1, -1, grid.rows - 1] if grid.rows > 2 else list(range(grid.rows))
    cols = [0, -1, grid.cols - 1] if grid.cols > 2 else list(range(grid.cols))
    panels = grid.panels() or [()]
    expected = [grid.storage_index(p, r, k) for p in panels for r in rows for k in cols
                if r >= 0 and k >= 0]
    assert grid_layout._shown_indices(grid, panels, rows, cols).tolist() == expected
