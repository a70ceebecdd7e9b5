"""The worker process: results equal the in-process interpreter's, every run starts clean,
limits and crashes are reported on the step that hit them, invalid data is refused."""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import replace

import pytest

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.limits import Limits
from stridescope.engine.teaching.lessons import lesson_names, load_lesson
from stridescope.engine.worker.child import _RefuseImports
from stridescope.engine.worker.wire import FrameReader, WireError, frame
from tests.worker.conftest import SMALL, check_sane, run_case

LONG = "import torch\nx = torch.ones(2)\na = torch.randn(1200, 1200)\nfor i in range(10**5):\n" \
       "    b = a @ a\n"


def _running(pool, script, limits=SMALL):
    run = pool.start(script, limits)
    deadline = time.monotonic() + 20
    while (run.current is None or run.current["line"] < 4) and time.monotonic() < deadline:
        run.poll()
        time.sleep(0.01)
    assert run.current is not None and run.current["line"] == 4
    return run


def _without_pointers(result):
    """The result with data pointers zeroed: addresses differ from process to process (and
    torch warns once per process: the worker's fresh child always warns)."""
    def tensor(t):
        return replace(t, data_ptr=t.data_ptr - t.storage_data_ptr, storage_data_ptr=0)

    def plain(step):
        return replace(step, warnings=(), tensors=tuple(tensor(t) for t in step.tensors),
                       storages=tuple(replace(s, data_ptr=0) for s in step.storages),
                       substeps=tuple(replace(s, tensor=tensor(s.tensor))
                                      for s in step.substeps))
    return replace(result, steps=tuple(plain(s) for s in result.steps))


@pytest.mark.parametrize("name", ["tutorial", "02_storage_and_metadata", "06_contiguity",
                                  "09_random_seeds"])
def test_worker_steps_equal_in_process_steps(pool, name):
    script = load_lesson(name).script
    worker, here = _without_pointers(run_case(pool, script).result), _without_pointers(
        run_script(script))
    assert worker == here
    assert [[t.values for t in s.tensors] for s in worker.steps] == \
        [[t.values for t in s.tensors] for s in here.steps]
    assert [[s.raw for s in step.storages] for step in worker.steps] == \
        [[s.raw for s in step.storages] for step in here.steps]


def test_every_run_starts_clean(pool):
    polluter = ("import torch\ntorch.set_printoptions(precision=1, sci_mode=True)\n"
                "torch.manual_seed(123)\nx = torch.rand(3)\n")
    probe = ("import torch\nx = torch.rand(3)\nprint(torch.tensor([1/3]))\n"
             "print(torch.get_default_dtype())\ny = torch.ones(2)\n")
    alone = run_case(pool, probe).result
    run_case(pool, polluter)
    after = run_case(pool, probe).result
    assert _without_pointers(after) == _without_pointers(alone)
    assert [s.stdout for s in after.steps] == [s.stdout for s in alone.steps]
    assert after.steps[1].tensors[0].values == alone.steps[1].tensors[0].values


def test_a_statement_past_the_deadline_is_stopped_and_earlier_steps_kept(pool):
    run = run_case(pool, LONG)
    steps = run.result.steps
    assert [s.error is None for s in steps] == [True, True, True, False]
    error = steps[-1].error
    assert error.type == "TimeLimitError" and error.line == 4
    assert "longer than 1 s" in error.message
    # the names before it are all still drawn (whichever noticed the limit first: the
    # interpreter, between two loop iterations, also shows what the loop had bound)
    before = {t.name: t for t in steps[-2].tensors}
    assert all(next(t for t in steps[-1].tensors if t.name == n) == t for n, t in before.items())
    assert run_case(pool, "x = 1\n").result.steps[0].error is None  # and the next run works


def test_cpu_time_limit_names_its_number(pool):
    limits = Limits(max_seconds=30, cpu_seconds=1, memory_bytes=SMALL.memory_bytes)
    run = run_case(pool, LONG, limits)
    error = run.result.steps[-1].error
    assert error.type == "TimeLimitError" and "1 s of CPU time" in error.message


def test_a_crash_is_reported_with_its_signal_and_line(pool):
    run = _running(pool, LONG, Limits(max_seconds=30, memory_bytes=SMALL.memory_bytes))
    os.kill(run.pid, signal.SIGSEGV)
    result = run.wait(timeout=20)
    error = result.steps[-1].error
    assert error.type == "WorkerCrash"
    assert error.message == "the script crashed the worker: signal 11 (SIGSEGV) at line 4"
    assert len(result.steps) == 4 and result.steps[2].error is None


def test_cancel_stops_at_once_and_the_next_run_is_fresh(pool):
    run = _running(pool, LONG, Limits(max_seconds=30, memory_bytes=SMALL.memory_bytes))
    run.cancel()
    assert run.done and run.result.steps[-1].error.type == "Cancelled"
    assert run_case(pool, "import torch\nx = torch.ones(1)\n").result.steps[-1].error is None


