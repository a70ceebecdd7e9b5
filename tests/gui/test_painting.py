"""Cells painted in runs (issue 13): side-by-side cells merge, a gap or a new line splits."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from stridescope.gui.canvas.painting import cell_runs


def test_cells_side_by_side_merge_into_one_run_per_line():
    row = [QRectF(10 + 20.5 * i, 5, 20.5, 20.5) for i in range(4)]
    below = [QRectF(10 + 20.5 * i, 25.5, 20.5, 20.5) for i in range(2)]
    runs = cell_runs(row + below)
    assert [(top, h, len(edges)) for top, h, edges in runs] == [(5, 20.5, 5), (25.5, 20.5, 3)]
    assert runs[0][2] == [10 + 20.5 * i for i in range(5)]


def test_a_gap_splits_a_run():
    rects = [QRectF(0, 0, 10, 10), QRectF(10, 0, 10, 10), QRectF(30, 0, 10, 10)]
    assert [edges for _, _, edges in cell_runs(rects)] == [[0, 10, 20], [30, 40]]
