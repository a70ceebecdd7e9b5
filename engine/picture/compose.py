"""One pure path from the document to pixels: compose(step, view, viewport) -> Scene.

The Scene says everything the canvas paints and where, in viewport pixels: the header
(step, code, caption, output, error), the focused tensor's logical grid, its storage strip
(other storages as one summary line each), the address formula, every label with its size.
The window, every exporter and the Python API paint a Scene; none of them lays out.

Here the panes are placed and the cells a step wrote are marked; the rules the layout follows
are NOTE [Picture layout] in arrange.py. The Scene's values are in scene.py, the grid's and
the strip's layouts in grid_layout.py and strip_layout.py, their words in labels.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from stridescope.engine.model.state import RunResult, Step
from stridescope.engine.model.substeps import (
    call_label,
    call_labels,
    failing_call_step,
    substep_count,
    substep_step,
)
from stridescope.engine.picture.arrange import (
    Arrangement,
    Key,
    _grid_fits,
    _largest,
    _overflows,
    demand,
    expanded_storages,
    grid_height,
    grown_arrangement,
    panes,
    squeezed_arrangement,
    under_strip,
)
from stridescope.engine.picture.content import Picture, build_picture
from stridescope.engine.picture.grid_layout import before_grid, grid_layout
from stridescope.engine.picture.labels import (
    header_height,
    header_texts,
    memory_summary,
    numpy_memories,
    reserved_header,
    summary,
)
from stridescope.engine.picture.measures import formula_digits, formula_line_count
from stridescope.engine.picture.mesh_layout import (
    mesh_layout,
    mesh_name,
    source_name,
    with_moves,
)
from stridescope.engine.picture.scene import (
    GridLayout,
    Rect,
    Scene,
    StripLayout,
    Text,
    Translate,
    TypeScale,
    Viewport,
    ViewState,
)
from stridescope.engine.picture.strip_layout import strip_layout
from stridescope.engine.picture.text import fit_clauses
from stridescope.engine.picture.transition import plan_transition


# ----------------------------------------------------------------------------- colours
def tensor_colors(steps: Sequence[Step]) -> dict[str, int]:
    """A stable colour per tensor name, in order of first appearance across the script."""
    colors = {name: i for i, name in enumerate(_first_steps(tuple(steps)))}
    for step in steps:  # after every name, so a chain's calls shift no named tensor's colour
        for k in range(len(step.substeps)):
            colors.setdefault(call_label(step.substeps, k), len(colors))
    return colors


_FIRST_SEEN: list[tuple[tuple[Step, ...], dict[str, int]]] = []  # the last few runs


def _first_steps(steps: tuple[Step, ...]) -> dict[str, int]:
    """Each tensor name → the step it first appears in, in order of appearance. A run resumed
    from a checkpoint (engine/worker/checkpoints.py) holds the same Step objects as an earlier
    run up to the edit: that prefix is not scanned again (10,000 steps took 170 ms)."""
    start, first = 0, {}
    for old_steps, old_first in _FIRST_SEEN:
        same = 0
        for a, b in zip(old_steps, steps):
            if a is not b:
                break
            same += 1
        if same > start:
            start, first = same, {n: i for n, i in old_first.items() if i < same}
    for i in range(start, len(steps)):
        for t in (*steps[i].tensors, *steps[i].arrays):
            first.setdefault(t.name, i)
    _FIRST_SEEN.insert(0, (steps, first))
    del _FIRST_SEEN[4:]
    return first


@lru_cache(maxsize=8)
def _colors_of(result_key: Key) -> dict[str, int]:
    """The colours of a run, once per run (not once per step shown: a long script would make
    every key press cost its length). Read-only for callers."""
    result: RunResult = result_key.value
    return tensor_colors(result.steps or (_empty_step(result),))


# ----------------------------------------------------------------------------- compose
def compose(result: RunResult, view: ViewState, viewport: Viewport,
            translate: Translate = lambda text: text) -> Scene:
    """The Scene for one step of a run, cached on (result, view, viewport, language)."""
    return _compose_cached(Key(result), view, viewport, Key(translate))


@lru_cache(maxsize=64)
def _compose_cached(result_key: Key, view: ViewState, viewport: Viewport,
                    translate_key: Key) -> Scene:
    result: RunResult = result_key.value
    tr: Translate = translate_key.value
    steps = result.steps or (_empty_step(result),)
    index = len(steps) - 1 if view.step < 0 else min(view.step, len(steps) - 1)
    step, previous = _shown_step(steps, index, view.substep)
    focus = view.focus
    if step.substep >= 0 and focus not in call_labels(step):
        focus = None  # a call's own tensor, not the names the statement started from
    colors = _colors_of(result_key)
    picture = build_picture(step, focus, colors, view.panel_start)
    ts = TypeScale.for_viewport(viewport)
    margin = round(ts.small * 1.2)
    width = viewport.width - 2 * margin
    # The family's direction and split are chosen for the body under the header with the
    # lesson's longest caption and no error; a step whose error block takes more height is
    # fitted into what is left (smaller cells, same direction: issue 20, no layout jump).
    room = view.caption_room if len(view.caption_room) > len(view.caption) else view.caption
    calm = header_texts(step, len(steps), room, ts, margin, width, tr, False)
    calm_h = reserved_header(result, steps, replace(view, caption=room), ts, width, tr, calm)
    family_body = (margin, margin + calm_h, width, viewport.height - 2 * margin - calm_h)
    family = picture.grid.tensor.storage_id if picture.grid is not None else None
    if step.substep >= 0:  # a chain's calls share one layout (see arrange._call_demands)
        family = ("calls", step.index)

    def body_under(header: tuple[Text, ...]) -> Rect:
        if ts.compact:  # presenting, a header takes what its lines need (NOTE [Picture
            # layout] 5); an error block, the room kept for longer captions (NOTE [Error room])
            header_h = header_height(header, ts)
        else:
            header_h = max(reserved_header(result, steps, view, ts, width, tr, header), calm_h)
        return (margin, margin + header_h, width, viewport.height - 2 * margin - header_h)

    own = demand(picture)  # what the step asks of the layout (worked out once)
    header = _fitted_header(lambda lines: header_texts(step, len(steps), view.caption, ts,
                                                       margin, width, tr, error_lines=lines),
                            body_under, step, ts, result_key, viewport, family_body, family,
                            own)
    body = body_under(header)
    name = mesh_name(step, view.focus)
    if name is not None:  # a mesh run's DTensor: the global grid by rank, every rank's strip
        mesh = mesh_layout(step, name, body, ts, tr)
        if view.animate and step.index > 0 and result.steps:
            before = steps[step.index - 1]
            source = source_name(before, step, name)
            mesh = with_moves(mesh, step, mesh_layout(before, source, body, ts, tr)
                              if source else None, before)
        return Scene(viewport, ts, picture, header, None, (), (), None, None, None, len(steps),
                     colors, view.value_colors, mesh)
    plan = None
    if view.animate and previous is not None and result.steps:
        plan = plan_transition(previous, step, picture.focus)
    arrangement = _step_arrangement(result_key, viewport, ts, family_body, body, family, own)
    # stacked: the grid at the top, the strip at the bottom of the frame (where the family's
    # tallest strip ends: same memory, same place); side by side: the strip centred by the
    # family's tallest strip, the grid by its own height (each step's tensor is a slide)
    grid_shift = 0.0
    strip_pane = panes((arrangement.direction, arrangement.share), body, ts)[1]
    shift = max(0.0, strip_pane[3] - arrangement.strip_h)
    if arrangement.direction == "side":
        grid_pane = panes(("side", arrangement.share), body, ts)[0]
        if ts.compact and own is not None:
            arrangement = _slide_grid(arrangement, own, ts, grid_pane, viewport)
        grid_h = grid_height(own, arrangement, ts, grid_pane) if own else body[3]
        grid_shift = max(0.0, (body[3] - grid_h) / 2)
        shift = max(0.0, (body[3] - arrangement.strip_h) / 2)
    grid, strips, summaries, formula = _place(picture, ts, body, arrangement, colors, tr,
                                              shift, grid_shift)
    if ts.compact and formula is not None and _formula_overruns(formula, strips, viewport):
        formula = None  # presenting, a frame too full for it: no formula over the strips
    if step.written_storages and previous is not None and result.steps:
        grid, strips = _mark_written(previous, step, grid, strips)
    elif step.error is not None:
        grid, strips = _mark_error_cells(step, grid, strips)
    if grid is None and not strips and not summaries and step.error is None:
        # `import torch`, a seed, a print of a number: say why the frame is empty
        summaries = (Text((body[0], body[1] + body[3] * 0.4, body[2], ts.body * 1.6),
                          tr("No tensor yet: the picture starts with the first tensor "
                             "the script makes."), ts.body, "muted", align="center"),)
    source_grid = None
    if plan is not None and plan.before is not None and grid is not None:
        source_grid = before_grid(plan.before, previous, grid, ts, colors, tr)
    return Scene(viewport, ts, picture, header, grid, strips, summaries, formula, plan,
                 source_grid, len(steps), colors, view.value_colors)


def _step_arrangement(result_key: Key, viewport: Viewport, ts: TypeScale,
                      family_body: Rect, body: Rect, family, own) -> Arrangement:
    """The family's arrangement fitted into the step's body; presenting, the step's own
    grid grows into the room its pane has (NOTE [Picture layout] 5: each step a slide)."""
    a = squeezed_arrangement(result_key, viewport, ts, family_body, body, family, own)
    if ts.compact and own is not None:
        cap = max(a.grid_cell, min(viewport.width, viewport.height) / 3.4)
        a = grown_arrangement(a, ts, body, own, cap)
    return a


def _fitted_header(make, body_under, step: Step, ts: TypeScale, result_key: Key,
                   viewport: Viewport, family_body: Rect, family, own) -> tuple[Text, ...]:
    """NOTE [Error room]: presenting, an error block keeps as much of its explanation as the
    picture leaves room for: the whole message always, then the explanation whole if the
    step's grid and strips still fit at legible cells under it (no row or column elided that
    the step's calm layout shows, values drawn), else its first whole sentences, as many as
    keep them so (the first always), and where the rest is (the console, after Esc). The
    block may take the room the family's header keeps for the lesson's longest caption. It
    was a fixed 5 lines under that room: tutorial step 8 (a 4×3 grid) kept 2 of its 5
    explanation lines with a band of the frame left empty. `make(lines)` is the header
    with the error block in `lines` lines (None: all of it), `body_under(header)` the body
    it leaves; out of presentation, all of it."""
    explanation = step.error.explanation if step.error is not None else None
    whole = make(None)
    if not ts.compact or explanation is None:
        return whole
    if own is None:  # no grid: the strips (if any) keep most of the frame
        def fits(header) -> bool:
            return body_under(header)[3] >= (viewport.height - family_body[0] * 2) * 0.4
    else:
        counted = ((own, 1),)
        calm = squeezed_arrangement(result_key, viewport, ts, family_body, family_body,
                                    family, own)
        # (+ ts.small: the measure counts a gap under the last row of panels and under the
        # strip, which the frame's margin takes: grid_layout._grid_window leaves it out)
        allowed = max(1.0, _overflows(calm, ts, family_body, counted)) + ts.small

        def fits(header) -> bool:
            body = body_under(header)
            a = _step_arrangement(result_key, viewport, ts, family_body, body, family, own)
            return _overflows(a, ts, body, counted) <= allowed
    if fits(whole):
        return whole
    # the most lines that fit (fewer lines never fit worse): message + explanation lines
    lo, hi = 0, sum(1 for t in whole if t.fill == "error" and t.style != "muted") - 1
    best = make(lo)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        header = make(mid)
        if fits(header):
            lo, best = mid, header
        else:
            hi = mid - 1
    return best


def _slide_grid(a: Arrangement, own, ts: TypeScale, grid_pane: Rect,
                viewport: Viewport) -> Arrangement:
    """Presenting side by side, a small grid (a 2×2 slice) grows into its pane, up to twice
    the family's cell: the step's tensor is what the class looks at, and the strip beside it
    keeps the family's cell and place (issue 20)."""
    fits = _largest(lambda c: _grid_fits(own, c, ts, grid_pane,
                                         not under_strip(ts, a.direction, own)))
    cell = min(fits, a.grid_cell * 2, min(viewport.width, viewport.height) / 3.4)
    return replace(a, grid_cell=cell) if cell > a.grid_cell else a


