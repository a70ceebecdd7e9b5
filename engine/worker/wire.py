"""Engine values <-> plain JSON data, for crossing a process boundary (never pickle).

The worker that ran a user's script is untrusted, so decoding is strict: only the frozen
dataclasses registered here are rebuilt, only with their declared fields; anything else is a
WireError. Tuples travel as {"t": [...]}, so values come back equal (and hashable) to what was
sent. Bytes travel beside the JSON as blobs (one per distinct bytes object: unchanged
storages shared between steps are sent once), or inline as base64 when no blob list is given.
A stream of steps also sends each tensor and storage state once: a later step that holds the
same state object (unchanged since) carries {"ref": n}, the n-th state the stream sent; a
tuple of states (a step's tensors, its storages) travels as {"rt": [...]}, with n for a state
sent before and the new ones in full, so an unchanged tensor costs one number a step.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from functools import cache
from typing import Any

import numpy as np

from stridescope.engine.interpret.script import safe_text
from stridescope.engine.model.layout import Blocker, ViewExplanation
from stridescope.engine.model.mesh import RankState, ShardState
from stridescope.engine.model.state import (
    ArrayState,
    ErrorInfo,
    MemoryState,
    Produced,
    RunResult,
    Step,
    StorageState,
    SubStep,
    TensorState,
)
from stridescope.engine.teaching.explain import EXPLANATION_TYPES
from stridescope.engine.teaching.mesh_explanations import MESH_EXPLANATION_TYPES


class WireError(ValueError):
    """Data from another process that is not a valid encoding of engine values."""


REGISTRY: dict[str, type] = {}


def register(cls: type) -> type:
    """Make a frozen dataclass of the engine transferable (used by modules that add values)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    REGISTRY[cls.__name__] = cls
    return cls


for _cls in (RunResult, Step, TensorState, StorageState, ErrorInfo, Produced, SubStep,
             ViewExplanation, Blocker, ArrayState, MemoryState, RankState, ShardState,
             *EXPLANATION_TYPES, *MESH_EXPLANATION_TYPES):
    register(_cls)

SHARED = (TensorState, StorageState)  # sent once per stream, then referred to
_SCALARS = frozenset({int, float, str, bool, type(None)})
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def encode(value: Any, blobs: list[bytes] | None = None,
           seen: dict[int, tuple[Any, int]] | None = None,
           objects: dict[int, tuple[Any, int]] | None = None) -> Any:
    """`value` as JSON-able data; bytes go to `blobs` (deduplicated by identity) if given.

    `seen` carries the deduplication across calls (a stream of steps): it maps id(bytes) to
    (the bytes object, kept alive so its id stays unique, its index in the stream's blobs);
    `blobs` then receives only the new ones, numbered after those sent before. `objects` does
    the same for SHARED states, numbered in the order their encoding ends."""
    if seen is None:
        seen = {}
    first = len(seen)

    def enc(v: Any) -> Any:
        if isinstance(v, str):
            return safe_text(v)
        if v is None or isinstance(v, (bool, int)):
            return v
        if isinstance(v, float):
            return v if math.isfinite(v) else {"f": "nan" if v != v else ("inf" if v > 0
                                                                           else "-inf")}
        if isinstance(v, complex):
            return {"c": [enc(v.real), enc(v.imag)]}
        if isinstance(v, list):
            return [enc(x) for x in v]
        if isinstance(v, tuple):
            if objects is not None and v and all(type(x) in SHARED for x in v):
                # a step's states: an int for each one sent before, the new ones in full
                return {"rt": [objects[id(x)][1] if id(x) in objects else enc(x) for x in v]}
            return {"t": [enc(x) for x in v]}
        if isinstance(v, np.generic):  # NumPy scalars (longdouble, …) from values lists
            if isinstance(v, np.complexfloating):
                return enc(complex(v))
            if isinstance(v, np.floating):
                return enc(float(v))
            if isinstance(v, (np.integer, np.bool_)):
                return enc(v.item())
        if isinstance(v, (bytes, bytearray)):
            if blobs is None:
                return {"b64": base64.b64encode(bytes(v)).decode("ascii")}
            key = id(v)
            if key not in seen:
                seen[key] = (v, first + len(blobs))
                blobs.append(bytes(v))
            return {"blob": seen[key][1]}
        if isinstance(v, dict):
            return {"d": [[enc(k), enc(x)] for k, x in v.items()]}
        name = type(v).__name__
        if REGISTRY.get(name) is type(v):
            shared = objects is not None and isinstance(v, SHARED)
            if shared and id(v) in objects:
                return {"ref": objects[id(v)][1]}
            out = {"dc": name, "f": {f.name: enc(getattr(v, f.name))
                                     for f in dataclasses.fields(v)}}
            if shared:
                objects[id(v)] = (v, len(objects))
            return out
        raise TypeError(f"cannot send a {name} across processes")

    return enc(value)


