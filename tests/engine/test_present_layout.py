"""Presentation mode at projector sizes (issue 20): big type, and still nothing elided on a
lesson step: the values stay in their cells, the grid is the biggest thing on screen."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.mesh import mesh_of_source
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.measures import legible_cell
from stridescope.engine.picture.scene import TypeScale, Viewport, ViewState
from stridescope.engine.picture.text import fit_value_px, text_width
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.teaching.lessons import lesson_names, load_lesson


@pytest.mark.parametrize("viewport", [Viewport(1280, 720), Viewport(1920, 1080),
                                      Viewport(1280, 720, presentation=True),
                                      Viewport(1920, 1080, presentation=True)])
@pytest.mark.parametrize("widest", [1, 2, 3, 6])
def test_a_legible_cell_draws_its_value(viewport, widest):
    """The cell the layout calls legible is one the painter draws a value in (values
    vanished at that very size: 0.42 of a cell was below the smallest type)."""
    ts = TypeScale.for_viewport(viewport)
    values = np.array([int("9" * widest)])
    assert fit_value_px(legible_cell(ts, widest), values, [0], ts) >= ts.small


# ----------------------------------------------------------------------------- lessons

PRESENT = [Viewport(1280, 720, presentation=True), Viewport(1920, 1080, presentation=True)]
LESSONS = sorted(n for n in lesson_names() if mesh_of_source(load_lesson(n).script) is None)


@cache
def _run(name: str):
    return run_script(load_lesson(name).script)


def _scenes(name: str, viewport: Viewport, lang: str = "en"):
    lesson, result, tr = load_lesson(name), _run(name), translator(lang)
    room = max((lesson.caption(s, lang) for s in result.steps), key=len)
    for index, step in enumerate(result.steps):
        caption = lesson.caption(step, lang)
        view = ViewState(step=index, lang=lang, caption=caption, caption_room=room)
        yield step, caption, compose(result, view, viewport, tr)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("viewport", PRESENT, ids=["720p", "1080p"])
@pytest.mark.parametrize("name", LESSONS)
def test_presenting_no_label_is_cut(name, viewport, lang):
    """Every label of every step, error steps included, whole: a strip's details and a
    relation line drop whole clauses where they are short; none ends in "…" that the
    script or the lesson did not write (a break note "… 4 more cells …" is no cut)."""
    for step, caption, scene in _scenes(name, viewport, lang):
        written = step.source + step.stdout + caption
        cut = [t.text for t in scene.texts() if t.text.endswith("…") and t.text != "…"
               and not t.text.startswith("…") and t.text not in written]
        assert not cut, (name, step.index, cut)


@pytest.mark.parametrize("viewport", PRESENT, ids=["720p", "1080p"])
# (10, 13 and 21: a long explanation shows its first sentences, the rest in the console)
@pytest.mark.parametrize("name", ["tutorial", "07_when_view_works", "10_stride_zero_and_overlaps",
                                  "13_expand_writes", "14_windows_as_strided",
                                  "21_autograd_views"])
def test_presenting_an_error_step_keeps_its_grid_whole_with_values(name, viewport):
    """Its explanation (in the compact type, ≥ 18 px at 1280×720) leaves the small grid
    every row and column, and values in the strip."""
    ts = TypeScale.for_viewport(viewport)
    assert ts.dense >= 18 * viewport.height / 720 - 0.1
    for step, _, scene in _scenes(name, viewport):
        grid = scene.grid
        if step.error is None or grid is None or grid.grid.values is None or \
                max(grid.grid.tensor.shape, default=1) > 6 or grid.grid.tensor.ndim > 2:
            continue
        t = grid.grid.tensor
        rows = t.shape[0] if t.ndim == 2 else 1
        assert len([r for r in grid.rows if r >= 0]) == rows, (name, step.index, grid.rows)
        assert len([c for c in grid.cols if c >= 0]) == t.shape[-1], (name, step.index)
        assert grid.value_px >= ts.small, (name, step.index)
        assert all(s.value_px >= ts.small for s in scene.strips if s.strip.values is not None)


@pytest.mark.parametrize("viewport", PRESENT, ids=["720p", "1080p"])
def test_presenting_the_tutorial_slice_shows_a_big_grid_beside_one_line_of_memory(viewport):
    """Tutorial step 6 (tensorB = a 2×2 slice at offset 4): the grid's cells are the
    biggest on screen, the 12-cell storage lies on one line (the gap of 2 cells the caption
    talks about), and the formula does not keep the grid's pane wide (it sits under the
    strip). It was a 41 px grid beside a strip folded onto two rows, at 1280×720."""
    scale = viewport.height / 720
    scene = list(_scenes("tutorial", viewport))[5][2]
    strip = scene.strips[0]
    assert scene.grid.grid.tensor.name == "tensorB"
    assert scene.grid.cell >= 80 * scale and scene.grid.cell >= strip.cell
    assert len([r for r in strip.rows if not r.skipped]) == 1 and strip.per_row >= 12
    assert scene.formula[0] >= strip.rect[0] - 1  # under the strip, not the grid


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_presenting_a_long_explanation_shows_its_first_sentences_and_says_where_the_rest_is(
        lang):
    """10_stride_zero_and_overlaps step 5: the message whole, the explanation's opening
    sentences whole (a prefix of it, not cut), then where the rest is (the console). Its 7
    lines in English leave the 4×3 grid no legible room; the 4 lines of the Chinese one fit
    whole beside it, and then nothing points to the console."""
    tr = translator(lang)
    step, _, scene = list(_scenes("10_stride_zero_and_overlaps", PRESENT[0], lang))[4]
    header = "".join(t.text for t in scene.header)
    squashed = "".join(header.split())
    full = "".join(step.error.explanation.text(tr).split())
    assert "".join(step.error.message.split()) in squashed
    shown = "".join(t.text for t in scene.header if t.style == "text" and t.fill == "error")
    shown = "".join(shown.split())
    note = tr("(the whole explanation is in the console: Esc leaves presentation)")
    if lang == "zh_CN":
        assert shown == full and note not in header
        return
    assert shown and full.startswith(shown) and shown != full
    assert note in header


# ----------------------------------------------------------------------------- read counts
COUNT_VIEWPORTS = [*PRESENT, Viewport(1280, 720), Viewport(1920, 1080)]


def _ink_box(text) -> tuple[float, float, float, float]:
    """The box a Text's words take in its rect (as tests/engine/test_compose.py measures)."""
    x, y, w, h = text.rect
    width = min(w, text_width(text.text, text.px, text.mono, text.bold))
    left = {"right": x + w - width, "center": x + (w - width) / 2}.get(text.align, x)
    return (left, y, width, h)


