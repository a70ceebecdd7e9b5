"""Link lines, grid cell → storage cell, in scene coordinates: the animation's (a moving
value to the cell it reads) and the window's on hover, both broken around the address formula
and the titles (NOTE [Link lines keep clear]); the canvas draws what these give."""

from __future__ import annotations

from stridescope.engine.picture.memo import by_identity
from stridescope.engine.picture.motion_geometry import (
    clear_of,
    hover_link,
    link_pieces,
    sprite_rect,
    without_stubs,
)
from stridescope.engine.picture.scene import Rect, Scene, Text, grid_opacity, link_pad, locate
from stridescope.engine.picture.text import text_width


def title_texts(scene: Scene, grid: bool = True) -> list[Text]:
    """The scene's titles: each strip's "Storage S1" and its details line, the summary line
    of every other storage and (with `grid`) the grid's name, shape, relation and legend."""
    texts = list(scene.summaries)
    for strip in scene.strips:
        texts += strip.texts[:2]  # strip_layout: the title, then its details
    if grid and scene.grid is not None:
        texts += scene.grid.texts[:scene.grid.titles]
    return [t for t in texts if t.text.strip()]


def strip_words(scene: Scene) -> list[Text]:
    """The strips' words other than their titles and index numbers: lane names, break
    notes, fold marks, read counts."""
    return [t for strip in scene.strips for t in strip.texts[2:]
            if t.text.strip() and not t.text.replace(",", "").isdigit()]


def ink_rect(text: Text) -> Rect:
    """The box a Text's words take in its rect (left, right or centre aligned)."""
    x, y, w, h = text.rect
    width = min(w, text_width(text.text, text.px, text.mono, text.bold))
    left = {"right": x + w - width, "center": x + (w - width) / 2}.get(text.align, x)
    return (left, y, width, h)


def link_avoid(scene: Scene, frame=None) -> tuple[Rect, ...]:
    """NOTE [Link lines keep clear]: what a link line (grid cell → storage cell) breaks
    around at an animation frame, link_pad clear: the address formula (a line through it
    makes the numbers unreadable mid-motion) and the words of every title in sight (a line
    struck through "Storage S1" or the grid's relation line; the grid's titles only once
    the grid shows, grid_opacity: a line is not broken around words not there yet). Only
    the words: a details line's rectangle runs to the pane's edge, and a line across empty
    room stays whole. The strips' lane names and notes are words too."""
    return _avoid_rects(scene, grid_opacity(scene.plan, frame) > 0)


@by_identity(16)  # asked at every painted frame of an animation and every hover: two answers
def _avoid_rects(scene: Scene, grid_shown: bool) -> tuple[Rect, ...]:
    rects = [ink_rect(t) for t in title_texts(scene, grid_shown)]
    # and the strips' own words: lane names, break notes, "↪ continued" (a line rising to
    # its cell from the grid's side ran through "tensorA_T @0"); not the index numbers, which
    # sit over every cell's top, where each line ends
    rects += [ink_rect(t) for t in strip_words(scene)]
    return tuple(([scene.formula] if scene.formula is not None else []) + rects)


def frame_links(scene: Scene, frame) -> list[tuple[float, tuple]]:
    """The link lines of an animation frame as the canvas draws them: per linked sprite, its
    opacity and the pieces of its line (motion_geometry.link_pieces), in scene coordinates."""
    out = []
    avoid = link_avoid(scene, frame)
    for sprite in frame.sprites:
        if sprite.link is None:
            continue
        a, b = locate(scene, sprite.source), locate(scene, sprite.target)
        cell = locate(scene, sprite.link)
        if a is None or b is None or cell is None:
            continue
        rect = sprite_rect(a, b, sprite.progress, sprite.offset)
        out.append((sprite.opacity, link_pieces(rect, cell, avoid, link_pad(scene))))
    return out


def hover_links(scene: Scene, cells, storage_id: int, k: int) -> tuple[tuple, ...]:
    """The window's hover links, from each grid cell (panel, row, col) of `cells` to storage
    cell k, in straight pieces (motion_geometry.hover_link) broken around the formula and the
    titles as the animation's lines are (NOTE [Link lines keep clear]): a curve came down
    through "Storage S1" onto the first cells, or ran under the formula it explains."""
    strip = next((s for s in scene.strips if s.strip.storage.id == storage_id), None)
    target = strip.cell_rect(k) if strip is not None else None
    if target is None or scene.grid is None:
        return ()
    pad = link_pad(scene)
    avoid = link_avoid(scene)
    out: list[tuple] = []
    for panel, row, col in cells:
        rect = scene.grid.cell_rect(panel, row, col)
        if rect is None:
            continue
        curve = hover_link(rect, target, scene.type.small * 2.5)
        xs = [p[0] for seg in curve for p in seg]
        ys = [p[1] for seg in curve for p in seg]
        near = [r for r in avoid if r[0] - pad < max(xs) and min(xs) < r[0] + r[2] + pad
                and r[1] - pad < max(ys) and min(ys) < r[1] + r[3] + pad]
        pieces = tuple(piece for segment in curve
                       for piece in (clear_of(segment, near, pad) if near else (segment,)))
        out += without_stubs(pieces, 3 * pad)
    return tuple(out)
