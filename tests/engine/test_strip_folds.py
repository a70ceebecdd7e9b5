"""A wrapped storage strip reads as one line of memory folded, not as rows of a matrix: each
row that goes on where the row above ended says so ("↪ continued"); a row after a break
("… N more cells …") does not."""

from __future__ import annotations

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.scene import Viewport, ViewState

MARK = "↪"


def _strip(source: str, size: tuple[int, int]):
    result = run_script(source)
    scene = compose(result, ViewState(step=len(result.steps) - 1), Viewport(*size))
    return scene.strips[0]


@pytest.mark.parametrize("n, size", [(12, (1280, 720)), (60, (1280, 720)), (200, (900, 700)),
                                     (40, (1920, 1080))])
def test_every_folded_row_is_marked_and_only_those(n, size):
    strip = _strip(f"import torch\na = torch.arange({n})\n", size)
    rows = strip.rows
    folds = [row for above, row in zip(rows, rows[1:])
             if not row.skipped and not above.skipped and above.start + above.count == row.start]
    marks = [t for t in strip.texts if t.text.startswith(MARK)]
    assert len(marks) == len(folds)
    for row, mark in zip(folds, marks):
        assert mark.rect[1] >= row.y and mark.rect[1] + mark.rect[3] <= row.y + strip.cell
        assert mark.rect[0] + mark.rect[2] <= strip.x0  # in the label column, left of cells


def test_a_row_after_a_break_is_not_a_fold():
    strip = _strip("import torch\na = torch.arange(100_000)\nb = a[50_000:50_010]\n",
                   (1280, 720))
    breaks = [i for i, row in enumerate(strip.rows) if row.skipped]
    assert breaks  # the storage is windowed around b, with breaks
    marks = [t for t in strip.texts if t.text.startswith(MARK)]
    ys = {round(t.rect[1]) for t in marks}
    for i in breaks:
        if i + 1 < len(strip.rows):
            after = strip.rows[i + 1]
            assert not any(after.y <= y < after.y + strip.cell for y in ys)