def decode(data: Any, blobs: list[bytes] | None = None, objects: list[Any] | None = None) -> Any:
    """The inverse of encode; raises WireError on anything it did not produce. `objects` is
    the stream's SHARED states decoded so far (it grows)."""

    def dec(v: Any, depth: int) -> Any:
        if depth > 200:
            raise WireError("nesting too deep")
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, list):
            if all(type(x) in _SCALARS for x in v):  # a row of values: nothing to rebuild
                return list(v)
            return [dec(x, depth + 1) for x in v]
        if not isinstance(v, dict) or len(v) not in (1, 2):
            raise WireError(f"unexpected {type(v).__name__}")
        if "dc" in v and "f" in v:  # first: the commonest (steps, states)
            cls = REGISTRY.get(v["dc"]) if isinstance(v["dc"], str) else None
            if cls is None or not isinstance(v["f"], dict):
                raise WireError(f"unknown value type {v['dc']!r}")
            names = _field_names(cls)
            if not v["f"].keys() <= names:
                raise WireError(f"unknown fields for {v['dc']}: {sorted(set(v['f']) - names)}")
            try:
                out = cls(**{k: dec(x, depth + 1) for k, x in v["f"].items()})
            except TypeError as exc:
                raise WireError(str(exc)) from None
            if objects is not None and isinstance(out, SHARED):
                objects.append(out)
            return out
        if "t" in v and len(v) == 1:
            items = _list(v["t"])
            if all(type(x) in _SCALARS for x in items):  # () or plain values: nothing to rebuild
                return tuple(items)
            return tuple(dec(x, depth + 1) for x in items)
        if "rt" in v and len(v) == 1:
            if objects is None:
                raise WireError("bad state reference")
            items = _list(v["rt"])
            if items and all(type(x) is int for x in items):  # all earlier states (a long
                if not 0 <= min(items) <= max(items) < len(objects):  # script's usual step)
                    raise WireError("bad state reference")
                return tuple(map(objects.__getitem__, items))
            out = []
            for x in items:
                if type(x) is int:
                    if not 0 <= x < len(objects):
                        raise WireError("bad state reference")
                    out.append(objects[x])
                else:
                    state = dec(x, depth + 1)
                    if type(state) not in SHARED:
                        raise WireError("not a state")
                    out.append(state)
            return tuple(out)
        if "f" in v and len(v) == 1:
            if v["f"] not in _FLOATS:
                raise WireError("bad float")
            return _FLOATS[v["f"]]
        if "c" in v and len(v) == 1:
            re, im = (dec(x, depth + 1) for x in _list(v["c"], 2))
            return complex(re, im)
        if "blob" in v and len(v) == 1:
            index = v["blob"]
            if blobs is None or not isinstance(index, int) or not 0 <= index < len(blobs):
                raise WireError("bad blob reference")
            return blobs[index]
        if "ref" in v and len(v) == 1:
            index = v["ref"]
            if objects is None or not isinstance(index, int) or not 0 <= index < len(objects):
                raise WireError("bad state reference")
            return objects[index]
        if "b64" in v and len(v) == 1:
            try:
                return base64.b64decode(v["b64"], validate=True)
            except (ValueError, TypeError) as exc:
                raise WireError(f"bad base64: {exc}") from None
        if "d" in v and len(v) == 1:
            out = {}
            for pair in _list(v["d"]):
                key, item = _list(pair, 2)
                out[dec(key, depth + 1)] = dec(item, depth + 1)
            return out
        raise WireError(f"unexpected object with keys {sorted(v)[:4]}")

    try:
        return dec(data, 0)
    except RecursionError:
        raise WireError("nesting too deep") from None


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _list(v: Any, length: int | None = None) -> list:
    if not isinstance(v, list) or (length is not None and len(v) != length):
        raise WireError("malformed list")
    return v


