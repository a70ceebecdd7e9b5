"""Attach to a running Jupyter kernel: snapshot its tensors after every cell (no Qt).

The kernel runs `kernel_probe.stridescope_probe` (sent as source, silent, no history, nothing
left in the user's namespace) and answers one JSON text through `user_expressions`.
That answer is untrusted: every field is checked here before it becomes a Step. Nothing from
the kernel is evaluated or unpickled on this side.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from stridescope.engine.live.kernel_answer import (
    HISTORY_BYTES_LIMIT,
    MAX_NAMES,
    AttachError,
    KernelSnapshot,
    parse_snapshot,
    probe_request,
    unquote_reply,
)
from stridescope.engine.model.state import (
    Produced,
    RunResult,
    Step,
    StorageState,
)


# --------------------------------------------------------------------- snapshots -> steps
class StepBuilder:
    """Turns successive snapshots of one kernel into Steps: storage labels persist (same
    StorageImpl address, pointer and size), bytes reported unchanged are reused, and each
    name the cell (re)bound is marked new, a view (same storage as before), or an alias.

    A storage freed between two cells whose address is reused by a new one of the same size
    and pointer is taken for the same storage: without pinning objects in the user's kernel
    (which would keep their memory alive) this cannot be told apart."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, int, int], int] = {}
        self._next = 1
        self._raw: dict[int, bytes | None] = {}
        self._digests: dict[str, str] = {}
        self._raw_by_key: dict[str, bytes] = {}
        self._previous: dict[str, tuple[int, int]] = {}  # name -> (object id, storage)
        self._origins: dict[str, Produced] = {}
        self.steps: list[Step] = []
        self.script = ""

    def known(self) -> dict[str, str]:
        """Digests of storages whose bytes we hold: the kernel need not send them again."""
        return dict(self._digests)

    def add(self, snap: KernelSnapshot, label: str, code: str = "") -> Step:
        """Append the step for `snap`: "In [7]" and the cell's code, or "attached to …".
        The document's script is the record: a "# label" line, then the code."""
        keys = {s.key: (s.key, s.data_ptr, s.nbytes) for s in snap.storages}
        live = set(keys.values())
        self._labels = {k: v for k, v in self._labels.items() if k in live}
        for ident in keys.values():
            if ident not in self._labels:
                self._labels[ident] = self._next
                self._next += 1
        label_of = {key: self._labels[ident] for key, ident in keys.items()}
        storages = []
        raws: dict[int, bytes | None] = {}
        digests: dict[str, str] = {}
        by_key: dict[str, bytes] = {}
        written = []
        for s in snap.storages:
            sid = label_of[s.key]
            previous = self._raw.get(sid)
            raw = s.raw
            if s.same:
                raw = self._raw_by_key.get(s.key)
                if raw is None:  # only if the kernel answers about bytes we never had
                    raise AttachError("the kernel reused bytes this side does not have")
                if previous is not None and raw != previous:
                    written.append(sid)
            elif raw is not None and previous is not None:
                if raw == previous:
                    raw = previous  # one bytes object while unchanged
                else:
                    written.append(sid)
            raws[sid] = raw
            if raw is not None and s.digest is not None:
                digests[s.key] = s.digest
                by_key[s.key] = raw
            storages.append(StorageState(sid, s.data_ptr, s.nbytes, s.device, raw))
        produced = self._produced(snap, label_of)
        current = {t.state.name for t in snap.tensors}
        self._origins = {n: o for n, o in self._origins.items() if n in current}
        self._origins.update({p.name: p for p in produced})
        tensors = tuple(replace(
            t.state, storage_id=label_of[t.storage_key],
            base_name=t.base if t.base in current else None,
            origin=self._origins.get(t.state.name)) for t in snap.tensors)
        code = code.strip("\n")
        record = f"# {label}\n" + (code + "\n" if code else "")
        first = len(self.script.splitlines()) + 1
        self.script += record
        warnings = tuple(f"{name}: not shown ({reason})" for name, reason in snap.skipped)
        if snap.truncated:
            warnings += (f"only the first {MAX_NAMES} tensors and arrays are shown",)
        step = Step(index=len(self.steps), line=first,
                    end_line=first + len(record.splitlines()) - 1,
                    source=f"{label}: {code}" if code else f"# {label}", stdout="",
                    error=None, tensors=tensors,
                    storages=tuple(sorted(storages, key=lambda s: s.id)), produced=produced,
                    written_storages=tuple(written), warnings=warnings)
        self.steps.append(step)
        self._forget_old_bytes()
        self._raw = raws
        self._digests = digests
        self._raw_by_key = by_key
        self._previous = {t.state.name: (t.object_id, label_of[t.storage_key])
                          for t in snap.tensors}
        return step

    def _forget_old_bytes(self) -> None:
        """Keep the history's storage bytes under HISTORY_BYTES_LIMIT: the oldest steps lose
        theirs first (their cells then read "?"; layouts and values of small tensors stay)."""
        sizes = {id(s.raw): len(s.raw) for step in self.steps for s in step.storages
                 if s.raw is not None}
        total = sum(sizes.values())
        for i, step in enumerate(self.steps[:-1]):
            if total <= HISTORY_BYTES_LIMIT:
                return
            kept = {id(s.raw) for later in self.steps[i + 1:] for s in later.storages}
            total -= sum(n for key, n in sizes.items()
                         if key in {id(s.raw) for s in step.storages} and key not in kept)
            self.steps[i] = replace(step, storages=tuple(replace(s, raw=None)
                                                         for s in step.storages))

    def _produced(self, snap: KernelSnapshot, label_of: dict[str, int]) -> tuple[Produced, ...]:
        """What each name the cell (re)bound is: an alias of another name's object, a view
        (its storage existed before), or new (a copy or a fresh tensor: the kernel does not
        tell which; the picture fades it in)."""
        if not self.steps:
            return ()
        before = self._previous
        out = []
        for t in snap.tensors:
            name = t.state.name
            if before.get(name, (None,))[0] == t.object_id:
                continue
            alias = next((n for n, (oid, _) in before.items() if oid == t.object_id), None)
            if alias is not None:
                out.append(Produced(name, "alias", alias))
                continue
            sid = label_of[t.storage_key]
            on_storage = [n for n, (_, label) in before.items() if label == sid]
            if on_storage:
                base = t.base if t.base in on_storage else None
                out.append(Produced(name, "view", base or on_storage[0]))
            else:
                out.append(Produced(name, "new", None))
        return tuple(out)

    def result(self) -> RunResult:
        return RunResult(self.script, tuple(self.steps))


