"""Live tensors -> frozen TensorState/StorageState values (shared by the runner and the API).

Nothing here runs code: it reads metadata, and values/bytes only when small, from tensors
someone already has. CPU, CUDA and meta tensors of any size; 0-d tensors; views that share a
storage land on one StorageState.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch

from stridescope.engine.model.state import (
    STORAGE_BYTES_LIMIT,
    TRACE_VALUE_LIMIT,
    Produced,
    Step,
    StorageState,
    TensorState,
)


def storage_key(t: torch.Tensor) -> int:
    """Identity of the tensor's storage (the StorageImpl address), stable while it lives."""
    return t.untyped_storage()._cdata


class StorageLabels:
    """Numbers storages S1, S2, … in order of first appearance; a dead storage's label is
    forgotten (its address may be reused), so keep the tensors alive between two calls."""

    def __init__(self) -> None:
        self.labels: dict[int, int] = {}
        self._next = 1

    def update(self, tensors: Iterable[torch.Tensor]) -> dict[int, int]:
        return self.update_keys(storage_key(t) for t in tensors)

    def update_keys(self, keys: Iterable[int]) -> dict[int, int]:
        """update() from the tensors' storage keys, in the tensors' order."""
        live = list(dict.fromkeys(keys))
        alive = set(live)
        self.labels = {k: v for k, v in self.labels.items() if k in alive}
        for key in live:
            if key not in self.labels:
                self.labels[key] = self._next
                self._next += 1
        return self.labels

    def change(self, dead: Iterable[int], born: Iterable[int]) -> dict[int, int]:
        """update() told only what changed: the keys no live tensor has any more, and the new
        ones in order of first appearance (a step that rebinds a few names of many)."""
        for key in dead:
            self.labels.pop(key, None)
        for key in born:
            if key not in self.labels:
                self.labels[key] = self._next
                self._next += 1
        return self.labels

    @property
    def next_label(self) -> int:
        return self._next


def storage_bytes(storage: torch.UntypedStorage, previous: bytes | None = None) -> bytes:
    """The storage's bytes (copied to the host for a device storage); `previous` is returned
    instead when equal, so unchanged storages share one bytes object between steps."""
    as_bytes = torch.empty(0, dtype=torch.uint8, device=storage.device)
    as_bytes.set_(storage, 0, (storage.nbytes(),), (1,))
    raw = as_bytes.cpu().numpy().tobytes()
    return previous if previous == raw else raw


def storage_state(t: torch.Tensor, label: int, previous: bytes | None = None,
                  byte_limit: int = STORAGE_BYTES_LIMIT,
                  devices: tuple[str, ...] | None = None) -> StorageState:
    """The storage under `t`; its bytes when it has data (not meta), is at most `byte_limit`
    bytes, and lives on one of `devices` (None: any)."""
    storage = t.untyped_storage()
    nbytes = storage.nbytes()
    raw = None
    if (not t.is_meta and nbytes <= byte_limit
            and (devices is None or t.device.type in devices)):
        raw = storage_bytes(storage, previous)
    return StorageState(label, storage.data_ptr(), nbytes, str(t.device), raw)


def tensor_values(t: torch.Tensor, limit: int = TRACE_VALUE_LIMIT) -> Any:
    """tolist() of a small strided tensor with data; None otherwise."""
    if t.is_meta or t.numel() > limit or t.layout != torch.strided:
        return None
    try:
        return t.detach().cpu().resolve_conj().resolve_neg().tolist()
    except (RuntimeError, TypeError, NotImplementedError):  # bits dtypes have no values
        return None


def tensor_state(name: str, t: torch.Tensor, labels: dict[int, int],
                 named: Mapping[str, torch.Tensor], origin: Produced | None = None,
                 value_limit: int = TRACE_VALUE_LIMIT) -> TensorState:
    storage = t.untyped_storage()
    base = t._base
    base_name = None
    if base is not None:
        base_name = next((n for n, other in named.items() if other is base), None)
    return TensorState(
        name=name,
        shape=tuple(t.shape),
        stride=tuple(t.stride()),
        storage_offset=t.storage_offset(),
        dtype=str(t.dtype),
        itemsize=t.element_size(),
        device=str(t.device),
        data_ptr=t.data_ptr(),
        storage_data_ptr=storage.data_ptr(),
        storage_nbytes=storage.nbytes(),
        numel=t.numel(),
        is_contiguous=t.is_contiguous(),
        is_channels_last=(t.is_contiguous(memory_format=torch.channels_last)
                          if t.dim() == 4 else None),
        storage_id=labels[storage._cdata],
        values=tensor_values(t, value_limit),
        requires_grad=t.requires_grad,
        is_meta=t.is_meta,
        base_name=base_name,
        is_view=t._is_view(),
        origin=origin,
        grad_fn=None if t.grad_fn is None else type(t.grad_fn).__name__,
        is_leaf=t.is_leaf,
        version=t._version if t.requires_grad else 0,  # autograd's business only
    )


def check_tensor(name: str, value: Any) -> torch.Tensor:
    """`value` if it is a strided tensor whose storage can be read; TypeError otherwise."""
    if not isinstance(value, torch.Tensor):
        hint = (" (torch.from_numpy(a) shares the array's memory)"
                if type(value).__module__ == "numpy" else "")
        raise TypeError(f"{name} is a {type(value).__name__}, not a torch.Tensor{hint}")
    if value.layout != torch.strided:
        raise TypeError(f"{name} has layout {value.layout}: only strided tensors have a "
                        "storage, shape, stride and offset to show")
    try:
        value.untyped_storage()
    except (RuntimeError, NotImplementedError) as exc:
        raise TypeError(f"{name} has no readable storage ({exc})") from None
    return value


def snapshot(tensors: Mapping[str, torch.Tensor], source: str = "", index: int = 0,
             line: int = 1, byte_limit: int = STORAGE_BYTES_LIMIT,
             value_limit: int = TRACE_VALUE_LIMIT) -> Step:
    """One Step holding `tensors` (name -> tensor) as they are now; no code runs."""
    named = {name: check_tensor(name, t) for name, t in tensors.items()}
    labels = StorageLabels().update(named.values())
    storages: dict[int, StorageState] = {}
    for t in named.values():
        label = labels[storage_key(t)]
        if label not in storages:
            storages[label] = storage_state(t, label, byte_limit=byte_limit)
    states = tuple(tensor_state(name, t, labels, named, value_limit=value_limit)
                   for name, t in named.items())
    return Step(index=index, line=line, end_line=line, source=source, stdout="", error=None,
                tensors=states, storages=tuple(sorted(storages.values(), key=lambda s: s.id)))
