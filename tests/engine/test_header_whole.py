"""Issue 20, proportions and stability, on every lesson step in both languages: no header text
is cut with "…" (it wraps whole), an error step keeps its storage family's layout, the grid's
cells are never smaller than the strip's when both can be legible, and no sentence is drawn
twice."""

from __future__ import annotations

import re
from functools import cache

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.mesh import mesh_of_source
from stridescope.engine.model.state import ErrorInfo, Step
from stridescope.engine.picture.compose import compose
from stridescope.engine.picture.labels import header_texts
from stridescope.engine.picture.scene import Scene, TypeScale, Viewport, ViewState
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.teaching.lessons import lesson_names, load_lesson

VIEWPORTS = [Viewport(1280, 720), Viewport(1920, 1080)]
LESSONS = sorted(n for n in lesson_names() if mesh_of_source(load_lesson(n).script) is None)


@cache
def _run(name: str):
    return run_script(load_lesson(name).script)


def _scenes(name: str, viewport: Viewport, lang: str) -> list[tuple[Step, str, Scene]]:
    lesson, result, tr = load_lesson(name), _run(name), translator(lang)
    out = []
    room = max((lesson.caption(s, lang) for s in result.steps), key=len)  # as the window does
    for index, step in enumerate(result.steps):
        caption = lesson.caption(step, lang)
        view = ViewState(step=index, lang=lang, caption=caption, caption_room=room)
        out.append((step, caption, compose(result, view, viewport, tr)))
    return out


def _squashed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["720p", "1080p"])
@pytest.mark.parametrize("name", LESSONS)
def test_every_header_text_is_whole_and_drawn_once(name, viewport, lang):
    tr = translator(lang)
    for step, caption, scene in _scenes(name, viewport, lang):
        where = (name, step.index, lang)
        header = "".join(t.text for t in scene.header)
        written = caption + step.source + step.stdout + "".join(step.warnings) + (
            step.error.message + step.error.explanation.text(tr)
            if step.error and step.error.explanation else step.error.message
            if step.error else "")
        assert header.count("…") <= written.count("…"), where  # none added by the layout
        for whole in [caption] + ([f"{step.error.type}: {step.error.message}"]
                                  if step.error else []):
            assert _squashed(whole) in _squashed(header), where
        if step.error is not None and step.error.explanation is not None:
            assert _squashed(step.error.explanation.text(tr)) in _squashed(header), where
        bottom = max(t.rect[1] + t.rect[3] for t in scene.header)
        assert bottom <= viewport.height / 2, where  # the picture keeps the larger part
        said = [s for s in re.split(r"(?<=[.。;；])\s*", " ".join(t.text for t in scene.header))
                if len(s) > 24]
        elsewhere = " ".join(t.text for t in scene.texts()[len(scene.header):])
        assert len(said) == len(set(said)), (where, said)  # the caption is not the explanation
        assert not [s for s in said if s in elsewhere], where
        dangling = [t.text for t in scene.texts() if t.text.rstrip().endswith("·")]
        assert not dangling, (where, dangling)  # a wrapped title's "·" starts the next line


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["720p", "1080p"])
@pytest.mark.parametrize("name", LESSONS)
def test_a_family_keeps_one_layout_through_captions_and_errors(name, viewport):
    """The grid left of the strip or above it, and the strip where it was, for every step on
    one storage, whatever the step's caption or error block makes of the header."""
    layouts: dict[int, set] = {}
    for _, _, scene in _scenes(name, viewport, "en"):
        if scene.grid is None or not scene.strips:
            continue
        strip = scene.strips[0]
        side = strip.rect[0] >= scene.grid.rect[0] + scene.grid.rect[2] - 1
        family = scene.grid.grid.tensor.storage_id
        layouts.setdefault(family, set()).add((side, round(strip.rect[0])))
    for family, seen in layouts.items():
        assert len(seen) == 1, (name, family, seen)


@pytest.mark.parametrize("viewport", [*VIEWPORTS, Viewport(1280, 720, presentation=True)],
                         ids=["720p", "1080p", "720p-presenting"])
@pytest.mark.parametrize("name", LESSONS)
def test_the_grid_is_never_smaller_than_the_strip_it_reads(name, viewport):
    """The logical grid is what a step is about: its cells are at least the strip's (a
    1000×1000 grid was drawn one row high at 53 px, its values dropped, beside a strip of
    68 px cells; a 2-element slice at 39 px beside 68), and an elided grid keeps its cell."""
    for step, _, scene in _scenes(name, viewport, "en"):
        if scene.grid is None or not scene.strips or scene.grid.grid.values is None:
            continue
        strip = scene.strips[0]
        assert scene.grid.cell >= strip.cell - 0.5, (name, step.index, scene.grid.cell,
                                                     strip.cell)


