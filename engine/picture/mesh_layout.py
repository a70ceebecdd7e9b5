"""The picture of a sharded tensor (issue 22): the global grid coloured by owning rank
(replicated cells striped in every owner's colour), the mesh as a small grid of ranks, and
every rank's local storage strip with its local shape, stride and offset. Pure: the canvas
paints it (gui/canvas/mesh_item.py); hovering a global cell lights `links[cell]`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product

from stridescope.engine.model.mesh import RankState, ShardState
from stridescope.engine.model.state import Step
from stridescope.engine.picture.scene import Rect, Text, Translate, TypeScale
from stridescope.engine.picture.text import elide

MAX_GRID = 24  # rows and columns of the global grid drawn (the rest: said in a note)


@dataclass(frozen=True, slots=True)
class MeshCell:
    """A cell of the global grid ("global", i, j), of the mesh ("rank", r) or of a rank's
    local storage ("local", r, k); `ranks` colour it (several: striped)."""

    key: tuple
    rect: Rect
    ranks: tuple[int, ...]
    text: str = ""


@dataclass(frozen=True, slots=True)
class MeshLayout:
    name: str
    rect: Rect
    texts: tuple[Text, ...]
    cells: tuple[MeshCell, ...]
    value_px: float                     # 0: values not legible (hover shows them)
    # global cell key -> the rank cells and local storage cells that hold it
    links: dict = field(compare=False, default_factory=dict)
    # the animation into this step: (local cell key, where its value comes from)
    moves: tuple[tuple[tuple, Rect], ...] = ()


def mesh_name(step: Step, focus: str | None) -> str | None:
    """The DTensor to draw: the focus if it is one, else the one the statement bound last."""
    if not step.ranks or not step.ranks[0].tensors:
        return None
    names = [t.name for t in step.ranks[0].tensors]
    if focus in names:
        return focus
    bound = step.source.split("=", 1)[0].strip() if "=" in step.source else ""
    return bound if bound in names else names[-1]


def _global_index(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns of the drawn global grid (a 1-D tensor is one row; 3-D+ folds)."""
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return 1, shape[0]
    return math.prod(shape[:-1]), shape[-1]


def _owners(shards: list[tuple[RankState, ShardState]], position: tuple[int, ...]):
    """(rank, local storage index) for every rank whose block holds global `position`."""
    out = []
    for rank, shard in shards:
        local = tuple(p - o for p, o in zip(position, shard.global_offset, strict=True))
        if all(0 <= i < n for i, n in zip(local, shard.local_shape, strict=True)):
            k = shard.local_storage_offset + sum(i * s for i, s in zip(local, shard.local_stride,
                                                                          strict=True))
            out.append((rank.rank, k, local))
    return out


def _value(shard: ShardState, local: tuple[int, ...]) -> str:
    if shard.values is None:
        return ""
    flat = 0
    for i, n in zip(local, shard.local_shape, strict=True):
        flat = flat * n + i
    v = shard.values[flat] if flat < len(shard.values) else None
    if isinstance(v, float):
        return f"{v:g}"
    return "" if v is None else str(v)


