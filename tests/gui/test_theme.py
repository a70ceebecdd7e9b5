"""Every theme's colours are readable: text 4.5:1, outlines and fills 3:1 (WCAG 2)."""

from __future__ import annotations

import pytest

from stridescope.gui.theme import THEMES


def _luminance(hex_code: str) -> float:
    channels = [int(hex_code.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_text_colours_reach_4_5_to_1(theme):
    for color in (*theme.tensor_colors, *theme.dim_colors, theme.text, theme.muted,
                  theme.error):
        assert contrast(color, theme.background) >= 4.5, (theme.name, color)
    assert contrast(theme.text, theme.panel) >= 4.5 and contrast(theme.text,
                                                                   theme.error_fill) >= 4.5


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_outlines_and_fills_reach_3_to_1(theme):
    for color in (theme.highlight, theme.written, *theme.tensor_colors):
        assert contrast(color, theme.background) >= 3.0, (theme.name, color)
