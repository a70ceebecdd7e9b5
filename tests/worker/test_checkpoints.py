"""Checkpoints (engine/worker/checkpoints.py): an edited script resumes from a kept run, and
its result is the result a fresh run would give, step for step."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import time

import pytest

from stridescope.engine.worker.checkpoints import MAX_ALIVE, SUPPORTED, WORTH_VARIABLE
from stridescope.engine.worker.client import WorkerPool
from stridescope.engine.worker.wire import encode

from .conftest import SMALL, run_case

pytestmark = pytest.mark.skipif(not SUPPORTED, reason="checkpoints need Linux")


@pytest.fixture(scope="module", autouse=True)
def checkpoint_at_once():
    """These scripts are quick: the workers started here keep checkpoints from the first
    statement on (the default waits until a run has spent WORTH_SECONDS)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(WORTH_VARIABLE, "0")
        yield


@pytest.fixture(scope="module")
def fresh():
    """A pool that keeps no checkpoints: every run is a fresh one (the reference)."""
    with WorkerPool(SMALL, warm=False) as pool:
        yield pool


def comparable(result):
    """The result as data, without the addresses (they differ between any two processes)."""
    text = json.dumps(encode((result.steps, result.syntax_error)))
    return re.sub(r'"(storage_)?data_ptr": -?\d+', "", text)


def assert_as_fresh(pool, fresh, script, resumed=True):
    run = run_case(pool, script)
    if resumed:
        assert run.resumed_from is not None, "the run did not resume from a checkpoint"
    want = fresh.run(script, SMALL)
    assert comparable(run.result) == comparable(want)
    return run


def long_script(n: int) -> list[str]:
    lines = ["import torch", "torch.manual_seed(0)", "base = torch.arange(24.).reshape(4, 6)",
             "noise = torch.rand(3)"]
    for i in range(n):
        lines.append(random.Random(i).choice([
            f"v{i % 5} = base[{i % 3}:, ::{i % 2 + 1}].t()",
            f"base[{i % 4}, {i % 6}] += {i}",
            f"w = base.reshape(6, 4)[{i % 6}]",
            "r = torch.rand(2)",
            f"print(base.sum(), {i})",
            "c = base.t().contiguous()",
        ]))
    return lines


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.fixture
def keeper():
    """A warm pool of its own (checkpoints on), so earlier tests' runs do not interfere."""
    with WorkerPool(SMALL) as pool:
        assert pool.wait_ready()
        yield pool


def test_an_edit_near_the_end_resumes_and_matches_a_fresh_run(keeper, fresh):
    lines = long_script(60)
    run_case(keeper, text(lines))
    edited = lines[:-1] + ["last = base.t().reshape(24)"]
    run = assert_as_fresh(keeper, fresh, text(edited))
    assert run.resumed_from == len(edited) - 1  # only the changed statement ran again
    # again on the same line: from the checkpoint that edit left
    again = edited[:-1] + ["last = base[1:].flatten()"]
    assert assert_as_fresh(keeper, fresh, text(again)).resumed_from == len(again) - 1


def test_random_edits_give_what_fresh_runs_give(keeper, fresh):
    """Change, insert, delete and append lines anywhere (RNG calls included): every result
    equals a fresh run's, whether it resumed or not."""
    rng = random.Random(7)
    lines = long_script(40)
    run_case(keeper, text(lines))
    resumed = 0
    for round_ in range(12):
        at = rng.randrange(4, len(lines) + 1)
        kind = rng.choice(["change", "insert", "delete", "append"])
        new = f"x{round_} = base[{round_ % 4}:].t()"
        if kind == "change" and at < len(lines):
            lines[at] = new
        elif kind == "delete" and at < len(lines):
            del lines[at]
        elif kind == "append":
            lines.append(new)
        else:
            lines.insert(at, new)
        run = run_case(keeper, text(lines))
        resumed += run.resumed_from is not None
        assert comparable(run.result) == comparable(fresh.run(text(lines), SMALL)), \
            (kind, at, run.resumed_from)
    assert resumed >= 6  # most edits resumed


