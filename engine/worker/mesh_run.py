"""A mesh run (issue 22): the run's child becomes the coordinator of N forked rank processes.

Every rank inherits the run's OS limits, joins the real gloo process group on 127.0.0.1 at a
port this process picked (scripts never choose addresses or open sockets), and runs the same
script SPMD through the same interpreter. Rank 0's steps are the run's steps; before each one
this process sends a `ranks` frame {index, ranks: [RankState…]} with what every rank holds.
A rank that raises, hangs or dies ends the run on every rank, named in a `mesh_fail` frame
{message, rank, line}; every rank process is killed and reaped before this one returns.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import time
from dataclasses import dataclass, field, replace

from stridescope.engine.model.mesh import world_size

JOIN_SECONDS = 20.0  # extra time for the ranks to join before the first statement
GRACE_SECONDS = 3.0  # after one rank fails, the others may finish this long


@dataclass
class _Rank:
    rank: int
    pid: int
    fd: int
    reader: object
    index: int = -1              # the last statement index it reported
    line: int | None = None      # the line of the statement it is running
    states: dict = field(default_factory=dict)  # index -> encoded RankState
    done: bool = False
    error: dict | None = None    # {"line", "message"} of an unexpected error
    gone: bool = False
    crashed: bool = False        # failed outside a statement (joining the group, recording)


def free_port() -> int:
    """A free loopback port for the group's store (the app picks it, not the script)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_mesh(out_fd: int, source: str, statements: list, limits, shape: tuple[int, ...]) -> int:
    import torch.distributed.tensor  # noqa: F401 - once here (torch._dynamo), not per rank

    from stridescope.engine.worker.wire import FrameReader

    world = world_size(shape)
    port = free_port()
    ranks: list[_Rank] = []
    for rank in range(world):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(read_end)
                for other in ranks:
                    os.close(other.fd)
                try:
                    code = _rank_main(write_end, rank, shape, port, source, statements, limits)
                except Exception as exc:  # noqa: BLE001 - joining or recording failed: say so
                    _write(write_end, {"kind": "rfail",
                                       "message": f"{type(exc).__name__}: {exc}"[:500]})
            finally:
                os._exit(code)
        os.close(write_end)
        ranks.append(_Rank(rank, pid, read_end, FrameReader(raw=True)))
    try:
        return _Coordinator(out_fd, ranks, limits).run()
    finally:
        _kill_all(ranks)


def _write(fd: int, message: dict, blobs: list[bytes] = ()) -> None:
    from stridescope.engine.worker.wire import frame

    view = memoryview(frame(message, blobs))
    while view:
        view = view[os.write(fd, view):]


def _rank_main(fd: int, rank: int, shape: tuple[int, ...], port: int, source: str,
               statements: list, limits) -> int:
    from stridescope.engine.interpret import mesh
    from stridescope.engine.interpret.runner import iter_steps
    from stridescope.engine.worker.wire import encode

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    mesh.join(rank, world_size(shape), port, max(5.0, float(limits.max_seconds)))
    mesh.enable()

    told: dict = {}  # uneven shards are explained once per name and placements

    def begin(index: int, line: int, end_line: int, text: str) -> None:
        _write(fd, {"kind": "rbegin", "index": index, "line": line})
        if rank == 0:
            _write(fd, {"kind": "begin", "index": index, "line": line, "end_line": end_line,
                        "source": text[:100_000], "t": time.monotonic()})

    def after(step, namespace: dict):
        state = mesh.rank_state(namespace, rank, step.stdout, shape)
        error = step.error if step.error is not None and not step.expected_error else None
        _write(fd, {"kind": "rstate", "index": step.index, "state": encode(state),
                    "error": None if error is None else {"line": error.line,
                                                         "message": error.message[:500]}})
        notes = [n.text() for n in mesh.uneven_notes(state) if rank == 0
                 and told.get(n.name) != state.tensor(n.name).placements
                 and told.setdefault(n.name, state.tensor(n.name).placements)]
        return replace(step, warnings=(*step.warnings, *notes)) if notes else step

    seen: dict = {}
    states: dict = {}
    for step in iter_steps(source, limits, begin, statements, after):
        if rank == 0:
            blobs: list[bytes] = []
            data = encode(step, blobs, seen, states)
            _write(fd, {"kind": "step", "step": data}, blobs)
    _write(fd, {"kind": "rdone"})
    # stay in the group until the coordinator ends every rank: a rank that left would make
    # its peers' collectives fail with "connection reset" instead of showing who waits
    while True:
        signal.pause()


