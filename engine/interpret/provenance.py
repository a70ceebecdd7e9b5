"""Where each element of a copy came from: replay the statement on index tensors.

NOTE [Index-tensor provenance]
Every input tensor is replaced by an int64 tensor with the *same* shape, stride and offset
over a storage holding its own cell numbers (arange, shifted so that each storage gets its
own range). Data movement ops (contiguous, clone, flip, reshape, indexing, cat, dtype
casts…) move these numbers exactly as they move values, so the replayed result says, per
element, which storage cell it was read from. Arithmetic would produce numbers that are not
sources; the replay is accepted only if reading the real inputs at those cells reproduces
the real result exactly. RNG state is saved and restored so the replay cannot change what
the script computes.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret.interpreter import Interpreter
from stridescope.engine.interpret.static_checks import vet

MAX_ELEMENTS = 1 << 16


def replay_sources(*args, **kwargs) -> tuple[tuple[int, int], ...] | None:
    """See _replay_sources; torch's warnings about the replay are not the user's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _replay_sources(*args, **kwargs)


def _replay_sources(statement: ast.stmt, previous: dict[str, torch.Tensor],
                   others: dict[str, Any], result: torch.Tensor,
                   storage_ids: dict[int, int]) -> tuple[tuple[int, int], ...] | None:
    """(storage id, cell) for each element of `result` in logical (row-major) order, or None.

    `previous` are the named tensors before the statement, `others` the plain values the
    statement may read, `storage_ids` maps a storage's _cdata to its label.
    """
    if not isinstance(statement, ast.Assign) or result.is_meta or result.numel() > MAX_ELEMENTS:
        return None
    if any(t.is_meta or t.untyped_storage().nbytes() // max(t.element_size(), 1) > MAX_ELEMENTS
           for t in previous.values()):
        return None
    bases: dict[int, tuple[int, int, torch.Tensor]] = {}  # cdata -> (base, label, values)
    total = 0
    index_namespace: dict[str, Any] = {}
    for name, t in previous.items():
        storage = t.untyped_storage()
        key = storage._cdata
        cells = storage.nbytes() // t.element_size()
        if key not in bases:
            flat = torch.empty(0, dtype=t.dtype).set_(storage, 0, (cells,), (1,))
            bases[key] = (total, storage_ids.get(key, 0), flat)
            total += cells
        base = bases[key][0]
        index_namespace[name] = torch.arange(base, base + cells).as_strided(
            t.shape, t.stride(), t.storage_offset())
    for name, value in others.items():
        if not _holds_tensor(value):
            index_namespace[name] = value
    interpreter = Interpreter()
    interpreter.namespace = index_namespace
    rng = torch.random.get_rng_state()
    try:
        vet(statement)
        replayed = interpreter._eval(statement.value)
    except Exception:
        return None
    finally:
        torch.random.set_rng_state(rng)
    if not isinstance(replayed, torch.Tensor) or replayed.shape != result.shape:
        return None
    indices = replayed.detach().reshape(-1)
    if indices.is_floating_point():
        if not torch.equal(indices, indices.round()):
            return None
    elif indices.dtype == torch.bool or indices.is_complex():
        return None
    indices = indices.to(torch.int64)
    if indices.numel() and (indices.min() < 0 or indices.max() >= total):
        return None
    if not _reproduces(indices, bases, result):
        return None
    out = []
    ordered = sorted(bases.values(), key=lambda b: b[0])
    for g in indices.tolist():
        base, label, _ = next(b for b in reversed(ordered) if b[0] <= g)
        out.append((label, g - base))
    return tuple(out)


def _reproduces(indices: torch.Tensor, bases: dict, result: torch.Tensor) -> bool:
    """Reading the real inputs at `indices` must give exactly the real result."""
    try:
        parts = [flat.to(result.dtype) for _, _, flat in sorted(bases.values(),
                                                                  key=lambda b: b[0])]
        gathered = torch.cat(parts)[indices] if parts else torch.empty(0, dtype=result.dtype)
        actual = result.detach().reshape(-1)
        same = gathered == actual
        if actual.is_floating_point() or actual.is_complex():
            same |= gathered.isnan() & actual.isnan()
        return bool(same.all())
    except (RuntimeError, TypeError):
        return False


def _holds_tensor(value: Any, depth: int = 0) -> bool:
    """Whether value holds memory the replay must not touch: a tensor, or a NumPy array
    (it is live, not an index stand-in: replaying np.add(n, 1, out=n) would write it twice)."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return True
    if depth < 3 and isinstance(value, (list, tuple, dict, set)):
        items = value.values() if isinstance(value, dict) else value
        return any(_holds_tensor(v, depth + 1) for v in items)
    return False
