"""Run scripts in a worker process with hard OS limits; the app never imports torch for it.

    pool = WorkerPool()                    # starts the worker (it imports torch) at once
    result = pool.run(script, limits)      # blocking (the CLI)
    run = pool.start(script, limits)       # non-blocking (the window): poll run.fileno()
    run.poll(); run.steps; run.result; run.cancel()

The worker (worker/child.py) forks a fresh child per run, so every run starts clean and
the spare is always warm. The parent enforces the wall-clock limits by killing that child, and
turns every way a run can end (a limit, a crash, cancel, invalid data) into a clear error on
the step that was running, keeping the steps before it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import time
from collections.abc import Callable

from stridescope.engine.model.layout import N_
from stridescope.engine.model.limits import Limits
from stridescope.engine.model.mesh import RankState
from stridescope.engine.model.state import ErrorInfo, RunResult, Step
from stridescope.engine.model.timing import Timing
from stridescope.engine.worker.spawn import spawn, take_early
from stridescope.engine.worker.wire import FrameReader, WireError, decode

START_SECONDS = 120.0  # how long the worker may take to import torch on a busy machine
STREAMS = 8  # earlier runs held for the worker's checkpoints to resume (their steps, numbering)

_SIGNAL_NAMES = {int(s): s.name for s in signal.Signals}


class WorkerError(RuntimeError):
    """The worker could not be started or answered with something that is not a run."""


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:g} {unit}" if n == int(n) \
                else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


class _Process:
    """One worker process (torch imported); runs one script at a time."""

    def __init__(self, warm: bool = True) -> None:
        early = take_early(warm)  # started by main.py before the window's imports
        if early is not None:
            self.popen, self.started = early
        else:
            self.popen, self.started = spawn(warm), time.monotonic()
        self.reader = FrameReader()
        self.hello: dict | None = None
        self.backlog: list[tuple[dict, list[bytes]]] = []

    def fileno(self) -> int:
        return self.popen.stdout.fileno()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def read(self) -> list[tuple[dict, list[bytes]]] | None:
        """The frames that arrived (without waiting); None at end of stream."""
        frames = self.backlog
        self.backlog = []
        while True:
            try:
                chunk = os.read(self.fileno(), 1 << 20)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                return frames or None
            frames += self.reader.feed(chunk)
        out = []
        for message, blobs in frames:
            if message.get("kind") == "hello" and self.hello is None:
                self.hello = message
            else:
                out.append((message, blobs))
        return out

    def send(self, request: dict) -> None:
        data = json.dumps(request, ensure_ascii=True).encode("ascii") + b"\n"
        self.popen.stdin.write(data)
        self.popen.stdin.flush()

    def close(self) -> None:
        if self.popen.poll() is None:
            try:
                self.popen.stdin.close()
            except OSError:
                pass
            self.popen.kill()
        self.popen.wait()
        self.popen.stdout.close()


class Run:
    """One script running in the worker. Poll it (or wait on fileno()) until `done`."""

    def __init__(self, pool: WorkerPool, process: _Process, script: str, limits: Limits,
                 on_step: Callable[[Step], None] | None = None,
                 on_begin: Callable[[int, int], None] | None = None,
                 previous: Run | None = None, timing: dict | None = None) -> None:
        self.pool = pool
        self.process = process
        self.script = script
        self.limits = limits
        self.on_step = on_step
        self.on_begin = on_begin
        self.steps: list[Step] = []
        self.result: RunResult | None = None
        self.pid: int | None = None
        self.current: dict | None = None      # the statement running now (its begin frame)
        self.statement_started = 0.0
        self.run_started: float | None = None
        self.created = time.monotonic()
        self.reason: tuple[str, ErrorInfo | None] | None = None  # why we stopped it
        self.finished: dict | None = None     # the done frame
        self.exit: dict | None = None         # the exit frame
        self.peak_rss_bytes: int | None = None
        self.cpu_seconds: float | None = None
        self._blobs: list[bytes] = []
        self._blob_bytes = 0
        self._states: list = []  # the run's tensor and storage states, as the wire refers
        # after each step: how many states and blobs (and their bytes) the stream had sent,
        # so that a run resumed from a checkpoint of this one starts from the same numbering
        self._marks: list[tuple[int, int, int]] = []
        self.resumed_from: int | None = None  # the statement a checkpoint resumed it at
        # frames before our "started" are the end of the run before us on this process
        self.previous = previous
        self._ours = False
        pool._serial += 1
        self.id = pool._serial
        self._ranks: dict[int, tuple] = {}  # a mesh run's rank states, until their step
        self.timing = None  # the answer to a timing request (engine/worker/timing.py)
        request = {"id": self.id, "script": script, "limits": dataclasses.asdict(limits),
                   "mesh": pool.mesh}
        if pool.checkpoints and timing is None:  # NOTE [Checkpoints] (worker/checkpoints.py)
            request["checkpoints"] = True
            # the runs the app holds, and how many of their steps: what a checkpoint may
            # start from (a cancelled run's last steps may never have been read)
            request["resumable"] = {str(i): len(r._marks) for i, r in pool._streams.items()}
        if timing is not None:
            request["timing"] = timing
        process.send(request)

    @property
    def done(self) -> bool:
        return self.result is not None

    def fileno(self) -> int:
        return self.process.fileno()

    def next_deadline(self) -> float | None:
        """Seconds until a wall-clock limit must be checked (None: nothing running yet)."""
        now = time.monotonic()
        times = []
        if self.current is not None:
            times.append(self.statement_started + self.limits.max_seconds - now)
        if self.run_started is not None:
            times.append(self.run_started + self.limits.run_seconds - now)
        elif self.process.hello is None:
            times.append(self.process.started + START_SECONDS - now)
        return max(0.0, min(times)) if times else None

    # ------------------------------------------------------------------ progress
    def poll(self) -> bool:
        """Read what arrived, enforce the deadlines; True once the run is finished."""
        if self.result is not None:
            return True
        try:
            frames = self.process.read()
        except WireError as exc:
            self._stop("invalid", ErrorInfo("WorkerError", f"worker sent invalid data: {exc}",
                                            self._line()))
            frames = None
        if frames is None:  # the whole worker died
            if self.exit is None:
                self._finish_dead()
            return True
        try:
            for message, blobs in frames:
                self._handle(message, blobs)
                if self.result is not None:
                    return True
        except WireError as exc:
            self._stop("invalid", ErrorInfo("WorkerError", f"worker sent invalid data: {exc}",
                                            self._line()))
        self._check_deadlines()
        return self.result is not None

    def wait(self, timeout: float | None = None) -> RunResult | None:
        """Block until the run ends (or `timeout` seconds pass); the result, or None."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            waits = [w for w in (self.next_deadline(),
                                 None if end is None else end - time.monotonic())
                     if w is not None]
            wait = min(waits) if waits else None
            if end is not None and time.monotonic() >= end:
                return None
            select.select([self.fileno()], [], [], None if wait is None else max(wait, 0.005))
        return self.result

    def cancel(self) -> None:
        """Stop the run now; the result ends with a "cancelled" error on its statement."""
        if self.result is None:
            self._stop("cancel", ErrorInfo("Cancelled", "the run was cancelled",
                                           self._line()))

    # ------------------------------------------------------------------ frames
    def wait_exit(self, timeout: float = 10.0) -> bool:
        """After the result: wait for the child's exit (its peak RSS and CPU time)."""
        end = time.monotonic() + timeout
        while self.exit is None and time.monotonic() < end:
            if self.pool._last is not self or self.process is not self.pool._process:
                return False
            try:
                frames = self.process.read()
            except WireError:
                return False
            if frames is None:
                return False
            for message, _blobs in frames:
                if message.get("kind") == "exit":
                    self._record_exit(message)
            if self.exit is None:
                select.select([self.fileno()], [], [], 0.05)
        return self.exit is not None

    def _record_exit(self, message: dict) -> None:
        self.exit = message
        rss = message.get("maxrss_kib")
        self.peak_rss_bytes = rss * 1024 if isinstance(rss, int) else None
        cpu = message.get("cpu_s")
        self.cpu_seconds = float(cpu) if isinstance(cpu, (int, float)) else None

    def _handle(self, message: dict, blobs: list[bytes]) -> None:
        kind = message.get("kind")
        if not self._ours:  # what comes before our start belongs to runs stopped before us
            if kind == "exit" and self.previous is not None and self.previous.exit is None:
                self.previous._record_exit(message)
            if kind != "started":
                return
            if message.get("id") != self.id:  # a run cancelled before it started: stop it
                _kill(_int(message.get("pid")))
                return
            self._ours = True
        if kind == "started":
            self.pid = _int(message.get("pid"))
            self.run_started = time.monotonic()
            if message.get("resumed") is not None:
                self._resume(message["resumed"])
        elif kind == "begin":
            index = _int(message.get("index"))
            if index != len(self.steps):
                raise WireError("statement out of order")
            self.current = {"index": index, "line": _int(message.get("line")),
                            "end_line": _int(message.get("end_line")),
                            "source": _str(message.get("source"))}
            self.statement_started = time.monotonic()
            if self.on_begin:
                self.on_begin(index, self.current["line"])
        elif kind == "step":
            self._blobs.extend(blobs)
            self._blob_bytes += sum(len(b) for b in blobs)
            if self._blob_bytes > self.limits.recorded_bytes + (64 << 20):
                raise WireError("more storage bytes than the recorder may keep")
            step = decode(message.get("step"), self._blobs, self._states)
            if not isinstance(step, Step) or step.index != len(self.steps):
                raise WireError("not the expected step")
            ranks = self._ranks.pop(step.index, None)
            if ranks:
                step = dataclasses.replace(step, ranks=ranks)
            self.steps.append(step)
            self._marks.append((len(self._states), len(self._blobs), self._blob_bytes))
            self.current = None
            if self.on_step:
                self.on_step(step)
        elif kind == "done":
            error = message.get("syntax_error")
            error = None if error is None else decode(error)
            if error is not None and not isinstance(error, ErrorInfo):
                raise WireError("not an error")
            self.finished = {"syntax_error": error}
            self._conclude()  # the child's exit comes later; nobody needs to wait for it
        elif kind == "timing":
            self.timing = message.get("timing")  # checked by timing_from_json
        elif kind == "fail":
            self.finished = {"fail": _str(message.get("message"))}
        elif kind == "ranks":  # before the step it belongs to (a mesh run)
            ranks = decode(message.get("ranks"))
            if not isinstance(ranks, list) or not all(isinstance(r, RankState) for r in ranks):
                raise WireError("not rank states")
            self._ranks[_int(message.get("index"))] = tuple(ranks)
        elif kind == "mesh_fail":  # a rank raised, hung or died: every rank was stopped
            line = message.get("line")
            self._stop("mesh", ErrorInfo("MeshRankError", _str(message.get("message")),
                                         line if isinstance(line, int) else self._line()))
        elif kind == "exit":
            self._record_exit(message)
            self._conclude()
        else:
            raise WireError(f"unknown message {str(kind)[:40]!r}")

    def _resume(self, resumed) -> None:
        """A checkpoint of run `origin` took this run on before its statement `index`: the
        steps before it, and the stream's numbering, are that run's."""
        if not isinstance(resumed, dict):
            raise WireError("bad resume")
        origin = self.pool._streams.get(resumed.get("origin"))
        index = resumed.get("index")
        if origin is None or type(index) is not int or not 0 < index <= len(origin._marks):
            raise WireError("resumed from a run the app does not hold")
        self.pool._remember(origin)  # in use: its checkpoints outlive newer runs
        states, blobs, blob_bytes = origin._marks[index - 1]
        self.steps = list(origin.steps[:index])
        self._marks = list(origin._marks[:index])
        self._states = origin._states[:states]
        self._blobs = origin._blobs[:blobs]
        self._blob_bytes = blob_bytes
        self.resumed_from = index

    def _check_deadlines(self) -> None:
        if self.result is not None or self.reason is not None:
            return
        now = time.monotonic()
        if self.current is not None and now - self.statement_started > self.limits.max_seconds:
            self._stop("time", ErrorInfo(
                "TimeLimitError", f"statement took longer than {self.limits.max_seconds:g} s "
                f"(the time limit); the worker was stopped", self._line()))
        elif self.run_started is not None and now - self.run_started > self.limits.run_seconds:
            self._stop("time", ErrorInfo(
                "TimeLimitError", f"the script ran longer than {self.limits.run_seconds:g} s "
                f"(the time limit for a run); the worker was stopped", self._line()))
        elif self.process.hello is None and now - self.process.started > START_SECONDS:
            self._stop("start", ErrorInfo(
                "WorkerError", f"the worker did not start within {START_SECONDS:g} s", None))

    def _stop(self, reason: str, error: ErrorInfo) -> None:
        """Kill the run's child (or the whole worker when it cannot be trusted any more)."""
        if self.reason is not None:
            return
        self.reason = (reason, error)
        if reason in ("invalid", "start") or (self.pid is None and reason != "cancel"):
            self.pool._discard(self.process)  # nothing it says can be trusted any more
        elif self.pid is not None:
            _kill(self.pid)
        # else: not started yet; the next run kills it when its start comes by
        self._conclude()  # its exit frame is skipped by the next run on this process

    def _finish_dead(self) -> None:
        self.pool._discard(self.process)
        if self.reason is None:
            self.reason = ("died", ErrorInfo(
                "WorkerError", f"the worker process stopped unexpectedly{self._at()}",
                self._line()))
        self._conclude()

    # ------------------------------------------------------------------ the result
    def _conclude(self) -> None:
        if self.result is not None:
            return
        error = self.reason[1] if self.reason else None
        if error is None and self.finished is not None:
            if "fail" in self.finished:
                error = ErrorInfo("WorkerError", f"internal error in the worker: "
                                  f"{self.finished['fail']}", self._line())
            elif self.finished["syntax_error"] is not None:
                self._done(RunResult(self.script, (), self.finished["syntax_error"]))
                return
            else:
                self._done(RunResult(self.script, tuple(self.steps)))
                return
        if error is None:
            error = self._exit_error()
        self._done(self._with_error(error))

    def _exit_error(self) -> ErrorInfo:
        exit_ = self.exit or {}
        number = exit_.get("signal")
        line = self._line()
        if exit_.get("bad_data"):
            return ErrorInfo("WorkerError", f"worker sent invalid data{self._at()}", line)
        if number in (signal.SIGXCPU, signal.SIGKILL) and self.cpu_seconds is not None \
                and self.cpu_seconds >= self.limits.cpu_seconds - 0.5:
            return ErrorInfo("TimeLimitError", f"the script used more than "
                             f"{self.limits.cpu_seconds:g} s of CPU time (the limit); the "
                             f"worker was stopped", line)
        if number == signal.SIGKILL:
            return ErrorInfo("ResourceLimitError", f"the worker was killed by the system "
                             f"(out of memory?){self._at()}", line)
        if number is not None:
            name = _SIGNAL_NAMES.get(number, "")
            return ErrorInfo("WorkerCrash", f"the script crashed the worker: signal {number}"
                             f"{f' ({name})' if name else ''}{self._at()}", line)
        return ErrorInfo("WorkerError", f"the worker stopped unexpectedly (exit status "
                         f"{exit_.get('status')}){self._at()}", line)

    def _with_error(self, error: ErrorInfo) -> RunResult:
        if self.current is None:
            if self.steps:
                last = self.steps[-1]
                if last.error is None:  # finished the statement, died before the next
                    # (self.steps stays as sent: a run resumed from this one starts from it)
                    return RunResult(self.script, (*self.steps[:-1],
                                                   dataclasses.replace(last, error=error)))
                return RunResult(self.script, tuple(self.steps))
            return RunResult(self.script, (), error)
        previous = self.steps[-1] if self.steps else None
        current = self.current
        step = Step(current["index"], current["line"], current["end_line"], current["source"],
                    "", error, previous.tensors if previous else (),
                    previous.storages if previous else ())
        return RunResult(self.script, (*self.steps, step))

    def _done(self, result: RunResult) -> None:
        self.result = result
        if self._marks and self.pid is not None and self.process is self.pool._process:
            self.pool._remember(self)
        self.pool._finished(self)

    def _line(self) -> int | None:
        return self.current["line"] if self.current else None

    def _at(self) -> str:
        return f" at line {self.current['line']}" if self.current else ""


