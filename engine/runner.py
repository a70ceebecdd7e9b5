"""Run a script statement by statement and record a frozen Step after each one."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import torch

from engine.interpreter import Interpreter, StatementResult
from engine.layout import explain_view
from engine.limits import Limits
from engine.provenance import replay_sources
from engine.script import clean_source, expected_error_lines, parse, safe_text, too_long
from engine.state import (
    TRACE_VALUE_LIMIT,
    ErrorInfo,
    Produced,
    RunResult,
    Step,
    StorageState,
    TensorState,
)

__all__ = ["iter_steps", "parse", "expected_error_lines", "run_script", "statement_error"]

# called before each statement runs: (index, first line, last line, source)
BeginHook = Callable[[int, int, int, str], None]


def statement_error(statements: list[ast.stmt], limits: Limits) -> ErrorInfo | None:
    """A script with more top-level statements than the limit is refused before it runs."""
    if len(statements) > limits.max_statements:
        return ErrorInfo("ResourceLimitError",
                         f"the script has {len(statements):,} statements, more than the limit "
                         f"of {limits.max_statements:,}", statements[limits.max_statements].lineno)
    return None


def run_script(source: str, limits: Limits | None = None) -> RunResult:
    """Run every statement; stop after the first error, as Python would — unless the failing
    statement is marked `#! expect-error`, which lets a lesson go on: fail, why, fix."""
    limits = limits or Limits()
    too_many = too_long(source, limits.max_statements)
    statements, syntax_error = ([], too_many) if too_many else parse(source)
    syntax_error = syntax_error or statement_error(statements, limits)
    if syntax_error:
        return RunResult(source, (), syntax_error)
    return RunResult(source, tuple(iter_steps(source, limits, statements=statements)))


def iter_steps(source: str, limits: Limits | None = None, begin: BeginHook | None = None,
               statements: list[ast.stmt] | None = None) -> Iterator[Step]:
    """The steps of a script that parses, one at a time, as each statement finishes."""
    source = clean_source(source)
    if statements is None:
        statements = parse(source)[0]
    expected = expected_error_lines(source, statements)
    recorder = _Recorder(limits)
    for index, statement in enumerate(statements):
        text = ast.get_source_segment(source, statement) or ""
        if begin is not None:
            begin(index, statement.lineno, statement.end_lineno or statement.lineno, text)
        step = recorder.run(statement, text, index)
        if step.error is not None and statement.lineno in expected:
            step = replace(step, expected_error=True)
        yield step
        if step.error is not None and not step.expected_error:
            break


# Tensors the picture cannot show: no single strided storage, or none at all.
def unsupported_kind(t: torch.Tensor) -> str | None:
    if t.is_nested:
        return "a nested tensor"
    if t.is_quantized:
        return "a quantized tensor"
    if t.layout != torch.strided:
        return f"a tensor with layout {t.layout}"
    if type(t) is not torch.Tensor and not isinstance(t, torch.nn.Parameter):
        return f"a {type(t).__name__}"
    return None


class _Recorder:
    """Runs statements and turns the namespace into Steps, tracking storage identity.

    Storage identity: the StorageImpl address (`_cdata`). The previous step's storages are
    kept alive until the next snapshot, so an address cannot be freed and reused between two
    consecutive steps and mistaken for the same storage.
    """

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits or Limits()
        self.interpreter = Interpreter(self.limits)
        self._labels: dict[int, int] = {}
        self._next_label = 1
        self._pinned: list[Any] = []
        self._previous_objects: dict[str, Any] = {}
        self._previous_raw: dict[int, bytes | None] = {}
        self._previous: Step | None = None
        self._origins: dict[str, Produced] = {}
        self._bytes_left = self.limits.recorded_bytes
        self._values_left = self.limits.recorded_values
        self._budget_told = False  # the step where the recorder's budget ran out says so
        self._stdout_left = self.limits.stdout_run_chars

    def run(self, statement: ast.stmt, text: str, index: int) -> Step:
        """The step after `statement`; anything that goes wrong inside it (in torch, in
        Python or in recording) is that statement's error, never the app's."""
        result = self.interpreter.run_statement(statement, self._stdout_left)
        self._stdout_left = max(0, self._stdout_left - len(result.stdout))
        error = _error_info(result, statement)
        try:
            refused = self._refuse_unsupported(statement)
            if refused is not None and error is None:
                error = refused
            return self._record(statement, text, index, result, error)
        except Exception as exc:  # a tensor torch itself cannot describe (broken by the script)
            self.interpreter.namespace.clear()
            self._previous_objects = {}
            problem = ErrorInfo(type(exc).__name__, safe_text(
                f"this statement left a value that cannot be inspected: {_describe(exc)}"),
                statement.lineno)
            previous = self._previous
            return Step(index, statement.lineno, statement.end_lineno or statement.lineno,
                        safe_text(text), result.stdout, error or problem,
                        previous.tensors if previous else (),
                        previous.storages if previous else (), warnings=result.warnings)

    def _refuse_unsupported(self, statement: ast.stmt) -> ErrorInfo | None:
        """Names bound to tensors the picture cannot show are dropped, with a clear error."""
        message = None
        for name, value in list(self.interpreter.user_names().items()):
            if not isinstance(value, torch.Tensor):
                continue
            kind = unsupported_kind(value)
            if kind is None:
                continue
            del self.interpreter.namespace[name]
            if message is None:
                message = (f"not supported: {name} is {kind}, which has no single strided "
                           f"storage to show (use .to_dense(), .dequantize() or a plain tensor)")
        if message is None:
            return None
        return ErrorInfo("NotSupportedError", message, statement.lineno)

    def _record(self, statement: ast.stmt, text: str, index: int, result: StatementResult,
                error: ErrorInfo | None) -> Step:
        names = self.interpreter.user_names()
        tensors_by_name = {k: v for k, v in names.items() if isinstance(v, torch.Tensor)}
        labels = self._label_storages(tensors_by_name.values())
        storages = self._storage_states(tensors_by_name.values(), labels)
        produced = self._produced(statement, tensors_by_name, labels)
        self._origins = {name: origin for name, origin in self._origins.items()
                         if name in tensors_by_name}
        self._origins.update({p.name: p for p in produced})
        tensor_states = []
        for name, t in tensors_by_name.items():
            state = _tensor_state(name, t, labels, tensors_by_name, self._origins.get(name),
                                  self._values_left)
            if state.values is not None:
                self._values_left -= state.numel
            tensor_states.append(state)
        written = tuple(
            s.id for s in storages
            if s.id in self._previous_raw and s.raw is not None
            and self._previous_raw[s.id] is not None and s.raw != self._previous_raw[s.id]
        )
        warnings = result.warnings
        if not self._budget_told and (self._bytes_left < 0 or self._values_left <= 0):
            self._budget_told = True
            warnings += (f"RecorderLimit: from this step on, values and storage bytes are no "
                         f"longer kept for every step (the recorder keeps at most "
                         f"{self.limits.recorded_bytes // 2**20:,} MiB and "
                         f"{self.limits.recorded_values:,} values per run)",)
        try:
            provenance = self._provenance(statement, produced, tensors_by_name, names, labels)
        except Exception:  # an exotic dtype the replay cannot read: no provenance, no failure
            provenance = ()
        step = Step(
            index=index,
            line=statement.lineno,
            end_line=statement.end_lineno or statement.lineno,
            source=safe_text(text),
            stdout=result.stdout,
            error=error,
            tensors=tuple(tensor_states),
            storages=storages,
            produced=produced,
            written_storages=written,
            warnings=warnings,
            provenance=provenance,
        )
        self._pinned = [t.untyped_storage() for t in tensors_by_name.values()]
        self._previous_objects = dict(tensors_by_name)
        self._previous_raw = {s.id: s.raw for s in storages}
        self._previous = step
        return step

    def _label_storages(self, tensors) -> dict[int, int]:
        live = {t.untyped_storage()._cdata for t in tensors}
        # forget labels of storages that died: their address may be reused later
        self._labels = {k: v for k, v in self._labels.items() if k in live}
        for key in live:
            if key not in self._labels:
                self._labels[key] = self._next_label
                self._next_label += 1
        return self._labels

    def _storage_states(self, tensors, labels) -> tuple[StorageState, ...]:
        seen: dict[int, StorageState] = {}
        for t in tensors:
            storage = t.untyped_storage()
            label = labels[storage._cdata]
            if label in seen:
                continue
            nbytes = storage.nbytes()
            raw = None
            if not t.is_meta and t.device.type == "cpu" and nbytes <= self.limits.storage_bytes:
                previous = self._previous_raw.get(label)
                raw = _storage_bytes(storage, previous)
                if raw is not previous:  # new bytes count against the run's budget
                    if nbytes > self._bytes_left:
                        raw = None
                        self._bytes_left = -1  # spent: later steps keep no new bytes
                    else:
                        self._bytes_left -= nbytes
            seen[label] = StorageState(label, storage.data_ptr(), nbytes, str(t.device), raw)
        return tuple(sorted(seen.values(), key=lambda s: s.id))

    def _provenance(self, statement, produced, tensors, names, labels):
        copies = [p for p in produced if p.kind == "copy"]
        if not copies or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return ()
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or copies[0].name != target.id:
            return ()
        others = {k: v for k, v in names.items() if not isinstance(v, torch.Tensor)}
        cdata_labels = {k: v for k, v in labels.items()}
        sources = replay_sources(statement, self._previous_objects, others,
                                 tensors[target.id], cdata_labels)
        return ((target.id, sources),) if sources is not None else ()

    def _produced(self, statement: ast.stmt, tensors: dict[str, torch.Tensor],
                  labels: dict[int, int]) -> tuple[Produced, ...]:
        previous = self._previous_objects
        previous_storages = {labels.get(t.untyped_storage()._cdata) for t in previous.values()}
        referenced = [n.id for n in ast.walk(statement)
                      if isinstance(n, ast.Name) and n.id in previous]
        out = []
        for name, tensor in tensors.items():
            if previous.get(name) is tensor:
                continue
            alias = next((n for n, t in previous.items() if t is tensor), None)
            if alias is not None:
                out.append(Produced(name, "alias", alias))
                continue
            label = labels[tensor.untyped_storage()._cdata]
            if label in previous_storages:
                base = tensor._base
                source = next((n for n, t in previous.items() if base is not None and t is base),
                              None)
                if source is None:
                    on_storage = [n for n, t in previous.items()
                                  if labels.get(t.untyped_storage()._cdata) == label]
                    source = next((n for n in referenced if n in on_storage),
                                  on_storage[0] if on_storage else None)
                out.append(Produced(name, "view", source))
            else:
                source = next((n for n in referenced if n != name or name in previous), None)
                out.append(Produced(name, "copy" if source else "new", source))
        return tuple(out)


def _storage_bytes(storage: torch.UntypedStorage, previous: bytes | None) -> bytes:
    as_bytes = torch.empty(0, dtype=torch.uint8)
    as_bytes.set_(storage, 0, (storage.nbytes(),), (1,))
    raw = as_bytes.numpy().tobytes()
    return previous if previous == raw else raw  # share unchanged bytes between steps


def _tensor_state(name: str, t: torch.Tensor, labels: dict[int, int],
                  named: dict[str, torch.Tensor], origin: Produced | None,
                  values_left: int = TRACE_VALUE_LIMIT) -> TensorState:
    storage = t.untyped_storage()
    values = None
    if (not t.is_meta and t.numel() <= min(TRACE_VALUE_LIMIT, values_left)
            and t.layout == torch.strided):
        try:
            values = t.detach().cpu().resolve_conj().resolve_neg().tolist()
        except (RuntimeError, TypeError):  # bits dtypes have no Python values
            values = None
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
        values=values,
        requires_grad=t.requires_grad,
        is_meta=t.is_meta,
        base_name=base_name,
        is_view=t._is_view(),
        origin=origin,
    )


def _error_info(result: StatementResult, statement: ast.stmt) -> ErrorInfo | None:
    error = result.error
    if error is None:
        return None
    explanation = None
    receiver = None
    failure = result.view_failure
    if failure is not None:
        explanation = explain_view(failure.shape, failure.stride, failure.requested)
        receiver = failure.receiver
    line = getattr(error, "line", None)
    if not isinstance(line, int) or isinstance(line, bool):
        line = statement.lineno
    return ErrorInfo(type(error).__name__, safe_text(_describe(error)), line, explanation,
                     receiver)


def _describe(error: BaseException) -> str:
    """str(error), even when formatting the message itself fails (a bits8 key, say)."""
    try:
        text = str(error)
    except Exception as inner:  # noqa: BLE001 - any failure to format is reported as such
        text = f"(the error message could not be shown: {type(inner).__name__})"
    if len(text) > 4000:
        text = text[:4000] + " …"
    return text
