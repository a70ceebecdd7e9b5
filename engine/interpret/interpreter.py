"""An allowlisted AST interpreter that runs PyTorch scripts on real torch, one statement at a time.

User text is never passed to exec/eval/compile. Each top-level statement is first vetted
statically (node types, names, attribute names) so a refused construct runs nothing, then
evaluated node by node; attribute reads and calls are checked again against the runtime
type, and every tensor operation is sized on the meta device before it runs.
"""

from __future__ import annotations

import ast
import io
import operator
import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret import numpy_policy, policy
from stridescope.engine.interpret.errors import (
    BudgetExceededError,
    NotSupportedError,
    RefusedError,
    ResourceLimitError,
    ScriptError,
    TimeLimitError,
)
from stridescope.engine.interpret.expressions import _INPLACE, ExpressionEvaluator, _is_int
from stridescope.engine.interpret.guard import Limits, arange_probe, check_call
from stridescope.engine.interpret.script import safe_text
from stridescope.engine.interpret.static_checks import (
    _FROM_MODULES,
    _METADATA_METHODS,
    _MODULES,
    _SETTABLE_ATTRIBUTES,
    MAX_RECORDED_CALLS,
    RECORDED_BYTES,
    ViewFailure,
    _Break,
    _Continue,
    _line,
    vet,
)
from stridescope.engine.teaching.explain_base import FailedCall, TensorFacts
from stridescope.engine.teaching.facts import (
    failed_call,
    graph_facts,
    is_ndarray,
    written_part,
)

SAFE_KEYS = (len, abs, str, int, float, round, bool)  # key= callables without side effects
MAX_WARNINGS = 20  # distinct warnings kept per statement


@dataclass(frozen=True, slots=True)
class StatementResult:
    stdout: str
    error: BaseException | None
    warnings: tuple[str, ...]
    failure: FailedCall | None = None  # what the failing tensor call was given

    @property
    def view_failure(self) -> ViewFailure | None:
        """The failed view()'s inputs (the older, view-only form of `failure`)."""
        f = self.failure
        if f is None or f.op != "view" or not isinstance(f.receiver, TensorFacts):
            return None
        sizes = f.kwarg("size", f.args[0] if len(f.args) == 1 and isinstance(f.args[0], tuple)
                        else f.args)
        if not (isinstance(sizes, tuple) and all(_is_int(s) for s in sizes)):
            return None
        return ViewFailure(f.receiver.shape, f.receiver.stride, sizes, f.receiver_name)