class _Coordinator:
    def __init__(self, out_fd: int, ranks: list[_Rank], limits) -> None:
        self.out = out_fd
        self.ranks = ranks
        self.by_fd = {r.fd: r for r in ranks}
        # a statement no rank finishes within this is a hang (the app kills at max_seconds)
        self.hang_seconds = max(1.0, 0.6 * float(limits.max_seconds))
        self.held: list = []  # rank 0's (kind, frame) in order; a step waits for every rank
        self.sent = 0                    # steps sent to the app
        # joining the group may take a while on a loaded machine: more time before the first
        self.last_progress = time.monotonic() + JOIN_SECONDS
        self.first_stop: float | None = None

    def run(self) -> int:
        while not all(r.done for r in self.ranks):
            open_fds = [r.fd for r in self.ranks if not r.gone]
            now = time.monotonic()
            if self.first_stop is not None and now - self.first_stop > GRACE_SECONDS:
                return self._fail_stopped()
            if now - self.last_progress > self.hang_seconds:
                return self._fail_hung(self.hang_seconds)
            ready, _, _ = select.select(open_fds, [], [], 0.2)
            for fd in ready:
                rank = self.by_fd[fd]
                try:
                    chunk = os.read(fd, 1 << 20)
                except InterruptedError:
                    continue
                if not chunk:
                    rank.gone = True
                    os.close(fd)
                    if not rank.done:
                        return self._fail_died(rank)
                    continue
                for data in rank.reader.feed(chunk):
                    self._handle(rank, data)
            self._flush()
        self._flush()
        crashed = next((r for r in self.ranks if r.crashed), None)
        if crashed is not None:
            return self._end(f"rank {crashed.rank} failed: {crashed.error['message']}",
                             crashed.rank, crashed.line)
        first = self._first_failure()
        if first is not None and first.rank != 0:  # rank 0's own error is in its step
            return self._fail_stopped()
        _write(self.out, {"kind": "done", "syntax_error": None})
        return 0

    def _handle(self, rank: _Rank, data: bytes) -> None:
        header = data.index(b"\n") + 1
        size = int(data.split(b" ", 2)[1])
        message = json.loads(data[header:header + size].decode("utf-8"))
        kind = message.get("kind")
        self.last_progress = time.monotonic()
        if kind == "rbegin":
            rank.index, rank.line = message["index"], message["line"]
        elif kind == "rstate":
            rank.states[message["index"]] = message["state"]
            if message.get("error") is not None:  # its rdone follows (after rank 0's step)
                rank.error = {**message["error"], "index": message["index"]}
                self._stopped()
        elif kind == "rfail":
            rank.error = {"line": rank.line, "message": str(message.get("message")),
                          "index": max(rank.index, 0)}
            rank.crashed = True
            rank.done = True
            self._stopped()
        elif kind == "rdone":  # a rank that finished early may wait for slower ones
            rank.done = True
        elif rank.rank == 0:  # begin, step: in order, each step once every rank has it
            self.held.append((kind, data))

    def _stopped(self) -> None:
        if self.first_stop is None:
            self.first_stop = time.monotonic()

    def _flush(self) -> None:
        """Send rank 0's held steps whose every rank has reported (or has stopped before)."""
        while self.held:
            kind, data = self.held[0]
            if kind != "step":
                _write_raw(self.out, self.held.pop(0)[1])
                continue
            index = self.sent
            first = self._first_failure()
            if first is not None and first.rank != 0 and index > first.error["index"]:
                return  # rank 0's steps after another rank's failure only follow from it
            states = []
            for rank in self.ranks:
                state = rank.states.get(index)
                if state is None and not (rank.done and max(rank.states, default=-1) < index):
                    return
                if state is not None:
                    states.append(state)
            _write(self.out, {"kind": "ranks", "index": index, "ranks": states})
            _write_raw(self.out, self.held.pop(0)[1])
            self.sent += 1

    def _end(self, message: str, rank: int | None, line: int | None) -> int:
        _kill_all(self.ranks)
        self._flush()
        _write(self.out, {"kind": "mesh_fail", "message": message[:2000], "rank": rank,
                          "line": line})
        return 1

    def _fail_died(self, rank: _Rank) -> int:
        _kill_all([r for r in self.ranks if r is not rank])
        _pid, status = _reap(rank)
        how = (f"was killed by signal {os.WTERMSIG(status)} "
               f"({signal.Signals(os.WTERMSIG(status)).name})" if status is not None
               and os.WIFSIGNALED(status) else "exited unexpectedly")
        at = f" at line {rank.line}" if rank.line else ""
        return self._end(f"rank {rank.rank} {how}{at}; the run was stopped on every rank",
                         rank.rank, rank.line)

    def _first_failure(self) -> _Rank | None:
        """The rank whose error came first (the others' errors follow from it: a collective
        whose peer left fails too)."""
        failed = [r for r in self.ranks if r.error is not None]
        return min(failed, key=lambda r: (r.error["index"], r.rank), default=None)

    def _fail_stopped(self) -> int:
        first = self._first_failure()
        if first is None:  # one rank finished, another still waits: it never will
            return self._fail_hung(time.monotonic() - self.last_progress)
        return self._end(f"rank {first.rank} failed at line {first.error['line']}: "
                         f"{first.error['message']}; the run was stopped on every rank",
                         first.rank, first.error["line"])

    def _fail_hung(self, seconds: float) -> int:
        waiting = [r for r in self.ranks if not r.done]
        finished = [r.rank for r in self.ranks if r.done]
        behind = min(r.index for r in waiting)
        stuck = [r for r in waiting if r.index == behind]
        line = stuck[0].line
        why = (f"; ranks {_list(finished)} had finished: a collective that not every rank "
               f"joined waits forever" if finished else "")
        return self._end(f"rank {_list([r.rank for r in stuck])} did not finish line {line} "
                         f"within {seconds:.1f} s{why}; the run was stopped on every "
                         f"rank", stuck[0].rank, line)


def _list(ranks: list[int]) -> str:
    return ", ".join(str(r) for r in ranks) or "none"


def _write_raw(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _reap(rank: _Rank) -> tuple[int, int | None]:
    if rank.pid <= 0:
        return 0, None
    try:
        pid, status = os.waitpid(rank.pid, 0)
    except ChildProcessError:
        return 0, None
    rank.pid = -rank.pid  # reaped
    return pid, status


def _kill_all(ranks: list[_Rank]) -> None:
    """Every rank process killed and reaped: nothing is left running after the run."""
    for rank in ranks:
        if rank.pid > 0:
            try:
                os.kill(rank.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for rank in ranks:
        _reap(rank)