# --------------------------------------------------------------------- the kernel
def newest_connection_file() -> Path:
    """The connection file of the most recently started kernel (jupyter_core's runtime
    dir); AttachError when there is none."""
    try:
        from jupyter_client import find_connection_file
    except ImportError:
        raise AttachError(_NEEDS_JUPYTER) from None
    try:
        return Path(find_connection_file())
    except OSError:
        raise AttachError("no running Jupyter kernel found (no kernel-*.json in the runtime "
                          "folder); give the connection file: --attach FILE") from None


_NEEDS_JUPYTER = ("attaching to a kernel needs jupyter_client: pip install "
                  "'stridescope[jupyter]'")


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


class KernelLink:
    """A client of one running kernel (our own session: the user's frontend is another)."""

    def __init__(self, connection_file: str | Path, timeout: float = 10.0) -> None:
        try:
            from jupyter_client import BlockingKernelClient
        except ImportError:
            raise AttachError(_NEEDS_JUPYTER) from None
        path = Path(connection_file)
        if not path.is_file():
            raise AttachError(f"no kernel connection file {path}")
        self.path = path
        self.timeout = timeout
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(info, dict) or not all(
                    _is_port(info.get(k)) for k in ("shell_port", "iopub_port", "hb_port")):
                raise ValueError("no kernel ports in it")
            client = BlockingKernelClient(connection_file=str(path))
            client.load_connection_file()
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise AttachError(f"{path} is not a kernel connection file: {exc}") from None
        client.start_channels()
        self.client = client
        self.language = ""

    @property
    def session_id(self) -> str:
        return self.client.session.session

    def check(self) -> None:
        """The kernel answers and runs Python; AttachError with a clear reason otherwise."""
        try:
            reply = self.client.kernel_info(reply=True, timeout=self.timeout)
        except (TimeoutError, RuntimeError):
            raise AttachError(f"the kernel of {self.path.name} does not answer (gone, or busy "
                              f"for more than {self.timeout:g} s)", busy=True) from None
        info = reply.get("content", {}).get("language_info", {})
        self.language = str(info.get("name", "?"))
        if self.language != "python":
            raise AttachError(f"the kernel runs {self.language}, not Python: nothing to show")

    def snapshot(self, known: dict[str, str] | None = None,
                 timeout: float | None = None) -> KernelSnapshot:
        """Run the probe silently (no history, no output, nothing left bound)."""
        code, expression = probe_request(known)
        try:
            reply = self.client.execute(code, silent=True, store_history=False,
                                        user_expressions={"snapshot": expression},
                                        allow_stdin=False, stop_on_error=False, reply=True,
                                        timeout=timeout or self.timeout)
        except (TimeoutError, RuntimeError):
            raise AttachError("the kernel is busy or gone: no answer within "
                              f"{timeout or self.timeout:g} s", busy=True) from None
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise AttachError(f"the snapshot failed in the kernel: {content.get('ename', '?')}: "
                              f"{str(content.get('evalue', ''))[:300]}")
        answer = content.get("user_expressions", {}).get("snapshot", {})
        if answer.get("status") != "ok":
            raise AttachError(f"the snapshot failed in the kernel: {answer.get('ename', '?')}: "
                              f"{str(answer.get('evalue', ''))[:300]}")
        text = answer.get("data", {}).get("text/plain")
        if not isinstance(text, str):
            raise AttachError("the kernel's answer is not a snapshot")
        return parse_snapshot(unquote_reply(text))

    def is_alive(self) -> bool:
        return bool(self.client.hb_channel.is_beating())

    def close(self) -> None:
        self.client.stop_channels()
        close_thread_loop()