def _formula_overruns(formula, strips: tuple[StripLayout, ...], viewport: Viewport) -> bool:
    x, y, w, h = formula
    if y + h > viewport.height + 1 or x + w > viewport.width + 1:
        return True
    return any(x < sx + sw - 1 and sx < x + w - 1 and y < sy + sh - 1 and sy < y + h - 1
               for sx, sy, sw, sh in (s.rect for s in strips))


def _shown_step(steps: Sequence[Step], index: int, k: int) -> tuple[Step, Step | None]:
    """The step drawn (statement `index`, or its call `k`) and the one its transition starts
    from: the previous call, else the step before the statement."""
    before = steps[index - 1] if index > 0 else None
    statement = steps[index]
    if not 0 <= k < substep_count(statement):  # a chain that failed: the call's input drawn
        return failing_call_step(before, statement) or statement, before
    previous = substep_step(before, statement, k - 1) if k > 0 else before
    return substep_step(before, statement, k), previous


def _empty_step(result: RunResult) -> Step:
    from stridescope.engine.model.state import ErrorInfo

    error = result.syntax_error or ErrorInfo("Error", "the script has no statements", None)
    return Step(0, error.line or 1, error.line or 1, "", "", error, (), ())


# ----------------------------------------------------------------------------- placing
def _place(picture: Picture, ts: TypeScale, body: Rect, arrangement: Arrangement,
           colors: dict[str, int], tr: Translate, shift: float = 0.0,
           grid_shift: float = 0.0):
    grid_pane, strip_pane = panes((arrangement.direction, arrangement.share), body, ts)
    under = under_strip(ts, arrangement.direction, demand(picture))  # the formula's place
    if arrangement.direction == "side":
        grid_pane = (grid_pane[0], grid_pane[1] + grid_shift, grid_pane[2],
                     grid_pane[3] - grid_shift)
    else:
        grid_pane = (grid_pane[0], grid_pane[1] + grid_shift, grid_pane[2], grid_pane[3])
    strip_pane = (strip_pane[0], strip_pane[1] + shift, strip_pane[2], strip_pane[3] - shift)
    grid = None
    formula = None
    strips: list[StripLayout] = []
    summaries: list[Text] = []
    focused = picture.grid.tensor if picture.grid is not None else None
    if picture.grid is not None:
        grid, formula = grid_layout(picture.grid, ts, grid_pane,
                                     arrangement.grid_cell, colors, tr, picture,
                                     formula_below=not under)
        if arrangement.direction == "stack":  # never under the grid, even when it overran
            end = formula[1] + formula[3] + ts.small
            if end > strip_pane[1]:
                strip_pane = (strip_pane[0], end, strip_pane[2],
                              strip_pane[1] + strip_pane[3] - end)
    y = strip_pane[1]
    expanded = expanded_storages(picture)
    others = [s for s in picture.strips if s.storage.id not in expanded]
    room = max(0, int((strip_pane[3] * 0.35) // (ts.body * 1.4)))  # at most a third
    if len(others) > room:
        hidden = others[max(room - 1, 0):]
        others = others[:max(room - 1, 0)]
        if room:
            summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                                  tr("+{n} more storages: {names}").format(
                                      n=len(hidden), names=", ".join(
                                          s.storage.label for s in hidden)),
                                  round(ts.small * 1.1, 1), "muted"))
            y += ts.body * 1.4
    for memory in numpy_memories(picture.step):  # arrays in memory no tensor storage holds
        summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                              fit_clauses(memory_summary(picture.step, memory, tr),
                                          ts.small * 1.1, strip_pane[2]),
                              round(ts.small * 1.1, 1), "muted"))
        y += ts.body * 1.4
    for strip in others:
        summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                              fit_clauses(summary(strip, tr), ts.small * 1.1, strip_pane[2]),
                              round(ts.small * 1.1, 1), "muted"))
        y += ts.body * 1.4
    if summaries:
        y += ts.small * 0.6
    by_id = {s.storage.id: s for s in picture.strips}
    bottom = strip_pane[1] + strip_pane[3]
    formula_h = 0.0
    if focused is not None and under:
        lines = formula_line_count(ts, focused.ndim, focused.name, focused.storage_offset,
                                   strip_pane[2], formula_digits(focused.shape, focused.stride,
                                                                 focused.storage_offset))
        formula_h = ts.body * (2.9 + 1.45 * (lines - 2))
        bottom -= formula_h + ts.small  # room kept for it
    for n, storage_id in enumerate(expanded):
        share = (bottom - y) / (len(expanded) - n)  # the rest, split among the strips left
        layout = strip_layout(by_id[storage_id], focused, ts, (strip_pane[0], y, strip_pane[2],
                               share), arrangement.strip_cell, tr,
                               _ghosts(picture.step, storage_id) if n == 0 else ())
        if n and layout.rect[1] + layout.rect[3] > bottom:  # no room: a summary line instead
            if y + ts.body * 1.4 <= bottom:
                summaries.append(Text((strip_pane[0], y, strip_pane[2], ts.body * 1.4),
                                      fit_clauses(summary(by_id[storage_id], tr),
                                                  ts.small * 1.1, strip_pane[2]),
                                      round(ts.small * 1.1, 1), "muted"))
                y += ts.body * 1.4
            continue
        strips.append(layout)
        y = layout.rect[1] + layout.rect[3] + ts.small
    if formula_h:
        formula = (strip_pane[0], y, strip_pane[2], formula_h)
    if focused is None and picture.strips:  # no grid (an error before any tensor): strips
        for strip in picture.strips[:1]:
            strips.append(strip_layout(strip, None, ts, strip_pane, arrangement.strip_cell,
                                        tr))
    return grid, tuple(strips), tuple(summaries), formula


