"""Timings in the worker: the protocol and shape of the answer, the skipping rules, the
limits; never a wall-clock value (only that each ratio is finite and positive)."""

from __future__ import annotations

import math

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.timing import TIMED_OPS
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.teaching.walk_text import timing_lines
from stridescope.engine.worker.timing import cache_sizes, skip_reason, timing_from_json

SCRIPT = ("import torch\n"
          "x = torch.arange(256 * 256, dtype=torch.float32).reshape(256, 256)\n"
          "t = x.t()\n"
          "s = x[:, ::2]\n"
          "e = torch.arange(256.).expand(256, 256)\n"
          "m = torch.empty(1000, 1000, device='meta').t()\n"
          "q = x[:4, :4].t()\n")


@pytest.fixture(scope="module")
def step():
    return run_script(SCRIPT).steps[-1]


@pytest.mark.parametrize("name", ["t", "s", "e", "x"])
def test_a_layout_is_timed_against_its_contiguous_copy(pool, step, name):
    timing = pool.measure(step.tensor(name))
    assert timing.skipped is None, timing.skipped_values
    assert [o.op for o in timing.ops] == list(TIMED_OPS)
    assert timing.numel == step.tensor(name).numel and timing.threads == 1
    for op in timing.ops:
        assert op.repeats >= 7
        assert math.isfinite(op.ratio) and op.ratio > 0
    lines = timing_lines(timing)
    assert "this machine, CPU" in lines[1] and len(lines) == 2 + len(TIMED_OPS)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in timing_lines(timing, translator("zh_CN"))[0])


def test_meta_and_tiny_tensors_are_skipped_with_a_message(pool, step):
    meta = pool.measure(step.tensor("m"))
    assert meta.ops == () and "meta" in timing_lines(meta)[0]
    tiny = pool.measure(step.tensor("q"))
    assert tiny.ops == () and "16 elements" in timing_lines(tiny)[0]
    assert "微秒" in timing_lines(tiny, translator("zh_CN"))[0]


def test_a_tensor_too_big_for_the_memory_limit_is_skipped(step):
    reason = skip_reason(step.tensor("t"), memory_bytes=1024**2)
    assert reason is not None and "memory limit" in reason[0]
    assert skip_reason(step.tensor("t"), memory_bytes=4 * 1024**3) is None


def test_the_worker_is_usable_after_a_timing(pool, step):
    pool.measure(step.tensor("t"))
    assert pool.run("import torch\ny = torch.ones(3)\n").steps[-1].tensor("y").numel == 3


@pytest.mark.parametrize("bad", [None, {}, {"ops": [], "numel": 1.5, "threads": 1},
                                 {"ops": [{"op": "rm -rf", "seconds": 1.0,
                                           "contiguous_seconds": 1.0, "repeats": 3}],
                                  "numel": 4, "threads": 1},
                                 {"ops": [{"op": "sum", "seconds": float("nan"),
                                           "contiguous_seconds": 1.0, "repeats": 3}],
                                  "numel": 4, "threads": 1},
                                 {"ops": [{"op": "sum", "seconds": 1.0,
                                           "contiguous_seconds": -1.0, "repeats": 3}],
                                  "numel": 4, "threads": 1}])
def test_an_invalid_answer_is_refused(bad):
    with pytest.raises(ValueError):
        timing_from_json(bad)


def test_cache_sizes_from_sysfs(tmp_path):
    for n, (level, kind, size) in enumerate([("1", "Data", "48K"), ("1", "Instruction", "32K"),
                                             ("2", "Unified", "2048K"),
                                             ("3", "Unified", "32M")]):
        folder = tmp_path / f"index{n}"
        folder.mkdir()
        for field, value in (("level", level), ("type", kind), ("size", size)):
            (folder / field).write_text(value + "\n")
    assert cache_sizes(tmp_path) == ("L1d 48 KiB", "L2 2048 KiB", "L3 32 MiB")
    assert cache_sizes(tmp_path / "missing") == ()
