"""Transition planning: endpoints per op, provenance against torch's own strides."""

from __future__ import annotations

import pytest
import torch

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture.content import Grid
from stridescope.engine.picture.transition import GridCell, StorageCell, frame_at, plan_transition

SETUP = "import torch\na = torch.arange(12).reshape(3, 4)\n"
VIEW_OPS = [
    "a.t()", "a.transpose(0, 1)", "a.permute(1, 0)", "a[1:3, 0:2]", "a[:, ::2]", "a[1]",
    "a.select(1, 2)", "a.narrow(1, 1, 2)", "a.diagonal()", "a.unfold(1, 2, 1)",
    "a[0].expand(2, 4)", "a.as_strided((2, 2), (1, 2))", "a.unsqueeze(0)", "a.view(4, 3)",
    "a.view(12)", "a.movedim(0, 1)", "a.swapaxes(0, 1)", "a.mT", "a.T", "a.chunk(2, 1)[1]",
    "a.split(1)[2]", "a.unflatten(1, (2, 2))", "a.flatten()", "a.reshape(2, 6)", "a[..., None]",
    "a.squeeze()", "a.detach()", "a.unbind(0)[1]", "a.tensor_split(2, dim=1)[0]",
    "a.hsplit(2)[1]", "a.vsplit(3)[0]", "a.swapdims(0, 1)", "a.expand_as(a)", "a.view_as(a)",
    "a.float().view(torch.int32)",
]
COPY_OPS = [
    "a.t().contiguous()", "a.clone()", "a.flip(0)", "a.flip(1)", "a.roll(1, 1)",
    "a.t().reshape(12)", "a.t().flatten()", "a[[2, 0]]", "a[:, [3, 1]]", "a.float()",
    "a.to(torch.int32)", "a.double()", "torch.cat([a, a])", "torch.stack([a[0], a[2]])",
    "a[a > 5]", "a.t().clone()", "a.fliplr()", "a.rot90()", "a.repeat(2, 1)",
    "a.index_select(1, torch.tensor([0, 2]))",
]


def _steps(op: str):
    result = run_script(SETUP + f"r = {op}\n")
    before, after = result.steps[-2], result.steps[-1]
    assert after.error is None, after.error
    return before, after


@pytest.mark.parametrize("op", VIEW_OPS)
def test_view_transitions_move_cells_from_source_to_result(op):
    before, after = _steps(op)
    plan = plan_transition(before, after)
    r = after.tensor("r")
    if r.dtype != "torch.int64":  # a dtype reinterpretation: a cross-fade
        return
    assert plan.kind == "view", op
    grid = Grid(r, after.storage(r.storage_id).elements(r.dtype))
    src = Grid(before.tensor("a"), before.storage(r.storage_id).elements(r.dtype))
    arriving = [m for m in plan.motions if m.fade != "out" and not m.style]  # style: labels
    assert len(arriving) == r.numel
    for m in arriving:
        assert isinstance(m.target, GridCell) and m.target.which == "after"
        k = grid.storage_index(m.target.panel, m.target.row, m.target.col)
        # the source cell it leaves from reads the same storage element
        assert src.storage_index(m.source.panel, m.source.row, m.source.col) == k
    first, last = frame_at(plan, 0.0), frame_at(plan, 1.0)
    assert all(s.progress == 0.0 for s in first.sprites)  # frame 0: the before state
    assert last.sprites == () and last.result_opacity == 1.0  # frame 1: the after state
    assert plan.pointer == (r.storage_id, 0, r.storage_offset)


@pytest.mark.parametrize("op", COPY_OPS)
def test_copy_provenance_matches_torch(op):
    before, after = _steps(op)
    sources = after.sources_of("r")
    assert sources is not None, op
    a = torch.arange(12).reshape(3, 4)
    real = eval(op, {"torch": torch, "a": a})  # noqa: S307 — the test's own expressions
    a_storage = before.tensor("a").storage_id
    flat = real.reshape(-1)
    assert len(sources) == real.numel()
    for (storage_id, cell), value in zip(sources, flat.tolist()):
        assert storage_id == a_storage
        assert cell == int(value)  # a holds its own storage indices: value == source cell
    plan = plan_transition(before, after)
    assert plan.kind == "copy" and len(plan.motions) == real.numel()
    r = after.tensor("r")
    for m in plan.motions:
        assert isinstance(m.source, StorageCell) and m.source.storage_id == a_storage
        assert isinstance(m.target, StorageCell) and m.target.storage_id == r.storage_id
    assert frame_at(plan, 1.0).sprites == ()


def test_arithmetic_is_not_mistaken_for_data_movement():
    before, after = _steps("a + 1")
    assert after.sources_of("r") is None
    assert plan_transition(before, after).kind == "fade"