def mesh_layout(step: Step, name: str, body: Rect, ts: TypeScale,
                tr: Translate) -> MeshLayout:
    x0, y0, w, h = body
    shards = [(r, r.tensor(name)) for r in step.ranks if r.tensor(name) is not None]
    first = shards[0][1]
    texts: list[Text] = []
    cells: list[MeshCell] = []
    links: dict = {}
    line = ts.body * 1.5
    title = tr("{name}: global shape {shape} · placements {placements} · mesh {mesh}").format(
        name=name, shape=tuple(first.global_shape), placements=", ".join(first.placements),
        mesh="×".join(str(n) for n in first.mesh_shape))
    texts.append(Text((x0, y0, w, line), elide(title, ts.body, w), ts.body, "text", bold=True))
    top = y0 + line + ts.small * 0.5
    left_w = w * 0.48
    right_x = x0 + left_w + ts.small * 2
    right_w = x0 + w - right_x
    # ---- the global grid
    rows, cols = _global_index(first.global_shape)
    shown_r, shown_c = min(rows, MAX_GRID), min(cols, MAX_GRID)
    mesh_rows, mesh_cols = (first.mesh_shape[0], math.prod(first.mesh_shape[1:])) \
        if len(first.mesh_shape) > 1 else (1, first.mesh_shape[0])
    mesh_h = min(h * 0.28, mesh_rows * ts.body * 3.2) + line
    grid_h = h - (top - y0) - mesh_h - ts.small * 2
    cell = max(4.0, min(left_w / shown_c, grid_h / shown_r, ts.small * 8))
    value_px = round(min(cell * 0.38, ts.body), 1)
    value_px = value_px if value_px >= ts.small else 0.0
    shape = first.global_shape or (1,)
    for i, j in product(range(shown_r), range(shown_c)):
        position = _unflat(i, j, shape)
        owners = _owners(shards, position)
        rect = (x0 + j * cell, top + i * cell, cell, cell)
        text = ""
        if owners:
            rank, _k, local = owners[0]
            text = _value(dict((r.rank, s) for r, s in shards)[rank], local)
        key = ("global", i, j)
        cells.append(MeshCell(key, rect, tuple(o[0] for o in owners), text))
        links[key] = tuple(("rank", o[0]) for o in owners) + tuple(
            ("local", o[0], o[1]) for o in owners)
    note_y = top + shown_r * cell + ts.small * 0.4
    if (shown_r, shown_c) != (rows, cols):
        texts.append(Text((x0, note_y, left_w, ts.small * 1.4), tr(
            "showing {r}×{c} of {rows}×{cols} cells").format(r=shown_r, c=shown_c, rows=rows,
                                                               cols=cols), ts.small, "muted"))
        note_y += ts.small * 1.5
    # ---- the mesh of ranks
    mesh_top = max(note_y, y0 + h - mesh_h) + ts.small * 0.5
    texts.append(Text((x0, mesh_top, left_w, line), tr("mesh {mesh}: one process per rank")
                      .format(mesh="×".join(str(n) for n in first.mesh_shape)), ts.body,
                      "muted"))
    box_h = (mesh_h - line - ts.small) / mesh_rows
    box_w = min(left_w / mesh_cols, box_h * 3)
    for rank, _shard in shards:
        r, c = divmod(rank.rank, mesh_cols)
        rect = (x0 + c * box_w, mesh_top + line + r * box_h, box_w - 4, box_h - 4)
        coordinate = ", ".join(str(n) for n in rank.coordinate)
        cells.append(MeshCell(("rank", rank.rank), rect, (rank.rank,),
                              tr("rank {rank} ({coordinate})").format(rank=rank.rank,
                                                                        coordinate=coordinate)))
    # ---- every rank's local storage
    share = (y0 + h - top) / max(1, len(shards))
    for n, (rank, shard) in enumerate(shards):
        y = top + n * share
        label = tr("rank {rank} local: {shape} · stride {stride} · offset {offset}").format(
            rank=rank.rank, shape=tuple(shard.local_shape), stride=tuple(shard.local_stride),
            offset=shard.local_storage_offset)
        texts.append(Text((right_x, y, right_w, ts.small * 1.6), elide(label, ts.small,
                                                                        right_w), ts.small,
                          f"tensor:{rank.rank}", bold=True))
        count = max(shard.storage_numel, 1)
        room_h = share - ts.small * 2.2
        # the cells per row that give the biggest cells (rows wrap inside the rank's share)
        per_row = max(range(1, min(count, 4096) + 1), key=lambda n: min(
            right_w / n, room_h / math.ceil(count / n)))
        size = max(3.0, min(right_w / per_row, room_h / math.ceil(count / per_row), cell))
        by_storage = _storage_values(shard)
        for k in range(min(count, 4096)):
            r, c = divmod(k, per_row)
            rect = (right_x + c * size, y + ts.small * 1.8 + r * size, size, size)
            cells.append(MeshCell(("local", rank.rank, k), rect, (rank.rank,),
                                  by_storage.get(k, "")))
    return MeshLayout(name, body, tuple(texts), tuple(cells), value_px, links)


