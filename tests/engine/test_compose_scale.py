"""A step shown costs what it draws, not the script's length: composing one more step of a
long script does no per-step work over the whole run (the family's layout, the colours and
the header height are worked out once per run)."""

from __future__ import annotations

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.limits import Limits
from stridescope.engine.picture import arrange, compose, labels
from stridescope.engine.picture.compose import compose as compose_step
from stridescope.engine.picture.scene import Viewport, ViewState


def _script(statements: int) -> str:
    lines = ["import torch", "base = torch.arange(64).reshape(8, 8)"]
    lines += [f"t{i % 50} = base[{i % 7}:, ::{i % 3 + 1}].t()" for i in range(statements - 2)]
    return "\n".join(lines) + "\n"


def _work_per_step(statements: int, monkeypatch) -> int:
    """Pictures built and headers laid out while composing ten steps not shown before
    (after the first, which may do the once-per-run work)."""
    result = run_script(_script(statements), Limits(max_statements=100_000))
    calls = {"n": 0}

    def counted(fn):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            return fn(*args, **kwargs)
        return wrapper

    for module, name in ((arrange, "build_picture"), (compose, "build_picture"),
                         (labels, "header_texts"), (compose, "header_texts")):
        monkeypatch.setattr(module, name, counted(getattr(module, name)))
    viewport = Viewport(1200, 800)
    compose_step(result, ViewState(step=40), viewport)
    calls["n"] = 0
    for step in range(41, 51):
        compose_step(result, ViewState(step=step), viewport)
    monkeypatch.undo()
    return calls["n"]


@pytest.mark.parametrize("long", [1_000])
def test_composing_a_step_does_not_grow_with_the_script(monkeypatch, long):
    short = _work_per_step(100, monkeypatch)
    assert short <= 40, short  # ten steps: a handful of pictures and headers each
    assert _work_per_step(long, monkeypatch) == short


@pytest.mark.parametrize("text", ["shape (3, 4)  ·  stride (4, 1)",
                                  "形状 (3, 4) 步长 (1, 3) 偏移 0",
                                  "x" * 300, "a", ""])
@pytest.mark.parametrize("width", [0, 5, 40, 120, 400, 5_000])
def test_elide_keeps_the_longest_prefix_that_fits(text, width):
    from stridescope.engine.picture.text import elide, text_width
    out = elide(text, 14, width)
    if text_width(text, 14) <= width:
        assert out == text
        return
    assert out.endswith("…") and text.startswith(out[:-1])
    kept = len(out) - 1
    assert kept == 0 or text_width(out, 14) <= width
    assert kept == len(text) or text_width(text[:kept + 1] + "…", 14) > width
