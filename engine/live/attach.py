"""Attach to a running Jupyter kernel: snapshot its tensors after every cell (no Qt).

The kernel runs `kernel_probe.stridescope_probe` (sent as source, silent, no history, nothing
left in the user's namespace) and answers one JSON text through `user_expressions`.
That answer is untrusted: every field is checked here before it becomes a Step. Nothing from
the kernel is evaluated or unpickled on this side.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import math
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stridescope.engine.live.kernel_probe import FORMAT, stridescope_probe
from stridescope.engine.model.dtypes import ITEMSIZE
from stridescope.engine.model.state import (
    TRACE_VALUE_LIMIT,
    Produced,
    RunResult,
    Step,
    StorageState,
    TensorState,
)

ATTACH_BYTES_LIMIT = 8 << 20     # bytes of one storage sent by the kernel (the strip's values)
ATTACH_TOTAL_LIMIT = 64 << 20    # bytes of all storages in one snapshot
HISTORY_BYTES_LIMIT = 512 << 20  # storage bytes kept across the cell history (oldest go first)
MAX_NAMES = 256                  # tensors + arrays in one snapshot
MAX_REPLY_CHARS = 200 << 20      # a longer answer is refused unread
_RESULT = "__stridescope_snapshot__"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$|^[^\W\d_]\w{0,99}$")
_DEVICE = re.compile(r"^[a-z_]{1,20}(:[0-9]{1,4})?$")
_DTYPE = re.compile(r"^torch\.[a-z0-9_]{1,30}$")
_NP_DTYPE = re.compile(r"^[A-Za-z0-9_<>|\[\], ]{1,60}$")
_DIGEST = re.compile(r"^[0-9a-f]{32}$")
_INT_MAX = 1 << 64


class AttachError(RuntimeError):
    """The kernel cannot be reached, is not Python, or answered something unusable."""

    def __init__(self, message: str, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy  # no answer in time: the request may still run when the kernel frees


# --------------------------------------------------------------------- the request
def probe_request(known: dict[str, str] | None = None, value_limit: int = TRACE_VALUE_LIMIT,
                  byte_limit: int = ATTACH_BYTES_LIMIT,
                  total_limit: int = ATTACH_TOTAL_LIMIT) -> tuple[str, str]:
    """(code, expression): the code defines the probe, stores its answer and deletes the
    function; the user expression pops the answer. The user's namespace ends as it began."""
    options = {"value_limit": int(value_limit), "byte_limit": int(byte_limit),
               "total_limit": int(total_limit), "max_names": MAX_NAMES,
               "known": {str(k): str(v) for k, v in (known or {}).items()
                         if k.isdigit() and _DIGEST.match(v)}}
    code = (inspect.getsource(stridescope_probe)
            + f"\ntry:\n    {_RESULT} = stridescope_probe(globals(), {json.dumps(options)})\n"
            + "finally:\n    del stridescope_probe\n")
    return code, f"globals().pop({_RESULT!r}, '')"


def unquote_reply(text: str) -> str:
    """The str whose repr is `text` (the probe's answer has no ' and no control characters,
    so its repr only doubles backslashes); AttachError for anything else."""
    if len(text) > MAX_REPLY_CHARS:
        raise AttachError("the kernel's answer is too large")
    if len(text) < 2 or text[0] != "'" or text[-1] != "'" or "'" in text[1:-1]:
        raise AttachError("the kernel's answer is not a snapshot")
    inner = text[1:-1]
    if "\\" in inner.replace("\\\\", ""):
        raise AttachError("the kernel's answer is not a snapshot")
    return inner.replace("\\\\", "\\")


# --------------------------------------------------------------------- validation
@dataclass(frozen=True, slots=True)
class KernelTensor:
    state: TensorState       # storage_id 0: filled in when the step is built
    object_id: int           # id() in the kernel: the same object between snapshots
    storage_key: str
    base: str | None


@dataclass(frozen=True, slots=True)
class KernelStorage:
    key: str
    data_ptr: int
    nbytes: int
    device: str
    digest: str | None
    raw: bytes | None
    same: bool               # unchanged since the digest we sent: reuse our copy


@dataclass(frozen=True, slots=True)
class KernelSnapshot:
    python: str
    torch: str | None
    numpy: str | None
    tensors: tuple[KernelTensor, ...]
    storages: tuple[KernelStorage, ...]
    arrays: tuple[dict, ...] = field(compare=False)   # trace-format entries, checked
    skipped: tuple[tuple[str, str], ...] = ()
    truncated: bool = False


