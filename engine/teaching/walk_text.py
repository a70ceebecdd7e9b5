"""The memory walk in words: its figures and one sentence saying what it found.

Strings are marked N_ and translated by the caller's `translate` (engine/teaching/i18n.py),
like every engine explanation, so the dock, the export and a test say the same words.
"""

from __future__ import annotations

from collections.abc import Callable

from stridescope.engine.model.layout import N_
from stridescope.engine.model.walk import CACHE_LINE, Walk

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def figure_lines(w: Walk, translate: Translate = _same) -> list[str]:
    """The walk's figures, one per line, in the caller's language."""
    t = translate
    lines = [t(N_("{walked:,} iterations · {read:,} B read · {touched:,} distinct bytes")).format(
        walked=w.walked, read=w.bytes_read, touched=w.bytes_touched),
        t(N_("{lines:,} distinct {size}-byte cache lines touched")).format(
            lines=w.lines_touched, size=CACHE_LINE),
        t(N_("{fetched:,} cache lines fetched in walk order (contiguous: {contiguous:,})")).format(
            fetched=w.lines_fetched, contiguous=w.contiguous_fetched)]
    if w.capped:
        lines.append(t(N_("the first {walked:,} of {numel:,} iterations")).format(
            walked=w.walked, numel=w.numel))
    return lines


def finding(w: Walk, translate: Translate = _same) -> str:
    """One sentence: what this layout costs the walk, against the contiguous layout."""
    t = translate
    ratio = w.ratio
    if ratio is None:
        return t(N_("An empty tensor: the walk reads nothing."))
    values = {"ratio": f"{ratio:.2f}", "per": f"{w.lines_per_line_of_elements:.2g}",
              "k": w.per_line, "lines": w.lines_fetched, "contiguous": w.contiguous_fetched}
    expanded = any(st == 0 and size > 1 for size, st in zip(w.shape, w.stride))
    if expanded and w.lines_touched < w.contiguous_fetched:
        values["touched"] = w.lines_touched
        return t(N_("Stride 0 re-reads the same bytes: {touched:,} distinct cache lines where a "
                    "contiguous copy has {contiguous:,}; the walk fetches {lines:,} ({ratio}×), "
                    "and most ops still compute every element.")).format(**values)
    if ratio <= 1.0:
        return t(N_("The walk reads storage in order: every cache line is fetched once, "
                    "{per} line per {k} elements — the contiguous pattern.")).format(**values)
    if ratio < 1.5:
        return t(N_("Nearly in order: {ratio}× the line fetches of a contiguous layout "
                    "({per} lines per {k} elements).")).format(**values)
    if w.lines_fetched == w.lines_touched:  # no line fetched twice: the cost is the gaps
        values["used"] = round(100 * w.bytes_touched / (w.lines_touched * CACHE_LINE))
        return t(N_("The walk skips bytes: each cache line is fetched once, but only {used}% "
                    "of its bytes are used — {per} lines per {k} elements, {ratio}× the "
                    "fetches of a contiguous layout.")).format(**values)
    return t(N_("The walk jumps through storage: it leaves a cache line and comes back, "
                "{per} lines fetched per {k} elements — {ratio}× the fetches of a contiguous "
                "layout.")).format(**values)


def timing_lines(timing, translate: Translate = _same) -> list[str]:
    """The measurement in words (a Timing from the worker): a headline, the note on where it
    was measured, one line per op."""
    from stridescope.engine.model.timing import OP_TEXT

    t = translate
    if timing.skipped is not None:
        return [t(timing.skipped).format(**dict(timing.skipped_values))]
    if not timing.ops:
        return []
    worst = max(timing.ops, key=lambda o: o.ratio)
    lines = [t(N_("This layout: {op} {ratio:.1f}× the time on a contiguous copy — "
                  "{numel:,} elements.")).format(op=OP_TEXT[worst.op], ratio=worst.ratio,
                                                  numel=timing.numel)]
    caches = ", ".join(timing.caches) if timing.caches else t(N_("cache sizes unknown"))
    note = (N_("Measured on this machine, CPU, one thread ({caches}); medians of {repeats} "
               "runs, results allocated beforehand.") if timing.threads == 1 else
            N_("Measured on this machine, CPU, {threads} threads ({caches}); medians of "
               "{repeats} runs, results allocated beforehand."))
    lines.append(t(note).format(threads=timing.threads, caches=caches,
                                repeats=min(o.repeats for o in timing.ops)))
    for o in timing.ops:
        template = (N_("{op}: {x:.3g} ms vs {c:.3g} ms copying the contiguous copy "
                       "({ratio:.2f}×)") if o.op == "contiguous" else
                    N_("{op}: {x:.3g} ms vs {c:.3g} ms on x.contiguous() ({ratio:.2f}×)"))
        lines.append(t(template).format(op=OP_TEXT[o.op], x=o.seconds * 1e3,
                                        c=o.contiguous_seconds * 1e3, ratio=o.ratio))
    return lines
