"""What a statement can have changed, so that a step costs what it names, not every name.

A statement binds only the names it spells (scripts define no functions), and writes only
through tensors those names reach. LiveNames keeps the last step's live tensors told apart
(storage key by name, names per storage key and per object), and updates that from the
names a statement spells instead of looking at every name again.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass
from typing import Any

import torch

from stridescope.engine.interpret.mesh import _dtensor_module
from stridescope.engine.model.snapshot import StorageLabels, storage_key
from stridescope.engine.model.state import Produced, Step

MISSING = object()
# statements that bind only names they spell (no del, no loop that rebinds in between)
SIMPLE_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Pass)
# attributes that reach a tensor on another storage than the one they are read from
REACHING_ATTRIBUTES = frozenset({"grad", "_base", "backward", "grad_fn", "__dict__"})
PLAIN_TYPES = (int, float, complex, str, bytes, bool, type(None), type(Ellipsis), range,
               slice, torch.dtype, torch.device, torch.layout, torch.memory_format,
               types.ModuleType, types.BuiltinFunctionType, types.FunctionType, type)


def plain(value: Any, depth: int = 0) -> bool:
    """A value that holds no tensor: a tensor itself, a number, a module, a dtype, …, or a
    small tuple of those (a shape)."""
    if value is MISSING or isinstance(value, torch.Tensor) and depth == 0:
        return True
    if type(value) in (tuple, torch.Size) and depth < 3 and len(value) <= 64:
        return all(plain(v, depth + 1) and not isinstance(v, torch.Tensor) for v in value)
    if isinstance(value, types.BuiltinFunctionType):  # x.add_ bound to a tensor is not
        return value.__self__ is None or isinstance(value.__self__, types.ModuleType)
    return isinstance(value, PLAIN_TYPES)


def spelled(statement: ast.stmt) -> tuple[tuple[str, ...], frozenset[str]]:
    """Every name the statement spells, once, in ast.walk's order, and the attributes."""
    names: dict[str, None] = {}
    attributes = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            names[node.id] = None
        elif isinstance(node, ast.Attribute):
            attributes.add(node.attr)
    return tuple(names), frozenset(attributes)


def dtensor_type() -> Any:
    module = _dtensor_module()
    return None if module is None else module.DTensor


@dataclass(frozen=True)
class Delta:
    """The user names a statement spells (any of them may have been rebound) and every
    tensor any spelled name held before it or holds after it (their storages may have been
    written)."""

    bound: tuple[str, ...]
    tensors: tuple[torch.Tensor, ...]


