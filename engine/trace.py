"""The `stridescope-trace/1` JSON document (see shared/TRACE_FORMAT.md)."""

from __future__ import annotations

from typing import Any

from engine.state import ErrorInfo, RunResult, Step, TensorState

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
    if t.values is not None:
        out["values"] = _jsonable(t.values)
    return out


def error_json(error: ErrorInfo | None, expected: bool = False) -> dict[str, Any] | None:
    if error is None:
        return None
    out: dict[str, Any] = {"type": error.type, "message": error.message, "line": error.line}
    if expected:
        out["expected"] = True  # marked `#! expect-error`: the run went on past it
    if error.explanation is not None:
        out["explanation"] = error.explanation.to_json()
    return out


def step_json(step: Step) -> dict[str, Any]:
    out = {
        "line": step.line,
        "source": step.source,
        "stdout": step.stdout,
        "error": error_json(step.error, step.expected_error),
        "tensors": {t.name: tensor_json(t) for t in step.tensors},
        "produced": [{"name": p.name, "kind": p.kind, "of": p.source,
                      **({"memory": p.memory} if p.memory else {})} for p in step.produced],
        "written_storages": list(step.written_storages),
        "warnings": list(step.warnings),
    }
    if step.substeps:  # a chained statement: each call's tensor, in the order they returned
        out["substeps"] = [{"source": s.source, "memory": s.memory, **tensor_json(s.tensor)}
                           for s in step.substeps]
    return out


def trace_json(result: RunResult, torch_version: str | None = None) -> dict[str, Any]:
    """The trace document; `torch_version` is the worker's (else torch is imported here)."""
    if torch_version is None:
        import torch

        torch_version = torch.__version__
    doc: dict[str, Any] = {
        "format": FORMAT,
        "torch": torch_version,
        "steps": [step_json(s) for s in result.steps],
    }
    if result.syntax_error is not None:
        doc["error"] = error_json(result.syntax_error)
    return doc
