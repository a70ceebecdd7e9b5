"""The motion vocabulary (NOTE [Motion vocabulary] in engine/picture/transition.py): each
motion is tested for what it promises, in the anchor geometry the engine plans in (a grid
cell is a unit square at (col, row) of its panel; before and after share the origin)."""

from __future__ import annotations

import itertools

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture.content import Grid
from stridescope.engine.picture.motion_geometry import card_corners, flip_matrix
from stridescope.engine.picture.transition import (
    GridCell,
    StorageCell,
    frame_at,
    plan_transition,
)

SAMPLES = [n / 60 for n in range(61)]
SETUP = "import torch\na = torch.arange(12).reshape(3, 4)\n"


def _plan(script: str, focus: str | None = None):
    result = run_script(script)
    before, after = result.steps[-2], result.steps[-1]
    return plan_transition(before, after, focus), before, after


def _center(sprite, widths=None) -> tuple[float, float]:
    """A sprite's centre: on its straight line from source to target, plus its offset.
    `widths` ({"before": cols, "after": cols}) lays a >= 3-D grid's panels out in one line,
    a cell apart, as the canvas does when they fit; without it, every panel on its own."""
    a, b = sprite.source, sprite.target

    def x0(cell):
        return (cell.panel[0] * (widths[cell.which] + 1)) if widths and cell.panel else 0

    ax, ay = x0(a) + a.col + 0.5, a.row + 0.5
    bx, by = x0(b) + b.col + 0.5, b.row + 0.5
    p = sprite.progress
    return (ax + (bx - ax) * p + sprite.offset[0], ay + (by - ay) * p + sprite.offset[1])


def _area(poly) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(poly, poly[1:] + poly[:1]))) / 2


def _clip(subject, clipper):
    """Sutherland–Hodgman: the part of convex polygon `subject` inside convex `clipper`."""
    def inside(p, a, b):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-12

    def cross(p, q, a, b):
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = p, q, a, b
        den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
        if abs(den) < 1e-15:
            return q
        t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
        return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))

    if _signed(clipper) < 0:
        clipper = clipper[::-1]
    out = subject
    for a, b in zip(clipper, clipper[1:] + clipper[:1]):
        if not out:
            break
        points, out = out, []
        for p, q in zip(points, points[1:] + points[:1]):
            if inside(q, a, b):
                if not inside(p, a, b):
                    out.append(cross(p, q, a, b))
                out.append(q)
            elif inside(p, a, b):
                out.append(cross(p, q, a, b))
    return out


def _signed(poly) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]))


def max_overlap(frame, widths=None) -> float:
    """The largest area two moving value cards share, in cells' area (by panel, unless
    `widths` lays the panels out in one line)."""
    cards: dict[tuple, list] = {}
    for s in frame.sprites:
        if s.style or s.opacity == 0 or not isinstance(s.source, GridCell):
            continue
        key = () if widths else s.source.panel
        cards.setdefault(key, []).append(card_corners(_center(s, widths), s.shape))
    worst = 0.0
    for polys in cards.values():
        for p, q in itertools.combinations(polys, 2):
            if abs(p[0][0] - q[0][0]) > 2 or abs(p[0][1] - q[0][1]) > 2:
                continue  # cards two cells apart cannot meet
            part = _clip(p, q)
            if len(part) >= 3:
                worst = max(worst, _area(part))
    return worst


TRANSPOSES = [
    (SETUP + "b = a.t()\n", "b"),
    (SETUP + "b = a.T\n", "b"),
    ("import torch\na = torch.arange(10).reshape(2, 5)\nb = a.transpose(0, 1)\n", "b"),
    ("import torch\na = torch.arange(24).reshape(2, 3, 4)\nb = a.mT\n", "b"),
    ("import torch\na = torch.arange(16).reshape(4, 4)\nb = a.permute(1, 0)\n", "b"),
]