def encode_result(result: RunResult, blobs: list[bytes] | None = None) -> Any:
    return encode(result, blobs)


def decode_result(data: Any, blobs: list[bytes] | None = None) -> RunResult:
    result = decode(data, blobs)
    if not isinstance(result, RunResult):
        raise WireError("not a run result")
    return result


# ------------------------------------------------------------------ framed stream
# One frame: an ASCII header line "SSW1 <json bytes> <blob bytes,blob bytes,…|->\n", then the
# JSON (UTF-8) and the blobs, back to back. Used between the worker and the app.
MAGIC = b"SSW1"
MAX_HEADER = 1 << 20
MAX_JSON_BYTES = 256 * 1024**2
MAX_BLOB_BYTES = 1024**3


def frame(message: dict, blobs: list[bytes] = ()) -> bytes:
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8", "backslashreplace")
    sizes = ",".join(str(len(b)) for b in blobs) or "-"
    return b"".join([MAGIC, b" %d " % len(data), sizes.encode("ascii"), b"\n", data, *blobs])


class FrameReader:
    """Splits a byte stream into frames; strict: anything malformed is a WireError.

    `feed()` takes whatever arrived and returns the complete frames, as raw bytes (`raw`
    mode, for relaying) or as (message dict, blobs)."""

    def __init__(self, raw: bool = False) -> None:
        self.raw = raw
        self._buffer = bytearray()
        self._need: tuple[int, int, list[int]] | None = None  # header len, json len, blobs

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes) -> list:
        self._buffer += data
        frames = []
        while True:
            if self._need is None:
                end = self._buffer.find(b"\n", 0, MAX_HEADER)
                if end < 0:
                    if len(self._buffer) >= MAX_HEADER or (
                            self._buffer and not MAGIC.startswith(bytes(self._buffer[:4]))):
                        raise WireError("worker sent a malformed frame header")
                    return frames
                self._need = _parse_header(bytes(self._buffer[:end]), end + 1)
            header, size, sizes = self._need
            total = header + size + sum(sizes)
            if len(self._buffer) < total:
                return frames
            chunk = bytes(self._buffer[:total])
            del self._buffer[:total]
            self._need = None
            if self.raw:
                frames.append(chunk)
                continue
            try:
                message = json.loads(chunk[header:header + size].decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise WireError("worker sent a frame that is not valid JSON") from None
            if not isinstance(message, dict):
                raise WireError("worker sent a frame that is not a message")
            blobs, at = [], header + size
            for n in sizes:
                blobs.append(chunk[at:at + n])
                at += n
            frames.append((message, blobs))


def _parse_header(line: bytes, length: int) -> tuple[int, int, list[int]]:
    parts = line.split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC or not parts[1].isdigit():
        raise WireError("worker sent a malformed frame header")
    size = int(parts[1])
    sizes = [] if parts[2] == b"-" else parts[2].split(b",")
    if not all(n.isdigit() for n in sizes):
        raise WireError("worker sent a malformed frame header")
    blob_sizes = [int(n) for n in sizes]
    if size > MAX_JSON_BYTES or sum(blob_sizes) > MAX_BLOB_BYTES:
        raise WireError("worker sent a frame larger than the limit")
    return length, size, blob_sizes
