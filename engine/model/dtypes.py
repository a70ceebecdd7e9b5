"""Torch dtype names read as NumPy, without importing torch (the GUI process never does)."""

from __future__ import annotations

import numpy as np

# str(torch.dtype) -> the NumPy dtype with the same bytes; bfloat16 and complex32 are decoded
# by hand below; bits/quantized/float8 dtypes have no honest NumPy reading: their cells say "?"
_NUMPY = {
    "torch.bool": np.bool_, "torch.uint8": np.uint8, "torch.int8": np.int8,
    "torch.int16": np.int16, "torch.uint16": np.uint16, "torch.int32": np.int32,
    "torch.uint32": np.uint32, "torch.int64": np.int64, "torch.uint64": np.uint64,
    "torch.float16": np.float16, "torch.float32": np.float32, "torch.float64": np.float64,
    "torch.complex64": np.complex64, "torch.complex128": np.complex128,
}
ITEMSIZE = {
    **{name: np.dtype(kind).itemsize for name, kind in _NUMPY.items()},
    "torch.bfloat16": 2, "torch.complex32": 4,
}


def decode(raw: bytes, dtype: str) -> np.ndarray | None:
    """The bytes read as a flat array of `dtype` (a torch dtype string); None if unreadable.

    Half-precision types come back widened (float16/bfloat16 -> float32, complex32 ->
    complex64) so that the values print as torch prints them."""
    itemsize = ITEMSIZE.get(dtype)
    if itemsize is None:
        return None
    usable = len(raw) - len(raw) % itemsize
    buffer = raw[:usable]
    if dtype == "torch.bfloat16":
        high = np.frombuffer(buffer, dtype=np.uint16).astype(np.uint32) << 16
        return high.view(np.float32)
    if dtype == "torch.complex32":
        halves = np.frombuffer(buffer, dtype=np.float16).astype(np.float32)
        return halves.view(np.complex64)
    values = np.frombuffer(buffer, dtype=_NUMPY[dtype])
    return values.astype(np.float32) if dtype == "torch.float16" else values
