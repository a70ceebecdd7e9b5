"""Many views of one storage: the strip draws at most MAX_LANES lanes, the focused tensor's
among them, names the rest once, and nothing leaves the frame."""

from __future__ import annotations

import pytest
import torch

from stridescope.engine.model.snapshot import snapshot
from stridescope.engine.model.state import RunResult
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.content import MAX_LANES
from stridescope.engine.picture.scene import Viewport, ViewState


@pytest.mark.parametrize("views", [10, 100, 1_000])
def test_many_views_of_one_storage_stay_in_the_frame(views):
    base = torch.arange(4096)
    tensors = {"base": base, **{f"v{i}": base[i:i + 10] for i in range(views)}}
    step = snapshot(tensors, source="last = v3.view(2, 5)")
    viewport = Viewport(1280, 720)
    scene = compose(RunResult(step.source, (step,)), ViewState(step=0, focus="v3"), viewport)
    (strip,) = scene.strips
    lanes = [o.name for o in strip.strip.overlays]
    assert "v3" in lanes and len(lanes) == min(views + 1, MAX_LANES)
    texts = [t for t in scene.texts() if t.text.strip()]
    rects = [t.rect for t in texts]
    rects += [strip.cell_rect(r.start) for r in strip.rows if not r.skipped]
    for x, y, w, h in (r for r in rects if r is not None):
        assert x >= -1 and y >= -1 and x + w <= viewport.width + 1, (x, y, w, h)
        assert y + h <= viewport.height + 1, (x, y, w, h)
    summary = [t.text for t in texts if "more tensors without a lane" in t.text]
    if views + 1 > MAX_LANES:
        assert summary and summary[0].startswith(f"+{views + 1 - MAX_LANES:,} more tensors")
    else:
        assert not summary


def _drawn(strip, name):
    """Whether a lane's tensor reads a cell the strip draws."""
    overlay = next(o for o in strip.strip.overlays if o.name == name)
    return any(overlay.covers(k) for r in strip.rows if not r.skipped
               for k in range(r.start, r.start + r.count))


@pytest.mark.parametrize("focus", ["v50", "v2500", "w"])
def test_every_lane_drawn_has_a_cell_in_view_and_the_rest_are_summarised(focus):
    """The newest views read cells far from the focused one: they are named in the summary,
    not drawn as empty lanes, and the lanes go to the tensors reading near the focus; a
    focused tensor near the end of a storage the pane cannot hold whole is drawn."""
    base = torch.arange(3000)
    tensors = {"base": base, **{f"v{i}": base[i:i + 10] for i in range(0, 3000, 50)},
               "v2500": base[2500:2510], "w": base[7:12]}
    tensors.update({f"u{i}": base[2900 + i:2905 + i] for i in range(8)})  # newest, far away
    step = snapshot(tensors, source=f"last = {focus}.view(-1)")
    scene = compose(RunResult(step.source, (step,)), ViewState(step=0, focus=focus),
                    Viewport(1280, 720))
    (strip,) = scene.strips
    lanes = [o.name for o in strip.strip.overlays]
    assert focus in lanes
    for name in lanes:
        assert _drawn(strip, name), (name, [(r.start, r.count) for r in strip.rows])
    assert len(lanes) + len(strip.strip.more) == len(tensors)
    assert set(lanes).isdisjoint(strip.strip.more)
    if focus != "v2500":
        assert not any(name.startswith("u") for name in lanes)
    summary = [t.text for t in scene.texts() if "more tensors without a lane" in t.text]
    assert summary and summary[0].startswith(f"+{len(strip.strip.more):,} more")