def _int(value: Any, what: str, low: int = 0, high: int = _INT_MAX) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value < high:
        raise AttachError(f"bad {what} in the kernel's answer")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise AttachError(f"bad {what} in the kernel's answer")
    return value


def _str(value: Any, what: str, pattern: re.Pattern | None = None, limit: int = 200) -> str:
    if not isinstance(value, str) or len(value) > limit or (
            pattern is not None and not pattern.match(value)):
        raise AttachError(f"bad {what} in the kernel's answer")
    return value


def _dict(value: Any, what: str, keys: set[str]) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise AttachError(f"bad {what} in the kernel's answer")
    return value


def _list(value: Any, what: str, limit: int) -> list:
    if not isinstance(value, list) or len(value) > limit:
        raise AttachError(f"bad {what} in the kernel's answer")
    return value


def _values(value: Any, shape: tuple[int, ...], complex_pairs: bool, what: str) -> Any:
    """A nested list of exactly `shape`, numbers (or [re, im] pairs) at the leaves."""
    if not shape:
        if complex_pairs:
            pair = _list(value, what, 2)
            if len(pair) != 2 or not all(_is_number(v) for v in pair):
                raise AttachError(f"bad {what} in the kernel's answer")
            return complex(pair[0], pair[1])
        if not _is_number(value):
            raise AttachError(f"bad {what} in the kernel's answer")
        return value
    items = _list(value, what, shape[0])
    if len(items) != shape[0]:
        raise AttachError(f"bad {what} in the kernel's answer")
    return [_values(v, shape[1:], complex_pairs, what) for v in items]


def _is_number(v: Any) -> bool:
    return isinstance(v, (bool, float)) or (isinstance(v, int) and -_INT_MAX < v < _INT_MAX)


_TENSOR_KEYS = {"name", "id", "shape", "stride", "storage_offset", "dtype", "itemsize",
                "device", "data_ptr", "numel", "is_contiguous", "is_channels_last",
                "requires_grad", "is_meta", "is_view", "base", "storage", "values"}
_STORAGE_KEYS = {"key", "data_ptr", "nbytes", "device", "digest", "raw", "same"}
_ARRAY_KEYS = {"name", "shape", "strides", "dtype", "itemsize", "data_ptr", "c_contiguous",
               "f_contiguous", "owndata", "values"}
_TOP_KEYS = {"format", "python", "torch", "numpy", "tensors", "storages", "arrays", "skipped",
             "truncated", "error"}