def _mark_written(before: Step, after: Step, grid: GridLayout | None,
                  strips: tuple[StripLayout, ...]):
    """Outline what a write changed, in the still too: the storage cells whose bytes differ
    from the step before, and every grid cell reading one of them."""
    from dataclasses import replace

    from stridescope.engine.picture.transition import _grid_cells_reading

    marked = []
    changed_focus: np.ndarray | None = None
    for layout in strips:
        strip = layout.strip
        old, new = before.storage(strip.storage.id), strip.storage
        a = old.elements(strip.dtype) if old is not None else None
        b = new.elements(strip.dtype)
        if strip.storage.id not in after.written_storages or a is None or b is None \
                or len(a) != len(b):
            marked.append(layout)
            continue
        same = (a == b) | ((a != a) & (b != b))  # NaN stays NaN: unchanged
        changed = np.nonzero(~same)[0][:4096]
        marked.append(replace(layout, written=tuple(int(k) for k in changed)))
        if grid is not None and grid.grid.tensor.storage_id == strip.storage.id:
            changed_focus = changed
    if grid is not None and changed_focus is not None and len(changed_focus):
        cells = _grid_cells_reading(grid.grid.tensor, changed_focus)
        grid = replace(grid, written=frozenset((c.panel, c.row, c.col) for c in cells))
    return grid, tuple(marked)