def _meets(a, b) -> bool:
    return a[0] < b[0] + b[2] - 1 and b[0] < a[0] + a[2] - 1 and \
        a[1] < b[1] + b[3] - 1 and b[1] < a[1] + a[3] - 1


def _value_boxes(strip) -> list[tuple[float, float, float, float]]:
    """Where the canvas draws each shown cell's value (centred, lifted over "+8B") and its
    byte offset (bottom right): gui/canvas/strip_item.py _paint_values."""
    boxes = []
    lift = -strip.small_px * 0.45 if strip.show_bytes else 0.0
    for row in (r for r in strip.rows if not r.skipped):
        for k in range(row.start, row.start + row.count):
            x, y, c, _ = strip.cell_rect(k)
            if strip.value_px:
                w = text_width(strip.strip.value_text(k), strip.value_px, mono=True)
                h = strip.value_px * 1.2
                boxes.append((x + (c - w) / 2, y + (c - h) / 2 + lift, w, h))
            if strip.show_bytes:
                w = text_width(f"+{k * strip.strip.itemsize}B", strip.small_px, mono=True)
                boxes.append((x + c - 3 - w, y + c - 1 - strip.small_px * 1.2, w,
                              strip.small_px * 1.2))
    return boxes


@pytest.mark.parametrize("viewport", COUNT_VIEWPORTS,
                         ids=["present-720p", "present-1080p", "720p", "1080p"])