@pytest.mark.parametrize("script,name", TRANSPOSES)
def test_transpose_turns_as_one_sheet_and_no_two_cells_pile_up(script, name):
    plan, before, after = _plan(script)
    assert plan.kind == "view" and plan.motion == "flip"
    worst = max(max_overlap(frame_at(plan, t)) for t in SAMPLES)
    assert worst < 0.02, worst
    # the promise can fail: the old straight slide from (r, c) to (c, r) piles them up
    mid = frame_at(plan, 0.5)
    straight = mid.__class__(**{**{f: getattr(mid, f) for f in mid.__slots__},
                                "sprites": tuple(s.__class__(
                                    s.text, s.source, s.target, s.progress, s.opacity)
                                    for s in mid.sprites)})
    assert max_overlap(straight) > 0.5
    # each cell lands on its mirror, which reads the same storage cell
    r = after.tensor(name)
    grid = Grid(r, after.storage(r.storage_id).elements(r.dtype))
    src = Grid(before.tensor("a"), before.storage(r.storage_id).elements(r.dtype))
    cards = [m for m in plan.motions if not m.style]
    assert len(cards) == r.numel
    for m in cards:
        assert (m.target.row, m.target.col) == (m.source.col, m.source.row)
        k = grid.storage_index(m.target.panel, m.target.row, m.target.col)
        assert src.storage_index(m.source.panel, m.source.row, m.source.col) == k


def test_the_sheet_is_mirrored_at_the_end_and_seen_edge_on_midway():
    assert flip_matrix(0.0) == pytest.approx((1, 0, 0, 1))
    assert flip_matrix(1.0) == pytest.approx((0, 1, 1, 0))  # (x, y) -> (y, x)
    a, b, c, d = flip_matrix(0.5)
    assert abs(a * d - b * c) < 1e-9  # a sheet edge-on has no area
    plan, _, _ = _plan(SETUP + "b = a.t()\n")
    mid = [s for s in frame_at(plan, 0.5).sprites if not s.style]
    assert all(s.text_opacity < 0.05 for s in mid)  # its numbers hide, none piled up


@pytest.mark.parametrize("script,name", TRANSPOSES)
def test_every_cell_keeps_its_link_to_its_own_storage_cell(script, name):
    plan, before, after = _plan(script)
    r = after.tensor(name)
    src = Grid(before.tensor("a"), before.storage(r.storage_id).elements(r.dtype))
    for t in SAMPLES[:-1]:
        cards = [s for s in frame_at(plan, t).sprites if not s.style]
        assert len(cards) == r.numel
        for s in cards:
            k = src.storage_index(s.source.panel, s.source.row, s.source.col)
            assert s.link == StorageCell(r.storage_id, k)


def test_axis_labels_travel_with_the_sheet_in_their_axis_colour():
    plan, _, _ = _plan(SETUP + "b = a.t()\n")
    labels = [m for m in plan.motions if m.style]
    rows = [m for m in labels if m.source.col == -1]
    cols = [m for m in labels if m.source.row == -1]
    assert [m.text for m in rows] == ["0", "1", "2"] and len(cols) == 4
    assert {m.style for m in rows} == {"dim:0"} and {m.style for m in cols} == {"dim:1"}
    # a's row labels become b's column labels, and stay dim 0's colour all the way
    assert all(m.target == GridCell("after", (), -1, m.source.row) for m in rows)
    for t in SAMPLES[:-1]:
        sprites = [s for s in frame_at(plan, t).sprites if s.style]
        assert {s.style for s in sprites if s.source.col == -1} == {"dim:0"}


VIEWS = [SETUP + f"b = {op}\n" for op in (
    "a.t()", "a[1:3, 1:3]", "a[1]", "a.view(2, 6)", "a[0].expand(3, 4)", "a.narrow(1, 1, 2)",
    "a.unsqueeze(0)", "a.diagonal()")] + [
    "import torch\na = torch.arange(24).reshape(2, 3, 4)\nb = a.permute(2, 0, 1)\n"]


