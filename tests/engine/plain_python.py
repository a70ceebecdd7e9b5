"""The reference: run a script with plain CPython + torch and record what the trace must say.

This is test-only code: it executes scripts the tests themselves generate.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import warnings

import numpy as np
import torch


def plain_trace(source: str) -> list[dict]:
    namespace: dict = {}
    steps = []
    for statement in ast.parse(source).body:
        module = ast.Module(body=[statement], type_ignores=[])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of generated code
            code = compile(module, "<generated>", "exec")
        out = io.StringIO()
        error = None
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(code, namespace)  # noqa: S102 — test-generated code only
            except Exception as exc:
                error = {"type": type(exc).__name__, "message": str(exc)}
        tensors = {}
        for name, value in namespace.items():
            if name.startswith("_") or not isinstance(value, torch.Tensor):
                continue
            storage = value.untyped_storage()
            entry = {
                "shape": list(value.shape), "stride": list(value.stride()),
                "storage_offset": value.storage_offset(), "dtype": str(value.dtype),
                "itemsize": value.element_size(), "device": str(value.device),
                "is_contiguous": value.is_contiguous(), "storage_nbytes": storage.nbytes(),
                # empty tensors report data_ptr() == 0, whatever their storage
                "ptr_delta": value.data_ptr() - storage.data_ptr() if value.data_ptr() else None,
                "storage_key": storage._cdata,
            }
            if not value.is_meta and value.numel() <= 10_000:
                entry["values"] = value.tolist()
            tensors[name] = entry
        steps.append({"source": ast.get_source_segment(source, statement),
                      "line": statement.lineno, "stdout": out.getvalue(), "error": error,
                      "tensors": tensors, "arrays": plain_arrays(namespace)})
        if error:
            break
    return steps


def same_values(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, complex) or isinstance(b, complex):
        a = [a.real, a.imag] if isinstance(a, complex) else a
        b = [b.real, b.imag] if isinstance(b, complex) else b
        return same_values(a, b)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


def sharing_groups(tensors: dict, key: str) -> set[frozenset]:
    groups: dict = {}
    for name, entry in tensors.items():
        groups.setdefault(entry[key], set()).add(name)
    return {frozenset(g) for g in groups.values()}


def plain_arrays(namespace: dict) -> dict:
    """What the trace must say of every named NumPy array: its layout in bytes, its values,
    and which named tensors' storages hold its bytes (name -> byte offset into the storage)."""
    arrays = {}
    for name, a in namespace.items():
        if name.startswith("_") or not isinstance(a, np.ndarray):
            continue
        ptr = a.__array_interface__["data"][0]
        entry = {
            "shape": list(a.shape), "strides": list(a.strides), "dtype": str(a.dtype),
            "itemsize": a.itemsize, "c_contiguous": a.flags.c_contiguous,
            "f_contiguous": a.flags.f_contiguous, "owndata": a.flags.owndata,
            "writeable": a.flags.writeable,
            "in_storages": {},
        }
        if a.size <= 10_000:
            entry["values"] = a.tolist()
        if a.size:
            low = ptr + sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s < 0)
            high = ptr + sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s > 0) + \
                a.itemsize
            for tname, t in namespace.items():
                if tname.startswith("_") or not isinstance(t, torch.Tensor) or t.is_meta:
                    continue
                storage = t.untyped_storage()
                if storage.data_ptr() <= low and high <= storage.data_ptr() + storage.nbytes():
                    entry["in_storages"][tname] = ptr - storage.data_ptr()
        arrays[name] = entry
    return arrays
