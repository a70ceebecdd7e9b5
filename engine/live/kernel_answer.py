"""The kernel's answer, untrusted: the limits and the probe request sent to it, and the validation
of every field of the JSON it answers (live/attach.py turns a validated snapshot into Steps)."""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from stridescope.engine.live.kernel_probe import FORMAT, stridescope_probe
from stridescope.engine.model.dtypes import ITEMSIZE
from stridescope.engine.model.state import (
    TRACE_VALUE_LIMIT,
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