def close_thread_loop() -> None:
    """jupyter_client's blocking calls run on an asyncio loop it makes for the calling thread
    and never closes; close it once the thread is done with kernels (no leaked sockets)."""
    import asyncio

    try:
        from jupyter_core.utils import ensure_event_loop
    except ImportError:
        return
    loop = ensure_event_loop()
    if not loop.is_running():
        loop.close()
        asyncio.set_event_loop(None)


def snapshot_kernel(connection_file: str | Path, timeout: float = 10.0
                    ) -> tuple[RunResult, KernelSnapshot]:
    """One snapshot of the kernel's tensors: a one-step RunResult, and the raw snapshot (it
    also holds the NumPy arrays, which do not ride in a Step yet)."""
    link = KernelLink(connection_file, timeout)
    try:
        link.check()
        snap = link.snapshot()
    finally:
        link.close()
    builder = StepBuilder()
    builder.add(snap, f"attached to {Path(connection_file).name}")
    return builder.result(), snap


class KernelFollower:
    """Follows a kernel from a background thread: after every cell another client (the
    user's notebook) runs, takes a snapshot and hands the grown RunResult to `on_result`;
    problems go to `on_message` (the kernel stays followed; callers show the text). Both
    callbacks run on the follower's thread: a GUI must hop to its own thread."""

    def __init__(self, connection_file: str | Path,
                 on_result: Callable[[RunResult], None],
                 on_message: Callable[[str], None], timeout: float = 10.0,
                 poll: float = 0.2, heartbeat: float = 2.0) -> None:
        self.path = Path(connection_file)
        self.on_result = on_result
        self.on_message = on_message
        self.timeout = timeout
        self.poll = poll
        self.heartbeat = heartbeat  # seconds between checks that the kernel still beats
        self.builder = StepBuilder()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._refresh = threading.Event()
        self.last_refresh_seconds: float | None = None
        self._missed = False  # the last snapshot got no answer (busy kernel): retry when idle

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="stridescope-attach",
                                        daemon=True)
        self._thread.start()

    def refresh(self) -> None:
        """Take a snapshot now (for a cell run where we missed the messages)."""
        self._refresh.set()

    def stop(self, wait: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _run(self) -> None:
        try:
            link = KernelLink(self.path, self.timeout)
        except AttachError as exc:
            self.on_message(str(exc))
            return
        try:
            self._follow(link)
        finally:
            link.close()

    def _follow(self, link: KernelLink) -> None:
        try:
            link.check()
            self._take(link, f"attached to {self.path.name}", "")
        except AttachError as exc:
            self.on_message(str(exc))
            if link.language and link.language != "python":
                return
            self._missed = exc.busy  # the first idle brings the snapshot
        pending: dict[str, tuple[int | None, str]] = {}
        last_beat = time.monotonic()
        gone = False
        while not self._stop.is_set():
            if self._refresh.is_set():
                self._refresh.clear()
                self._take(link, "refreshed", "")
            try:
                msg = link.client.get_iopub_msg(timeout=self.poll)
            except queue.Empty:
                if time.monotonic() - last_beat > self.heartbeat:
                    last_beat = time.monotonic()
                    alive = link.is_alive()
                    if not alive and not gone:
                        self.on_message(f"the kernel of {self.path.name} stopped answering "
                                        "(closed or restarting); the window keeps the last "
                                        "snapshot")
                    gone = not alive
                continue
            parent = msg.get("parent_header") or {}
            kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
            content = msg.get("content") or {}
            if parent.get("session") == link.session_id:
                # our own request; one that timed out behind a busy cell runs when that cell
                # ends, so its idle says the kernel is free: take the snapshot still owed
                if kind == "status" and content.get("execution_state") == "idle" \
                        and self._missed:
                    self._take(link, "refreshed", "")
                continue
            msg_id = parent.get("msg_id")
            if kind == "execute_input" and msg_id:
                count = content.get("execution_count")
                code = content.get("code")
                pending[msg_id] = (count if isinstance(count, int) else None,
                                   code if isinstance(code, str) else "")
                if len(pending) > 64:  # cells whose idle we never saw
                    pending.pop(next(iter(pending)))
            elif kind == "status" and content.get("execution_state") == "idle" \
                    and msg_id in pending:
                count, code = pending.pop(msg_id)
                gone = False
                self._take(link, f"In [{count if count is not None else ' '}]", code)
            elif kind == "status" and content.get("execution_state") == "idle" \
                    and self._missed:  # the last snapshot found the kernel busy: try again
                self._take(link, "refreshed", "")
            elif kind == "status" and content.get("execution_state") == "starting":
                self.on_message("the kernel restarted: its tensors are gone; following the "
                                "new one")

    def _take(self, link: KernelLink, label: str, code: str) -> None:
        started = time.perf_counter()
        if not self.builder.steps:
            label, code = f"attached to {self.path.name}", ""
        try:
            snap = link.snapshot(self.builder.known())
            self.builder.add(snap, label, code)
        except AttachError as exc:
            if not (exc.busy and self._missed):  # a busy kernel is said once, not at each try
                self.on_message(str(exc))
            self._missed = exc.busy  # retried at the next idle only when it may have been busy
            return
        self._missed = False
        self.last_refresh_seconds = time.perf_counter() - started
        self.on_result(self.builder.result())


def attach_trace(result: RunResult, snap: KernelSnapshot) -> dict[str, Any]:
    """A stridescope-trace/1 document of one kernel snapshot (the kernel's torch version;
    NumPy arrays under "arrays", as the trace format describes)."""
    from stridescope.engine.document.trace import FORMAT as TRACE_FORMAT
    from stridescope.engine.document.trace import step_json

    steps = []
    for step in result.steps:
        entry = step_json(step)
        if snap.arrays:
            entry["arrays"] = {a["name"]: {k: v for k, v in a.items() if k != "name"}
                               for a in snap.arrays}
        steps.append(entry)
    return {"format": TRACE_FORMAT, "torch": snap.torch, "numpy": snap.numpy,
            "python": snap.python, "steps": steps}
