"""The `stridescope-trace/1` JSON document (see shared/TRACE_FORMAT.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from stridescope.engine.model.mesh import RankState, ShardState
from stridescope.engine.model.state import (
    ArrayState,
    ErrorInfo,
    MemoryState,
    RunResult,
    Step,
    SubStep,
    TensorState,
)
from stridescope.engine.teaching.i18n import translator

FORMAT = "stridescope-trace/1"


def _jsonable(value: Any) -> Any:
    if isinstance(value, complex):
        return [value.real, value.imag]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def tensor_json(t: TensorState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "shape": list(t.shape),
        "stride": list(t.stride),
        "storage_offset": t.storage_offset,
        "dtype": t.dtype,
        "itemsize": t.itemsize,
        "device": t.device,
        "is_contiguous": t.is_contiguous,
        "data_ptr": t.data_ptr,
        "storage_data_ptr": t.storage_data_ptr,
        "storage_nbytes": t.storage_nbytes,
        "numel": t.numel,
        "storage_id": t.storage_id,
        "requires_grad": t.requires_grad,
        "is_view": t.is_view,
        "base": t.base_name,
    }
    if t.is_channels_last is not None:
        out["is_channels_last"] = t.is_channels_last
    if t.requires_grad or t.grad_fn is not None:  # autograd's view of it
        out["grad_fn"] = t.grad_fn
        out["is_leaf"] = t.is_leaf
        out["version"] = t.version
    if t.values is not None:
        out["values"] = _jsonable(t.values)
    return out


def array_json(a: ArrayState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "shape": list(a.shape),
        "strides": list(a.strides),
        "dtype": a.dtype,
        "itemsize": a.itemsize,
        "data_ptr": a.data_ptr,
        "c_contiguous": a.c_contiguous,
        "f_contiguous": a.f_contiguous,
        "owndata": a.owndata,
        "writeable": a.writeable,
        "size": a.size,
        "nbytes": a.nbytes,
        "element_strides": None if a.element_strides is None else list(a.element_strides),
        "torch_dtype": a.torch_dtype,
        "storage_id": a.storage_id,
        "storage_byte_offset": a.storage_byte_offset,
        "memory_id": a.memory_id,
        "memory_byte_offset": a.memory_byte_offset,
        "base": a.base_name,
        "origin": None if a.origin is None else {"kind": a.origin.kind, "of": a.origin.source},
    }
    if a.values is not None:
        out["values"] = _jsonable(a.values)
    return out


def memory_json(m: MemoryState) -> dict[str, Any]:
    return {"id": m.id, "kind": m.kind, "data_ptr": m.data_ptr, "nbytes": m.nbytes,
            "dtype": m.dtype, "owner": m.owner, "holds": [list(h) for h in m.holds]}


def rank_json(rank: RankState) -> dict[str, Any]:
    return {"rank": rank.rank, "coordinate": list(rank.coordinate), "stdout": rank.stdout,
            "tensors": {t.name: shard_json(t) for t in rank.tensors}}


def shard_json(t: ShardState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "placements": list(t.placements), "mesh_shape": list(t.mesh_shape),
        "global_shape": list(t.global_shape), "global_offset": list(t.global_offset),
        "local_shape": list(t.local_shape), "local_stride": list(t.local_stride),
        "local_storage_offset": t.local_storage_offset, "dtype": t.dtype,
        "storage_numel": t.storage_numel}
    if t.values is not None:
        out["values"] = _jsonable(t.values)
    return out


def error_json(error: ErrorInfo | None, expected: bool = False,
               translate: Callable[[str], str] | None = None) -> dict[str, Any] | None:
    if error is None:
        return None
    out: dict[str, Any] = {"type": error.type, "message": error.message, "line": error.line}
    if expected:
        out["expected"] = True  # marked `#! expect-error`: the run went on past it
    if error.explanation is not None:
        out["explanation"] = error.explanation.to_json(translate or translator("en"))
    return out


def step_json(step: Step, translate: Callable[[str], str] | None = None,
              tensors: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One step of the trace; `tensors` caches tensor_json by state object across steps (a
    state unchanged since an earlier step is the same object: its JSON is built once)."""
    if tensors is None:
        tensors = {}

    def cached(t: TensorState) -> dict[str, Any]:
        key = id(t)
        if key not in tensors:
            tensors[key] = tensor_json(t)
        return tensors[key]

    out = {
        "line": step.line,
        "source": step.source,
        "stdout": step.stdout,
        "error": error_json(step.error, step.expected_error, translate),
        "tensors": {t.name: cached(t) for t in step.tensors},
        "produced": [{"name": p.name, "kind": p.kind, "of": p.source,
                      **({"memory": p.memory} if p.memory else {})} for p in step.produced],
        "written_storages": list(step.written_storages),
        "warnings": list(step.warnings),
    }
    if step.substeps:  # a chained statement: each call's tensor, in the order they returned
        out["substeps"] = [substep_json(s) for s in step.substeps]
    if step.ranks:  # a mesh run: what every rank holds (README "Sharded layouts")
        out["ranks"] = [rank_json(r) for r in step.ranks]
    if step.arrays:
        # a tensor whose storage lies in NumPy memory (torch.from_numpy) says which block
        inside = {sid: (m.id, offset) for m in step.memories for sid, offset in m.holds}
        for t in step.tensors:
            if t.storage_id in inside:
                memory_id, offset = inside[t.storage_id]
                out["tensors"][t.name] = {**out["tensors"][t.name], "numpy_memory": {
                    "id": memory_id, "byte_offset": offset}}  # a copy: the cached one is shared
        out["arrays"] = {a.name: array_json(a) for a in step.arrays}
        out["memories"] = [memory_json(m) for m in step.memories]
        out["written_memories"] = list(step.written_memories)
    return out