@pytest.mark.parametrize("script", VIEWS)
def test_the_strip_never_moves_for_a_view(script):
    plan, _, after = _plan(script)
    b = after.tensor("b")
    assert plan.kind == "view" and plan.new_storage is None
    for m in plan.motions:
        assert not isinstance(m.source, StorageCell) and not isinstance(m.target, StorageCell)
    for t in SAMPLES:
        frame = frame_at(plan, t)
        assert all(s.link is None or s.link.storage_id == b.storage_id for s in frame.sprites)
        assert frame.pointer is None or frame.pointer[0] == b.storage_id


@pytest.mark.parametrize("op,word", [
    ("a.t()", "flip"), ("a.mT", "flip"), ("a.permute(1, 0)", "flip"),
    ("a[1:3, 1:3]", "window"), ("a[1]", "window"), ("a.narrow(1, 1, 2)", "window"),
    ("a[:, ::2]", "window"), ("a.view(2, 6)", "reflow"), ("a.flatten()", "reflow"),
    ("a.unsqueeze(0)", "reflow"), ("a[0].expand(3, 4)", "repeat"),
    ("a.diagonal()", "window"), ("a.unfold(1, 2, 1)", "move"),
])
def test_each_view_gets_the_motion_its_meaning_has(op, word):
    plan, _, _ = _plan(SETUP + f"b = {op}\n")
    assert plan.motion == word, op


