"""The worker process (`python -I -m stridescope.engine.worker.child`). Imports torch once, then
runs every script in a fresh forked child, so that each run starts clean and none can harm the next.

A spare child is forked before its request comes (it waits on a pipe), so a run never waits
for a fork; after the first run this process also warms what sizing an operation on the meta
device imports (sympy…), so later children have it. No torch operation on real data ever runs
here: forking stays safe with OpenMP.

Protocol (see stridescope.engine.worker.wire.frame): the app writes one JSON line per run on stdin
({"id": …, "script": …, "limits": {…}}); this process answers with frames on stdout:
  hello {pid, torch}          once, when torch is imported and the worker is ready
  started {pid, id}           the run `id` went to the child `pid` (the app may kill it)
  begin {index, line, end_line, source}    a statement is about to run
  step {step} + blobs         a statement finished (blobs: new storage bytes only)
  done {syntax_error}         the run finished normally (the app's answer is complete)
  fail {message}              the run's child failed internally
  exit {status, signal, maxrss_kib, cpu_s, bad_data, truncated}   the child is gone
The run's child sets its OS limits before it reads a line of the script, may import only
torch, NumPy, their dependencies and side-effect-free standard modules, and never unpickles;
this process relays whole frames only, and the app decodes them strictly.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

_OUT = 1  # replaced by a private duplicate of stdout in main()


def _send(message: dict, blobs: list[bytes] = ()) -> None:
    from stridescope.engine.worker.wire import frame

    data = frame(message, blobs)
    view = memoryview(data)
    while view:
        written = os.write(_OUT, view)
        view = view[written:]


def _die_with_parent() -> None:
    """Linux: this process is killed when its parent goes (the app, or this worker)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main() -> int:
    global _OUT
    _die_with_parent()
    # our frames go to a private copy of stdout; anything a library prints goes to stderr
    _OUT = os.dup(1)
    os.dup2(2, 1)
    import torch

    import stridescope.engine.interpret.runner  # noqa: F401 - imported once here, inherited by every run
    import stridescope.engine.worker.timing  # noqa: F401 - the child refuses imports later
    from stridescope.engine.interpret import policy

    policy.torch_attributes()
    policy.tensor_attributes()
    warm = os.environ.get("STRIDESCOPE_WORKER_WARM", "1") != "0"  # not for a single run
    import gc

    # what is imported stays out of the collector: fewer copy-on-write pages in the forks.
    # No gc.collect() first: it costs ~50 ms on the way to the first picture (issue 18) and
    # would free only the little garbage that importing leaves.
    gc.freeze()
    _send({"kind": "hello", "pid": os.getpid(), "torch": torch.__version__})
    from stridescope.engine.worker.checkpoints import Checkpoints, become_subreaper

    become_subreaper()
    checkpoints = Checkpoints()  # earlier runs kept at statement boundaries (NOTE [Checkpoints])
    stdin = sys.stdin.buffer
    spare = _fork_spare()  # forked before the request comes: a run never waits for a fork
    while True:
        line = stdin.readline()
        if not line:
            checkpoints.close()
            _discard(spare)
            return 0
        request = _request_of(line)
        checkpoint = checkpoints.take(request) if _may_resume(request) else None
        resumed = checkpoints.resume(checkpoint, line) if checkpoint is not None else None
        if resumed is not None:
            pid, read_end, control = resumed
            _send({"kind": "started", "pid": pid, "id": request.get("id"),
                   "resumed": {"origin": checkpoint.origin, "index": checkpoint.index}})
            bad, partial = _relay((pid, None, read_end))
            _send({"kind": "exit", **checkpoints.exit_of(checkpoint, _kill, pid),
                   "bad_data": bad, "truncated": partial})
            checkpoints.collect(control, request)
            continue
        running = spare
        _hand_over(running, line)
        bad, partial = _relay(running)
        if warm:  # after the first run (it should not wait for this): later runs are quick
            warm = False
            _warm_imports()
            _warm_meta()
            gc.freeze()
        spare = _fork_spare()  # while the last child is still being torn down
        _report_exit(running, bad, partial)
        checkpoints.collect(running[3], request)


def _request_of(line: bytes) -> dict:
    try:
        request = json.loads(line)
    except ValueError:
        return {}
    return request if isinstance(request, dict) else {}


