"""The sharded-tensor picture (engine/picture/mesh_layout.py), from rank states built with
torch.chunk, the split DTensor's Shard uses (the worker tests check the real ranks)."""

from __future__ import annotations

import torch

from stridescope.engine.model.mesh import RankState, ShardState
from stridescope.engine.model.state import RunResult, Step
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.scene import Viewport, ViewState


def _ranks(x: torch.Tensor, placements: tuple[str, str]) -> tuple[RankState, ...]:
    """A 2x2 mesh: mesh dim 0 shards rows (Shard(dim=0)), mesh dim 1 as `placements[1]`."""
    out = []
    for rank in range(4):
        r, c = divmod(rank, 2)
        rows = torch.chunk(x, 2, 0)[r]
        offset = [sum(t.shape[0] for t in torch.chunk(x, 2, 0)[:r]), 0]
        block = rows.clone()  # a local tensor owns its storage
        if placements[1] == "Shard(dim=1)":
            block = torch.chunk(rows, 2, 1)[c].contiguous()
            offset[1] = sum(t.shape[1] for t in torch.chunk(rows, 2, 1)[:c])
        shard = ShardState("d", ("Shard(dim=0)", placements[1]), (2, 2), tuple(x.shape),
                           tuple(offset), tuple(block.shape), block.stride(),
                           block.storage_offset(), str(block.dtype),
                           block.reshape(-1).tolist(), block.numel())
        out.append(RankState(rank, (r, c), "", (shard,)))
    return tuple(out)


def _scene(ranks, size=(1920, 1080)):
    step = Step(0, 1, 1, "d = distribute_tensor(x, mesh, placements)", "", None, (), (),
                ranks=ranks)
    return compose(RunResult("", (step,)), ViewState(), Viewport(*size))


def test_global_cells_are_coloured_by_their_owners():
    x = torch.arange(30.).reshape(5, 6)
    mesh = _scene(_ranks(x, ("Shard(dim=0)", "Shard(dim=1)"))).mesh
    cells = {c.key: c for c in mesh.cells}
    assert cells[("global", 0, 0)].ranks == (0,)
    assert cells[("global", 0, 5)].ranks == (1,)
    assert cells[("global", 4, 0)].ranks == (2,)  # chunk: rows 0-2 and 3-4
    assert cells[("global", 4, 5)].text == "29"
    # hover: global (4, 5) is rank 3's local (1, 2): storage index 1*3 + 2 = 5
    assert mesh.links[("global", 4, 5)] == (("rank", 3), ("local", 3, 5))
    assert cells[("local", 3, 5)].text == "29"


def test_replicated_cells_have_every_owner():
    x = torch.arange(24.).reshape(4, 6)
    mesh = _scene(_ranks(x, ("Shard(dim=0)", "Replicate()"))).mesh
    cells = {c.key: c for c in mesh.cells}
    assert cells[("global", 0, 3)].ranks == (0, 1)
    assert cells[("global", 3, 3)].ranks == (2, 3)
    assert len(mesh.links[("global", 3, 3)]) == 4  # two ranks, two local cells


def test_the_picture_fills_the_frame_and_keeps_text_legible():
    x = torch.arange(24.).reshape(4, 6)
    scene = _scene(_ranks(x, ("Shard(dim=0)", "Shard(dim=1)")))
    mesh = scene.mesh
    assert min(t.px for t in mesh.texts) >= 14
    assert mesh.value_px >= 14
    right = max(c.rect[0] + c.rect[2] for c in mesh.cells)
    bottom = max(c.rect[1] + c.rect[3] for c in mesh.cells)
    assert right > 1920 * 0.6 and bottom > 1080 * 0.6
    for a in mesh.cells:  # no two cells overlap
        for b in mesh.cells:
            if a is b:
                continue
            ax, ay, aw, ah = a.rect
            bx, by, bw, bh = b.rect
            assert ax + aw <= bx + 0.01 or bx + bw <= ax + 0.01 or ay + ah <= by + 0.01 \
                or by + bh <= ay + 0.01, (a.key, b.key)


def test_redistribute_moves_blocks_between_rank_strips():
    x = torch.arange(24.).reshape(4, 6)
    before = Step(0, 1, 1, "d = distribute_tensor(x, mesh, placements)", "", None, (), (),
                  ranks=_ranks(x, ("Shard(dim=0)", "Shard(dim=1)")))
    gathered = tuple(RankState(r.rank, r.coordinate, "", (
        *r.tensors, ShardState("e", ("Shard(dim=0)", "Replicate()"), *_rows_of(x, r.rank)))
    ) for r in before.ranks)
    after = Step(1, 2, 2, "e = d.redistribute(mesh, [Shard(0), Replicate()])", "", None, (),
                 (), ranks=gathered)
    result = RunResult("", (before, after))
    old = compose(result, ViewState(step=0), Viewport(1920, 1080)).mesh
    new = compose(result, ViewState(step=1), Viewport(1920, 1080)).mesh
    assert new.name == "e" and old.name == "d"
    moves = dict(new.moves)
    old_rects = {c.key: c.rect for c in old.cells}
    # rank 0's new cell for global (0, 3) (local index 3) was rank 1's local index 0
    assert moves[("local", 0, 3)] == old_rects[("local", 1, 0)]
    # global (0, 0) stays on rank 0: it starts from rank 0's own old cell
    assert moves[("local", 0, 0)] == old_rects[("local", 0, 0)]
    assert len(moves) == 4 * 12
    assert compose(result, ViewState(step=1, animate=False), Viewport(1920, 1080)).mesh.moves == ()


def _rows_of(x: torch.Tensor, rank: int):
    rows = torch.chunk(x, 2, 0)[rank // 2].clone()
    return ((2, 2), tuple(x.shape), (2 * (rank // 2), 0), tuple(rows.shape), rows.stride(), 0,
            str(rows.dtype), rows.reshape(-1).tolist(), rows.numel())