def test_a_long_error_message_wraps_whole_at_the_smallest_frame():
    result = run_script("import torch\nx = torch.arange(12).view(3, 4).t()\ny = x.view(12)\n")
    step = result.steps[-1]
    long = "the words of a very long error message " * 12
    step = Step(**{**{f: getattr(step, f) for f in step.__dataclass_fields__},
                   "error": ErrorInfo("RuntimeError", long, 3)})
    ts = TypeScale.for_viewport(Viewport(1280, 720))
    texts = header_texts(step, 3, "", ts, 12, 1256, lambda s: s)
    assert all("…" not in t.text for t in texts)
    assert _squashed(long) in _squashed("".join(t.text for t in texts))
    assert len([t for t in texts if t.style == "error"]) >= 3  # wrapped, not cut


def test_long_output_says_where_the_rest_is():
    script = "import torch\nfor i in range(8):\n    print(i)\n"
    step = run_script(script).steps[-1]
    ts = TypeScale.for_viewport(Viewport(1280, 720))
    lines = [t.text for t in header_texts(step, 2, "", ts, 12, 1256, lambda s: s)]
    assert "0" in lines and "2" in lines and "3" not in lines
    assert any("+5 more lines of output in the console" in line for line in lines)


def test_a_short_relation_line_drops_whole_clauses():
    from stridescope.engine.picture.text import fit_clauses, text_width

    text = "view of tensorA — shares storage S1 · also on it: tensorA, tensorB · data_ptr 0x5"
    for width in (900, 600, 500, 400):
        fitted = fit_clauses(text, 14, width)
        assert text_width(fitted, 14) <= width
        assert "…" not in fitted and text.startswith(fitted)
        assert fitted.count(" · ") < 2 or width >= text_width(text, 14)
    assert fit_clauses(text, 14, 60).endswith("…")  # the first clause alone: cut, as a last resort


