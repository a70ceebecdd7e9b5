"""CUDA tensors go through the same engine; skipped cleanly on machines without a GPU."""

from __future__ import annotations

import pytest
import torch

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.picture.content import build_picture

pytestmark = [pytest.mark.cuda,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")]


def test_cuda_views_and_copies_match_torch():
    result = run_script("import torch\na = torch.arange(12, device='cuda').reshape(3, 4)\n"
                        "b = a.t()\nc = b.contiguous()\nprint(c.device, c.stride())\n")
    last = result.steps[-1]
    assert last.error is None
    assert last.stdout == "cuda:0 (3, 1)\n"
    a, b, c = last.tensor("a"), last.tensor("b"), last.tensor("c")
    assert a.device == "cuda:0" and a.storage_id == b.storage_id != c.storage_id
    assert c.values == [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]
    picture = build_picture(last, "c")
    assert picture.grid is not None and len(picture.strips) == 2


def test_cuda_allocation_guard():
    error = run_script("import torch\nx = torch.zeros(10**6, 10**6, device='cuda')\n"
                       ).steps[-1].error
    assert error.type == "ResourceLimitError"
