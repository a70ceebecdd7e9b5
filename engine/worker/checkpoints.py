"""Checkpoints: a run's process forked at statement boundaries and kept, so that an edit
re-runs only what follows it (issue 18: one line changed near the end of a 10,000-statement
script re-ran all of it).

NOTE [Checkpoints]
- What is kept: the whole run, as a forked process asleep on a socket (namespace, RNG
  state, storage labels, the recorder's budgets, the wire's numbering of what it sent).
  Nothing is rebuilt, so a resumed run is the run a fresh one would have been.
- Where: before statement k when statement k-1 is a simple statement (not if/for/def/…)
  and k starts a line at column 0. Then any script whose lines before k's first line are the
  same runs the same statements 0..k-1 (no later line can extend a simple statement), and
  its rest parses on its own as it would in the whole (script.parse_tail), so a long
  script's prefix is neither run nor parsed again.
- Which: k = N-1, N-2, N-4, …, N-2^j (an edit re-runs at most about twice what follows it)
  and, in a resumed run, the first statement the edit changed (the next keystroke on that
  line re-runs from it). At most MAX_ALIVE are kept (the furthest back go first), and none
  once the run's anonymous memory has grown by GROWTH_LIMIT bytes since it started (file
  pages do not count: a fork re-faults libtorch's code as it runs): a checkpoint's private
  memory is what the run writes after it, so a run of big tensors keeps none. None either
  before the run (or the resumed part of it) has spent WORTH_SECONDS: a prefix that quick
  runs again faster than a checkpoint is forked and resumed.
- Fork-safe: a run that may be kept runs torch on one thread. GNU OpenMP hangs in a fork of
  a process that has run a parallel region (measured here: the child never returns); with one
  thread no team is ever started. Timings (engine/worker/timing.py) run in their own child
  with every core.
- Who may resume what: the app names the runs it still holds and how many of their steps
  (`resumable`): a checkpoint's steps before k and its wire references are those of the run
  that made it (`origin`), so the app must hold at least k of them.
- Trust: a checkpoint runs the user's script like any run's child (same OS limits, same
  import guard). The worker reads only small JSON from it, checks every field, and takes a
  resumed run's pid only if that process descends from the worker.

Protocol (AF_UNIX SOCK_SEQPACKET, one message each):
  run → worker (its control socket)   {"kind": "checkpoint", "index", "line", "pid"} + the
                                      worker's end of a socketpair to the checkpoint
  worker → checkpoint                 b"resume <offset of its line>" + [request pipe, output
                                      pipe, control socket]
  checkpoint → worker                 {"kind": "resumed", "pid"}
  worker → resumed run (control)      b"go", once /proc says the pid descends from the worker
  checkpoint → worker                 when that run ends,
                                      {"kind": "exit", "status", "signal", "maxrss_kib", "cpu_s"}
"""

from __future__ import annotations

import ast
import json
import os
import select
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from stridescope.engine.interpret.script import resumable_at, source_lines

MAX_ALIVE = 16
GROWTH_LIMIT = 64 << 20  # so 16 checkpoints hold at most ~1 GiB of their own, worst case
ANSWER_SECONDS = 5.0  # a checkpoint answers a resume at once; past this it is dropped
SUPPORTED = sys.platform.startswith("linux")  # /proc, SEQPACKET, PR_SET_CHILD_SUBREAPER
# A checkpoint is kept only once the run has spent this long on its statements: a fork of a
# process with torch costs 5-10 ms here and a resume about as much again, so a prefix that runs
# quicker than that is better run again (the tutorial's 8 statements take ~20 ms: its three
# checkpoints added ~25 ms to the window's first picture). Tests of resuming set it to 0.
WORTH_SECONDS = 0.025
WORTH_VARIABLE = "STRIDESCOPE_CHECKPOINT_AFTER_S"