def _may_resume(request: dict) -> bool:
    """A script run that is not on a mesh (a mesh run's ranks are not kept)."""
    from stridescope.engine.worker.checkpoints import Checkpoints

    if not Checkpoints.wanted(request):
        return False
    shape, error = _mesh_shape(request.get("mesh"), request["script"])
    return shape is None and error is None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _fork_spare() -> tuple[int, int, int, object]:
    """A child that waits for its request: (pid, request pipe to write, output pipe to read,
    the socket on which it registers its checkpoints)."""
    import socket

    request_read, request_write = os.pipe()
    out_read, out_write = os.pipe()
    control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the run's child
        code = 1
        try:
            # only what the run needs: the worker's other ends (checkpoints' sockets above
            # all) must close when the worker closes them
            _close_other_fds({request_read, out_write, theirs.fileno()})
            _die_with_parent()
            chunks = []
            while chunk := os.read(request_read, 1 << 20):
                chunks.append(chunk)
            os.close(request_read)
            if chunks:
                code = _run_child(out_write, theirs, json.loads(b"".join(chunks)))
            else:
                code = 0
            os.close(_OUT)  # the app has its answer before this process is torn down
        finally:
            os._exit(code)
    os.close(request_read)
    os.close(out_write)
    theirs.close()
    return pid, request_write, out_read, control


def _discard(spare: tuple) -> None:
    pid, request_write, out_read, control = spare
    os.close(request_write)  # the spare reads no request and exits
    os.close(out_read)
    control.close()
    os.waitpid(pid, 0)


def _warm_imports() -> None:
    """Modules torch imports lazily on first use, imported here (import only: no torch op
    runs in this process, so forking it stays safe with OpenMP)."""
    import importlib

    for name in ("torch._tensor_str", "torch.return_types", "torch._refs", "torch._prims_common",
                 "torch._subclasses.fake_tensor", "numpy", "torch.nn.functional",
                 "torch.testing", "torch.overrides", "torch._meta_registrations",
                 "torch._decomp", "torch.nested", "torch.masked", "torch.sparse", "torch.fft",
                 "torch.linalg", "torch.special", "torch.autograd", "torch.functional"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module this torch build lacks
            pass


_META_WARMUP = """import torch
x = torch.randn(64, 64, device="meta")
y = (x @ x).sum(0)
z = x.t().contiguous().view(-1)[::2].reshape(32, 64)
w = torch.ones(3, device="meta").expand(3, 3).flip(0).clone()
v = torch.cat([x, x]).permute(1, 0).unsqueeze(0).to(torch.float16)
u = torch.zeros(2, 3, 4, device="meta").unfold(2, 2, 1).sort(-1)
"""


def _warm_meta() -> None:
    """Sizing an operation on the meta device imports sympy and friends on first use: do it
    here, once. Meta tensors compute nothing, so no thread pool starts (fork stays safe)."""
    from stridescope.engine.interpret.runner import run_script

    try:
        run_script(_META_WARMUP)
    except Exception:  # noqa: BLE001 - a warm-up only
        pass


def _hand_over(spare: tuple, line: bytes) -> None:
    """Give the spare its request and tell the app which process runs it."""
    pid, request_write = spare[:2]
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(request_write, view):]
    except OSError:  # the spare died (it should not): its exit status says how
        pass
    os.close(request_write)
    try:
        run_id = json.loads(line).get("id")
    except (ValueError, AttributeError):
        run_id = None
    _send({"kind": "started", "pid": pid, "id": run_id})


def _relay(running: tuple) -> tuple[bool, bool]:
    """Forward the run's frames (whole frames only) until it ends."""
    from stridescope.engine.worker.wire import FrameReader, WireError

    pid, _request_write, read_end = running[:3]
    reader = FrameReader(raw=True)
    bad = False
    while True:
        try:
            chunk = os.read(read_end, 1 << 20)
        except InterruptedError:
            continue
        if not chunk:
            break
        if bad:
            continue
        try:
            frames = reader.feed(chunk)
        except WireError:
            bad = True  # the child's memory was corrupted: stop it, say so
            os.kill(pid, signal.SIGKILL)
            continue
        for data in frames:
            view = memoryview(data)
            while view:
                view = view[os.write(_OUT, view):]
    os.close(read_end)
    return bad, reader.pending > 0


def _report_exit(running: tuple, bad: bool, partial: bool) -> None:
    from stridescope.engine.worker.checkpoints import exit_fields

    _pid, status, usage = os.wait4(running[0], 0)
    _send({"kind": "exit", **exit_fields(status, usage), "bad_data": bad, "truncated": partial})