def test_invalid_data_from_the_worker_is_a_clear_error(pool):
    run = _running(pool, LONG)
    run.process.backlog.append(({"kind": "step", "step": {"dc": "os.system", "f": {}}}, []))
    result = run.wait(timeout=20)
    error = result.syntax_error or result.steps[-1].error
    assert error.type == "WorkerError" and error.message.startswith("worker sent invalid data")
    assert run_case(pool, "x = 1\n").result.steps[0].error is None  # a fresh worker took over


@pytest.mark.parametrize("data", [b"HTTP/1.1 200 OK\n", b"SSW1 x -\n", b"SSW1 3 -\n[1]",
                                  b"SSW1 2 -\n{]", b"SSW1 99999999999 -\n", b"SSW1 2 4,x\n{}",
                                  b"SSW1 4 -\n\xff\xfe{}"])
def test_frames_are_decoded_strictly(data):
    with pytest.raises(WireError):
        FrameReader().feed(data)


def test_frames_split_anywhere_are_joined():
    data = frame({"kind": "x", "v": "张量"}, [b"abc", b""]) * 2
    reader = FrameReader()
    frames = [f for b in data for f in reader.feed(bytes([b]))]
    assert frames == [({"kind": "x", "v": "张量"}, [b"abc", b""])] * 2


def test_modules_with_import_side_effects_are_refused():
    for name in ("this", "antigravity", "webbrowser", "some_installed_package"):
        with pytest.raises(ImportError, match="refused"):
            _RefuseImports().find_spec(name)
    assert _RefuseImports().find_spec("torch._refs") is None


# ----------------------------------------------------------------- fuzz
HOSTILE_BITS = ["10**12", "-1", "2**62", "0", "torch.bits16", "torch.float8_e4m3fn", "'\\ud800'",
                "torch.ones(10**5).expand(10**5, 10**5)", "None", "1e308", "(1, 2, 3)",
                "torch.tensor(3 * 10**9)", "[0] * 10**7"]


def _mutate(script: str, rng: random.Random) -> str:
    lines = script.splitlines()
    for _ in range(rng.randint(1, 4)):
        n = rng.randrange(len(lines))
        action = rng.randrange(5)
        if action == 0:
            del lines[n]
        elif action == 1:
            lines.insert(n, lines[rng.randrange(len(lines))])
        elif action == 2:
            lines[n] = lines[n].replace(rng.choice("0123456789"), rng.choice(HOSTILE_BITS), 1)
        elif action == 3:
            cut = rng.randrange(len(lines[n]) + 1)
            lines[n] = lines[n][:cut] + rng.choice(HOSTILE_BITS + ["(", ")", ":", ".", "\t"])\
                + lines[n][cut:]
        else:
            j = rng.randrange(len(lines))
            lines[n], lines[j] = lines[j], lines[n]
    return "\n".join(lines) + "\n"


FUZZ_SEED = 20261129 if os.environ.get("CI") else random.randrange(2**32)


def test_fuzzed_lessons_never_fail_internally(pool):
    """Random mutations of the lessons (derandomised under CI=true; the seed is printed)."""
    rng = random.Random(FUZZ_SEED)
    scripts = [load_lesson(name).script for name in lesson_names()]
    for n in range(30):
        script = _mutate(rng.choice(scripts), rng)
        run = run_case(pool, script)
        try:
            check_sane(run.result)
        except AssertionError as exc:
            raise AssertionError(f"seed {FUZZ_SEED}, case {n}:\n{script}") from exc


@pytest.mark.parametrize("script", [
    "x = torch.randn(30000, 30000)",
    "x = torch.ones(2**15, 2**15, dtype=torch.float64)",
    "x = torch.zeros(10**6).unfold(0, 10**5, 1).contiguous()",
    "x = torch.ones(10**5).expand(10**5, 10**5).nonzero()",
    "x = torch.ones(10**5, 1).expand(10**5, 10**5).sum()",
])
def test_the_first_line_of_defence_answers_as_in_process(pool, script):
    """The guard's meta-device probes work in the worker too (its import blocker must not
    break them): the same clear refusal, before anything is allocated."""
    script = "import torch\n" + script
    here = run_script(script).steps[-1].error
    there = run_case(pool, script).result.steps[-1].error
    assert here is not None and there == here


def test_unchanged_states_arrive_as_the_same_objects(pool):
    # the wire sends a state once; later steps that hold it unchanged get that very object
    script = ("import torch\nbase = torch.arange(64).reshape(8, 8)\n" + "".join(
        f"t{i % 5} = base[{i % 7}:, ::{i % 3 + 1}].t()\n" for i in range(40))
        + "base.add_(1)\nother = torch.ones(3)\n")
    steps = run_case(pool, script).result.steps
    for before, after in zip(steps[2:-2], steps[3:-2]):  # each rebinds one name
        kept = [t.name for t in after.tensors if t is before.tensor(t.name)]
        assert len(kept) == len(before.tensors) - 1 or len(after.tensors) > len(
            before.tensors), after.source
        assert after.storages[0] is before.storages[0]
    written, last = steps[-2], steps[-1]
    assert all(t is not steps[-3].tensor(t.name) for t in written.tensors)  # bytes changed
    assert all(last.tensor(t.name) is t for t in written.tensors)
    assert last.storages[0] is written.storages[0]
    assert written.tensor("base").values[0][0] == 1