def plan(statements: list[ast.stmt], start: int, changed: int | None = None) -> frozenset[int]:
    """Where a run that starts at statement `start` keeps checkpoints."""
    n = len(statements)
    marks = {n - (1 << j) for j in range(n.bit_length())}
    if changed is not None:
        marks.add(changed)
    return frozenset(k for k in marks if k > start and resumable_at(statements, k))


def worth_seconds() -> float:
    """How long a run goes before its first checkpoint (WORTH_SECONDS unless set for tests)."""
    try:
        value = float(os.environ.get(WORTH_VARIABLE, WORTH_SECONDS))
    except ValueError:
        return WORTH_SECONDS
    return value if value >= 0 else WORTH_SECONDS


def shares_lines(old: str, new: str, start: int) -> bool:
    """Does `new` have the lines of `old` that end before offset `start` (a line's start)?
    Compared as text (one memcmp, not a split of a long script on every keystroke)."""
    if len(new) < start or new[:start] != old[:start]:
        return False
    # "…\r" then "\n" would join into one "\r\n" ending: that line is not the same
    return not (start and old[start - 1] == "\r" and new[start:start + 1] == "\n")


def first_changed(statements: list[ast.stmt], start: int, same: int) -> int | None:
    """The first statement from `start` on that touches a line after the `same` shared ones."""
    for k in range(start, len(statements)):
        if (statements[k].end_lineno or statements[k].lineno) > same:
            return k
    return None


def anonymous_bytes() -> int:
    """This process's resident anonymous memory (heap, tensors): what a run allocates. Not all
    of RSS: a fork re-faults the file pages it touches (libtorch's code, tens of MiB on a
    first call of a kernel), which no checkpoint pays for and which broke the limit at
    random."""
    try:
        with open("/proc/self/statm", "rb") as f:
            fields = f.read().split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def exit_fields(status: int, usage) -> dict:
    """How a run's process ended, as the worker's exit frame says it."""
    return {"status": os.waitstatus_to_exitcode(status),
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "maxrss_kib": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}