class WorkerPool:
    """Keeps one worker warm; runs go to it one at a time."""

    def __init__(self, limits: Limits | None = None, warm: bool = True) -> None:
        """`warm`: prepare the worker for many runs (the window); False for a single run
        (the CLI), which then imports only what its script needs."""
        self.limits = limits or Limits()
        self.warm_up = warm
        self.mesh: str | None = None  # "2x2": every run on a mesh of ranks (else the script's)
        self._process: _Process | None = None
        self._active: Run | None = None
        self._last: Run | None = None
        self._serial = 0
        # a warm worker keeps checkpoints of its runs, and a later run may resume one: the
        # runs whose steps it may start from, newest last (at most STREAMS)
        self.checkpoints = warm
        self._streams: dict[int, Run] = {}
        self.warm()

    def warm(self) -> None:
        """Start the worker now (it imports torch in the background) if none is running."""
        if self._process is None or not self._process.alive():
            if self._process is not None:
                self._process.close()
            self._process = _Process(self.warm_up)

    @property
    def torch_version(self) -> str | None:
        process = self._process
        if process is not None and process.hello is None:
            frames = process.read() or []
            process.backlog = frames + process.backlog
        return None if process is None or process.hello is None else str(
            process.hello.get("torch"))

    def wait_ready(self, timeout: float = START_SECONDS) -> bool:
        self.warm()
        end = time.monotonic() + timeout
        while self.torch_version is None:
            if time.monotonic() > end or not self._process.alive():
                return False
            select.select([self._process.fileno()], [], [], 0.05)
        return True

    def start(self, script: str, limits: Limits | None = None,
              on_step: Callable[[Step], None] | None = None,
              on_begin: Callable[[int, int], None] | None = None) -> Run:
        if self._active is not None and not self._active.done:
            self._active.cancel()
        self.warm()
        previous = self._last if self._last is not None and \
            self._last.process is self._process else None
        self._active = self._last = Run(self, self._process, script, limits or self.limits,
                                        on_step, on_begin, previous)
        return self._active

    def start_timing(self, tensor) -> Run:
        """Time the layout of `tensor` (a TensorState) in a fresh child: run.timing, then
        `timing_result(run)`; the wall clock is bounded like a statement's."""
        from stridescope.engine.worker.timing import BUDGET_SECONDS, timing_request

        if self._active is not None and not self._active.done:
            self._active.cancel()
        self.warm()
        previous = self._last if self._last is not None and \
            self._last.process is self._process else None
        limits = dataclasses.replace(self.limits, run_seconds=min(self.limits.run_seconds,
                                                                  self.limits.max_seconds))
        # the repeats take a third of the time a statement may: warm-up and set-up fit too
        request = {**timing_request(tensor),
                   "budget": min(BUDGET_SECONDS, self.limits.max_seconds / 3)}
        self._active = self._last = Run(self, self._process, "", limits, None, None, previous,
                                        timing=request)
        return self._active

    def measure(self, tensor):
        """Time `tensor`'s layout (blocking): a Timing, skipped with the reason if need be."""
        from stridescope.engine.worker.timing import skipped_timing

        skipped = skipped_timing(tensor, self.limits.memory_bytes)
        return skipped or timing_result(self.start_timing(tensor), tensor.numel)

    def run(self, script: str, limits: Limits | None = None,
            on_step: Callable[[Step], None] | None = None) -> RunResult:
        result = self.start(script, limits, on_step).wait()
        assert result is not None
        return result

    def close(self) -> None:
        if self._active is not None and not self._active.done:
            self._active.cancel()
        if self._process is not None:
            self._process.close()
            self._process = None

    # ------------------------------------------------------------------ from runs
    def _remember(self, run: Run) -> None:
        self._streams.pop(run.id, None)
        self._streams[run.id] = run
        while len(self._streams) > STREAMS:
            del self._streams[next(iter(self._streams))]

    def _finished(self, run: Run) -> None:
        if self._active is run:
            self._active = None

    def _discard(self, process: _Process) -> None:
        process.close()
        self._streams.clear()  # its checkpoints went with it
        if self._process is process:
            self._process = None
            self.warm()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def timing_result(run: Run, numel: int):
    """The Timing a finished timing run answered, or one that says why there is none."""
    from stridescope.engine.worker.timing import cache_sizes, timing_from_json

    result = run.wait()
    error = result.syntax_error if result is not None else None  # a run with no steps
    if run.timing is None:
        why = error.message if error is not None else "the worker gave no timing"
        return Timing(numel, skipped=N_("Not timed: {why}"), skipped_values=(("why", why),))
    try:
        return timing_from_json(run.timing, cache_sizes())
    except ValueError as exc:
        return Timing(numel, skipped=N_("Not timed: the worker's answer was invalid ({why})"),
                      skipped_values=(("why", str(exc)),))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _int(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise WireError("expected an integer")
    return value


def _str(value) -> str:
    if not isinstance(value, str):
        raise WireError("expected text")
    return value
