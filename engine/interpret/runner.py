"""Run a script statement by statement and record a frozen Step after each one."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret.arrays import ArrayRecorder
from stridescope.engine.interpret.interpreter import Interpreter, StatementResult
from stridescope.engine.interpret.mesh import is_dtensor
from stridescope.engine.interpret.name_cap import (
    MAX_NAMED_TENSORS,
    NameCap,
    left_out_summary,
    spelled_names,
)
from stridescope.engine.interpret.provenance import replay_sources
from stridescope.engine.interpret.reach import MISSING, Delta, LiveNames, dtensor_type, spelled
from stridescope.engine.interpret.script import (
    SourceSegments,
    clean_source,
    expected_error_lines,
    parse,
    safe_text,
    too_long,
)
from stridescope.engine.model.limits import Limits
from stridescope.engine.model.snapshot import (
    StorageLabels,
    storage_key,
    storage_state,
    tensor_state,
)
from stridescope.engine.model.state import (
    TRACE_VALUE_LIMIT,
    ErrorInfo,
    Produced,
    RunResult,
    Step,
    StorageState,
    SubStep,
    TensorState,
)
from stridescope.engine.teaching.explain import explain_failure

__all__ = ["MAX_NAMED_TENSORS", "ScriptRun", "expected_error_lines", "iter_steps", "parse",
           "run_script", "statement_error", "stops"]

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
               statements: list[ast.stmt] | None = None,
               after: Callable[[Step, dict], Step] | None = None) -> Iterator[Step]:
    """The steps of a script that parses, one at a time, as each statement finishes."""
    run = ScriptRun(source, limits, statements, after)
    for index, statement in enumerate(run.statements):
        if begin is not None:
            begin(index, statement.lineno, statement.end_lineno or statement.lineno,
                  run.segments.of(statement))
        step = run.step(index)
        yield step
        if stops(step):
            break


def stops(step: Step) -> bool:
    """A run ends at its first error, unless the statement was marked `#! expect-error`."""
    return step.error is not None and not step.expected_error


class ScriptRun:
    """One run between its statements: the recorder (namespace, storage labels, budgets) and
    the script it runs. The worker forks a run at a statement boundary and later resumes the
    copy with an edited script whose statements before that boundary are the same
    (`retarget`; engine/worker/checkpoints.py)."""

    def __init__(self, source: str, limits: Limits | None = None,
                 statements: list[ast.stmt] | None = None,
                 after: Callable[[Step, dict], Step] | None = None) -> None:
        self.recorder = _Recorder(limits)
        self.after = after  # a mesh rank adds what it holds (namespace: the script's)
        self.retarget(source, statements)

    def retarget(self, source: str, statements: list[ast.stmt] | None = None,
                 first_line: int = 1, start: int = 0) -> None:
        """Run `source` from now on; its statements before line `first_line` (at offset
        `start`) have run."""
        self.source = clean_source(source)
        self.statements = parse(self.source)[0] if statements is None else statements
        self.segments = SourceSegments(self.source, first_line, start)
        self.expected = expected_error_lines(self.source, self.statements)

    def step(self, index: int) -> Step:
        """Run statement `index` and record the step after it."""
        statement = self.statements[index]
        step = self.recorder.run(statement, self.segments, index)
        if self.after is not None:
            step = self.after(step, self.recorder.interpreter.namespace)
        if step.error is not None and statement.lineno in self.expected:
            step = replace(step, expected_error=True)
        return step


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

    incremental = True  # False: every step looks at every name (the reference for tests)

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits or Limits()
        self.interpreter = Interpreter(self.limits)
        self._labels = StorageLabels()
        self._pinned: dict[str, Any] = {}
        self._previous_objects: dict[str, Any] = {}
        # the last step's live tensors told apart, so that a step that names a few of many
        # tensors costs what it names (engine/interpret/reach.py)
        self._names = LiveNames()
        self._cap = NameCap()  # the names a step records, past MAX_NAMED_TENSORS
        self._incremental = False
        self._touched: tuple[str, ...] = ()  # what the statement being recorded spells
        self._attributes: frozenset[str] = frozenset()
        self._previous_raw: dict[int, bytes | None] = {}
        self._previous: Step | None = None
        # the last step's states by name / storage label: what did not change is reused (the
        # same object), so the wire and the window hold it once, not once a step
        self._previous_states: dict[str, TensorState] = {}
        self._previous_storages: dict[int, StorageState] = {}
        self._origins: dict[str, Produced] = {}
        self._bytes_left = self.limits.recorded_bytes
        self._values_left = self.limits.recorded_values
        self._budget_told = False  # the step where the recorder's budget ran out says so
        self._stdout_left = self.limits.stdout_run_chars
        self._arrays = ArrayRecorder()
        self._previous_memory_raw: dict[int, bytes | None] = {}

    def run(self, statement: ast.stmt, segments: SourceSegments, index: int) -> Step:
        """The step after `statement`; anything that goes wrong inside it (in torch, in
        Python or in recording) is that statement's error, never the app's."""
        touched, self._attributes = spelled(statement)
        self._touched = touched
        namespace = self.interpreter.namespace
        before = {n: namespace.get(n, MISSING) for n in touched}
        result = self.interpreter.run_statement(statement, self._stdout_left)
        self._stdout_left = max(0, self._stdout_left - len(result.stdout))
        error = _error_info(result, statement)
        try:
            delta = None
            if self.incremental and self._incremental and self._previous is not None:
                delta = self._names.delta(statement, touched, self._attributes, before,
                                          namespace, self._previous_objects, self._previous)
            refused = self._refuse_unsupported(statement, delta)
            if refused is not None and error is None:
                error = refused
                delta = None  # names were dropped: look at all of them
            return self._record(statement, segments, index, result, error, delta)
        except Exception as exc:  # a tensor torch itself cannot describe (broken by the script)
            self.interpreter.namespace.clear()
            self.interpreter.call_results = []
            self._previous_objects = {}
            self._incremental = False
            problem = ErrorInfo(type(exc).__name__, safe_text(
                f"this statement left a value that cannot be inspected: {_describe(exc)}"),
                statement.lineno)
            previous = self._previous
            text = segments.of(statement)
            return Step(index, statement.lineno, statement.end_lineno or statement.lineno,
                        safe_text(text), result.stdout, error or problem,
                        previous.tensors if previous else (),
                        previous.storages if previous else (), warnings=result.warnings)

    def _charge(self, memory):
        """NumPy memory's new bytes count against the run's budget too (None past it)."""
        previous = self._previous_memory_raw.get(memory.id)
        self._previous_memory_raw[memory.id] = memory.raw
        if memory.raw is None or memory.raw is previous:
            return memory
        if len(memory.raw) > self._bytes_left:
            self._bytes_left = -1
            self._previous_memory_raw[memory.id] = None
            return replace(memory, raw=None)
        self._bytes_left -= len(memory.raw)
        return memory

    def _refuse_unsupported(self, statement: ast.stmt,
                            delta: Delta | None = None) -> ErrorInfo | None:
        """Names bound to tensors the picture cannot show are dropped, with a clear error.
        With a `delta`, only the names the statement could have bound are looked at."""
        message = None
        namespace = self.interpreter.namespace
        if delta is not None:
            candidates = [(n, namespace[n]) for n in delta.bound if n in namespace]
        else:
            candidates = list(self.interpreter.user_names().items())
        dtensor = dtensor_type()
        for name, value in candidates:
            if not isinstance(value, torch.Tensor) or (
                    dtensor is not None and isinstance(value, dtensor)):
                continue  # a DTensor is drawn per rank (Step.ranks), not as one tensor
            kind = unsupported_kind(value)
            if kind is None:
                continue
            del self.interpreter.namespace[name]
            if message is None:
                message = (f"not supported: {name} is {kind}, which has no single strided "
                           f"storage to show (use .to_dense(), .dequantize() or a plain tensor)")
        if message is None:
            return None
        self.interpreter.call_results = [(node, t) for node, t in self.interpreter.call_results
                                         if unsupported_kind(t) is None or is_dtensor(t)]
        return ErrorInfo("NotSupportedError", message, statement.lineno)

    def _record(self, statement: ast.stmt, segments: SourceSegments, index: int,
                result: StatementResult, error: ErrorInfo | None,
                delta: Delta | None = None) -> Step:
        previous = self._previous_objects
        if delta is None:  # every name: the first step, or one that may reach any tensor
            names = self.interpreter.user_names()
            dtensor = dtensor_type()
            live = {k: v for k, v in names.items() if isinstance(v, torch.Tensor)
                    and (dtensor is None or not isinstance(v, dtensor))}
            arrays_by_name = {k: v for k, v in names.items() if isinstance(v, np.ndarray)}
            self._names.rebuild(live)
            # every live tensor keeps its label and origin, recorded at this step or not
            labels = self._labels.update_keys(self._names.keys.values())
            before = {labels.get(storage_key(t)) for t in previous.values()}
            held = {id(t) for t in previous.values()}
            produced = self._produced(statement, live, labels, list(live),
                                      before.__contains__, held.__contains__)
            self._origins = {n: origin for n, origin in self._origins.items() if n in live}
            fresh = None
        else:  # only what the statement names can have changed
            next_label = self._labels.next_label
            held = self._names.objects.copy()
            live, labels, changed, fresh = self._names.apply(
                delta, self.interpreter.namespace, previous, self._labels, self._origins)
            arrays_by_name = {}
            produced = self._produced(statement, live, labels, changed,
                                      lambda label: label < next_label, held.__contains__)
        keys = self._names.keys
        self._origins.update({p.name: p for p in produced})
        known = {} if delta is None else self._previous_states  # their bases' names hold
        tensors_by_name = self._cap.kept(
            statement, live, self._origins, known,
            (self._names.renamed, set(delta.bound)) if delta is not None else (set(), set()),
            previous)
        left_out = left_out_summary(live, tensors_by_name, labels, keys, self._names.key_count)
        produced = tuple(p for p in produced if p.name in tensors_by_name)
        storages = self._storage_states(tensors_by_name, labels, keys, fresh)
        referenced = spelled_names(statement)
        tensor_storages = dict(zip(tensors_by_name, map(labels.__getitem__, map(
            keys.__getitem__, tensors_by_name))))  # (at C speed: every step)
        arrays, memories, written_memories, produced = self._arrays.record(
            arrays_by_name, storages, labels, tensor_storages, referenced, produced)
        memories = tuple(self._charge(m) for m in memories)
        self._origins.update({p.name: p for p in produced})  # with NumPy's word on them
        tensor_states = []
        by_label = {s.id: s for s in storages}
        name_of = _FirstNames(tensors_by_name)  # built only if a base must be looked up
        previous_states, previous_storages = self._previous_states, self._previous_storages
        if delta is not None:
            recheck = {*delta.bound}
            renamed = self._names.renamed  # a base whose name was rebound: a new first name?
            gained = {id(live[n]) for n in renamed if n in live}
            # the storages whose state is the last step's very object, with its bytes
            same = {label for label, s in by_label.items()
                    if s.raw is not None and previous_storages.get(label) is s}
        for name, t in tensors_by_name.items():
            old = previous_states.get(name)
            if (delta is not None and old is not None and name not in recheck
                    and old.storage_id in same and old.base_name not in renamed
                    and (old.base_name is not None or not gained or t._base is None
                         or id(t._base) not in gained)):
                tensor_states.append(old)  # nothing it shows can have changed
                continue
            state = self._unchanged_state(name, t, labels, by_label, name_of)
            if state is None:
                state = tensor_state(name, t, labels, tensors_by_name, self._origins.get(name),
                                     value_limit=max(0, min(TRACE_VALUE_LIMIT,
                                                            self._values_left)))
                if state.values is not None:
                    self._values_left -= state.numel
            tensor_states.append(state)
        written = tuple(
            s.id for s in storages
            if s.id in self._previous_raw and s.raw is not None
            and self._previous_raw[s.id] is not None and s.raw != self._previous_raw[s.id]
        )
        warnings = result.warnings
        warnings += left_out
        if not self._budget_told and (self._bytes_left < 0 or self._values_left <= 0):
            self._budget_told = True
            warnings += (f"RecorderLimit: from this step on, values and storage bytes are no "
                         f"longer kept for every step (the recorder keeps at most "
                         f"{self.limits.recorded_bytes // 2**20:,} MiB and "
                         f"{self.limits.recorded_values:,} values per run)",)
        try:
            provenance = self._provenance(statement, produced, tensors_by_name,
                                          self.interpreter.user_names, labels)
        except Exception:  # an exotic dtype the replay cannot read: no provenance, no failure
            provenance = ()
        try:
            substeps = self._substeps(segments, labels, tensors_by_name, error is not None)
        except Exception:  # noqa: BLE001 - the same for a temporary torch cannot describe
            self.interpreter.call_results = []
            substeps = ()
        step = Step(
            index=index,
            line=statement.lineno,
            end_line=statement.end_lineno or statement.lineno,
            source=safe_text(segments.of(statement)),
            stdout=result.stdout,
            error=error,
            tensors=tuple(tensor_states),
            storages=storages,
            produced=produced,
            written_storages=written,
            warnings=warnings,
            provenance=provenance,
            substeps=substeps,
            arrays=arrays,
            memories=memories,
            written_memories=written_memories,
        )
        if delta is None:
            self._pinned = {n: t.untyped_storage() for n, t in live.items()}
        else:  # the storages of the last step stay pinned until this one is recorded
            for name in delta.bound:
                if name in live:
                    self._pinned[name] = live[name].untyped_storage()
                else:
                    self._pinned.pop(name, None)
        self._previous_objects = live
        self._previous_raw = {s.id: s.raw for s in storages}
        self._previous_storages = by_label
        self._previous_states = {t.name: t for t in tensor_states}
        self._previous = step
        self._incremental = True
        return step

    def _unchanged_state(self, name: str, t: torch.Tensor, labels: dict[int, int],
                         storages: dict[int, StorageState],
                         name_of: _FirstNames) -> TensorState | None:
        """The last step's state of `name` when nothing it shows changed: the same tensor
        object, metadata, base name and origin, on a storage whose bytes are the same."""
        old = self._previous_states.get(name)
        if old is None or self._previous_objects.get(name) is not t:
            return None
        label = labels[storage_key(t)]
        storage = storages.get(label)
        if (storage is None or storage.raw is None
                or storage is not self._previous_storages.get(label)):
            return None
        base = t._base
        if (old.storage_id != label or old.shape != tuple(t.shape)
                or old.stride != t.stride() or old.storage_offset != t.storage_offset()
                or old.dtype != str(t.dtype) or old.requires_grad != t.requires_grad
                or old.data_ptr != t.data_ptr() or old.origin != self._origins.get(name)
                or old.version != (t._version if t.requires_grad else 0)
                or old.base_name != (None if base is None else name_of.get(id(base)))):
            return None
        return old

    def _substeps(self, segments: SourceSegments, labels: dict[int, int],
                  named: dict[str, torch.Tensor], failed: bool) -> tuple[SubStep, ...]:
        """The tensor each call of a chained statement returned (see Step.substeps); one
        call is a chain too when the call after it failed (`a.t().view(12)`: the picture
        shows the tensor the failing call was made on)."""
        calls = self.interpreter.call_results
        if not calls or (len(calls) < 2 and not failed):
            return ()
        out = []
        temporaries: dict[int, int] = {}  # storage key -> 0, -1, -2 … in order of appearance
        for node, tensor in calls:
            text = segments.of(node)
            key = tensor.untyped_storage()._cdata
            temporary = None
            if key not in labels:
                label = temporaries.setdefault(key, -len(temporaries))
                state = tensor_state(text, tensor, {**labels, key: label}, named, None)
                temporary = self._temporary_storage(tensor, label)
            else:
                state = tensor_state(text, tensor, labels, named, None)
            out.append(SubStep(text, state, self.interpreter.call_memory.get(node, ""),
                               temporary))
        self.interpreter.call_results = []  # let the temporaries go
        return tuple(out)

    def _temporary_storage(self, tensor: torch.Tensor, label: int) -> StorageState:
        """A storage only a sub-step reads; its bytes count against the run's budget."""
        nbytes = tensor.untyped_storage().nbytes()
        affordable = 0 <= nbytes <= self._bytes_left
        state = storage_state(tensor, label, None, devices=("cpu",),
                              byte_limit=self.limits.storage_bytes if affordable else -1)
        if state.raw is not None:
            self._bytes_left -= nbytes
        return state

    def _storage_states(self, tensors: dict[str, torch.Tensor], labels: dict[int, int],
                        keys: dict[str, int], fresh: set[int] | None
                        ) -> tuple[StorageState, ...]:
        """The kept tensors' storages; with `fresh` (the labels the statement could have
        written), any other storage recorded at the last step is that same state."""
        seen: dict[int, StorageState] = {}
        names = list(tensors)
        # one name per storage, found at C speed: this runs every step over every kept name
        first = dict(zip(reversed(list(map(keys.__getitem__, names))), reversed(names)))
        for key, name in first.items():
            label, t = labels[key], tensors[name]
            old = self._previous_storages.get(label)
            if fresh is not None and label not in fresh and old is not None \
                    and old.raw is not None:
                seen[label] = old  # out of the statement's reach: unchanged
                continue
            previous = self._previous_raw.get(label)
            nbytes = t.untyped_storage().nbytes()
            # new bytes count against the run's budget; unchanged ones are shared for free
            affordable = nbytes <= self._bytes_left or previous is not None
            state = storage_state(t, label, previous, devices=("cpu",),
                                  byte_limit=self.limits.storage_bytes if affordable else -1)
            if old is not None and old == state and old.raw is state.raw:
                state = old  # unchanged: the same object as the step before
            if state.raw is not None and state.raw is not previous:
                if nbytes > self._bytes_left:
                    state = replace(state, raw=None)
                    self._bytes_left = -1  # spent: later steps keep no new bytes
                else:
                    self._bytes_left -= nbytes
            seen[label] = state
        return tuple(sorted(seen.values(), key=lambda s: s.id))

    def _provenance(self, statement, produced, tensors, names, labels):
        copies = [p for p in produced if p.kind == "copy"]
        if not copies or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return ()
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or copies[0].name != target.id:
            return ()
        others = {k: v for k, v in names().items() if not isinstance(v, torch.Tensor)}
        cdata_labels = {k: v for k, v in labels.items()}
        sources = replay_sources(statement, self._previous_objects, others,
                                 tensors[target.id], cdata_labels)
        return ((target.id, sources),) if sources is not None else ()

    def _produced(self, statement: ast.stmt, tensors: dict[str, torch.Tensor],
                  labels: dict[int, int], candidates: list[str],
                  was_live: Callable[[int], bool],
                  was_held: Callable[[int], bool]) -> tuple[Produced, ...]:
        """How each of `candidates` (names that may hold a new object, in namespace order)
        came to be; `was_live(label)`: the storage was there at the last step, `was_held(id)`:
        a name held that object at the last step."""
        previous = self._previous_objects
        referenced = [n for n in self._touched if n in previous]
        memory = _bound_call_memory(statement, self.interpreter.call_memory)
        keys = self._names.keys
        out = []
        for name in candidates:
            tensor = tensors[name]
            if previous.get(name) is tensor:
                continue
            alias = None
            if was_held(id(tensor)):
                alias = next((n for n, t in previous.items() if t is tensor), None)
            if alias is not None:
                out.append(Produced(name, "alias", alias))
                continue
            label = labels[keys[name]]
            if was_live(label):
                base = tensor._base
                source = None if base is None else next(
                    (n for n, t in previous.items() if t is base), None)
                if source is None:
                    on_storage = (n for n, t in previous.items()
                                  if labels.get(storage_key(t)) == label)
                    source = next((n for n in referenced
                                   if labels.get(storage_key(previous[n])) == label),
                                  next(on_storage, None))
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
        message = _describe(error)
        try:
            explanation = explain_failure(failure, message)
        except Exception:  # noqa: BLE001 - an explanation that fails must not lose the error
            explanation = None
        receiver = failure.receiver_name
    if explanation is None:  # a mesh check explains itself (engine/interpret/mesh.py)
        explanation = getattr(error, "explanation", None)
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


class _FirstNames:
    """The first name each kept tensor object has (by id), worked out on the first lookup:
    most steps of a long script look none up, and building it walked every kept name."""

    def __init__(self, tensors: dict[str, torch.Tensor]) -> None:
        self._tensors, self._by_id = tensors, None

    def get(self, key: int) -> str | None:
        if self._by_id is None:
            self._by_id = {id(t): n for n, t in reversed(self._tensors.items())}
        return self._by_id.get(key)