PERMUTES = [((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (1, 2, 0)), ((2, 3, 4), (1, 0, 2)),
            ((2, 3, 4), (2, 1, 0)), ((3, 2, 5), (2, 0, 1)), ((3, 2, 2), (1, 0, 2))]


@pytest.mark.parametrize("shape,perm", PERMUTES)
def test_permute_re_slices_the_block_strip_by_strip_tied_to_storage(shape, perm):
    """Each result panel gathers one strip of every source panel; a strip whose rows become
    columns turns over as a sheet, one that keeps its direction slides; one strip in flight
    at a time, full size, over the faint places of those waiting (it was a scramble of
    half-size cards, two of them covering each other)."""
    n = shape[0] * shape[1] * shape[2]
    plan, before, after = _plan(f"import torch\nx = torch.arange({n}).reshape{shape}\n"
                                f"p = x.permute{perm}\n")
    assert plan.motion == "turn" and plan.length > 1.0  # more strips, more time to follow
    p = after.tensor("p")
    grid = Grid(p, after.storage(p.storage_id).elements(p.dtype))
    moving = [m for m in plan.motions if not m.style and m.fade == "appear"]
    waiting = [m for m in plan.motions if not m.style and m.fade == "wait"]
    assert len(moving) == len(waiting) == n
    turned = perm[1] == 2 or perm[2] == 1  # x's rows become p's columns, or its columns rows
    strips: dict[tuple, list] = {}
    for m in moving:  # each card linked to what it reads, all the way
        assert m.link.cell == grid.storage_index(m.target.panel, m.target.row, m.target.col)
        assert m.path == ("flip" if turned else "line")
        strips.setdefault((m.target.panel, m.source.panel), []).append(m)
    windows = sorted({(m.start, m.end) for m in moving})
    assert len(windows) == len(strips)  # one window a strip ...
    assert all(a[1] <= b[0] + 1e-9 for a, b in zip(windows, windows[1:]))  # ... in turn
    for cards in strips.values():  # a strip lands whole: a row as a column when it turns
        top = min(m.source.row for m in cards), min(m.source.col for m in cards)
        to = min(m.target.row for m in cards), min(m.target.col for m in cards)
        for m in cards:
            here = (m.source.row - top[0], m.source.col - top[1])
            assert (m.target.row - to[0], m.target.col - to[1]) == (here[::-1] if turned
                                                                      else here)
    widths = {"before": shape[2], "after": p.shape[2]}
    for t in SAMPLES:
        frame = frame_at(plan, t)
        flying = [s for s in frame.sprites if not s.style and 0 < s.progress < 1]
        assert all(s.shape == (1.0, 0.0, 0.0, 1.0) for s in flying if not turned), t
        moving_only = frame.__class__(**{**{f: getattr(frame, f) for f in frame.__slots__},
                                         "sprites": tuple(flying)})
        assert max_overlap(moving_only, widths) < 0.02, t


def test_permute_axis_labels_travel_in_their_colour_with_the_first_strip():
    plan, _, _ = _plan("import torch\nx = torch.arange(24).reshape(2, 3, 4)\n"
                       "p = x.permute(2, 0, 1)\n")
    # x's row axis (dim 1, 3 long) lands as p's column axis in its colour; dim 2 → panels
    labels = [m for m in plan.motions if m.style]
    assert {m.style for m in labels if m.target.which == "after"} == {"dim:1"}
    assert all(m.target.row == -1 for m in labels if m.target.which == "after")
    assert all(m.fade == "out" for m in labels if m.style == "dim:2")
    first = min(m.start for m in plan.motions if m.fade == "appear")
    assert {m.start for m in labels} == {first}


def test_slice_window_shrinks_onto_the_kept_cells_and_the_pointer_follows():
    plan, _, after = _plan(SETUP + "s = a[1:3, 1:3]\n")
    s = after.tensor("s")
    window = plan.window
    assert plan.motion == "window" and window is not None
    (t0, tl0, br0), (t1, tl1, br1), (t2, tl2, br2) = window.keys
    assert (tl0.row, tl0.col, br0.row, br0.col) == (0, 0, 2, 3)   # the whole of a
    assert (tl1.row, tl1.col, br1.row, br1.col) == (1, 1, 2, 2)   # what s keeps
    assert tl2.which == "after" and (br2.row, br2.col) == (1, 1)  # s's own grid
    assert window.span_from == (0, 11) and window.span_to == (5, 10)
    assert plan.pointer == (s.storage_id, 0, 5)
    spans = [frame_at(plan, t).span for t in SAMPLES[:-1]]
    widths = [hi - lo for _, lo, hi in spans]
    assert widths == sorted(widths, reverse=True) and widths[-1] == 5
    at_settle = frame_at(plan, t1)
    assert at_settle.pointer_progress == pytest.approx(1.0)  # the offset is there first
    for t in SAMPLES:  # the cells left out are gone before the kept ones move
        frame = frame_at(plan, t)
        moving = [x for x in frame.sprites if x.opacity == 1.0 and x.progress > 0]
        fading = [x for x in frame.sprites if 0 < x.opacity < 1.0]
        assert not (moving and fading)


def test_copy_lifts_values_off_the_old_strip_in_the_new_logical_order():
    plan, before, after = _plan(SETUP + "b = a.t()\nc = b.contiguous()\n")
    assert plan.kind == "copy" and plan.motion == "lift"
    c = after.tensor("c")
    old = before.tensor("a").storage_id
    cells = [m.source.cell for m in plan.motions]
    assert cells == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]  # b's logical order
    assert [m.target.cell for m in plan.motions] == list(range(12))
    assert all(m.source.storage_id == old and m.target.storage_id == c.storage_id
               for m in plan.motions)
    starts = [m.start for m in plan.motions]
    assert starts == sorted(starts) and len(set(starts)) == 12
    for t in SAMPLES[:-1]:  # what has left is always a prefix of the new order
        left = [s.progress > 0 for s in frame_at(plan, t).sprites]
        assert left == sorted(left, reverse=True)
        lifted = [s for s in frame_at(plan, t).sprites if 0 < s.progress < 1]
        assert all(s.offset[1] < 0 for s in lifted)  # off the strip, not through it