def _unflat(i: int, j: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The global position of drawn cell (i, j): rows fold every dim but the last."""
    if len(shape) == 1:
        return (j,)
    lead = []
    for n in reversed(shape[:-1]):
        lead.insert(0, i % n)
        i //= n
    return (*lead, j)


def _storage_values(shard: ShardState) -> dict[int, str]:
    """Local storage index -> value text, from the local tensor's values in logical order."""
    out: dict[int, str] = {}
    if shard.values is None:
        return out
    for flat, local in enumerate(product(*(range(n) for n in shard.local_shape))):
        if flat >= len(shard.values):
            break
        k = shard.local_storage_offset + sum(i * s for i, s in zip(local, shard.local_stride,
                                                                      strict=True))
        v = shard.values[flat]
        out[k] = f"{v:g}" if isinstance(v, float) else str(v)
    return out


def source_name(before: Step, after: Step, name: str) -> str | None:
    """The DTensor of the step before that the statement reads (x in y = x.redistribute())."""
    if not before.ranks:
        return None
    import re

    names = {t.name for t in before.ranks[0].tensors}
    used = [n for n in re.findall(r"[A-Za-z_]\w*(?=\s*\.)", after.source) if n in names]
    return used[0] if used else None


def with_moves(layout: MeshLayout, after: Step, before_layout: MeshLayout | None,
               before: Step | None) -> MeshLayout:
    """Where each local cell of `layout` flies from: the rank cell that held the same
    global position before (a redistribute: blocks move between rank strips; a rank that
    already held it keeps it in place), else the global grid cell (distribute_tensor)."""
    from dataclasses import replace

    rects = {c.key: c.rect for c in layout.cells}
    old = {c.key: c.rect for c in before_layout.cells} if before_layout else {}
    old_holders: dict[tuple, list[tuple[int, int]]] = {}
    if before_layout is not None and before is not None:
        for rank in before.ranks:
            shard = rank.tensor(before_layout.name)
            if shard is not None:
                for position, k in _local_cells(shard):
                    old_holders.setdefault(position, []).append((rank.rank, k))
    moves = []
    for rank in after.ranks:
        shard = rank.tensor(layout.name)
        if shard is None:
            continue
        for position, k in _local_cells(shard):
            key = ("local", rank.rank, k)
            if key not in rects:
                continue
            holders = old_holders.get(position, [])
            same = next(((r, j) for r, j in holders if r == rank.rank), None)
            source = same or (holders[0] if holders else None)
            start = old.get(("local", *source)) if source else None
            if start is None:
                i, j = _drawn(position)
                start = rects.get(("global", i, j))
            if start is not None:
                moves.append((key, start))
    return replace(layout, moves=tuple(moves))


def _local_cells(shard: ShardState):
    """(global position, local storage index) of every element of the local tensor."""
    for local in product(*(range(n) for n in shard.local_shape)):
        k = shard.local_storage_offset + sum(i * s for i, s in zip(local, shard.local_stride,
                                                                      strict=True))
        yield tuple(i + o for i, o in zip(local, shard.global_offset, strict=True)), k


def _drawn(position: tuple[int, ...]) -> tuple[int, int]:
    """The drawn global grid cell (row, column) of a global position (inverse of _unflat)."""
    if len(position) <= 1:
        return 0, position[0] if position else 0
    return position[0], position[-1]  # exact for 2-D; 3-D+ folds (approximate start)
