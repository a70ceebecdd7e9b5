"""The stride brackets over the strip: one per distinct stride, their labels clear of each
other and of every other bracket's legs (labels ran over each other and across the
bracket lines: lesson 10 step 9, two dims of stride 1)."""

from __future__ import annotations

import pytest
import torch

from stridescope.engine.model.snapshot import snapshot
from stridescope.engine.model.state import RunResult
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.scene import Viewport, ViewState

CASES = {
    "unfold": lambda: torch.arange(8).unfold(0, 3, 1),               # stride (1, 1)
    "reshape of a transpose": lambda: torch.arange(12).view(4, 3).t().reshape(2, 2, 3),
    "rows of two": lambda: torch.arange(12).view(6, 2),              # (2, 1): legs 1 cell apart
    "3-D permute": lambda: torch.arange(24).view(2, 3, 4).permute(2, 0, 1),
    "strided 3-D": lambda: torch.arange(64)[::2].view(2, 4, 4)[:, ::2, 1:3],
    "as_strided": lambda: torch.arange(20).as_strided((3, 3, 2), (1, 2, 3)),
}


@pytest.mark.parametrize("viewport", [Viewport(1280, 720), Viewport(1920, 1080),
                                      Viewport(1280, 720, presentation=True)],
                         ids=["720p", "1080p", "720p-presenting"])
@pytest.mark.parametrize("case", CASES)
def test_bracket_labels_keep_clear_of_each_other_and_of_the_legs(case, viewport):
    t = CASES[case]()
    step = snapshot({"t": t}, source="t = ...")
    scene = compose(RunResult(step.source, (step,)), ViewState(step=0, focus="t"), viewport)
    strip = scene.strips[0]
    arcs = strip.arcs
    strides = {s for n, s in zip(t.shape, t.stride()) if n > 1 and s != 0}
    assert len(arcs) == len({a.end - a.start for a in arcs}) <= len(strides)
    for a in arcs:  # every dim with that stride is named on its one bracket
        dims = [d for d, (n, s) in enumerate(zip(t.shape, t.stride()))
                if n > 1 and s == a.end - a.start]
        assert all(str(d) in a.label.text for d in dims), (a.label.text, dims)
    for i, a in enumerate(arcs):
        x, y, w, h = a.label.rect
        for b in arcs[i + 1:]:
            bx, by, bw, bh = b.label.rect
            assert not (x < bx + bw and bx < x + w and y < by + bh and by < y + h), \
                (a.label.text, b.label.text)
        for b in arcs:  # a higher bracket's legs come down through the lower labels' band
            if b.height <= a.height:
                continue
            for cell in (b.start, b.end):
                r = strip.cell_rect(cell)
                leg = r[0] + r[2] / 2
                assert not (x + 1 < leg < x + w - 1), (case, a.label.text, b.label.text, leg,
                                                       (x, x + w))
