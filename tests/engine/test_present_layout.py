"""Presentation mode at projector sizes (issue 20): big type, and still nothing elided on a
lesson step: the values stay in their cells, the grid is the biggest thing on screen."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.mesh import mesh_of_source
from stridescope.engine.picture.arrange import _legible_cell
from stridescope.engine.picture.compose import compose
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
    assert fit_value_px(_legible_cell(ts, widest), values, [0], ts) >= ts.small


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
    sentences whole (a prefix of it, not cut), then where the rest is (the console)."""
    tr = translator(lang)
    step, _, scene = list(_scenes("10_stride_zero_and_overlaps", PRESENT[0], lang))[4]
    header = "".join(t.text for t in scene.header)
    squashed = "".join(header.split())
    full = "".join(step.error.explanation.text(tr).split())
    assert "".join(step.error.message.split()) in squashed
    shown = "".join(t.text for t in scene.header if t.style == "text" and t.fill == "error")
    shown = "".join(shown.split())
    assert shown and full.startswith(shown) and shown != full
    assert tr("(the whole explanation is in the console: Esc leaves presentation)") in header


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
    over the value of a small cell (unfold: "×2" on "1")."""
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