def test_expand_repeats_out_of_the_original_and_counts_on_the_strip():
    plan, _, after = _plan("import torch\nrow = torch.arange(4)\ne = row.expand(3, 4)\n")
    e = after.tensor("e")
    assert plan.motion == "repeat"
    assert [c.cell for c, _ in plan.counts] == [0, 1, 2, 3]
    seen = []
    for t in SAMPLES[:-1]:
        frame = frame_at(plan, t)
        seen.append(max((n for _, n in frame.counts), default=1))
        for s in frame.sprites:
            assert s.link is not None and s.link.storage_id == e.storage_id
    assert seen == sorted(seen) and seen[0] == 1 and 2 in seen and seen[-1] == 3  # ×2, ×3
    copies = [m for m in plan.motions if m.fade == "appear"]
    assert len(copies) == 8
    # every copy peels off the one before it, one row further down
    assert all(m.source.row == m.target.row - 1 and m.source.col == m.target.col
               for m in copies)


def test_expand_counts_from_the_original_alone_to_every_reader():
    """×1 → ×2 → ×3 over the motion, never above what the still shows after it (the
    strip's static count showed through before the first copy left)."""
    plan, _, after = _plan("import torch\nrow = torch.arange(4).reshape(1, 4)\n"
                           "e = row.expand(3, 4)\n")
    for t in SAMPLES[:-1]:
        counts = frame_at(plan, t).counts
        assert [c.cell for c, _ in counts] == [0, 1, 2, 3], t  # on every frame, from t = 0
        assert all(1 <= n <= 3 for _, n in counts)
    assert {n for _, n in frame_at(plan, 0.0).counts} == {1}
    assert frame_at(plan, 1.0).counts == ()  # the still's own count takes over


def test_an_inplace_write_lands_in_storage_first_then_every_grid_cell_reading_it_answers():
    plan, before, after = _plan(SETUP + "b = a.t()\na[0, 0] = 100\nb[1, 2] = 7\n", "b")
    b = after.tensor("b")
    assert plan.motion == "pulse"
    on_strip = [m for m in plan.motions if isinstance(m.source, StorageCell)]
    on_grid = [m for m in plan.motions if isinstance(m.source, GridCell)]
    assert [m.text for m in on_strip] == ["9"]  # b[1, 2] is storage cell 1·1 + 2·4 = 9
    assert [(m.source.row, m.source.col, m.text) for m in on_grid] == [(1, 2, "9")]
    assert b.storage_id == on_strip[0].source.storage_id
    for t in SAMPLES:
        frame = frame_at(plan, t)
        old_on_strip = [s.opacity for s in frame.sprites if isinstance(s.source, StorageCell)]
        old_on_grid = [s.opacity for s in frame.sprites if isinstance(s.source, GridCell)]
        # the grid never shows the new value while the strip still shows the old one
        assert all(g >= s for g in old_on_grid for s in old_on_strip), t
    assert frame_at(plan, 0.05).sprites[0].opacity == 1.0  # the old value, before the write
    assert all(s.opacity < 0.05 for s in frame_at(plan, 0.9).sprites)  # all answered


def test_reflow_moves_cells_in_storage_order():
    plan, _, _ = _plan(SETUP + "v = a.view(2, 6)\n")
    assert plan.motion == "reflow"
    order = sorted(plan.motions, key=lambda m: m.start)
    assert [m.link.cell for m in order] == list(range(12))
    for t in SAMPLES:  # every card is half size while one moves: none lands on a waiting one
        frame = frame_at(plan, t)
        if any(0 < s.progress < 1 for s in frame.sprites):
            assert all(s.shape == (0.5, 0.0, 0.0, 0.5) for s in frame.sprites), t


def test_failed_view_walk_stops_at_the_first_break_and_marks_where_it_should_land():
    plan, _, after = _plan("import torch\nx = torch.arange(24).reshape(4, 6)[:, :3]\n"
                           "y = x.view(12)\n")
    assert plan.motion == "walk"
    storage = [a.cell for a in plan.walk[1::2]]
    assert storage == [0, 1, 2, 6]  # 2 → 6 is the first break: the walk ends there
    assert plan.expected == StorageCell(plan.expected.storage_id, 3)  # +1 would be 3
    assert plan.expected_step == 1
    early, late = frame_at(plan, 0.3), frame_at(plan, 0.85)
    assert not early.broken and early.expected is None
    assert late.broken and late.walk_cells == plan.walk and late.expected == plan.expected
    rest = frame_at(plan, 1.0)  # at rest the break stays marked (the GIF's held frame)
    assert rest.broken and rest.walk_cells == plan.walk and rest.expected == plan.expected
    assert rest.sprites == () and rest.flash == ()