def _send_json(sock: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> bool:
    try:
        socket.send_fds(sock, [json.dumps(message).encode("ascii")], list(fds))
        return True
    except OSError:
        return False


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(16)
    except OSError:
        return b""


def _send_go(sock: socket.socket) -> bool:
    try:
        return sock.send(b"go") == 2
    except OSError:
        return False


def _set_death_signal(number: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, number)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------------- in the run's process
@dataclass(frozen=True)
class Resumed:
    """What a resumed run receives: the edited script's request and where to answer."""
    request: dict
    out_fd: int
    control: socket.socket
    start: int  # where the checkpoint's next statement starts in the script (both scripts)


class Keeper:
    """Keeps checkpoints of the run in this process (the worker's child that runs a script)."""

    def __init__(self, control: socket.socket, out_fd: int, statements: list[ast.stmt],
                 start: int = 0, changed: int | None = None) -> None:
        self.control = control
        self.out_fd = out_fd
        self.positions = plan(statements, start, changed)
        self._start_bytes = anonymous_bytes()
        self._started = time.perf_counter()
        self._worth = worth_seconds()

    def wants(self, index: int) -> bool:
        return index in self.positions and \
            time.perf_counter() - self._started >= self._worth and \
            anonymous_bytes() - self._start_bytes <= GROWTH_LIMIT

    def keep(self, index: int, line: int) -> Resumed | None:
        """Fork a checkpoint before statement `index`. Here: None, and the run goes on. In the
        checkpoint this returns only when an edited script resumes it, in a fresh fork."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            ours.close()
            self.control.close()
            os.close(self.out_fd)
            _set_death_signal(0)  # outlive this run: the worker's socket says when to go
            return _serve(theirs)
        theirs.close()
        _send_json(self.control, {"kind": "checkpoint", "index": index, "line": line,
                                  "pid": pid}, (ours.fileno(),))
        ours.close()
        return None


def _serve(sock: socket.socket) -> Resumed:
    """A checkpoint's life: wait for a resume, fork the resumed run, report its end; exit when
    the worker closes the socket."""
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(sock, 64, 3)
        except InterruptedError:
            continue
        except OSError:
            os._exit(0)
        if not message:
            os._exit(0)  # dropped by the worker, or the worker is gone
        word, _, start = message.partition(b" ")
        if word != b"resume" or not start.isdigit() or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        request_fd, out_fd, control_fd = fds
        request = _read_request(request_fd)
        pid = os.fork()
        if pid == 0:
            sock.close()
            _set_death_signal(9)  # SIGKILL: the resumed run dies with its checkpoint
            control = socket.socket(fileno=control_fd)
            if _receive(control) != b"go":  # the worker found it was not ours, or is gone
                os._exit(0)
            return Resumed(request, out_fd, control, int(start))
        os.close(out_fd)
        os.close(control_fd)
        _send_json(sock, {"kind": "resumed", "pid": pid})
        _pid, status, usage = os.wait4(pid, 0)
        _send_json(sock, {"kind": "exit", **exit_fields(status, usage)})


def _read_request(fd: int) -> dict:
    chunks = []
    try:
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    try:
        request = json.loads(b"".join(chunks))
    except ValueError:
        return {}
    return request if isinstance(request, dict) else {}


# ---------------------------------------------------------------------- in the worker
@dataclass(eq=False)
class Checkpoint:
    """A sleeping copy of run `origin`, before its statement `index` (first line `line`)."""
    index: int
    line: int
    pid: int
    sock: socket.socket
    origin: int
    limits: object = None
    script: str = field(default="", repr=False)  # the (clean) script it ran
    start: int = 0  # where line `line` starts in it: what an edited script must share


class Checkpoints:
    """The worker's checkpoints: registered after each run, resumed by the next."""

    def __init__(self) -> None:
        self.alive: list[Checkpoint] = []
        self._gone: set[int] = set()  # dropped checkpoints' pids, reaped once they exit

    @staticmethod
    def wanted(request: dict) -> bool:
        return SUPPORTED and request.get("checkpoints") is True and isinstance(
            request.get("script"), str) and request.get("timing") is None

    def collect(self, control: socket.socket | None, request: dict) -> None:
        """Take the checkpoints a finished run registered on its control socket."""
        if control is None:
            return
        script = lines = None
        control.setblocking(False)
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(control, 4096, 2)
            except (BlockingIOError, InterruptedError, OSError):
                break
            if not message and not fds:
                break
            checkpoint = self._registered(message, fds, request)
            if checkpoint is None:
                continue
            if lines is None:
                from stridescope.engine.interpret.script import clean_source

                script = clean_source(request["script"])
                lines = source_lines(script)
                starts = [0]
                for text in lines:
                    starts.append(starts[-1] + len(text))
            if checkpoint.line > len(lines):
                self._drop(checkpoint)
                continue
            checkpoint.script, checkpoint.start = script, starts[checkpoint.line - 1]
            self.alive.append(checkpoint)
        control.close()
        self.alive.sort(key=lambda c: -c.index)
        for checkpoint in self.alive[MAX_ALIVE:]:
            self._drop(checkpoint)
        del self.alive[MAX_ALIVE:]
        self.reap()

    def _registered(self, message: bytes, fds: list[int], request: dict) -> Checkpoint | None:
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        ok = isinstance(data, dict) and data.get("kind") == "checkpoint" and len(fds) == 1 \
            and all(type(data.get(k)) is int and data[k] > 0 for k in ("index", "line", "pid"))
        if not ok or not self.wanted(request) or type(request.get("id")) is not int:
            for fd in fds:
                os.close(fd)
            return None
        return Checkpoint(data["index"], data["line"], data["pid"],
                          socket.socket(fileno=fds[0]), request["id"], request.get("limits"))

    def take(self, request: dict) -> Checkpoint | None:
        """The checkpoint furthest on that `request`'s script can resume from; the ones the
        script no longer matches are dropped."""
        if not self.wanted(request) or not self.alive:
            return None
        from stridescope.engine.interpret.script import clean_source

        script = clean_source(request["script"])
        held = request.get("resumable")
        held = held if isinstance(held, dict) else {}
        best, keep = None, []
        for checkpoint in self.alive:
            if not shares_lines(checkpoint.script, script, checkpoint.start) or \
                    checkpoint.limits != request.get("limits"):
                self._drop(checkpoint)
                continue
            keep.append(checkpoint)
            steps = held.get(str(checkpoint.origin))
            if type(steps) is int and checkpoint.index <= steps and (
                    best is None or checkpoint.index > best.index):
                best = checkpoint
        self.alive = keep
        return best

    def resume(self, checkpoint: Checkpoint, line: bytes) -> tuple[int, int, socket.socket] | None:
        """Start the resumed run: (its pid, its output's read end, its control socket)."""
        request_read, request_write = os.pipe()
        out_read, out_write = os.pipe()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            socket.send_fds(checkpoint.sock, [b"resume %d" % checkpoint.start],
                            [request_read, out_write, theirs.fileno()])
            sent = True
        except OSError:
            sent = False
        os.close(request_read)
        os.close(out_write)
        theirs.close()
        answer = None
        if sent:
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(request_write, view):]
            except OSError:
                pass
        os.close(request_write)
        if sent:
            answer = self.answer(checkpoint, "resumed")
        pid = answer.get("pid") if answer else None
        # the run waits for our "go" until we have seen it is ours: one that ended first would
        # be reaped by its checkpoint, gone from /proc, and the checkpoint dropped (a one-line
        # edit on a busy machine ran fresh at random)
        if type(pid) is not int or not _descends_from_us(pid) or not _send_go(ours):
            self._drop(checkpoint)
            self.alive = [c for c in self.alive if c is not checkpoint]
            os.close(out_read)
            ours.close()
            return None
        return pid, out_read, ours

    def answer(self, checkpoint: Checkpoint, kind: str,
               seconds: float = ANSWER_SECONDS) -> dict | None:
        """The checkpoint's next message, if it is a `kind` and comes in time."""
        ready, _, _ = select.select([checkpoint.sock], [], [], seconds)
        if not ready:
            return None
        try:
            message = checkpoint.sock.recv(4096)
            data = json.loads(message)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("kind") == kind else None

    def exit_of(self, checkpoint: Checkpoint, kill: Callable[[int], None], pid: int) -> dict:
        """How the resumed run `pid` ended, as its checkpoint saw it (its end is near: its
        output is closed). A checkpoint that does not say is dropped."""
        answer = self.answer(checkpoint, "exit", 10.0)
        if answer is None:
            kill(pid)
            self._drop(checkpoint)
            self.alive = [c for c in self.alive if c is not checkpoint]
            return {"status": None, "signal": None, "maxrss_kib": None, "cpu_s": None}
        return {k: answer.get(k) for k in ("status", "signal", "maxrss_kib", "cpu_s")}

    def close(self) -> None:
        for checkpoint in self.alive:
            self._drop(checkpoint)
        self.alive = []
        self.reap()

    def _drop(self, checkpoint: Checkpoint) -> None:
        checkpoint.sock.close()  # it reads end-of-file and exits
        self._gone.add(checkpoint.pid)

    def reap(self) -> None:
        """Wait for dropped checkpoints that have exited (the worker is their subreaper)."""
        for pid in list(self._gone):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not ours (yet): its run has not ended
                continue
            if done:
                self._gone.discard(pid)


def become_subreaper() -> None:
    """Checkpoints outlive the run that forked them: they become the worker's children."""
    if not SUPPORTED:
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _descends_from_us(pid: int) -> bool:
    me = os.getpid()
    for _ in range(64):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                parent = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if parent == me:
            return True
        if parent <= 1:
            return False
        pid = parent
    return False
