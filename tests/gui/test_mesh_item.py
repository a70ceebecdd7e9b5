"""Hovering a global cell of the sharded picture lights the ranks and local cells that hold
it (gui/canvas/mesh_item.py paints engine/picture/mesh_layout.py)."""

from __future__ import annotations

import torch
from PySide6.QtGui import QImage, QPainter

from stridescope.gui.canvas.mesh_item import MeshItem
from stridescope.gui.canvas.scene import CanvasScene
from tests.engine.test_mesh_layout import _ranks, _scene


def test_hover_lights_owners(qapp):
    scene = _scene(_ranks(torch.arange(24.).reshape(4, 6), ("Shard(dim=0)", "Replicate()")))
    canvas = CanvasScene()
    canvas.show_scene(scene)
    item = canvas.mesh_item
    assert isinstance(item, MeshItem)
    item.light(("global", 3, 3))
    assert item.lit == {("rank", 2), ("rank", 3), ("local", 2, 9), ("local", 3, 9)}  # (1, 3)
    image = QImage(1920, 1080, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    canvas.render(painter)
    painter.end()
    x, y, w, h = next(c.rect for c in scene.mesh.cells if c.key == ("local", 2, 9))
    lit = image.pixelColor(int(x + 1), int(y + h / 2))  # the thick outline in text colour
    assert lit.lightness() < 80
    item.light(None)
    assert item.lit == set()


def test_redistribute_animation_frames_move(qapp):
    from stridescope.engine.model.mesh import RankState, ShardState
    from stridescope.engine.model.state import RunResult, Step
    from stridescope.gui.export import animation_frames
    from tests.engine.test_mesh_layout import _rows_of

    x = torch.arange(24.).reshape(4, 6)
    before = Step(0, 1, 1, "d = f(x)", "", None, (), (),
                  ranks=_ranks(x, ("Shard(dim=0)", "Shard(dim=1)")))
    after = Step(1, 2, 2, "e = d.redistribute(mesh, p)", "", None, (), (), ranks=tuple(
        RankState(r.rank, r.coordinate, "", (*r.tensors, ShardState(
            "e", ("Shard(dim=0)", "Replicate()"), *_rows_of(x, r.rank)))) for r in before.ranks))
    frames = list(animation_frames(RunResult("", (before, after)), 2, None, (960, 540), 10, 1.0))
    assert len(frames) == 10
    assert frames[0] != frames[5] != frames[-1]  # cells move, then land