def _mark_error_cells(step: Step, grid: GridLayout | None, strips: tuple[StripLayout, ...]):
    """An error about particular cells (a write to a cell several positions share, a slice
    that would walk backwards) outlines them in the still, and every position reading them."""
    from dataclasses import replace

    from stridescope.engine.picture.transition import _grid_cells_reading

    explanation = step.error.explanation if step.error is not None else None
    if getattr(explanation, "kind", "") not in ("overlapping_write", "partial_overlap",
                                                "negative_step") or grid is None:
        return grid, strips
    receiver = getattr(getattr(explanation, "receiver", None), "name", None)
    t = grid.grid.tensor
    if receiver != t.name:
        return grid, strips
    shared = getattr(explanation, "cell", None)
    cells = tuple(sorted({shared} if shared is not None else set(explanation.cells)))
    marked = tuple(replace(s, written=cells) if s.strip.storage.id == t.storage_id else s
                   for s in strips)
    reading = _grid_cells_reading(t, np.asarray(cells, dtype=np.int64))
    return replace(grid, written=frozenset((c.panel, c.row, c.col) for c in reading)), marked


def _ghosts(step: Step, storage_id: int) -> tuple[int, ...]:
    """Cells past the storage's end that a failed as_strided layout would read."""
    explanation = step.error.explanation if step.error is not None else None
    cells = tuple(getattr(explanation, "out_of_bounds", ()) or ())
    receiver = getattr(explanation, "receiver", None)
    name = getattr(receiver, "name", None)
    t = step.tensor(name) if name else None
    return cells if t is not None and t.storage_id == storage_id else ()
