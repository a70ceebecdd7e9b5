"""Facts of real tensors for the explanations (engine/explain.py), read from torch.

The interpreter calls `failed_call` when a statement's tensor call raises; what it returns is
plain, torch-free data (TensorFacts, SliceArg, ArrayFacts, numbers, dtype names).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import torch

from stridescope.engine.teaching.explain_base import (
    MAX_CELLS,
    ArrayFacts,
    FailedCall,
    SliceArg,
    TensorFacts,
)


def tensor_facts(tensor: torch.Tensor, name: str | None = None) -> TensorFacts:
    storage = tensor.untyped_storage()
    itemsize = tensor.element_size()
    values = None
    count = storage.nbytes() // itemsize
    if (count <= MAX_CELLS and not tensor.is_meta and tensor.device.type == "cpu"
            and tensor.layout == torch.strided):
        try:
            flat = torch.empty(0, dtype=tensor.dtype).set_(storage, 0, (count,), (1,))
            values = tuple(flat.tolist())
        except (RuntimeError, TypeError):  # dtypes without a Python reading
            values = None
    grad_fn = tensor.grad_fn
    return TensorFacts(name, tuple(tensor.shape), tuple(tensor.stride()),
                       tensor.storage_offset(), str(tensor.dtype), itemsize, storage.nbytes(),
                       values, tensor.requires_grad, tensor.is_leaf,
                       None if grad_fn is None else type(grad_fn).__name__,
                       tensor._version)


def graph_facts(named: dict[str, Any], limit: int = 32) -> tuple[TensorFacts, ...]:
    """The named tensors autograd records (requires_grad), for explaining backward()."""
    out, seen = [], set()
    for name, value in named.items():
        if isinstance(value, torch.Tensor) and value.requires_grad and len(out) < limit \
                and id(value) not in seen:  # one tensor under two names is one candidate
            seen.add(id(value))
            out.append(tensor_facts(value, name))
    return tuple(out)


def is_ndarray(value: Any) -> bool:
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def plain(value: Any, depth: int = 0) -> Any:
    """A call argument as plain, torch-free data for the explanations (None if unknown)."""
    if value is None or isinstance(value, (bool, int, float, str, TensorFacts, ArrayFacts)):
        return value
    if isinstance(value, torch.Tensor):
        return tensor_facts(value)
    if isinstance(value, torch.dtype):
        return str(value)
    if isinstance(value, slice):
        return SliceArg(*(v if isinstance(v, int) else None
                          for v in (value.start, value.stop, value.step)))
    if value is Ellipsis:
        return "..."
    if is_ndarray(value):
        return ArrayFacts(None, tuple(value.shape), tuple(value.strides), value.itemsize,
                          str(value.dtype))
    if isinstance(value, (list, tuple)) and depth < 3 and len(value) <= 64:
        return tuple(plain(v, depth + 1) for v in value)
    return None


def written_part(container: torch.Tensor, index: Any, target: ast.AST) -> dict:
    """{"written": facts of container[index]} when that is a view: what `t[i] = v` writes.
    Only for basic indexing (ints, slices, None, ...): advanced indexing would copy."""
    items = index if isinstance(index, tuple) else (index,)
    if not all(i is None or i is Ellipsis or isinstance(i, (int, slice)) for i in items):
        return {}
    try:
        part = container[index]
    except Exception:
        return {}
    same = part.untyped_storage().data_ptr() == container.untyped_storage().data_ptr()
    return {"written": tensor_facts(part, _label(target))} if same and part.numel() else {}


def _label(node: ast.AST | None) -> str | None:
    """How the script wrote a tensor: its name, or a short expression (x[1:]); None if long."""
    if node is None:
        return None
    if isinstance(node, ast.Name):
        return node.id
    text = ast.unparse(node)
    return text if len(text) <= 24 else None


def failed_call(op: str, receiver: Any, args: tuple, kwargs: dict,
                receiver_node: ast.AST | None, arg_nodes: Sequence[ast.AST] = ()) -> FailedCall:
    """What a failing call was given, as facts. torch.f(t, …) counts t as the receiver.
    Tensors are labelled as the script wrote them (`name` of TensorFacts); receiver_name is
    set only for a plain name, which the step's tensors can be looked up by."""
    arg_nodes = list(arg_nodes)
    if not isinstance(receiver, torch.Tensor) and args and (
            isinstance(args[0], torch.Tensor) or is_ndarray(args[0])):
        receiver, args = args[0], args[1:]
        receiver_node = arg_nodes[0] if arg_nodes else None
        arg_nodes = arg_nodes[1:]
    name = receiver_node.id if isinstance(receiver_node, ast.Name) else None
    facts: Any = None
    if isinstance(receiver, torch.Tensor):
        facts = tensor_facts(receiver, _label(receiver_node))
    elif is_ndarray(receiver):
        facts = plain(receiver)
        facts = ArrayFacts(_label(receiver_node), facts.shape, facts.strides, facts.itemsize,
                           facts.dtype)
    plain_args = []
    for i, arg in enumerate(args):
        node = arg_nodes[i] if i < len(arg_nodes) else None
        plain_args.append(tensor_facts(arg, _label(node)) if isinstance(arg, torch.Tensor)
                          else plain(arg))
    return FailedCall(op, facts, tuple(plain_args),
                      tuple((k, plain(v)) for k, v in kwargs.items()), name)
