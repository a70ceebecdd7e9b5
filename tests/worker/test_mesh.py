"""Mesh runs (issue 22): real rank processes on a real gloo group, checked against torchrun,
and the ways a rank can fail: raise, hang, be killed. Select with `-m mesh`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stridescope.engine.document.trace import trace_json
from stridescope.engine.model.limits import Limits
from stridescope.engine.teaching.i18n import translator
from stridescope.engine.worker.client import WorkerPool

pytestmark = [pytest.mark.mesh, pytest.mark.worker]

# generous: four ranks import and join on a loaded 2-core machine
LIMITS = Limits(max_seconds=20.0, run_seconds=90.0, cpu_seconds=60)
WAIT = 120.0

SCRIPT = """#! mesh 2x2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard, Replicate
mesh = init_device_mesh("cpu", (2, 2))
x = torch.arange(30.).reshape(5, 6)
rows = distribute_tensor(x, mesh, [Shard(0), Replicate()])
blocks = distribute_tensor(x, mesh, [Shard(0), Shard(1)])
cols = distribute_tensor(x, mesh, [Replicate(), Shard(1)])
moved = blocks.redistribute(mesh, [Replicate(), Shard(0)])
local = blocks.to_local()
print(mesh.get_coordinate(), tuple(local.shape))
whole = moved.full_tensor()
"""


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(LIMITS, warm=False) as pool:
        assert pool.wait_ready(), "the worker did not start"
        yield pool


def _run(pool, script, limits=LIMITS, on_begin=None):
    run = pool.start(script, limits, on_begin=on_begin)
    result = run.wait(timeout=WAIT)
    if result is None:
        run.cancel()
        pytest.fail(f"no answer within {WAIT} s")
    return run, result


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc: the children files of each task)."""
    out, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if _alive(child):
                    out.append(child)
                    todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _ranks_left(pool) -> list[int]:
    """Grandchildren of the worker (its children are the run's child and the spare)."""
    worker = pool._process.popen.pid
    end = time.monotonic() + 10
    while True:
        children = set(_descendants(worker))
        grand = [p for p in children if _parent(p) != worker]
        if not grand or time.monotonic() > end:
            return grand
        time.sleep(0.1)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def test_mesh_run_has_every_rank(pool):
    _run_, result = _run(pool, SCRIPT)
    assert result.syntax_error is None
    assert [s.error for s in result.steps] == [None] * len(result.steps)
    last = result.steps[-1]
    assert [r.rank for r in last.ranks] == [0, 1, 2, 3]
    assert [r.coordinate for r in last.ranks] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    blocks = [r.tensor("blocks") for r in last.ranks]
    assert [b.local_shape for b in blocks] == [(3, 3), (3, 3), (2, 3), (2, 3)]
    assert [b.global_offset for b in blocks] == [(0, 0), (0, 3), (3, 0), (3, 3)]
    assert blocks[3].values == [21.0, 22.0, 23.0, 27.0, 28.0, 29.0]
    print_step = next(s for s in result.steps if s.source.startswith("print"))
    assert [r.stdout for r in print_step.ranks] == [
        "(0, 0) (3, 3)\n", "(0, 1) (3, 3)\n", "(1, 0) (2, 3)\n", "(1, 1) (2, 3)\n"]
    # rank 0's plain tensors are the main step's: the gathered tensor is a real one
    assert last.tensor("whole").shape == (5, 6)
    uneven = next(s for s in result.steps if s.source.startswith("rows"))
    assert any("does not divide evenly" in w for w in uneven.warnings)
    trace = trace_json(result, "mesh.py")
    ranks = trace["steps"][-1]["ranks"]
    assert ranks[2]["tensors"]["blocks"]["global_offset"] == [3, 0]
    assert ranks[2]["tensors"]["blocks"]["placements"] == ["Shard(dim=0)", "Shard(dim=1)"]
    assert _ranks_left(pool) == []


