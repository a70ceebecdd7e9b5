"""Run a script statement by statement and record a frozen Step after each one."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from engine.arrays import ArrayRecorder
from engine.explain import explain_failure
from engine.guard import Limits
from engine.interpreter import Interpreter, StatementResult
from engine.provenance import replay_sources
from engine.snapshot import StorageLabels, storage_key, storage_state, tensor_state
from engine.state import ErrorInfo, Produced, RunResult, Step, StorageState, SubStep


def parse(source: str) -> tuple[list[ast.stmt], ErrorInfo | None]:
    try:
        return ast.parse(source).body, None
    except SyntaxError as exc:
        return [], ErrorInfo("SyntaxError", exc.msg, exc.lineno)
    except (ValueError, MemoryError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return [], ErrorInfo("SyntaxError", str(exc) or type(exc).__name__, None)


EXPECT_ERROR = re.compile(r"#!\s*expect-error\b")


def expected_error_lines(source: str, statements: list[ast.stmt]) -> set[int]:
    """First lines of the statements marked `#! expect-error` (on a line of the statement or
    on a comment line just above it): a lesson's deliberate fail-then-fix step."""
    marks = {n for n, text in enumerate(source.splitlines(), 1) if EXPECT_ERROR.search(text)}
    expected = set()
    previous_end = 0
    for statement in statements:
        end = statement.end_lineno or statement.lineno
        if any(previous_end < n <= end for n in marks):
            expected.add(statement.lineno)
        previous_end = end
    return expected


def run_script(source: str, limits: Limits | None = None) -> RunResult:
    """Run every statement; stop after the first error, as Python would — unless the failing
    statement is marked `#! expect-error`, which lets a lesson go on: fail, why, fix."""
    statements, syntax_error = parse(source)
    if syntax_error:
        return RunResult(source, (), syntax_error)
    expected = expected_error_lines(source, statements)
    recorder = _Recorder(limits)
    steps = []
    for index, statement in enumerate(statements):
        step = recorder.run(statement, source, index)
        if step.error is not None and statement.lineno in expected:
            step = replace(step, expected_error=True)
        steps.append(step)
        if step.error is not None and not step.expected_error:
            break
    return RunResult(source, tuple(steps))


class _Recorder:
    """Runs statements and turns the namespace into Steps, tracking storage identity.

    Storage identity: the StorageImpl address (`_cdata`). The previous step's storages are
    kept alive until the next snapshot, so an address cannot be freed and reused between two
    consecutive steps and mistaken for the same storage.
    """

    def __init__(self, limits: Limits | None) -> None:
        self.interpreter = Interpreter(limits)
        self._labels = StorageLabels()
        self._pinned: list[Any] = []
        self._previous_objects: dict[str, Any] = {}
        self._previous_raw: dict[int, bytes | None] = {}
        self._origins: dict[str, Produced] = {}
        self._arrays = ArrayRecorder()

    def run(self, statement: ast.stmt, source: str, index: int) -> Step:
        result = self.interpreter.run_statement(statement)
        names = self.interpreter.user_names()
        tensors_by_name = {k: v for k, v in names.items() if isinstance(v, torch.Tensor)}
        arrays_by_name = {k: v for k, v in names.items() if isinstance(v, np.ndarray)}
        labels = self._labels.update(tensors_by_name.values())
        storages = self._storage_states(tensors_by_name.values(), labels)
        produced = self._produced(statement, tensors_by_name, labels)
        referenced = tuple(n.id for n in ast.walk(statement) if isinstance(n, ast.Name))
        tensor_storages = {n: labels[storage_key(t)]
                           for n, t in tensors_by_name.items()}
        arrays, memories, written_memories, produced = self._arrays.record(
            arrays_by_name, storages, labels, tensor_storages, referenced, produced)
        self._origins = {name: origin for name, origin in self._origins.items()
                         if name in tensors_by_name}
        self._origins.update({p.name: p for p in produced})
        tensor_states = tuple(
            tensor_state(name, t, labels, tensors_by_name, self._origins.get(name))
            for name, t in tensors_by_name.items()
        )
        written = tuple(
            s.id for s in storages
            if s.id in self._previous_raw and s.raw is not None
            and self._previous_raw[s.id] is not None and s.raw != self._previous_raw[s.id]
        )
        provenance = self._provenance(statement, produced, tensors_by_name, names, labels)
        step = Step(
            index=index,
            line=statement.lineno,
            end_line=statement.end_lineno or statement.lineno,
            source=ast.get_source_segment(source, statement) or "",
            stdout=result.stdout,
            error=_error_info(result, statement),
            tensors=tensor_states,
            storages=storages,
            produced=produced,
            written_storages=written,
            warnings=result.warnings,
            provenance=provenance,
            substeps=self._substeps(source, labels, tensors_by_name),
            arrays=arrays,
            memories=memories,
            written_memories=written_memories,
        )
        self._pinned = [t.untyped_storage() for t in tensors_by_name.values()]
        self._previous_objects = dict(tensors_by_name)
        self._previous_raw = {s.id: s.raw for s in storages}
        return step

    def _substeps(self, source: str, labels: dict[int, int],
                  named: dict[str, torch.Tensor]) -> tuple[SubStep, ...]:
        """The tensor each call of a chained statement returned (see Step.substeps)."""
        calls = self.interpreter.call_results
        if not calls or len(calls) < 2:
            return ()
        out = []
        for node, tensor in calls:
            text = ast.get_source_segment(source, node) or ""
            key = tensor.untyped_storage()._cdata
            state = tensor_state(text, tensor, labels if key in labels else {**labels, key: 0},
                                 named, None)
            out.append(SubStep(text, state, self.interpreter.call_memory.get(node, "")))
        self.interpreter.call_results = []  # let the temporaries go
        return tuple(out)

    def _storage_states(self, tensors, labels) -> tuple[StorageState, ...]:
        seen: dict[int, StorageState] = {}
        for t in tensors:
            label = labels[t.untyped_storage()._cdata]
            if label not in seen:
                seen[label] = storage_state(t, label, self._previous_raw.get(label),
                                            devices=("cpu",))
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
        memory = _bound_call_memory(statement, self.interpreter.call_memory)
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
                out.append(Produced(name, "view", source, memory.get(name)))
            else:
                source = next((n for n in referenced if n != name or name in previous), None)
                out.append(Produced(name, "copy" if source else "new", source, memory.get(name)))
        return tuple(out)


def _bound_call_memory(statement: ast.stmt, call_memory: dict[ast.Call, str]) -> dict[str, str]:
    """{name: what the call did} for `name = call(...)` (storage identity, engine/interpreter)."""
    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call) and statement.value in call_memory):
        return {statement.targets[0].id: call_memory[statement.value]}
    return {}


def _error_info(result: StatementResult, statement: ast.stmt) -> ErrorInfo | None:
    error = result.error
    if error is None:
        return None
    explanation = None
    receiver = None
    failure = result.failure
    if failure is not None:
        explanation = explain_failure(failure, str(error))
        receiver = failure.receiver_name
    line = getattr(error, "line", None) or statement.lineno
    return ErrorInfo(type(error).__name__, str(error), line, explanation, receiver)