def test_no_wrapped_line_starts_with_a_closing_mark():
    from stridescope.engine.picture.text import text_width, wrap

    text = ("复制到一块新的连续存储中（等同于 .contiguous().view(...)）；"
            "副本不再与原张量共享内存。") * 3
    for width in range(120, 700, 7):
        lines = wrap(text, 14, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for before, line in zip(lines, lines[1:]):  # unless the word before is too long
            assert line[:1] not in "，。；）" or before[-1:].isascii(), (width, lines)
        assert all(text_width(line, 14) <= width for line in lines), width


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
@pytest.mark.parametrize("name", ["tutorial", "04_stride", "06_contiguity", "13_expand_writes"])
def test_a_720p_projector_shows_small_tensors_whole_with_their_values(name, size):
    """Presenting at 1280×720 looks like 1920×1080 scaled: a 3×4 grid keeps its rows and its
    numbers, and the title keeps every word; at an error step too (its block is set at the
    compact type, TypeScale.dense, issue 20)."""
    from stridescope.engine.picture.labels import title_line

    viewport = Viewport(*size, presentation=True)
    for step, _, scene in _scenes(name, viewport, "en"):
        grid = scene.grid
        if grid is None or grid.grid.values is None or grid.grid.tensor.ndim != 2 or \
                max(grid.grid.tensor.shape) > 6:
            continue
        assert -1 not in grid.rows and -1 not in grid.cols, (name, step.index)
        assert grid.value_px >= scene.type.small, (name, step.index, grid.value_px)
        drawn = _squashed("".join(t.text for t in grid.texts))
        assert _squashed(title_line(grid.grid.tensor, lambda s: s)) in drawn, (name, step.index)


def _meets(a, b) -> bool:
    return a[0] < b[0] + b[2] - 1 and b[0] < a[0] + a[2] - 1 and a[1] < b[1] + b[3] - 1 \
        and b[1] < a[1] + a[3] - 1


@pytest.mark.parametrize("viewport", VIEWPORTS + [Viewport(1280, 720, presentation=True),
                                                  Viewport(1920, 1080, presentation=True)],
                         ids=["720p", "1080p", "present-720p", "present-1080p"])
@pytest.mark.parametrize("name", LESSONS)
def test_the_address_formula_stays_in_the_frame_and_off_the_strips(name, viewport):
    """The formula under the grid ("(offset = 0)" included) never runs into a strip, its
    lanes' labels or off the bottom of the frame."""
    for step, _, scene in _scenes(name, viewport, "en"):
        if scene.formula is None:
            continue
        x, y, w, h = scene.formula
        assert y + h <= viewport.height + 1 and x + w <= viewport.width + 1, (name, step.index)
        for strip in scene.strips:
            assert not _meets(scene.formula, strip.rect), (name, step.index, strip.rect)


@pytest.mark.parametrize("name", LESSONS)
def test_chinese_explanations_have_no_space_after_a_full_stop(name):
    tr = translator("zh_CN")
    for step in _run(name).steps:
        if step.error is not None and step.error.explanation is not None:
            text = step.error.explanation.text(tr)
            assert "。 " not in text and "； " not in text, (name, step.index, text)


def test_a_step_without_tensors_says_why_the_frame_is_empty():
    result = run_script("import torch\ntorch.manual_seed(0)\nx = torch.zeros(2)\n")
    first = compose(result, ViewState(step=0), Viewport(1280, 720))
    assert first.grid is None and any("No tensor yet" in t.text for t in first.summaries)
    assert not any("No tensor yet" in t.text
                   for t in compose(result, ViewState(step=2), Viewport(1280, 720)).texts())


def test_a_computed_result_is_not_called_a_copy():
    from stridescope.engine.picture.labels import keeps_values

    script = ("import torch\nx = torch.arange(6.).view(2, 3)\nb = x * 2\nc = x.t().contiguous()\n"
              "d = x.sum(0)\ne = x.clone()\nf = torch.flip(x, [0])\nh = x[x > 2]\n")
    result = run_script(script)
    said = {}
    for index, step in enumerate(result.steps[2:], start=2):
        name = step.source.split("=")[0].strip()
        assert keeps_values(step, name) == (name in "cefh"), name
        scene = compose(result, ViewState(step=index, focus=name), Viewport(1280, 720))
        said[name] = next(t.text for t in scene.grid.texts if "new storage" in t.text)
    assert said["b"].startswith("computed from x") and said["d"].startswith("computed from x")
    assert said["c"].startswith("copy of x") and said["f"].startswith("copy of x")


COPY_WORDS = re.compile(r"copy of|computed from|new storage")


@pytest.mark.parametrize("name", LESSONS)
def test_only_the_step_that_made_a_copy_calls_it_one(name):
    """The grid's relation line says what this step did: 'copy of m — new storage S3' at
    `copied = torch.tensor(m)`, not again at `r = m[::-1]` (which copies nothing) nor at a
    later `b.mul_(3)` (where the statement it read was not the one that made b)."""
    result = _run(name)
    for index, step in enumerate(result.steps):
        scene = compose(result, ViewState(step=index), Viewport(1280, 720))
        if scene.grid is None:
            continue
        relation = next((t.text for t in scene.grid.texts if "data_ptr" in t.text), "")
        bound_here = {p.name for p in step.produced}
        if COPY_WORDS.search(relation):
            assert scene.focus in bound_here, (name, index + 1, step.source, relation)


def test_lesson_19_a_numpy_view_step_shows_the_memory_it_views():
    """`r = m[::-1]` and the steps about r: the tensor on r's memory (shared), not the
    unrelated tensor bound last (copied), whose relation line said 'copy of m'."""
    result = _run("19_numpy_bridge")
    for index, step in enumerate(result.steps):
        if step.source in ("r = m[::-1]", "print(r.strides, r.base is m)",
                           "bad = torch.from_numpy(r)"):
            scene = compose(result, ViewState(step=index), Viewport(1280, 720))
            assert scene.focus == "shared", step.source
            assert not any("cop" in t.text.replace("no data copied", "")
                           for t in scene.grid.texts), step.source


@pytest.mark.parametrize("viewport", [Viewport(1280, 720), Viewport(1280, 720, presentation=True),
                                      Viewport(1920, 1080, presentation=True)],
                         ids=["720p", "720p-presenting", "1080p-presenting"])
@pytest.mark.parametrize("name", LESSONS)
def test_a_grid_drawn_in_part_says_how_much_is_shown(name, viewport):
    """Rows or columns a grid leaves out are said: "⋮" between its first and last, or a
    note (1000×1000 drawn as row 0 alone read as a vector of 1,000)."""
    for step, _, scene in _scenes(name, viewport, "en"):
        if scene.grid is None:
            continue
        grid = scene.grid
        for shown, total, word in ((grid.rows, grid.grid.rows, "row"),
                                   (grid.cols, grid.grid.cols, "column")):
            if len(shown) >= total:
                continue
            notes = [t.text for t in scene.texts() if f"of {total:,} shown" in t.text
                     and word in t.text]
            assert notes, (name, step.index, word, shown, total)