class Interpreter(ExpressionEvaluator):
    """Holds one script's namespace; runs its top-level statements one at a time."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.namespace: dict[str, Any] = {}
        self._builtins = policy.safe_builtins()
        self._builtins["print"] = self._print
        self._builtins["pow"] = self._pow
        self._builtins["round"] = self._round
        self._torch_names = {id(getattr(torch, n)): n for n in policy.torch_attributes()
                             if callable(getattr(torch, n))}
        self._stdout = io.StringIO()
        self._operations = 0
        self._deadline = 0.0
        self._failure: FailedCall | None = None
        self._value_node: ast.expr | None = None
        # what each call of the statement did to memory, by storage identity (see _memory)
        self.call_memory: dict[ast.Call, str] = {}
        # the tensors the statement's calls returned, in the order they returned (sub-steps
        # of a chained call); None once a call ran twice (a loop) or there were too many
        self.call_results: list[tuple[ast.Call, torch.Tensor]] | None = []
        _rearm_typed_storage_warning()

    # ----------------------------------------------------------------- public API
    def run_statement(self, statement: ast.stmt,
                      stdout_left: int | None = None) -> StatementResult:
        """Run one top-level statement; `stdout_left` is what the run may still print."""
        cap = self.limits.stdout_step_chars
        self._stdout = _BoundedText(cap if stdout_left is None else min(cap, stdout_left))
        self._operations = 0
        self._deadline = time.monotonic() + self.limits.max_seconds
        self._failure = None
        self.call_memory = {}
        self.call_results = []
        error: BaseException | None = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                vet(statement)
                self._exec(statement)
            except (_Break, _Continue):
                error = SyntaxError("'break' outside loop")
            except RecursionError:
                error = NotSupportedError("expression nested too deeply", _line(statement))
            except MemoryError:
                error = ResourceLimitError(_out_of_memory(self.limits), _line(statement))
            except Exception as exc:  # torch and Python errors are the user's to see
                error = _memory_error(exc, self.limits, _line(statement)) or exc
        messages = tuple(dict.fromkeys(safe_text(f"{w.category.__name__}: {w.message}")
                                       for w in caught))
        if len(messages) > MAX_WARNINGS:  # warnings are output too: capped like print
            messages = messages[:MAX_WARNINGS] + (
                f"… {len(messages) - MAX_WARNINGS:,} more warnings not shown",)
        return StatementResult(safe_text(self._stdout.getvalue()), error, messages,
                               self._failure)

    def user_names(self) -> dict[str, Any]:
        return {k: v for k, v in self.namespace.items() if not k.startswith("_")}

    # ----------------------------------------------------------------- statements
    def _exec(self, node: ast.stmt) -> None:
        self._tick(node)
        method = getattr(self, f"_exec_{type(node).__name__}", None)
        if method is None:  # the vetter lets only known statements through
            raise NotSupportedError(f"not supported: {type(node).__name__}", _line(node))
        method(node)

    def _exec_block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self._exec(statement)

    def _exec_Expr(self, node: ast.Expr) -> None:
        self._eval(node.value)

    def _exec_Pass(self, node: ast.Pass) -> None:
        pass

    def _exec_Break(self, node: ast.Break) -> None:
        raise _Break

    def _exec_Continue(self, node: ast.Continue) -> None:
        raise _Continue

    def _exec_Assign(self, node: ast.Assign) -> None:
        value = self._eval(node.value)
        self._value_node = node.value  # labels the source if `t[i] = value` fails
        try:
            for target in node.targets:
                self._assign(target, value)
        finally:
            self._value_node = None

    def _exec_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, self._eval(node.value))

    def _exec_AugAssign(self, node: ast.AugAssign) -> None:
        op = _INPLACE[type(node.op)]
        target = node.target
        if isinstance(target, ast.Name):
            current = self._lookup(target.id, target)
            self.namespace[target.id] = self._binary(op, current, self._eval(node.value), node)
        elif isinstance(target, ast.Subscript):
            container = self._eval(target.value)
            index = self._eval(target.slice)
            current = self._getitem(container, index, target)
            updated = self._binary(op, current, self._eval(node.value), node)
            operator.setitem(container, index, updated)
        else:
            raise NotSupportedError("not supported: augmented assignment to an attribute",
                                    _line(node))

    def _exec_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if target.id not in self.namespace:
                raise NameError(f"name '{target.id}' is not defined")
            del self.namespace[target.id]

    def _exec_Assert(self, node: ast.Assert) -> None:
        if not self._eval(node.test):
            raise AssertionError(*(() if node.msg is None else (self._eval(node.msg),)))

    def _exec_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.namespace[alias.asname or alias.name] = _MODULES[alias.name]

    def _exec_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = _FROM_MODULES[node.module]
        for alias in node.names:
            self.namespace[alias.asname or alias.name] = getattr(module, alias.name)

    def _exec_If(self, node: ast.If) -> None:
        self._exec_block(node.body if self._eval(node.test) else node.orelse)

    def _exec_For(self, node: ast.For) -> None:
        iterable = self._eval(node.iter)
        self._check_iteration(iterable, node)
        for item in iterable:
            self._tick(node)
            self._assign(node.target, item)
            try:
                self._exec_block(node.body)
            except _Break:
                return
            except _Continue:
                continue
        self._exec_block(node.orelse)

    def _assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.namespace[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target, value)
        elif isinstance(target, ast.Subscript):
            container = self._eval(target.value)
            index = self._eval(target.slice)
            if container is torch:
                raise RefusedError("refused: item assignment on the torch module", _line(target))
            numpy_policy.check_setitem(container, _line(target))
            # tensors, storages, lists, dicts; immutable values raise Python's own TypeError
            try:
                operator.setitem(container, index, value)
            except Exception:
                if isinstance(container, torch.Tensor):
                    self._remember_failure("setitem", container, (index, value),
                                           written_part(container, index, target),
                                           target.value,
                                           (target.slice, self._value_node))
                raise
        elif isinstance(target, ast.Attribute):
            obj = self._eval(target.value)
            if target.attr not in _SETTABLE_ATTRIBUTES or not isinstance(obj, torch.Tensor):
                raise NotSupportedError(
                    f"not supported: setting the attribute .{target.attr}", _line(target))
            setattr(obj, target.attr, value)
        else:
            raise NotSupportedError(
                f"not supported: assignment to {type(target).__name__}", _line(target))

    def _unpack(self, target: ast.Tuple | ast.List, value: Any) -> None:
        self._check_iteration(value, target)
        items = list(value)
        starred = [i for i, elt in enumerate(target.elts) if isinstance(elt, ast.Starred)]
        count = len(target.elts)
        if not starred:
            if len(items) > count:
                raise ValueError(f"too many values to unpack (expected {count})")
            if len(items) < count:
                raise ValueError(
                    f"not enough values to unpack (expected {count}, got {len(items)})")
            for elt, item in zip(target.elts, items):
                self._assign(elt, item)
            return
        star = starred[0]
        after = count - star - 1
        if len(items) < count - 1:
            raise ValueError(
                f"not enough values to unpack (expected at least {count - 1}, got {len(items)})")
        for elt, item in zip(target.elts[:star], items[:star]):
            self._assign(elt, item)
        self._assign(target.elts[star].value, items[star:len(items) - after])
        for elt, item in zip(target.elts[star + 1:], items[len(items) - after:]):
            self._assign(elt, item)

    # ----------------------------------------------------------------- expressions

    def _eval_Call(self, node: ast.Call) -> Any:
        receiver: Any = None
        if isinstance(node.func, ast.Attribute):
            receiver = self._eval(node.func.value)
            func = self._getattr(receiver, node.func.attr, node.func)
            name = node.func.attr
        else:
            func = self._eval(node.func)
            name = getattr(func, "__name__", "this call")
        args = tuple(self._eval_items(node.args))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                kwargs.update(self._eval(keyword.value))
            else:
                kwargs[keyword.arg] = self._eval(keyword.value)
        if func is type and (len(args) != 1 or kwargs):
            raise RefusedError("refused: type() with three arguments creates a class",
                               _line(node))
        key = kwargs.get("key")
        if key is not None and key not in SAFE_KEYS:
            # sorted/min/max/list.sort call key= themselves, past every check of a call
            raise RefusedError("refused: key= takes only len, abs, str, int, float, round or "
                               "bool (another callable would run without the interpreter's "
                               "checks)", _line(node))
        self._check_callable(func, node)
        self._check_arguments(func, args, kwargs, node)
        probe, force = self._probe_for(receiver, func, name)
        if policy.EXTENSIONS and policy.extension_skips_probe(
                (receiver, *args, *kwargs.values())):
            probe = None
        check_call(probe, self._wrap_receiver(receiver, args), kwargs, self.limits,
                   line=_line(node), what=f"{name}()", force_probe=force)
        numpy_policy.check_bridge(func, args, kwargs, _line(node))
        numpy_rule = numpy_policy.rule_for(receiver, func, name)
        if numpy_rule is not None:
            rule, receiver_args = numpy_rule
            numpy_policy.check_call(rule, (*receiver_args, *args), kwargs, self.limits,
                                    line=_line(node), what=f"{name}()")
        try:
            result = func(*args, **kwargs)
        except Exception:
            if isinstance(receiver, torch.Tensor):
                self._remember_failure(name, receiver, args, kwargs, node.func.value,
                                       node.args)
            else:  # torch.f(t, …): the first argument is what the call works on
                self._remember_failure(name, None, args, kwargs, None, node.args)
            raise
        numpy_policy.check_result(result, _line(node))
        if isinstance(result, torch.Tensor):
            self._record_call(node, result, (receiver, *args, *kwargs.values()))
        return result

    def _record_call(self, node: ast.Call, result: torch.Tensor, inputs: tuple) -> None:
        if policy.EXTENSIONS and policy.extension_skips_probe((result,)):
            self.call_results = None  # a DTensor: drawn per rank, not as a sub-step
            return
        repeated = node in self.call_memory
        self.call_memory[node] = _memory(result, inputs)
        results = self.call_results
        if results is None:
            return
        try:
            too_big = not result.is_meta and result.untyped_storage().nbytes() > RECORDED_BYTES
        except (RuntimeError, NotImplementedError):  # no storage (sparse…): not drawable
            too_big = True
        if repeated or too_big or len(results) >= MAX_RECORDED_CALLS:
            self.call_results = None  # not a short chain: no sub-steps, nothing held
            return
        results.append((node, result))

    def _probe_for(self, receiver: Any, func: Any, name: str) -> tuple[Callable | None, bool]:
        """The same operation on meta twins, or None when it touches no tensors."""
        if isinstance(receiver, torch.Tensor):
            if name in _METADATA_METHODS:
                return None, False
            if name == "numpy":  # a view of the same memory; force=True may resolve a conj
                return (lambda twin, *a, **k: twin.resolve_conj().resolve_neg()), False
            return (lambda twin, *a, **k: getattr(twin, name)(*a, **k)), False
        if func in (abs, round, pow, divmod):  # builtins that call a tensor's own operator
            return func, False
        torch_name = name if receiver is torch else self._torch_names.get(id(func))
        if torch_name is None:
            return None, False
        if torch_name == "from_numpy":  # shares the array's memory: allocates nothing
            return (lambda twin, *a, **k: twin), False
        torch_func = getattr(torch, torch_name)
        if torch_name == "arange":
            return arange_probe, True
        if torch_name in policy.FACTORIES:
            return (lambda *a, **k: torch_func(*a, **{**k, "device": "meta"})), True
        return torch_func, False

    def _wrap_receiver(self, receiver: Any, args: tuple) -> tuple:
        return (receiver, *args) if isinstance(receiver, torch.Tensor) else args

    def _check_callable(self, func: Any, node: ast.Call) -> None:
        if (isinstance(func, type) and func not in policy.ALLOWED_CONSTRUCTORS
                and func is not type and not policy.extension_constructs(func)
                and func not in numpy_policy.scalar_types()):
            raise NotSupportedError(
                f"not supported: calling the class {func.__name__}", _line(node))
        if not callable(func):
            raise TypeError(f"'{type(func).__name__}' object is not callable")

    def _check_arguments(self, func: Any, args: tuple, kwargs: dict, node: ast.Call) -> None:
        owner = getattr(func, "__self__", None)
        policy.check_string_arguments(func, owner, args, kwargs, _line(node))
        if getattr(func, "__name__", "") == "tolist" and owner is not None:
            count = (owner.numel() if isinstance(owner, torch.Tensor)
                     else owner.size if isinstance(owner, (np.ndarray, np.generic))
                     else len(owner) if isinstance(owner, (torch.TypedStorage,
                                                            torch.UntypedStorage)) else 0)
            if count > policy.MAX_SEQUENCE_LENGTH:
                raise ResourceLimitError(
                    f"tolist() of {count:,} elements would build a Python list too large to "
                    f"show; slice the tensor first", _line(node))
        for value in (*args, *kwargs.values()):
            if isinstance(value, range) and len(value) > policy.MAX_SEQUENCE_LENGTH:
                raise ResourceLimitError(
                    f"a range of {len(value):,} items is too large to pass on", _line(node))
            if (func in (list, tuple, sorted, sum, min, max, set, any, all)
                    and isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim > 0
                    and len(value) > 100_000):
                raise ResourceLimitError(
                    f"iterating {len(value):,} rows in Python is too slow; use tensor ops",
                    _line(node))

    def _check_iteration(self, value: Any, node: ast.AST) -> None:
        if isinstance(value, range) and len(value) > policy.MAX_SEQUENCE_LENGTH:
            raise ResourceLimitError(
                f"a range of {len(value):,} items is too large", _line(node))

    def _remember_failure(self, op: str, receiver: Any, args: tuple, kwargs: dict,
                          receiver_node: ast.AST | None,
                          arg_nodes: Sequence[ast.AST | None] = ()) -> None:
        """Keep the facts of a failing call that involves a tensor, for the explanations."""
        if self._failure is not None:
            return  # the innermost failing call is the one to explain
        if not any(isinstance(v, torch.Tensor) or is_ndarray(v)
                   for v in (receiver, *args, *kwargs.values())):
            return
        try:
            if op == "backward":  # the graph's named tensors: which one was written since
                kwargs = {**kwargs, "graph": graph_facts(self.user_names())}
            self._failure = failed_call(op, receiver, args, kwargs, receiver_node, arg_nodes)
        except Exception:  # facts are a bonus: never let them hide the user's error
            self._failure = None

    def _print(self, *args: Any, sep: str | None = " ", end: str | None = "\n",
               file: Any = None, flush: bool = False) -> None:
        if file is not None:
            raise RefusedError("refused: print(file=...) — a script may not write files")
        if self._stdout.full:
            return  # nothing more is kept: do not even format the values
        print(*args, sep=sep, end=end, file=self._stdout)

    def _tick(self, node: ast.AST) -> None:
        self._operations += 1
        if self._operations > self.limits.max_operations:
            raise BudgetExceededError(
                f"the statement ran past its budget of {self.limits.max_operations:,} "
                f"operations — is a loop running too long?", _line(node))
        if self._operations % 256 == 0 and time.monotonic() > self._deadline:
            raise TimeLimitError(
                f"statement took longer than {self.limits.max_seconds:g} s (the time limit)",
                _line(node))


class _BoundedText(io.StringIO):
    """Printed output kept up to `cap` characters, then one "output truncated" line."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = max(cap, 0)
        self.kept = 0
        self.full = False

    def write(self, text: str) -> int:
        if self.full:
            return len(text)
        room = self.cap - self.kept
        if len(text) > room:
            super().write(text[:room])
            super().write(f"\n… output truncated (more than {self.cap:,} characters)\n")
            self.kept = self.cap
            self.full = True
            return len(text)
        self.kept += len(text)
        return super().write(text)


