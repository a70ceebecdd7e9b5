"""Resource guard: size every tensor operation on the meta device before running it for real."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret.errors import ResourceLimitError
from stridescope.engine.model.limits import Limits

# Python-level limits: a script cannot build huge strings/lists or giant integers.
MAX_SEQUENCE_LENGTH = 10_000_000
MAX_INT_BITS = 100_000
# pow(b, e, m) costs about bits(e) · bits(m)²; round(x, n) costs about |n| digits.
MAX_MODPOW_WORK = 10**11
MAX_ROUND_DIGITS = 100_000

__all__ = ["Limits", "check_call", "iter_tensors", "meta_twin"]


def _iter_instances(value: Any, kind: type, depth: int = 0):
    if isinstance(value, kind):
        yield value
    elif depth < 4 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _iter_instances(item, kind, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            yield from _iter_instances(item, kind, depth + 1)


def iter_tensors(value: Any):
    """Every tensor inside value (lists, tuples, dicts), a few levels deep."""
    return _iter_instances(value, torch.Tensor)


def iter_arrays(value: Any):
    """Every NumPy array inside value (lists, tuples, dicts), a few levels deep."""
    return _iter_instances(value, np.ndarray)




def meta_twin(tensor: torch.Tensor) -> torch.Tensor:
    """A meta tensor with the same dtype, shape, stride, offset and storage size."""
    if tensor.is_meta:
        return tensor
    itemsize = tensor.element_size()
    storage_elems = -(-tensor.untyped_storage().nbytes() // itemsize)
    base = torch.empty(storage_elems, dtype=tensor.dtype, device="meta")
    return base.as_strided(tensor.shape, tensor.stride(), tensor.storage_offset())


# NumPy dtypes torch can hold, for meta twins of arrays handed to torch
_TORCH_DTYPES = {np.dtype(n): getattr(torch, n) for n in (
    "bool uint8 int8 int16 uint16 int32 uint32 int64 uint64 float16 float32 float64 "
    "complex64 complex128").split()}


def array_twin(array: np.ndarray) -> Any:
    """A meta tensor with an array's shape, dtype and (element) strides where torch can have
    them; the array itself when torch cannot hold its dtype."""
    dtype = _TORCH_DTYPES.get(array.dtype)
    if dtype is None:
        return array
    itemsize = array.itemsize
    strides = array.strides
    if all(s >= 0 and s % itemsize == 0 for s in strides):
        elements = tuple(s // itemsize for s in strides)
        extent = (sum((n - 1) * s for n, s in zip(array.shape, elements)) + 1
                  if array.size else 0)
        base = torch.empty(extent, dtype=dtype, device="meta")
        return base.as_strided(array.shape, elements)
    return torch.empty(array.shape, dtype=dtype, device="meta")


def _twins(value: Any, depth: int = 0) -> Any:
    if isinstance(value, torch.Tensor):
        return meta_twin(value)
    if isinstance(value, np.ndarray):
        return array_twin(value)
    if depth < 4 and isinstance(value, list):
        return [_twins(v, depth + 1) for v in value]
    if depth < 4 and isinstance(value, tuple) and not isinstance(value, torch.Size):
        return tuple(_twins(v, depth + 1) for v in value)
    if depth < 4 and isinstance(value, dict):
        return {k: _twins(v, depth + 1) for k, v in value.items()}
    return value


def format_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


_PROBE_FAILED = object()


def arange_probe(*args: Any, **kwargs: Any) -> torch.Tensor:
    """torch.arange(..., device="meta") sized without running it: on the meta device arange
    is a Python reference that imports SymPy (half a second on the first call of a run).
    Numbers only; anything else (tensors, unusual keywords) takes the meta path."""
    plain = all(isinstance(v, (int, float)) and math.isfinite(v) for v in args)
    if not plain or not 1 <= len(args) <= 3 or set(kwargs) - {"dtype", "device",
                                                              "requires_grad"}:
        return torch.arange(*args, **{**kwargs, "device": "meta"})
    start, end, step = (0, args[0], 1) if len(args) == 1 else (*args[:2], (*args[2:], 1)[0])
    if step == 0:
        return torch.arange(*args, **{**kwargs, "device": "meta"})  # the real error
    count = max(0, math.ceil((end - start) / step))
    dtype = kwargs.get("dtype") or (torch.int64 if all(isinstance(v, int) for v in args)
                                    else torch.get_default_dtype())
    return torch.empty(count, dtype=dtype, device="meta")


def _targets_meta(kwargs: dict) -> bool:
    """A factory told device="meta" allocates nothing, whatever its size."""
    device = kwargs.get("device")
    return device is not None and str(device) == "meta"


def check_call(
    probe: Callable[..., Any] | None,
    args: tuple,
    kwargs: dict,
    limits: Limits,
    *,
    line: int | None,
    what: str,
    force_probe: bool = False,
) -> None:
    """Raise ResourceLimitError if running probe's real counterpart would be too costly.

    `probe` is the same operation, to be applied to meta twins of the arguments (for a
    factory it already passes device="meta"). A probe that itself fails (data-dependent
    output, an op meta does not implement, or the very error the real call will raise)
    falls back to the input-size check alone.
    """
    real_inputs = [t for t in iter_tensors((args, kwargs)) if not t.is_meta]
    arrays = list(iter_arrays((args, kwargs)))
    if probe is None or _targets_meta(kwargs):
        return
    if not (real_inputs or arrays or force_probe or "device" in kwargs):
        return
    twin_args, twin_kwargs = _twins(args), _twins(kwargs)
    if "device" in twin_kwargs:
        twin_kwargs["device"] = "meta"
    before = {}
    for twin in iter_tensors((twin_args, twin_kwargs)):
        storage = twin.untyped_storage()
        before[storage._cdata] = storage.nbytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = probe(*twin_args, **twin_kwargs)
    except Exception:
        result = _PROBE_FAILED
    largest = max((*(t.numel() for t in real_inputs), *(a.size for a in arrays)), default=0)
    if result is _PROBE_FAILED:
        if largest > limits.max_compute_elements:
            raise ResourceLimitError(
                f"{what} would work through {largest:,} elements, more than the limit of "
                f"{limits.max_compute_elements:,}; use device=\"meta\" to explore the layout",
                line,
            )
        return
    allocated = 0
    seen: set[int] = set()
    for out in iter_tensors(result):
        storage = out.untyped_storage()
        key = storage._cdata
        if key in seen:
            continue
        seen.add(key)
        allocated += max(0, storage.nbytes() - before.get(key, 0))
    if allocated > limits.max_alloc_bytes:
        raise ResourceLimitError(
            f"{what} would allocate {format_bytes(allocated)}, more than the limit of "
            f"{format_bytes(limits.max_alloc_bytes)}. Nothing was allocated. To explore a "
            f"layout this large, create the tensor with device=\"meta\": it has real shapes, "
            f"strides and offsets but no memory",
            line,
        )
    if allocated and largest > limits.max_compute_elements:
        raise ResourceLimitError(
            f"{what} would compute over {largest:,} elements, more than the limit of "
            f"{limits.max_compute_elements:,}",
            line,
        )