def test_read_counts_on_the_strip_are_legible_and_clear_of_values_and_labels(viewport):
    """10_stride_zero_and_overlaps: a storage cell several grid positions read (expand's
    stride 0, unfold's overlapping windows) says how many ("×4") in a label of the Scene, at
    the smallest type or bigger, under its own cell, touching neither a value nor a byte
    offset nor any other label. The counts were painted into the cell's top right corner,
    over the value of a small cell (unfold: "×2" on "1"), and the expand animation's
    counting "×2, ×3, ×4" in a box over the cell's top half."""
    ts = TypeScale.for_viewport(viewport)
    seen = 0
    for step, _, scene in _scenes("10_stride_zero_and_overlaps", viewport):
        others = [t for t in scene.texts() if t.text.strip()]
        for strip in scene.strips:
            if strip.reads is None or not strip.value_px:
                continue
            counts = [t for t in strip.texts if re.fullmatch(r"×[\d,]+", t.text)]
            shown = [k for r in strip.rows if not r.skipped
                     for k in range(r.start, r.start + r.count)]
            expected = {k: f"×{int(strip.reads[k]):,}" for k in shown
                        if k < len(strip.reads) and strip.reads[k] > 1}
            assert len(counts) == len(expected), (step.index, len(counts), expected)
            values = _value_boxes(strip)
            for text in counts:
                box = _ink_box(text)
                k = _column_cell(strip, box)
                assert k in expected and text.text == expected[k], (step.index, text)
                # the expand animation counts up in the same place (AnimationItem)
                assert strip.count_rect(k) == pytest.approx(text.rect), (step.index, k)
                assert text.px >= ts.small, (step.index, text)
                assert not any(_meets(box, v) for v in values), (step.index, text.text)
                assert not any(_meets(box, _ink_box(o)) for o in others if o is not text), \
                    (step.index, text.text, [o.text for o in others
                                             if o is not text and _meets(box, _ink_box(o))])
                seen += 1
    assert seen >= 3 + 6  # expand's 3 cells, unfold's 6 shared ones


def _column_cell(strip, box) -> int:
    """The shown cell whose column holds the box (its row: the one just above it)."""
    for row in (r for r in strip.rows if not r.skipped):
        for k in range(row.start, row.start + row.count):
            x, y, c, _ = strip.cell_rect(k)
            if x - 1 <= box[0] and box[0] + box[2] <= x + c + 1 and y <= box[1] < y + c * 2:
                return k
    return -1


# ----------------------------------------------------------------------------- link lines
def _titles(scene, grid: bool = True) -> list:
    """A scene's titles: each strip's "Storage S1" and its details line, the one-line
    summary of every other storage, the grid's name, shape line, relation line and
    dimension legend (with `grid`)."""
    texts = list(scene.summaries)
    for strip in scene.strips:
        texts += [*strip.texts[:2]] + [t for t in strip.texts[2:]  # lane names, notes
                                    if not t.text.replace(",", "").isdigit()]
    if grid and scene.grid is not None:
        ts, grid_texts = scene.type, scene.grid.texts
        relation = next((t for t in grid_texts if t.style == "muted"), None)
        texts += [t for t in grid_texts if t.px in (ts.title, ts.body) or t is relation
                  or t.text.startswith(("→ ", "↓ ", "▦ "))]
    return [t for t in texts if t.text.strip()]


def _crosses(segment, rect) -> bool:
    """Whether a straight segment touches the inside of rect (sampled finely)."""
    (x0, y0), (x1, y1) = segment
    x, y, w, h = rect
    return any(x < x0 + (x1 - x0) * n / 100 < x + w and y < y0 + (y1 - y0) * n / 100 < y + h
               for n in range(101))


@pytest.mark.parametrize("viewport", [*PRESENT, Viewport(1280, 720)],
                         ids=["present-720p", "present-1080p", "720p"])