def _format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def _out_of_memory(limits: Limits, asked: int | None = None) -> str:
    what = f" (this statement asked for {_format_bytes(asked)})" if asked else ""
    return (f"the script needed more than {_format_bytes(limits.memory_bytes)} of memory, "
            f"the worker's limit{what}")


_ALLOCATION = re.compile(r"can't allocate memory: you tried to allocate (\d+) bytes|"
                         r"not enough memory: you tried to allocate (\d+) bytes|std::bad_alloc")


def _memory_error(exc: Exception, limits: Limits, line: int | None) -> ResourceLimitError | None:
    """torch's allocation failures (the worker's memory limit) as a clear limit error."""
    if not isinstance(exc, RuntimeError):
        return None
    try:
        match = _ALLOCATION.search(str(exc))
    except Exception:  # noqa: BLE001 - a message that cannot format is not an allocation
        return None
    if match is None:
        return None
    asked = next((int(g) for g in match.groups() if g), None)
    return ResourceLimitError(_out_of_memory(limits, asked), line)




def _memory(result: torch.Tensor, inputs: tuple) -> str:
    """What a call did to memory, judged by storage identity (not `_is_view()`, which is False
    for `view(dtype)`): "same" (returned an input), "view" (its storage is an input's),
    "copy" (new storage made from input tensors), "new" (no tensor went in)."""
    tensors = [v for v in inputs if isinstance(v, torch.Tensor)]
    tensors += [x for v in inputs if isinstance(v, (list, tuple)) for x in v
                if isinstance(x, torch.Tensor)]
    arrays = [v for v in inputs if isinstance(v, np.ndarray)]
    if arrays and not tensors:  # torch.from_numpy(a) / as_tensor(a) view a's memory
        return "view" if numpy_policy.holds_tensor_memory(arrays, result) else "copy"
    if not tensors:
        return "new"
    if any(result is t for t in tensors):
        return "same"
    try:
        key = result.untyped_storage()._cdata
        shared = any(t.untyped_storage()._cdata == key for t in tensors)
    except (RuntimeError, NotImplementedError):  # sparse and other storage-less layouts
        return "unknown"
    return "view" if shared else "copy"


def _rearm_typed_storage_warning() -> None:
    """torch warns about the deprecated TypedStorage once per process; each run starts clean,
    so a script calling `.storage()` shows the warning every time it runs."""
    warn = getattr(torch.storage, "_warn_typed_storage_removal", None)
    if warn is not None:
        warn.__dict__["has_warned"] = False




__all__ = ["Interpreter", "StatementResult", "ViewFailure", "FailedCall", "ScriptError", "vet"]
