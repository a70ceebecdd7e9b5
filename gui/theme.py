"""Colours. One colour per dimension (Okabe–Ito hues, colour-blind safe) and one per tensor.

Every colour used for text reaches 4.5:1 against its theme's background and every outline
or fill 3:1 (WCAG 2); tests/gui/test_theme.py checks each colour of each theme. On white,
that means the darker shades of the same hues."""

from __future__ import annotations

from dataclasses import dataclass

# One colour per dimension, the same in every view and every op (Okabe–Ito hues, darkened
# on white: orange, blue, green, purple, crimson, teal).
DIM_COLORS = ("#B45309", "#0072B2", "#15803D", "#A21CAF", "#BE123C", "#0E7490")
# Tensors drawn over a strip: distinct hues dark enough for text on white.
TENSOR_COLORS = ("#2166AC", "#C51B7D", "#1B7837", "#9D6A00", "#0E7490", "#762A83", "#5A5A5A")


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    background: str
    panel: str
    cell: str
    cell_border: str
    text: str
    muted: str
    highlight: str
    error: str
    error_fill: str
    written: str
    dim_colors: tuple[str, ...] = DIM_COLORS
    tensor_colors: tuple[str, ...] = TENSOR_COLORS

    def dim_color(self, dim: int) -> str:
        return self.dim_colors[dim % len(self.dim_colors)]

    def tensor_color(self, index: int) -> str:
        return self.tensor_colors[index % len(self.tensor_colors)]


LIGHT = Theme("light", background="#FFFFFF", panel="#F4F5F7", cell="#FFFFFF",
              cell_border="#9AA0A6", text="#1B1F24", muted="#5F6672", highlight="#C96F00",
              error="#B3261E", error_fill="#FDECEA", written="#D62728")
DARK = Theme("dark", background="#16181D", panel="#1F232A", cell="#262B33",
             cell_border="#5C6370", text="#E8EAED", muted="#9AA0A6", highlight="#FFD166",
             error="#FF8A80", error_fill="#3B1F1F", written="#FF6B6B",
             tensor_colors=("#77AADD", "#EE8866", "#44BB99", "#EEDD88", "#99DDFF", "#FFAABB",
                            "#BBBBBB"),
             dim_colors=("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00", "#F0E442"))
HIGH_CONTRAST = Theme("high-contrast", background="#000000", panel="#000000", cell="#000000",
                      cell_border="#FFFFFF", text="#FFFFFF", muted="#E0E0E0",
                      highlight="#FFFF00", error="#FF5555", error_fill="#330000",
                      written="#FF3333",
                      tensor_colors=("#00BFFF", "#FF7F50", "#7CFC00", "#FFD700", "#FF69B4",
                                     "#E0E0E0", "#FFFFFF"),
                      dim_colors=("#FFB000", "#33C3FF", "#00E08A", "#FF8CE6", "#FF6A00",
                                  "#F0E442"))
THEMES = {t.name: t for t in (LIGHT, DARK, HIGH_CONTRAST)}