def _run_child(out_fd: int, control, request: dict) -> int:
    global _OUT
    _OUT = out_fd
    limits = _limits(request.get("limits"))
    source = request.get("script")
    shape, mesh_error = (None, None) if request.get("timing") is not None else _mesh_shape(
        request.get("mesh"), source if isinstance(source, str) else "")
    if shape is not None:  # before the limits (torch._dynamo finds a temp dir by writing a
        _import_mesh_modules()  # file) and before imports are refused (torchgen, …)
    _set_os_limits(limits)
    _close_other_fds({out_fd, control.fileno()})
    _block_imports()
    from stridescope.engine.interpret.runner import ScriptRun, statement_error
    from stridescope.engine.interpret.script import parse, too_long
    from stridescope.engine.worker.checkpoints import Checkpoints, Keeper
    from stridescope.engine.worker.wire import encode

    if request.get("timing") is not None:
        return _time_layout(request["timing"])
    if not isinstance(source, str):
        _send({"kind": "fail", "message": "no script"})
        return 1
    too_many = too_long(source, limits.max_statements)
    statements, error = ([], too_many) if too_many else parse(source)
    error = error or statement_error(statements, limits)
    error = error or mesh_error
    if error is not None:
        _send({"kind": "done", "syntax_error": encode(error)})
        return 0
    if shape is not None:  # SPMD on forked rank processes (engine/worker/mesh_run.py)
        from stridescope.engine.worker.mesh_run import run_mesh

        try:
            return run_mesh(out_fd, source, statements, limits, shape)
        except Exception as exc:  # noqa: BLE001 - reported to the app, which shows it
            _send({"kind": "fail", "message": f"{type(exc).__name__}: {exc}"[:2000]})
            return 1
    keeper = None
    if Checkpoints.wanted(request):
        import torch

        torch.set_num_threads(1)  # a fork of it must stay safe (NOTE [Checkpoints])
        keeper = Keeper(control, out_fd, statements)
    else:
        control.close()
    return _run_statements(ScriptRun(source, limits, statements), limits, keeper)


def _run_statements(run, limits, keeper) -> int:
    """Run the script's statements, keeping checkpoints where `keeper` plans them. In a
    checkpoint that an edited script resumes, the loop goes on with that script."""
    from stridescope.engine.interpret.runner import stops
    from stridescope.engine.worker.wire import encode

    seen: dict = {}
    states: dict = {}  # unchanged tensor and storage states go once, then as references
    index = 0
    try:
        while index < len(run.statements):
            if keeper is not None and keeper.wants(index):
                resumed = keeper.keep(index, run.statements[index].lineno)
                if resumed is not None:  # this process is now the edited script's run
                    keeper, error = _retarget(run, index, resumed, limits)
                    if error is not None:
                        _send({"kind": "done", "syntax_error": encode(error)})
                        return 0
                    continue
            statement = run.statements[index]
            _send({"kind": "begin", "index": index, "line": statement.lineno,
                   "end_line": statement.end_lineno or statement.lineno,
                   "source": run.segments.of(statement)[:100_000], "t": time.monotonic()})
            step = run.step(index)
            blobs: list[bytes] = []
            data = encode(step, blobs, seen, states)
            _send({"kind": "step", "step": data}, blobs)
            if stops(step):
                break
            index += 1
    except Exception as exc:  # noqa: BLE001 - reported to the app, which shows it
        _send({"kind": "fail", "message": f"{type(exc).__name__}: {exc}"[:2000]})
        return 1
    _send({"kind": "done", "syntax_error": None})
    return 0


def _retarget(run, index: int, resumed, limits):
    """Turn this fork of a checkpoint into the run of the edited script in `resumed`: the
    statements before `index` are the same (the worker checked its lines), the rest is parsed
    here. (keeper, None), or (None, the error a fresh run would have stopped at)."""
    global _OUT
    from stridescope.engine.interpret.runner import statement_error
    from stridescope.engine.interpret.script import clean_source, parse_tail, same_lines, too_long
    from stridescope.engine.model.state import ErrorInfo
    from stridescope.engine.worker.checkpoints import Keeper, first_changed

    _OUT = resumed.out_fd
    source = resumed.request.get("script")
    if not isinstance(source, str):
        return None, ErrorInfo("WorkerError", "no script", None)
    source = clean_source(source)
    error = too_long(source, limits.max_statements)
    if error is not None:
        return None, error
    line, start = run.statements[index].lineno, resumed.start
    if not 0 < start <= len(source) or source[:start] != run.source[:start]:
        return None, ErrorInfo("WorkerError", "a checkpoint was resumed with another script",
                               None)
    tail, error = parse_tail(source, line, start)
    # in place: a slice would touch every old statement (a page copied out of the checkpoint
    # for each few of them)
    statements = run.statements
    del statements[index:]
    statements.extend(tail)
    error = error or statement_error(statements, limits)
    if error is not None:
        return None, error
    changed = first_changed(statements, index, same_lines(run.source, source))
    run.retarget(source, statements, line, start)
    return Keeper(resumed.control, resumed.out_fd, statements, index, changed), None


