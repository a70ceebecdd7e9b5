"""Presentation mode at projector sizes (issue 20): big type, and still nothing elided on a
lesson step: the values stay in their cells, the grid is the biggest thing on screen."""

from __future__ import annotations

import numpy as np
import pytest

from stridescope.engine.picture.arrange import _legible_cell
from stridescope.engine.picture.scene import TypeScale, Viewport
from stridescope.engine.picture.text import fit_value_px


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