def substep_json(sub: SubStep) -> dict[str, Any]:
    """A call of a chained statement: its text, what it did, its tensor, and the storage it
    reads when no name holds it (`storage_id` <= 0, with `temporary`: its size and values)."""
    out = {"source": sub.source, "memory": sub.memory, **tensor_json(sub.tensor)}
    temporary = sub.temporary
    if temporary is not None:
        values = temporary.elements(sub.tensor.dtype)
        out["temporary"] = {"id": temporary.id, "label": temporary.label,
                            "nbytes": temporary.nbytes,
                            "values": None if values is None else values.tolist()}
    return out


def trace_json(result: RunResult, torch_version: str | None = None,
               lang: str = "en") -> dict[str, Any]:
    """The trace document; explanations' text in `lang` ("en" or "zh_CN"); `torch_version`
    is the worker's (else torch is imported here)."""
    if torch_version is None:
        import torch

        torch_version = torch.__version__
    translate = translator(lang)
    tensors: dict[int, dict[str, Any]] = {}  # the states stay alive in result.steps
    doc: dict[str, Any] = {
        "format": FORMAT,
        "torch": torch_version,
        "steps": [step_json(s, translate, tensors) for s in result.steps],
    }
    if lang != "en":
        doc["lang"] = lang
    if result.syntax_error is not None:
        doc["error"] = error_json(result.syntax_error)
    return doc


def write_trace(doc: dict[str, Any], file: Any) -> None:
    """Write the trace to a text file: one line per step field and per tensor, each value
    compact (a tensor's line is built once and reused by every step that holds it unchanged:
    writing costs what changed, not steps x tensors; json.dump with indent spent a line on
    every number: 404 MiB and 22 s for 10,000 statements of 50 names; now 218 MiB, 8 s)."""
    texts: dict[int, str] = {}  # id of a tensor's dict -> its text (the dicts stay in `doc`)

    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def tensor_text(value: dict[str, Any]) -> str:
        key = id(value)
        if key not in texts:
            texts[key] = text(value)
        return texts[key]

    file.write("{\n")
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        end = ",\n" if i < len(items) - 1 else "\n"
        if key != "steps" or not isinstance(value, list):
            file.write(f" {text(key)}: {text(value)}{end}")
            continue
        file.write(' "steps": [')
        for j, step in enumerate(value):
            file.write("\n  {" if j == 0 else ",\n  {")
            fields = list(step.items())
            for k, (name, item) in enumerate(fields):
                file.write("\n   " if k == 0 else ",\n   ")
                if name in ("tensors", "arrays") and isinstance(item, dict) and item:
                    file.write(f"{text(name)}: {{\n    " + ",\n    ".join(
                        f"{text(n)}: {tensor_text(t)}" for n, t in item.items()) + "\n   }")
                elif name == "substeps" and isinstance(item, list) and item:
                    file.write(f"{text(name)}: [\n    " + ",\n    ".join(
                        text(s) for s in item) + "\n   ]")
                else:
                    file.write(f"{text(name)}: {text(item)}")
            file.write("\n  }")
        file.write("\n ]" + end if value else "]" + end)
    file.write("}\n")


CHANGES_FORMAT = "stridescope-trace-changes/1"


def changes_json(doc: dict[str, Any]) -> dict[str, Any]:
    """The trace in its changes form (`--json OUT --changes`, README "Long scripts"): each
    step's `names` lists its tensors in order and `tensors` holds only those whose entry
    differs from the step before; everything else is as in the full trace."""
    previous: dict[str, Any] = {}
    steps = []
    for step in doc["steps"]:
        tensors = step["tensors"]
        changed = {n: t for n, t in tensors.items()
                   if n not in previous or (previous[n] is not t and previous[n] != t)}
        out: dict[str, Any] = {}
        for key, value in step.items():
            if key == "tensors":
                out["names"] = list(tensors)
                value = changed
            out[key] = value
        steps.append(out)
        previous = tensors
    return {**doc, "format": CHANGES_FORMAT, "steps": steps}


def full_json(doc: dict[str, Any]) -> dict[str, Any]:
    """The full `stridescope-trace/1` document of a changes-form one (the inverse of
    changes_json): a tensor a step does not carry is the one of the step before."""
    if doc.get("format") != CHANGES_FORMAT:
        return doc
    previous: dict[str, Any] = {}
    steps = []
    for step in doc["steps"]:
        carried = step["tensors"]
        tensors = {n: carried[n] if n in carried else previous[n] for n in step["names"]}
        steps.append({k: (tensors if k == "tensors" else v) for k, v in step.items()
                      if k != "names"})
        previous = tensors
    return {**doc, "format": FORMAT, "steps": steps}