def test_failed_view_past_the_end_still_marks_the_cell():
    plan, _, after = _plan(SETUP + "b = a.t()\nc = b.view(12)\n")
    assert [a.cell for a in plan.walk[1::2]] == [0, 4, 8, 1]
    assert plan.expected.cell == 12 and plan.storage_last == 11  # 8 + 4: past the end


def _meets(segment, rect) -> bool:
    """Whether a segment touches the inside of rect (sampled finely: a link is straight)."""
    (x0, y0), (x1, y1) = segment
    x, y, w, h = rect
    for n in range(201):
        s = n / 200
        px, py = x0 + (x1 - x0) * s, y0 + (y1 - y0) * s
        if x < px < x + w and y < py < y + h:
            return True
    return False


@pytest.mark.parametrize("viewport", [(1280, 720), (1920, 1080), (800, 1000), (1600, 600)])
@pytest.mark.parametrize("script", [
    "import torch\nx = torch.arange(24).reshape(2, 3, 4)\np = x.permute(2, 0, 1)\n",
    "import torch\nx = torch.arange(24).reshape(2, 3, 4)\np = x.movedim(0, 2)\n",
    SETUP + "b = a.t()\n",
])
def test_link_lines_never_cross_the_address_formula(script, viewport):
    """The lines tying moving cells to their storage cells, in the scene's coordinates as
    the canvas draws them (links.frame_links), stay clear of the formula's rectangle at
    every frame; they still reach their storage cell."""
    from stridescope.engine.picture.compose import compose
    from stridescope.engine.picture.links import frame_links
    from stridescope.engine.picture.scene import Viewport, ViewState, locate

    result = run_script(script)
    scene = compose(result, ViewState(step=len(result.steps) - 1), Viewport(*viewport))
    assert scene.plan is not None and scene.plan.motion in ("turn", "flip")
    assert scene.formula is not None
    crossed = 0
    for t in SAMPLES[:-1]:
        frame = frame_at(scene.plan, t)
        links = frame_links(scene, frame)
        assert len(links) == sum(1 for s in frame.sprites if s.link is not None)
        for sprite, (_, pieces) in zip([s for s in frame.sprites if s.link], links):
            assert pieces, "a link is never wholly hidden: it reaches its storage cell"
            cell = locate(scene, sprite.link)
            end = pieces[-1][1]
            assert end == pytest.approx((cell[0] + cell[2] / 2, cell[1] + 2))
            crossed += len(pieces) - 1
            for piece in pieces:
                assert not _meets(piece, scene.formula), (t, piece, scene.formula)
    if viewport == (1280, 720) and "permute" in script:
        assert crossed > 0  # the stacked layout: the formula is in their way, so they break


@pytest.mark.parametrize("script", [SETUP + "b = a.t()\n", SETUP + "b = a.t().contiguous()\n",
                                    "import torch\nx = torch.arange(24).reshape(2, 3, 4)\n"
                                    "b = x.permute(2, 0, 1)\n", SETUP + "b = a[1:, ::2]\n"])
def test_the_old_to_new_line_and_travelling_labels_are_gone_before_the_result_comes(script):
    """The result's header and labels fade in where the tweens and the travelling labels
    are: both at once read as garbled text ("shape (3, 4) → (4, 3)" over "b shape (4, 3) ·")."""
    plan, _, _ = _plan(script)
    assert plan.kind in ("view", "copy")
    for t in SAMPLES:
        frame = frame_at(plan, t)
        labels = [s.opacity for s in frame.sprites if s.style]
        if frame.result_opacity > 0:
            assert frame.tweens_opacity == 0 and not any(labels), t
    assert frame_at(plan, 0.5).tweens_opacity == 1.0