@pytest.mark.parametrize("before, after", [
    # what follows a compound statement can extend it: no checkpoint after one
    ("for i in range(2):\n    x = i\ny = 1\nz = 2\n",
     "for i in range(2):\n    x = i\nelse:\n    y = 2\nz = 3\n"),
    # a continued line
    ("a = 1\nb = 2\nc = 3\nd = 4\n", "a = 1\nb = 2\nc = (3 +\n     4)\nd = 5\n"),
    # a syntax error in the edited end: the same error, at the same line, as a fresh run
    ("import torch\na = torch.ones(3)\nb = a * 2\nc = b + 1\n",
     "import torch\na = torch.ones(3)\nb = a * 2\nc = b +\n"),
    ("import torch\na = torch.ones(3)\nb = a * 2\nc = b + 1\n",
     "import torch\na = torch.ones(3)\nb = a * 2\nfrom __future__ import annotations\n"),
    # an indented line after a simple statement
    ("a = 1\nb = 2\nc = 3\nd = 4\n", "a = 1\nb = 2\nc = 3\n  d = 4\n"),
    # Windows line endings, and a line ending changed from "\r" to "\r\n"
    ("a = 1\r\nb = 2\r\nc = 3\r\nd = 4\r\n", "a = 1\r\nb = 2\r\nc = 3\r\nd = 5\r\n"),
    ("a = 1\rb = 2\rc = 3\rd = 4\r", "a = 1\rb = 2\rc = 3\r\nd = 4\r"),
    # statements sharing a line
    ("a = 1; b = 2\nc = 3; d = 4\ne = 5\n", "a = 1; b = 2\nc = 3; d = 4\ne = 6; f = 7\n"),
    # the failing step stays the failing step; an expect-error mark moved
    ("import torch\na = torch.ones(2, 3).t()\nb = a.view(6)  #! expect-error\nc = a.reshape(6)\n",
     "import torch\na = torch.ones(2, 3).t()\nb = a.view(6)  #! expect-error\nc = a.view(6)\n"),
    # the end deleted
    ("a = 1\nb = 2\nc = 3\nd = 4\n", "a = 1\nb = 2\n"),
])
def test_edge_edits_match_fresh_runs(keeper, fresh, before, after):
    run_case(keeper, before)
    assert_as_fresh(keeper, fresh, after, resumed=False)


def test_the_prefix_state_is_the_runs_own(keeper, fresh):
    """Unseeded random numbers: a resumed run goes on from the state its checkpoint kept, so
    its earlier steps are the ones the window already shows (not new numbers)."""
    script = ["import torch", "a = torch.rand(3)", "b = a * 2", "c = b + 1"]
    first = run_case(keeper, text(script)).result
    run = run_case(keeper, text(script[:-1] + ["c = b + 2"]))
    assert run.resumed_from == 3
    assert run.result.steps[:3] == first.steps[:3]  # the same objects the window holds


def test_other_limits_or_a_cancelled_run_resume_safely(keeper, fresh):
    script = long_script(30)
    run_case(keeper, text(script))
    other = dataclasses.replace(SMALL, stdout_run_chars=50)
    run = keeper.start(text(script[:-1] + ["z = 1"]), other)
    assert run.wait(20) is not None and run.resumed_from is None  # another budget: fresh
    slow = text(script[:-1] + ["import torch", "big = torch.ones(2000, 2000)",
                               "for i in range(10**6):\n    big.add_(1)"])
    cancelled = keeper.start(slow)
    assert cancelled.wait(1.0) is None  # the app reads the steps that came meanwhile
    cancelled.cancel()
    assert_as_fresh(keeper, fresh, text(script[:-1] + ["z = 2"]))


def test_a_time_limit_then_an_edit(keeper, fresh):
    script = long_script(20)
    run_case(keeper, text(script))
    # a resumed run stopped by the app's clock (SMALL: 1 s a statement)
    slow = "x = torch.randn(4000, 4000) @ torch.randn(4000, 4000)"
    stuck = run_case(keeper, text(script + [slow]))
    assert stuck.resumed_from is not None
    assert stuck.result.steps[-1].error.type == "TimeLimitError"
    assert_as_fresh(keeper, fresh, text(script + ["y = 1"]))


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    if int(f.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        out.add(int(entry))
            except (OSError, ValueError):
                pass
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_checkpoints_are_bounded_and_go_with_the_worker():
    with WorkerPool(SMALL) as pool:
        lines = long_script(3000)
        run_case(pool, text(lines))
        for k in range(6):
            lines[-1 - 10 * k] = f"q = {k}"
            run_case(pool, text(lines))
        worker = pool._process.popen.pid
        time.sleep(0.5)
        kept = _children(worker)
        # the spare, the checkpoints (at most MAX_ALIVE), the last run's child being reaped
        assert 3 <= len(kept) <= MAX_ALIVE + 2
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in kept):
        time.sleep(0.1)
    assert not any(_alive(p) for p in kept), "checkpoints outlived the worker"


def test_many_edits_on_one_line_keep_resuming(keeper):
    """The run whose checkpoints the edits resume from stays held by the app however many
    runs come after it (the app holds only its last few runs)."""
    from stridescope.engine.worker.client import STREAMS

    lines = long_script(30)
    run_case(keeper, text(lines))
    for k in range(STREAMS + 3):
        run = run_case(keeper, text(lines[:-1] + [f"z = {k}"]))
        assert run.resumed_from == len(lines) - 1, k