def _name_shape_strides(entry: dict, strides_key: str, names: set[str]
                        ) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A new identifier (added to names), and a shape with as many strides."""
    name = _str(entry["name"], "name", _NAME)
    if name in names or not name.isidentifier():
        raise AttachError("bad name in the kernel's answer")
    names.add(name)
    shape = tuple(_int(v, "shape") for v in _list(entry["shape"], "shape", 64))
    strides = tuple(_int(v, strides_key, -_INT_MAX)
                    for v in _list(entry[strides_key], strides_key, 64))
    if len(strides) != len(shape):
        raise AttachError(f"inconsistent metadata for {name} in the kernel's answer")
    return name, shape, strides


def parse_snapshot(text: str) -> KernelSnapshot:
    """The kernel's JSON answer as checked values; AttachError on anything malformed."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise AttachError(f"the kernel's answer is not JSON: {exc}") from None
    if isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("error"):
        reason = _str(doc["error"], "error", None, 600)
        raise AttachError(f"the snapshot failed in the kernel: {reason}")
    doc = _dict(doc, "snapshot", _TOP_KEYS)
    if doc["format"] != FORMAT:
        raise AttachError(f"unknown snapshot format {doc['format']!r}")
    versions = [None if doc[k] is None else _str(doc[k], k, None, 60)
                for k in ("python", "torch", "numpy")]
    storages: dict[str, KernelStorage] = {}
    for item in _list(doc["storages"], "storages", MAX_NAMES):
        s = _dict(item, "storage", _STORAGE_KEYS)
        key = _str(s["key"], "storage key", re.compile(r"^[0-9]{1,20}$"))
        nbytes = _int(s["nbytes"], "nbytes")
        raw = None
        if s["raw"] is not None:
            try:
                raw = base64.b64decode(_str(s["raw"], "bytes", None, MAX_REPLY_CHARS),
                                       validate=True)
            except (binascii.Error, ValueError):
                raise AttachError("bad storage bytes in the kernel's answer") from None
            if len(raw) != nbytes:
                raise AttachError("storage bytes of the wrong length in the kernel's answer")
        digest = None if s["digest"] is None else _str(s["digest"], "digest", _DIGEST)
        same = _bool(s["same"], "same")
        if key in storages or (same and (digest is None or raw is not None)):
            raise AttachError("inconsistent storages in the kernel's answer")
        storages[key] = KernelStorage(key, _int(s["data_ptr"], "data_ptr"), nbytes,
                                      _str(s["device"], "device", _DEVICE), digest, raw, same)
    tensors = []
    names: set[str] = set()
    for item in _list(doc["tensors"], "tensors", MAX_NAMES):
        t = _dict(item, "tensor", _TENSOR_KEYS)
        name, shape, stride = _name_shape_strides(t, "stride", names)
        dtype = _str(t["dtype"], "dtype", _DTYPE)
        itemsize = _int(t["itemsize"], "itemsize", 1, 65)
        if ITEMSIZE.get(dtype, itemsize) != itemsize:
            raise AttachError(f"inconsistent metadata for {name} in the kernel's answer")
        numel = _int(t["numel"], "numel")
        if numel != math.prod(shape):
            raise AttachError(f"inconsistent numel for {name} in the kernel's answer")
        key = _str(t["storage"], "storage key", re.compile(r"^[0-9]{1,20}$"))
        storage = storages.get(key)
        device = _str(t["device"], "device", _DEVICE)
        if storage is None or storage.device != device:
            raise AttachError(f"{name} names a storage the answer does not describe")
        channels_last = (None if t["is_channels_last"] is None
                         else _bool(t["is_channels_last"], "is_channels_last"))
        values = None
        if t["values"] is not None:
            if numel > TRACE_VALUE_LIMIT:
                raise AttachError(f"too many values for {name} in the kernel's answer")
            values = _values(t["values"], shape, dtype.startswith("torch.complex"), "values")
        base = None if t["base"] is None else _str(t["base"], "base", _NAME)
        state = TensorState(
            name=name, shape=shape, stride=stride,
            storage_offset=_int(t["storage_offset"], "storage_offset"), dtype=dtype,
            itemsize=itemsize, device=device, data_ptr=_int(t["data_ptr"], "data_ptr"),
            storage_data_ptr=storage.data_ptr, storage_nbytes=storage.nbytes, numel=numel,
            is_contiguous=_bool(t["is_contiguous"], "is_contiguous"),
            is_channels_last=channels_last, storage_id=0, values=values,
            requires_grad=_bool(t["requires_grad"], "requires_grad"),
            is_meta=_bool(t["is_meta"], "is_meta"), base_name=None,
            is_view=_bool(t["is_view"], "is_view"))
        tensors.append(KernelTensor(state, _int(t["id"], "id"), key, base))
    arrays = []
    for item in _list(doc["arrays"], "arrays", MAX_NAMES):
        a = _dict(item, "array", _ARRAY_KEYS)
        name, shape, strides = _name_shape_strides(a, "strides", names)
        dtype = _str(a["dtype"], "dtype", _NP_DTYPE)
        entry = {"shape": list(shape), "strides": list(strides), "dtype": dtype,
                 "itemsize": _int(a["itemsize"], "itemsize", 0, 1 << 20),
                 "data_ptr": _int(a["data_ptr"], "data_ptr"),
                 "c_contiguous": _bool(a["c_contiguous"], "c_contiguous"),
                 "f_contiguous": _bool(a["f_contiguous"], "f_contiguous"),
                 "owndata": _bool(a["owndata"], "owndata")}
        if a["values"] is not None:
            if math.prod(shape) > TRACE_VALUE_LIMIT:
                raise AttachError(f"too many values for {name} in the kernel's answer")
            # complex arrays arrive as [re, im] pairs and stay so (the trace format's form)
            _values(a["values"], shape, dtype.startswith("complex"), "values")
            entry["values"] = a["values"]
        arrays.append((name, entry))
    skipped = tuple(
        (_str(s.get("name") if isinstance(s, dict) else None, "skipped name", None, 120),
         _str(s.get("reason") if isinstance(s, dict) else None, "skip reason", None, 300))
        for s in _list(doc["skipped"], "skipped", 10_000))
    return KernelSnapshot(versions[0] or "?", versions[1], versions[2], tuple(tensors),
                          tuple(storages.values()), tuple({"name": n, **e} for n, e in arrays),
                          skipped, _bool(doc["truncated"], "truncated"))


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