HARNESS = """# written by tests/worker/test_mesh.py: the script as plain Python under torchrun
import json, os, sys
import torch
from torch.distributed.tensor import DTensor
from torch.distributed.tensor._utils import compute_local_shape_and_global_offset
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"))
out = {}
for name, value in list(globals().items()):
    if isinstance(value, DTensor):
        local = value.to_local()
        _shape, offset = compute_local_shape_and_global_offset(
            value.shape, value.device_mesh, value.placements)
        out[name] = {"local_shape": list(local.shape), "local_stride": list(local.stride()),
                     "local_storage_offset": local.storage_offset(),
                     "global_offset": [int(o) for o in offset],
                     "placements": [repr(p) for p in value.placements],
                     "values": local.reshape(-1).tolist()}
rank = int(os.environ["RANK"])
with open(os.path.join(sys.argv[2], f"rank{rank}.json"), "w") as f:
    json.dump(out, f)
torch.distributed.destroy_process_group()
"""


def test_agrees_with_torchrun(pool, tmp_path):
    """The same script launched by plain torchrun: every rank's local tensors agree."""
    (tmp_path / "script.py").write_text(SCRIPT)
    (tmp_path / "harness.py").write_text(HARNESS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RANK", "WORLD", "MASTER"))}
    env["OMP_NUM_THREADS"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node",
         "4", str(tmp_path / "harness.py"), str(tmp_path / "script.py"), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=WAIT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    _run_, result = _run(pool, SCRIPT)
    last = result.steps[-1]
    for rank in last.ranks:
        expected = json.loads((tmp_path / f"rank{rank.rank}.json").read_text())
        assert sorted(expected) == sorted(t.name for t in rank.tensors)
        for shard in rank.tensors:
            want = expected[shard.name]
            got = {"local_shape": list(shard.local_shape),
                   "local_stride": list(shard.local_stride),
                   "local_storage_offset": shard.local_storage_offset,
                   "global_offset": list(shard.global_offset),
                   "placements": list(shard.placements), "values": shard.values}
            assert got == want, (rank.rank, shard.name)


FAILS_ON_RANK_1 = """#! mesh 2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard
mesh = init_device_mesh("cpu", (2,))
d = distribute_tensor(torch.arange(4.), mesh, [Shard(0)])
if mesh.get_coordinate()[0] == 1:
    bad = torch.ones(2) + torch.ones(3)
whole = d.full_tensor()
"""


def test_a_rank_that_raises_stops_every_rank(pool):
    _run_, result = _run(pool, FAILS_ON_RANK_1)
    error = result.steps[-1].error
    assert error is not None and error.type == "MeshRankError", error
    assert "rank 1 failed at line 6" in error.message  # the if statement
    assert "The size of tensor a" in error.message
    assert _ranks_left(pool) == []


HANGS_ON_RANK_0 = """#! mesh 2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard
mesh = init_device_mesh("cpu", (2,))
d = distribute_tensor(torch.arange(4.), mesh, [Shard(0)])
if mesh.get_coordinate()[0] == 0:
    whole = d.full_tensor()
"""


def test_a_rank_that_hangs_is_named(pool):
    """Rank 0 waits in a collective that rank 1 never joins: stopped, not waited for."""
    limits = Limits(max_seconds=12.0, run_seconds=90.0, cpu_seconds=60)
    run, result = _run(pool, HANGS_ON_RANK_0, limits)
    error = result.steps[-1].error
    assert error is not None and error.type == "MeshRankError", error
    assert "rank 0 did not finish line 6" in error.message
    assert "ranks 1 had finished" in error.message
    assert _ranks_left(pool) == []


KILLED = """#! mesh 2x2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard, Replicate
mesh = init_device_mesh("cpu", (2, 2))
d = distribute_tensor(torch.arange(16.).reshape(4, 4), mesh, [Shard(0), Shard(1)])
a = d.full_tensor()
b = d.full_tensor()
c = d.full_tensor()
e = d.full_tensor()
f = d.full_tensor()
"""


def test_a_killed_rank_is_reported_and_cleaned_up(pool):
    worker = pool._process.popen.pid
    killed: list[int] = []

    def on_begin(index: int, line: int) -> None:
        if line == 6 and not killed:  # every rank has joined; collectives follow
            ranks = sorted(p for p in _descendants(worker) if _parent(p) != worker)
            assert len(ranks) == 4, ranks
            os.kill(ranks[3], signal.SIGKILL)  # forked in rank order: the last is rank 3
            killed.append(ranks[3])

    _run_, result = _run(pool, KILLED, on_begin=on_begin)
    assert killed
    error = result.steps[-1].error
    assert error is not None and error.type == "MeshRankError", error
    assert "rank 3 was killed by signal 9 (SIGKILL)" in error.message
    assert "stopped on every rank" in error.message
    assert _ranks_left(pool) == []


def test_mesh_errors_are_explained(pool):
    script = """#! mesh 2x2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard
mesh = init_device_mesh("cpu", (2, 2))
d = distribute_tensor(torch.ones(4, 4), mesh, [Shard(0)])
"""
    _run_, result = _run(pool, script)
    error = result.steps[-1].error
    assert error.type == "MeshError" and "1 placements for a 2-D mesh" in error.message
    assert error.explanation.kind == "mesh_placements"
    assert "exactly one placement per mesh dim" in error.explanation.text()
    assert "恰好有一个放置方式" in error.explanation.text(translator("zh_CN"))
    _run_, result = _run(pool, script.replace('"cpu", (2, 2))', '"cuda", (2, 2))'))
    error = result.steps[-1].error
    assert error.type == "MeshError" and error.explanation.kind == "mesh_device"
    _run_, result = _run(pool, "#! mesh 3x3\nimport torch\n")
    assert result.syntax_error is not None and "at most 8" in result.syntax_error.message


def test_scripts_still_cannot_reach_the_network(pool):
    script = """#! mesh 2
import torch
from torch.distributed.tensor import init_device_mesh
x = torch.distributed
"""
    _run_, result = _run(pool, script)
    assert "networking is not allowed" in result.steps[-1].error.message
    for line in ("from torch.distributed.tensor import init_process_group",
                 "from torch.distributed.tensor import DeviceMesh\nm = DeviceMesh('cuda', [0, 1])",
                 "from torch.distributed.tensor import init_device_mesh\n"
                 "m = init_device_mesh('cpu', (2,))\ng = m.get_group()"):
        _run_, result = _run(pool, "#! mesh 2\nimport torch\n" + line + "\n")
        assert result.steps[-1].error is not None, line
        assert result.steps[-1].error.type in ("NotSupportedError", "RefusedError",
                                               "MeshError"), result.steps[-1].error


def test_without_a_mesh_the_sharding_api_says_how_to_get_one():
    from stridescope.engine.interpret.runner import run_script

    steps = run_script("from torch.distributed.tensor import distribute_tensor\n").steps
    assert "'#! mesh 2x2' line" in steps[-1].error.message


PLAIN = """import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard
mesh = init_device_mesh("cpu", (2,))
d = distribute_tensor(torch.arange(6.).reshape(2, 3), mesh, [Shard(1)])
"""


def test_cli_mesh_flag_writes_ranks(tmp_path):
    """--mesh 2 on a script without a mesh line; the trace's steps carry ranks."""
    (tmp_path / "s.py").write_text(PLAIN)
    done = subprocess.run([sys.executable, "-m", "stridescope", "--script", str(tmp_path / "s.py"),
                           "--mesh", "2", "--json", str(tmp_path / "t.json"),
                           "--export", str(tmp_path / "t.png"), "--size", "1280x720"],
                          capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    ranks = json.loads((tmp_path / "t.json").read_text())["steps"][-1]["ranks"]
    shards = [r["tensors"]["d"] for r in ranks]
    assert [s["local_shape"] for s in shards] == [[2, 2], [2, 1]]  # chunk: 2 and 1 columns
    assert [s["values"] for s in shards] == [[0.0, 1.0, 3.0, 4.0], [2.0, 5.0]]
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "t.png"))  # the headless picture: both ranks' colours
    assert (image.width(), image.height()) == (1280, 720)
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 720, 7)}
    assert len(colours) > 6
    bad = subprocess.run([sys.executable, "-m", "stridescope", "--script",
                          str(tmp_path / "s.py"), "--mesh", "9", "--json", "-"],
                         capture_output=True, text=True, timeout=WAIT)
    assert bad.returncode == 2 and "at most 8" in bad.stderr


def test_api_trace_with_mesh():
    import stridescope

    doc = stridescope.trace(PLAIN, mesh="2")
    assert [r["coordinate"] for r in doc["steps"][-1]["ranks"]] == [[0], [1]]
    with pytest.raises(ValueError, match="not a mesh shape"):
        stridescope.trace(PLAIN, mesh="2y")