def test_link_lines_keep_clear_of_every_title(viewport):
    """The lines from moving values to the storage cells they read (links.frame_links, as
    the canvas draws them) break around the titles as they do around the formula: no piece
    runs through the words of "Storage S1", its details, the grid's name, shape, relation
    or legend lines, or a storage's summary line; each still reaches its storage cell. They
    ran through "Storage S1" and its details (1280×720: tutorial step 4, 04_stride step 4 …)
    and through the grid's relation line presenting (07_when_view_works step 7 …). The grid's
    titles count once the grid shows (a view's grid comes with its result): a line broken
    around words not drawn yet would have a gap for nothing. The strips' lane names and
    notes are words too (a line rising from the grid's side to its cell ran through
    "tensorA_T @0": tutorial step 5 at 1280×720); the index numbers over the cells are not
    (each line ends on a cell's top, under them)."""
    from stridescope.engine.picture.links import frame_links
    from stridescope.engine.picture.scene import grid_opacity, locate
    from stridescope.engine.picture.transition import frame_at

    crossing = []
    for name in LESSONS:
        for step, _, scene in _scenes(name, viewport):
            if scene.plan is None:
                continue
            for n in range(0, 20):
                frame = frame_at(scene.plan, n / 20)
                shown = grid_opacity(scene.plan, frame) > 0
                titles = [(t.text, _ink_box(t)) for t in _titles(scene, shown)]
                linked = [s for s in frame.sprites if s.link is not None and None not in
                          (locate(scene, a) for a in (s.source, s.target, s.link))]
                for sprite, (_, pieces) in zip(linked, frame_links(scene, frame)):
                    cell = locate(scene, sprite.link)
                    assert pieces and pieces[-1][1] == pytest.approx(
                        (cell[0] + cell[2] / 2, cell[1] + 2)), (name, step.index)
                    crossing += [(name, step.index, text) for piece in pieces
                                 for text, box in titles if _crosses(piece, box)]
    assert not crossing, (len(crossing), sorted(set(crossing))[:8])


@pytest.mark.parametrize("viewport", [PRESENT[0], Viewport(1280, 720)],
                         ids=["present-720p", "720p"])
def test_hover_links_keep_clear_of_every_title_and_the_formula(viewport):
    """The curves the window draws from a hovered grid cell to its storage cell
    (links.hover_links, in straight pieces) run through no title's words and not under the
    formula, and still come down onto the storage cell's top. They came down through
    "Storage S1" onto the first cells: 105 of 1,515 such curves across the lessons'
    steps presenting at 1280×720 (04_stride step 7, 10_stride_zero_and_overlaps step 6 …)."""
    from stridescope.engine.picture.links import hover_links

    crossing, links = [], 0
    for name in LESSONS:
        for step, _, scene in _scenes(name, viewport):
            grid = scene.grid
            sid = grid.grid.tensor.storage_id if grid is not None else None
            strip = next((s for s in scene.strips if s.strip.storage.id == sid), None)
            if strip is None:
                continue
            avoid = [(t.text, _ink_box(t)) for t in _titles(scene)]
            if scene.formula is not None:
                avoid.append(("(the formula)", scene.formula))
            for panel, _x, _y in grid.panels:
                for row in (r for r in grid.rows if r >= 0):
                    for col in (c for c in grid.cols if c >= 0):
                        k = grid.grid.storage_index(panel, row, col)
                        target = strip.cell_rect(k)
                        if target is None:
                            continue
                        pieces = hover_links(scene, [(panel, row, col)], sid, k)
                        links += 1
                        assert pieces and pieces[-1][1] == pytest.approx(
                            (target[0] + target[2] / 2, target[1] + 3)), (name, step.index)
                        crossing += [(name, step.index, text) for piece in pieces
                                     for text, box in avoid if _crosses(piece, box)]
    assert links > 1000
    assert not crossing, (len(crossing), sorted(set(crossing))[:8])