def test_a_quick_prefix_is_run_again_a_slow_one_is_kept(monkeypatch, fresh):
    """With the default WORTH_SECONDS: a run's first statements that take less time than a
    fork costs are run again (no checkpoint before them); after a slow one, it is kept."""
    monkeypatch.delenv(WORTH_VARIABLE)
    with WorkerPool(SMALL) as pool:
        quick = "a = 1\nb = 2\nc = 3\nd = 4\n"
        run_case(pool, quick)
        again = assert_as_fresh(pool, fresh, quick.replace("d = 4", "d = 5"), resumed=False)
        assert again.resumed_from is None
        slow = "import torch\nx = torch.ones(1200, 1200)\ny = x @ x @ x\nz = y[0, :3]\nw = 1\n"
        run_case(pool, slow)
        assert assert_as_fresh(pool, fresh, slow.replace("w = 1", "w = 2")).resumed_from == 4


def test_a_run_that_grew_past_the_limit_keeps_no_checkpoints(keeper, fresh):
    """A checkpoint's own memory is what its run writes after it: a run of big tensors is
    not kept (GROWTH_LIMIT), and its edits run fresh, correctly."""
    from stridescope.engine.worker.checkpoints import GROWTH_LIMIT

    n = GROWTH_LIMIT // 4 + 1_000_000  # float32 elements: past the limit
    lines = ["import torch", f"big = torch.ones({n})", "a = big[:4]", "b = a * 2",
             "c = b + 1", "d = c.t()"]
    run_case(keeper, text(lines))
    run = assert_as_fresh(keeper, fresh, text(lines[:-1] + ["d = c * 3"]), resumed=False)
    assert run.resumed_from is None


def test_the_growth_limit_counts_what_a_run_allocates_not_file_pages(tmp_path):
    """Touching file-backed pages (as a fork does when it first runs a libtorch kernel) is no
    growth; allocating is."""
    import mmap

    from stridescope.engine.worker.checkpoints import anonymous_bytes

    path = tmp_path / "pages"
    path.write_bytes(b"x" * (96 << 20))
    before = anonymous_bytes()
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as pages:
        touched = sum(pages[i] for i in range(0, len(pages), mmap.PAGESIZE))
        assert touched and anonymous_bytes() - before < (16 << 20)
    block = b"y" * (96 << 20)  # written, so resident
    assert anonymous_bytes() - before > (80 << 20)
    del block


def test_a_resumed_run_that_ends_before_the_worker_looks_is_still_taken():
    """The worker trusts a resumed run's pid once /proc says it descends from it. A one-line
    edit can end before that look on a busy machine; its checkpoint then reaped it and the
    edit ran fresh at random. Here the look is made slow, in a process of its own (a forked
    stand-in for the worker, so that this one's children stay as they are)."""
    worker = os.fork()
    if worker == 0:
        os._exit(_slow_worker_resumes())
    _pid, status = os.waitpid(worker, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the slow worker's resume was refused"


def _slow_worker_resumes() -> int:
    import ast
    import socket

    from stridescope.engine.worker import checkpoints as module

    try:
        module.become_subreaper()
        looked = module._descends_from_us
        module._descends_from_us = lambda pid: time.sleep(0.5) or looked(pid)
        script = "a = 1\nb = 2\n"
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        out_read, out_write = os.pipe()
        run = os.fork()
        if run == 0:  # the run: keeps a checkpoint before `b = 2`, then ends
            ours.close()
            keeper = module.Keeper(theirs, out_write, ast.parse(script).body)
            resumed = keeper.keep(1, 2)
            if resumed is not None:  # the edit's run: one statement, done at once
                os.write(resumed.out_fd, b"done")
            os._exit(0)
        theirs.close()
        os.close(out_write)
        os.waitpid(run, 0)
        os.close(out_read)
        request = {"id": 1, "script": script, "checkpoints": True}
        kept = module.Checkpoints()
        kept.collect(ours, request)
        edit = {"id": 2, "script": "a = 1\nb = 3\n", "checkpoints": True,
                "resumable": {"1": 2}}
        checkpoint = kept.take(edit)
        resumed = kept.resume(checkpoint, json.dumps(edit).encode() + b"\n") \
            if checkpoint is not None else None
        if resumed is None:
            return 1
        pid, read_end, control = resumed
        with os.fdopen(read_end, "rb") as output:
            said = output.read()
        answer = kept.exit_of(checkpoint, lambda pid: None, pid)
        kept.close()
        return 0 if said == b"done" and answer["status"] == 0 else 2
    except BaseException:  # noqa: BLE001 - anything here is a failure of the forked check
        return 3