def test_provenance_replay_leaves_rng_untouched():
    script = ("import torch\ntorch.manual_seed(3)\na = torch.rand(4)\nb = a.flip(0)\n"
              "c = torch.rand(2)\n")
    ours = run_script(script).steps[-1].tensor("c").values
    torch.manual_seed(3)
    torch.rand(4)
    assert ours == torch.rand(2).tolist()


def test_inplace_write_flashes_the_written_cells_of_every_sharer():
    result = run_script(SETUP + "b = a.t()\nb[0, 1] = 100\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    assert plan.kind == "inplace"
    storage = result.steps[-1].tensor("a").storage_id
    assert StorageCell(storage, 4) in plan.flashes  # b[0, 1] is storage cell 0·1 + 1·4
    assert GridCell("after", (), 0, 1) in plan.flashes


def test_failed_view_walks_the_cells_and_marks_the_jump():
    result = run_script(SETUP + "b = a.t()\nc = b.view(12)\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    assert plan.kind == "error" and plan.focus == "b"
    storage_cells = [w.cell for w in plan.walk if isinstance(w, StorageCell)]
    assert storage_cells == [0, 4, 8, 1]  # the walk stops at its first break: 8 → 1
    assert plan.jumps == (6, 12, 18)  # every break is known; the first one is shown
    assert frame_at(plan, 0.5).walk_cells and frame_at(plan, 1.0).walk_cells == plan.walk
    assert frame_at(plan, 0.99).broken


@pytest.mark.parametrize("t", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_frames_are_plain_values_for_any_t(t):
    result = run_script(SETUP + "b = a[1:, ::2]\n")
    frame = frame_at(plan_transition(result.steps[-2], result.steps[-1]), t)
    assert 0.0 <= frame.result_opacity <= 1.0
    # metadata is never blended: a tween carries the true old and new values (issue 9)
    before, after = result.steps[-1].tensor("a"), result.steps[-1].tensor("b")
    truth = {"shape": (before.shape, after.shape), "stride": (before.stride, after.stride),
             "offset": ((before.storage_offset,), (after.storage_offset,))}
    assert bool(frame.tweens) == (t < 1.0)
    for label, old, new in frame.tweens:
        assert (old, new) == truth[label]


def test_large_views_degrade_to_a_fade():
    result = run_script("import torch\na = torch.arange(4096).reshape(64, 64)\nb = a.t()\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    assert plan.kind == "fade" and plan.motions == ()


def test_failed_view_walk_turns_red_exactly_at_the_first_broken_step():
    """p4 = permute of (2, 3, 4, 5): storage steps 20, 20, then 40 → 1 breaks (4th element);
    grid and storage cells appear in pairs, never one ahead of the other."""
    result = run_script("import torch\nx = torch.arange(120).reshape(2, 3, 4, 5)\n"
                        "p4 = x.permute(0, 2, 3, 1)\ny = p4.view(-1)\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    storage = [a.cell for a in plan.walk[1::2]]
    first_break = next(i for i in range(2, len(storage))
                       if storage[i] - storage[i - 1] != storage[1] - storage[0])
    assert storage[:4] == [0, 20, 40, 1] and first_break == 3
    assert plan.jumps[0] == 2 * first_break
    pairs = len(plan.walk) // 2
    for n in range(1, 40):
        frame = frame_at(plan, n / 40)
        assert len(frame.walk_cells) % 2 == 0
        assert frame.broken == (len(frame.walk_cells) > 2 * first_break)
    assert pairs == first_break + 1  # it stops at the break, which stays marked
    assert frame_at(plan, 0.9).walk_cells == plan.walk and frame_at(plan, 0.9).broken


def test_overlapping_write_walks_every_reader_onto_the_shared_cell():
    result = run_script("import torch\nx = torch.arange(3).view(3, 1).expand(3, 4)\n"
                        "x.add_(1)\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    assert plan.kind == "error" and plan.focus == "x"
    assert plan.flashes == (StorageCell(plan.flashes[0].storage_id, 0),)
    readers = [w for w in plan.walk if not isinstance(w, StorageCell)]
    assert [(w.row, w.col) for w in readers] == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert {w.cell for w in plan.walk if isinstance(w, StorageCell)} == {0}


def test_negative_step_walks_backwards_and_breaks_at_once():
    result = run_script("import torch\nx = torch.arange(6)\ny = x[::-2]\n")
    plan = plan_transition(result.steps[-2], result.steps[-1])
    assert [w.cell for w in plan.walk if isinstance(w, StorageCell)] == [5, 3, 1]
    assert plan.jumps == (2,)