def _mesh_shape(requested, source: str):
    """The run's mesh: the app's (--mesh) or the script's `#! mesh 2x2` line; or an error."""
    from stridescope.engine.model.mesh import MeshSpecError, mesh_of_source, parse_mesh_spec
    from stridescope.engine.model.state import ErrorInfo

    try:
        if isinstance(requested, str) and requested:
            return parse_mesh_spec(requested), None
        return mesh_of_source(source), None
    except MeshSpecError as exc:
        return None, ErrorInfo("MeshError", str(exc), None)


# What DTensor's first dispatch and first collective import lazily (measured with
# sys.modules in a rank): imported before imports are refused, once, inherited by every rank.
_MESH_MODULES = ("torch.distributed.tensor", "torch.distributed.tensor._utils", "torch._dynamo",
                 "torch._inductor.config", "torch._inductor.utils", "torch.distributed.fsdp",
                 "torch.distributed.tensor.parallel", "torch.distributed.nn", "torch.onnx",
                 "torch._numpy", "torch.distributed._symmetric_memory",
                 "torch.testing._internal.distributed.fake_pg", "torch.fx.experimental._dynamism",
                 "torch.fx.passes.graph_transform_observer", "torch.utils._device",
                 "torch._subclasses.schema_check_mode", "torch._decomp.decompositions_for_rng",
                 "numpy.fft", "sysconfig", "statistics", "cProfile", "pstats", "getpass",
                 "shlex", "termios", "ctypes.util")


def _import_mesh_modules() -> None:
    import importlib

    for name in _MESH_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module this torch build lacks
            pass
    import sysconfig

    import stridescope.engine.interpret.mesh  # noqa: F401
    import stridescope.engine.worker.mesh_run  # noqa: F401

    sysconfig.get_config_vars()  # loads _sysconfigdata_* (torch asks on first dispatch)


def _time_layout(layout) -> int:
    """A timing request (engine/worker/timing.py) instead of a script."""
    try:
        from stridescope.engine.worker.timing import measure

        answer = measure(layout)
    except Exception as exc:  # noqa: BLE001 - reported to the app, which shows it
        _send({"kind": "fail", "message": f"{type(exc).__name__}: {exc}"[:2000]})
        return 1
    _send({"kind": "timing", "timing": answer})
    _send({"kind": "done", "syntax_error": None})
    return 0


def _limits(data):
    from dataclasses import fields

    from stridescope.engine.model.limits import Limits

    if not isinstance(data, dict):
        return Limits()
    known = {f.name: f.type for f in fields(Limits)}
    kwargs = {k: v for k, v in data.items()
              if k in known and isinstance(v, (int, float)) and not isinstance(v, bool)}
    return Limits(**kwargs)


def _set_os_limits(limits) -> None:
    import resource

    def cap(kind: int, value: int) -> None:
        try:
            _soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value if kind != resource.RLIMIT_CPU else hard))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_AS, int(limits.memory_bytes))
    cap(resource.RLIMIT_CPU, max(1, int(limits.cpu_seconds)))
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, 0)  # a run writes no files
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _close_other_fds(keep: set[int]) -> None:
    try:
        os.close(0)
    except OSError:
        pass
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 1024)


class _RefuseImports:
    """A meta-path finder for the run's child: torch and NumPy (which import some submodules
    lazily) and the standard library may still be imported, except the modules whose import
    does something (print, open a browser or a window); anything else installed is refused."""

    ALLOWED = ("torch", "numpy", "encodings", "sympy", "mpmath", "networkx", "jinja2",
               "markupsafe", "filelock", "fsspec", "typing_extensions", "optree")
    DENIED = frozenset({"this", "antigravity", "webbrowser", "idlelib", "turtle",
                        "turtledemo", "tkinter", "__hello__", "__phello__", "__main__",
                        "ensurepip", "venv", "pydoc", "pdb", "code", "site"})

    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if name in sys.modules or top in self.ALLOWED or (
                top in sys.stdlib_module_names and top not in self.DENIED):
            return None
        raise ImportError(f"refused: the script tried to import the module {name!r}")


def _block_imports() -> None:
    sys.meta_path.insert(0, _RefuseImports())
    import torch._utils

    def refuse_dotted_name(name, *args, **kwargs):
        raise ImportError(f"refused: importing {str(name)[:80]!r} by name")

    torch._utils._import_dotted_name = refuse_dotted_name


if __name__ == "__main__":
    sys.exit(main())
