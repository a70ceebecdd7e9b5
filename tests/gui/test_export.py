"""Headless exports: valid PNG/SVG/PDF of the requested size, for lessons too."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from stridescope.engine.interpret.runner import run_script
from stridescope.gui.export import export_still

SCRIPT = ("import torch\nx = torch.arange(12).reshape(3, 4)\ny = x.t()\nz = y.contiguous()\n")


@pytest.mark.parametrize("size", [(800, 600), (1600, 900)])
def test_png_has_requested_size_and_content(tmp_path, size):
    path = tmp_path / "x.png"
    export_still(run_script(SCRIPT), str(path), size=size)
    image = QImage(str(path))
    assert (image.width(), image.height()) == size
    colors = {image.pixel(x, y) for x in range(0, size[0], 37) for y in range(0, size[1], 29)}
    assert len(colors) > 5  # not a blank page


def test_svg_is_valid_xml_with_text(tmp_path):
    path = tmp_path / "x.svg"
    export_still(run_script(SCRIPT), str(path), size=(900, 700), step=3)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width").startswith("900") or "900" in root.get("viewBox", "")
    assert "Storage S" in path.read_text()


def test_pdf_is_a_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    export_still(run_script(SCRIPT), str(path), size=(800, 600))
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]


def test_steps_render_differently(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    result = run_script(SCRIPT)
    export_still(result, str(a), step=2)
    export_still(result, str(b), step=4)
    assert QImage(str(a)) != QImage(str(b))


def test_unknown_focus_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no tensor named 'nope'"):
        export_still(run_script(SCRIPT), str(tmp_path / "x.png"), focus="nope")


def test_huge_meta_and_large_tensors_render(tmp_path):
    script = ("import torch\nm = torch.empty(10**6, 10**7, device='meta')\n"
              "big = torch.arange(1_000_000).reshape(1000, 1000)\nbt = big.t()\n")
    export_still(run_script(script), str(tmp_path / "m.png"), step=2)
    export_still(run_script(script), str(tmp_path / "b.png"))
    assert QImage(str(tmp_path / "m.png")).width() == 1200


def test_script_that_does_not_parse_still_renders_its_error(tmp_path):
    path = tmp_path / "e.png"
    export_still(run_script("x = (\n"), str(path))
    assert QImage(str(path)).width() == 1200


def test_value_colours_repeat_each_storage_elements_hue_in_the_grid(tmp_path):
    """A still reads without hovering: the grid cell and the storage cell it reads share a
    hue, and cells of different elements differ (issue 9)."""
    from stridescope.engine.picture.scene import Scene
    from stridescope.gui.export import compose_step, render_scene, scene_for
    from stridescope.gui.theme import LIGHT

    result = run_script("import torch\nx = torch.arange(6).reshape(2, 3)\nt = x.t()\n")
    composed = compose_step(result, size=(1280, 720), value_colors=True)
    assert composed.value_colors
    path = tmp_path / "v.png"
    render_scene(scene_for(composed, LIGHT), str(path), (1280, 720), LIGHT.background)
    image = QImage(str(path))

    def sample(rect):  # a point in the cell's upper-left corner, away from its text
        x, y, w, h = rect
        return image.pixelColor(int(x + w * 0.12), int(y + h * 0.12)).name()

    grid, strip = composed.grid, composed.strips[0]
    seen = set()
    for row in range(3):
        for col in range(2):
            k = grid.grid.storage_index((), row, col)
            assert sample(grid.cell_rect((), row, col)) == sample(strip.cell_rect(k))
            seen.add(sample(strip.cell_rect(k)))
    assert len(seen) == 6 and Scene.value_hue(0) != Scene.value_hue(1)