class LiveNames:
    """The last step's live tensors told apart: storage key by name (`keys`), live names per
    storage key (`key_count`) and per object id (`objects`), whether any requires grad, and
    the names whose object the last `apply` changed (`renamed`)."""

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.key_count: dict[int, int] = {}
        self.objects: dict[int, int] = {}
        self.autograd = False
        self.renamed: set[str] = set()

    def rebuild(self, live: dict[str, torch.Tensor]) -> None:
        """From every live tensor (a step that looked at every name)."""
        self.keys = {k: storage_key(t) for k, t in live.items()}
        self.key_count, self.objects = {}, {}
        for key in self.keys.values():
            self.key_count[key] = self.key_count.get(key, 0) + 1
        for t in live.values():
            self.objects[id(t)] = self.objects.get(id(t), 0) + 1
        self.autograd = any(t.requires_grad for t in live.values())
        self.renamed = set()

    def delta(self, statement: ast.stmt, touched: tuple[str, ...], attributes: frozenset[str],
              before: dict[str, Any], namespace: dict[str, Any],
              previous_objects: dict[str, torch.Tensor], previous: Step) -> Delta | None:
        """What the statement could have changed, when that is only the names it spells: a
        simple statement (no del, no loop), over tensors and plain values (no list or other
        object that holds tensors out of sight), without autograd (backward writes .grad of
        leaves it does not name), NumPy memory or DTensors. None: look at every name."""
        if (self.autograd or type(statement) not in SIMPLE_STATEMENTS
                or previous.arrays or previous.memories or attributes & REACHING_ATTRIBUTES):
            return None
        dtensor = dtensor_type()  # drawn per rank (mesh runs): not one of the live tensors
        bound = []
        for name in touched:
            old, new = before[name], namespace.get(name, MISSING)
            if not (plain(old) and plain(new)) or dtensor is not None and (
                    isinstance(old, dtensor) or isinstance(new, dtensor)):
                return None
            if name.startswith("_"):
                continue  # not a user name; its tensors still count as touched
            if (isinstance(new, torch.Tensor) and name not in previous_objects
                    and old is not MISSING):
                return None  # an older name now holds a tensor: its place is not the newest
            bound.append(name)
        tensors = tuple(v for v in (*before.values(), *(namespace.get(n) for n in touched))
                        if isinstance(v, torch.Tensor))
        return Delta(tuple(bound), tensors)

    def apply(self, delta: Delta, namespace: dict[str, Any],
              previous: dict[str, torch.Tensor], storage_labels: StorageLabels,
              origins: dict[str, Produced]
              ) -> tuple[dict[str, torch.Tensor], dict[int, int], list[str], set[int]]:
        """The live tensors, storage labels, names whose object changed (in namespace order)
        and the labels of the storages the statement could have written, from the last
        step's live tensors (`previous`) and `delta`; drops the origins of names gone."""
        live = previous.copy()
        keys, counts, objects = self.keys, self.key_count, self.objects
        fresh_keys = {keys[n] for n in delta.bound if n in keys}
        dead, removed, rebound, appeared, same = [], [], [], [], []
        for name in delta.bound:
            old = previous.get(name)
            new = namespace.get(name)
            if not isinstance(new, torch.Tensor):
                new = None
            if new is None and old is None:
                continue
            if old is not new:
                if old is not None:
                    objects[id(old)] -= 1
                    if not objects[id(old)]:
                        del objects[id(old)]
                if new is not None:
                    objects[id(new)] = objects.get(id(new), 0) + 1
            if new is None:
                removed.append(name)
                del live[name]
            elif old is None:
                appeared.append(name)
            elif new is not old:
                rebound.append(name)
                live[name] = new
            else:
                same.append(name)
        if len(appeared) > 1:  # new names are the namespace's newest: order them as it does
            pending, order = set(appeared), []
            for name in reversed(namespace):
                if name in pending:
                    order.append(name)
                    pending.discard(name)
                    if not pending:
                        break
            appeared = order[::-1]
        for name in appeared:
            live[name] = namespace[name]
        if len(rebound) > 1:
            rebound = [n for n in live if n in set(rebound)]
        born = []
        for name in (*rebound, *same, *appeared, *removed):
            old_key = keys.get(name)
            t = live.get(name)
            key = None if t is None else storage_key(t)
            if key == old_key:
                continue
            if old_key is not None:
                counts[old_key] -= 1
                if not counts[old_key]:
                    del counts[old_key]
                    dead.append(old_key)
            if key is None:
                del keys[name]
                continue
            keys[name] = key
            if key not in counts:
                born.append(key)
            counts[key] = counts.get(key, 0) + 1
        dead = [k for k in dead if k not in counts]  # `a, b = b, a`: gone, then back
        labels = storage_labels.labels
        unlabelled = [k for k in born if k not in labels and k in counts]
        if len([k for k in unlabelled if k not in {keys[n] for n in appeared}]) > 1:
            # new storages under older names: number them in namespace order, as update does
            unlabelled = [k for k in dict.fromkeys(keys[n] for n in live) if k in set(born)]
        labels = storage_labels.change(dead, unlabelled)
        fresh_keys |= {storage_key(t) for t in delta.tensors}
        fresh = {labels[k] for k in fresh_keys if k in labels}
        for name in removed:
            origins.pop(name, None)
        for name in (*rebound, *same, *appeared):
            if live[name].requires_grad:
                self.autograd = True
        self.renamed = {*rebound, *appeared, *removed}
        return live, labels, [*rebound, *appeared], fresh