# ----------------------------------------------------------------------------- error room
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("viewport", PRESENT, ids=["720p", "1080p"])
def test_presenting_an_error_block_keeps_what_the_picture_leaves_room_for(viewport, lang):
    """Tutorial step 8 (viewB = tensorA_T.view(12) fails): a 4×3 grid and a 12-cell strip
    leave the explanation room to be read whole, and the grid stays whole with values. A
    fixed cap of 5 lines kept 2 of its 5 lines at 1280×720 and sent the rest to a console
    the class cannot see."""
    tr = translator(lang)
    ts = TypeScale.for_viewport(viewport)
    step, _, scene = list(_scenes("tutorial", viewport, lang))[7]
    assert step.error is not None
    shown = "".join(t.text for t in scene.header if t.style == "text" and t.fill == "error")
    assert "".join(shown.split()) == "".join(step.error.explanation.text(tr).split())
    note = tr("(the whole explanation is in the console: Esc leaves presentation)")
    assert note not in "".join(t.text for t in scene.header)
    grid = scene.grid
    assert len([r for r in grid.rows if r >= 0]) == 4 and len(grid.cols) == 3
    assert grid.value_px >= ts.small and all(s.value_px >= ts.small for s in scene.strips)


# ----------------------------------------------------------------------------- header room
def _bands(scene) -> tuple[float, float]:
    """The empty bands of a frame: between the header's last line and the picture's top,
    and between the picture's bottom and the frame's bottom margin."""
    ts = scene.type
    header = max(t.rect[1] + t.rect[3] for t in scene.header)
    rects = [scene.grid.rect] + [s.rect for s in scene.strips] + \
        [t.rect for t in scene.summaries] + ([scene.formula] if scene.formula else [])
    top = min(r[1] for r in rects)
    bottom = max(r[1] + r[3] for r in rects)
    return top - header, scene.viewport.height - round(ts.small * 1.2) - bottom


@pytest.mark.parametrize("viewport", PRESENT, ids=["720p", "1080p"])
def test_presenting_a_short_header_leaves_no_band_under_it(viewport):
    """Presenting, a header takes what its own lines need: the picture starts under it no
    lower than it ends above the frame's bottom (room it cannot use is shared above and
    below, never kept under the header for a longer caption another step has), and grows
    into the room. The band under the header less the one under the picture was 3.9 ×
    the smallest type at the median step, over 3 × at 142 of 203 steps, up to 14 ×
    (20_why_contiguous_is_faster step 5); 10_stride_zero_and_overlaps step 3's 4×3 grid
    had 78 px cells under a two-line caption at 1280×720, the room of a four-line one kept
    above it."""
    ts = TypeScale.for_viewport(viewport)
    banded = []
    for name in LESSONS:
        for step, _, scene in _scenes(name, viewport):
            if scene.grid is None:
                continue
            above, below = _bands(scene)
            # (2.5 × small: the gap under the header, 0.8, and the one the grid's rectangle
            # keeps under its last row, 1, are room of the layout's, not a band)
            if above > max(below, 0.0) + ts.small * 2.5:
                banded.append((name, step.index, round(above), round(below)))
    assert not banded, (len(banded), banded[:8])
    scale = viewport.height / 720
    scene = list(_scenes("10_stride_zero_and_overlaps", viewport))[2][2]
    assert scene.grid.cell >= 90 * scale  # it was 78 px (4 rows of 3 at 1280×720)


@pytest.mark.parametrize("viewport", [Viewport(1280, 720), Viewport(1920, 1080),
                                      Viewport(1280, 720, presentation=True),
                                      Viewport(1920, 1080, presentation=True)],
                         ids=["720p", "1080p", "720p-present", "1080p-present"])
def test_a_short_1d_grid_is_drawn_whole(viewport):
    """A 1-D grid of up to 12 short values shows every one: it draws no row numbers, so it
    keeps no room for them (08_view_vs_reshape step 8 presenting elided 2 of 12 columns
    beside a strip that showed all 12 at the same cell size). Not yet for 4-character
    values beside a strip at 1280x720 presenting (18_channels_last step 9)."""
    from stridescope.engine.picture.text import widest_text

    for name in LESSONS:
        for step, _, scene in _scenes(name, viewport):
            grid = scene.grid
            if grid is None or grid.grid.tensor.ndim != 1 or grid.grid.tensor.shape[0] > 12 \
                    or grid.grid.values is None or widest_text(grid.grid.values) > 3:
                continue
            assert -1 not in grid.cols, (name, step.index, grid.cols)
