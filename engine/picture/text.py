"""Text sizes the engine estimates without Qt: widths, wrapping, eliding, value sizes in cells."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from stridescope.engine.picture.content import format_value
from stridescope.engine.picture.scene import TypeScale


# ----------------------------------------------------------------------------- text sizes
def text_width(text: str, px: float, mono: bool = False, bold: bool = False) -> float:
    """A close upper estimate of the rendered width (the engine cannot ask Qt's metrics)."""
    per = 0.62 if mono else 0.64
    wide = _wide_count(text)
    width = ((len(text) - wide) * per + wide * 1.0) * px
    return width * (1.1 if bold and not mono else 1.0)


@lru_cache(maxsize=8192)
def _wide_count(text: str) -> int:
    """East Asian wide characters in text (looked up once per text: layouts ask often)."""
    if text.isascii():
        return 0
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def wrap(text: str, px: float, width: float, mono: bool = False) -> list[str]:
    """Greedy word wrap by the width estimate (CJK text breaks between any two characters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if text_width(paragraph.rstrip(), px, mono) <= width:  # what the loop would find
            lines.append(paragraph.rstrip())
            continue
        words: list[str] = []  # of the line being filled
        for word in _fitting_pieces(_words(paragraph), px, width, mono):
            if words and text_width("".join(words + [word]).rstrip(), px, mono) > width:
                # a closing mark never starts a line: the word before it goes down with it
                carried = []
                if word[:1] in _NO_LINE_START and len(words) > 1 and words[-1].strip() and \
                        text_width((words[-1] + word).rstrip(), px, mono) <= width:
                    carried = [words.pop()]
                lines.append("".join(words).rstrip())
                words = [w for w in carried + [word if carried else word.lstrip()] if w]
            else:
                words.append(word)
        lines.append("".join(words).rstrip())
    return lines


_NO_LINE_START = frozenset("，。、；：！？）」』】》〉")  # CJK closing marks (kinsoku)


def _fitting_pieces(words: list[str], px: float, width: float, mono: bool) -> list[str]:
    """Words, with any word wider than the line broken into pieces that fit (a long path or
    repr must wrap too, never run past the frame)."""
    out: list[str] = []
    for word in words:
        while len(word) > 1 and text_width(word.rstrip(), px, mono) > width:
            cut = max(1, int(len(word) * width / text_width(word, px, mono)))
            while cut > 1 and text_width(word[:cut], px, mono) > width:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        out.append(word)
    return out


def _words(paragraph: str) -> list[str]:
    if "\u00a0" not in paragraph:
        return _plain_words(paragraph)
    words: list[str] = []
    parts = paragraph.split(" ")
    for i, part in enumerate(parts):
        end = " " if i < len(parts) - 1 else ""
        if "\u00a0" in part:  # no-break spaces glue what they join, CJK too (a title's part)
            words.append(part + end)
        else:
            words += _plain_words(part + end)
    return [w for w in words if w]


def _plain_words(paragraph: str) -> list[str]:
    words, current = [], ""
    for ch in paragraph:
        if unicodedata.east_asian_width(ch) in "WF":
            if current:
                words.append(current)
            words.append(ch)
            current = ""
        elif ch == " ":
            words.append(current + " ")
            current = ""
        else:
            current += ch
    if current:
        words.append(current)
    return words


def elide(text: str, px: float, width: float, mono: bool = False) -> str:
    if text_width(text, px, mono) <= width:
        return text
    # the longest prefix that fits with its "…": widths grow with length, so bisect
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + "…", px, mono) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"


def fit_clauses(text: str, px: float, width: float, sep: str = " · ") -> str:
    """`text` made of clauses joined by `sep`, with the last clauses dropped whole until it
    fits (a reader loses a detail, never half a name); only a first clause that cannot fit
    alone is cut with "…"."""
    clauses = text.split(sep)
    while len(clauses) > 1 and text_width(sep.join(clauses), px) > width:
        clauses.pop()
    first = clauses[0]
    while text_width(first, px) > width:  # then its own last part ("…, no data copied")
        cut = max(first.rfind(", "), first.rfind("，"))
        if cut <= 0:
            break
        first = first[:cut]
    return elide(first if len(clauses) == 1 else sep.join(clauses), px, width)


def tuple_text(values: Sequence[int]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def widest_text(values: np.ndarray) -> int:
    """max(len(format_value(v))) over values (1 when there are none), without formatting
    every integer: an integer's text is widest at the array's minimum or maximum."""
    if not len(values) or values.dtype.kind == "b":
        return 1
    if values.dtype.kind in "iu":
        return max(len(str(int(values.min()))), len(str(int(values.max()))))
    return max(len(format_value(v)) for v in values.tolist())


def corner_fits(cell: float, value_px: float, widest: str, ts: TypeScale) -> bool:
    """A small label in a cell's corner (index, byte offset) fits under the value."""
    return bool(value_px) and cell >= value_px * 1.15 + ts.small * 1.35 + 4 and \
        text_width(widest, ts.small, mono=True) <= cell - 6


# a value's type is at most this share of its cell's side (room for the corner label)
VALUE_SHARE = 0.42


def min_value_cell(ts: TypeScale) -> float:
    """The smallest cell whose value can be drawn at ts.small (fit_value_px's own bound)."""
    return ts.small / VALUE_SHARE + 0.1


def fit_value_px(cell: float, values: np.ndarray | None, shown, ts: TypeScale) -> float:
    """One value size per strip/grid: the largest at which its widest shown value fits."""
    widest = 1
    if values is not None and len(values):
        index = np.asarray(shown, dtype=np.int64).ravel()
        index = index[(index >= 0) & (index < len(values))]
        widest = widest_text(values[index[:8192]])
    px = min(cell * VALUE_SHARE, (cell - 8) / (0.62 * widest), ts.code * 1.5)
    return round(px, 1) if px >= ts.small else 0.0
