"""How the interpreter evaluates expressions: names, attributes, subscripts, operators with
their Python-level size limits, comprehensions (a mixin of Interpreter, which holds the state)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret import numpy_costs, numpy_policy, policy
from stridescope.engine.interpret.errors import (
    NotSupportedError,
    ResourceLimitError,
)
from stridescope.engine.interpret.guard import check_call
from stridescope.engine.interpret.static_checks import (
    _HUGE_WIDTH,
    _line,
    check_attribute_name,
)

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitAnd: operator.and_, ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_INPLACE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.Div: operator.itruediv, ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod,
    ast.Pow: operator.ipow, ast.MatMult: operator.imatmul, ast.LShift: operator.ilshift,
    ast.RShift: operator.irshift, ast.BitAnd: operator.iand, ast.BitOr: operator.ior,
    ast.BitXor: operator.ixor,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Not: operator.not_,
    ast.Invert: operator.invert,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class ExpressionEvaluator:
    """Evaluates one expression node; the Interpreter supplies _tick, _getattr's checks,
    names and limits."""

    def _eval(self, node: ast.expr) -> Any:
        self._tick(node)
        method = getattr(self, f"_eval_{type(node).__name__}", None)
        if method is None:
            raise NotSupportedError(f"not supported: {type(node).__name__}", _line(node))
        return method(node)

    def _eval_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _eval_Name(self, node: ast.Name) -> Any:
        return self._lookup(node.id, node)

    def _lookup(self, name: str, node: ast.AST) -> Any:
        if name in self.namespace:
            return self.namespace[name]
        if name in self._builtins:
            return self._builtins[name]
        if policy.is_python_builtin(name):
            raise NotSupportedError(f"not supported: the builtin {name}", _line(node))
        raise NameError(f"name '{name}' is not defined")

    def _eval_Attribute(self, node: ast.Attribute) -> Any:
        return self._getattr(self._eval(node.value), node.attr, node)

    def _getattr(self, obj: Any, name: str, node: ast.AST) -> Any:
        check_attribute_name(name, _line(node))
        numpy_policy.check_attribute(obj, name, _line(node))
        allowed = policy.allowed_attributes(obj)
        if allowed is not None and name in allowed:
            return getattr(obj, name)
        if not hasattr(obj, name):
            return getattr(obj, name)  # raises Python's own AttributeError
        owner = getattr(obj, "__name__", "") if isinstance(obj, type(np)) else type(obj).__name__
        raise NotSupportedError(
            f"not supported: {owner}.{name} is not in Stridescope's allowlist", _line(node))

    def _eval_Subscript(self, node: ast.Subscript) -> Any:
        return self._getitem(self._eval(node.value), self._eval(node.slice), node)

    def _getitem(self, container: Any, index: Any, node: ast.AST) -> Any:
        if isinstance(container, torch.Tensor):
            check_call(operator.getitem, (container, index), {}, self.limits,
                       line=_line(node), what="this indexing")
        elif isinstance(container, np.ndarray):
            count = numpy_costs.fancy_index(container, index)
            numpy_policy.check_call(lambda a, k: (count * container.itemsize, count), (), {},
                                    self.limits, line=_line(node), what="this indexing")
        try:
            return container[index]
        except Exception:
            if isinstance(container, torch.Tensor):
                self._remember_failure("getitem", container, (index,), {},
                                       getattr(node, "value", None))
            raise

    def _eval_Slice(self, node: ast.Slice) -> slice:
        def part(n: ast.expr | None) -> Any:
            return None if n is None else self._eval(n)
        return slice(part(node.lower), part(node.upper), part(node.step))

    def _eval_Tuple(self, node: ast.Tuple) -> tuple:
        return tuple(self._eval_items(node.elts))

    def _eval_List(self, node: ast.List) -> list:
        return self._eval_items(node.elts)

    def _eval_Set(self, node: ast.Set) -> set:
        return set(self._eval_items(node.elts))

    def _eval_items(self, elts: list[ast.expr]) -> list:
        items: list = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                value = self._eval(elt.value)
                self._check_iteration(value, elt)
                items.extend(value)
            else:
                items.append(self._eval(elt))
        return items

    def _eval_Dict(self, node: ast.Dict) -> dict:
        result: dict = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                result.update(self._eval(value))
            else:
                result[self._eval(key)] = self._eval(value)
        return result

    def _eval_JoinedStr(self, node: ast.JoinedStr) -> str:
        return "".join(str(self._eval(v)) if isinstance(v, ast.Constant) else self._eval(v)
                       for v in node.values)

    def _eval_FormattedValue(self, node: ast.FormattedValue) -> str:
        value = self._eval(node.value)
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        elif node.conversion == ord("a"):
            value = ascii(value)
        spec = "" if node.format_spec is None else self._eval(node.format_spec)
        if _HUGE_WIDTH.search(spec):
            raise ResourceLimitError("format width too large", _line(node))
        return format(value, spec)

    def _eval_BinOp(self, node: ast.BinOp) -> Any:
        left = self._eval(node.left)
        right = self._eval(node.right)
        return self._binary(_BINOPS[type(node.op)], left, right, node)

    def _binary(self, op: Callable, left: Any, right: Any, node: ast.AST) -> Any:
        self._check_python_size(op, left, right, node)
        if isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor):
            check_call(op, (left, right), {}, self.limits, line=_line(node),
                       what="this operation")
        if numpy_policy.involves_numpy(left, right) and op not in (operator.is_,
                                                                    operator.is_not):
            numpy_policy.check_operation(op, left, right, self.limits, op in _INPLACE.values(),
                                         line=_line(node))
        try:
            return op(left, right)
        except Exception:
            if isinstance(left, torch.Tensor):
                target = getattr(node, "target", getattr(node, "left", None))
                right_node = getattr(node, "right", getattr(node, "value", None))
                self._remember_failure(op.__name__, left, (right,), {}, target, (right_node,))
            raise

    def _check_python_size(self, op: Callable, left: Any, right: Any, node: ast.AST) -> None:
        """Refuse giant Python strings, lists and integers before they are built."""
        sequences = (str, bytes, list, tuple)
        if op in (operator.mul, operator.imul):
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, sequences) and isinstance(count, (int, np.integer)):
                    # nested lists count in full: printing [[0] * 10**6] * 10**6 would not end
                    size = _weight(seq) * max(int(count), 0)
                    if size > policy.MAX_SEQUENCE_LENGTH:
                        raise ResourceLimitError(
                            f"a sequence of {size:,} items is too large", _line(node))
        if op in (operator.pow, operator.ipow) and _is_int(left) and _is_int(right):
            if policy.int_result_bits(left, right) > policy.MAX_INT_BITS:
                raise ResourceLimitError("this power is too large to compute", _line(node))
        if op in (operator.lshift, operator.ilshift) and _is_int(left) and _is_int(right):
            if right > policy.MAX_INT_BITS:
                raise ResourceLimitError("this shift is too large to compute", _line(node))
        if op in (operator.mod, operator.imod) and isinstance(left, str):
            if _HUGE_WIDTH.search(left):
                raise ResourceLimitError("format width too large", _line(node))

    def _pow(self, base: Any, exp: Any, mod: Any = None) -> Any:
        if mod is None:
            self._check_python_size(operator.pow, base, exp, None)  # type: ignore[arg-type]
            return pow(base, exp)
        if _is_int(exp) and _is_int(mod) and exp.bit_length() * max(
                mod.bit_length(), 1) ** 2 > policy.MAX_MODPOW_WORK:
            raise ResourceLimitError("this modular power is too large to compute")
        return pow(base, exp, mod)

    def _round(self, number: Any, ndigits: Any = None) -> Any:
        if _is_int(ndigits) and abs(ndigits) > policy.MAX_ROUND_DIGITS:
            raise ResourceLimitError(
                f"round() to {ndigits:,} digits is too costly; use at most "
                f"{policy.MAX_ROUND_DIGITS:,}")
        return round(number) if ndigits is None else round(number, ndigits)

    def _eval_UnaryOp(self, node: ast.UnaryOp) -> Any:
        op = _UNARY[type(node.op)]
        operand = self._eval(node.operand)
        if op is not operator.not_:
            if isinstance(operand, torch.Tensor):
                check_call(op, (operand,), {}, self.limits, line=_line(node),
                           what="this operation")
            elif numpy_policy.involves_numpy(operand):
                numpy_policy.check_call(numpy_costs.elementwise, (operand,), {}, self.limits,
                                        line=_line(node), what="this operation")
        return op(operand)

    def _eval_BoolOp(self, node: ast.BoolOp) -> Any:
        value = None
        for operand in node.values:
            value = self._eval(operand)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _eval_Compare(self, node: ast.Compare) -> Any:
        left = self._eval(node.left)
        result: Any = True
        last = len(node.ops) - 1
        for n, (op, right_node) in enumerate(zip(node.ops, node.comparators)):
            right = self._eval(right_node)
            result = self._binary(_COMPARE[type(op)], left, right, node)
            if n < last and not result:  # a chain is `x < y and y < z`: truthiness between
                return result
            left = right
        return result

    def _eval_IfExp(self, node: ast.IfExp) -> Any:
        return self._eval(node.body) if self._eval(node.test) else self._eval(node.orelse)

    def _eval_Starred(self, node: ast.Starred) -> Any:
        raise NotSupportedError("not supported: starred expression here", _line(node))

    # comprehensions run in a child scope, as in Python 3
    def _comprehension(self, node: Any, emit: Callable[[], None]) -> None:
        saved = dict(self.namespace)
        try:
            self._run_generators(node.generators, 0, emit)
        finally:
            self.namespace = saved

    def _run_generators(self, generators: list[ast.comprehension], depth: int,
                        emit: Callable[[], None]) -> None:
        if depth == len(generators):
            emit()
            return
        gen = generators[depth]
        if gen.is_async:
            raise NotSupportedError("not supported: async comprehension", _line(gen.target))
        iterable = self._eval(gen.iter)
        self._check_iteration(iterable, gen.iter)
        for item in iterable:
            self._tick(gen.iter)
            self._assign(gen.target, item)
            if all(self._eval(cond) for cond in gen.ifs):
                self._run_generators(generators, depth + 1, emit)

    def _eval_ListComp(self, node: ast.ListComp) -> list:
        out: list = []
        self._comprehension(node, lambda: out.append(self._eval(node.elt)))
        return out

    _eval_GeneratorExp = _eval_ListComp  # evaluated eagerly: no lazy generators escape

    def _eval_SetComp(self, node: ast.SetComp) -> set:
        out: set = set()
        self._comprehension(node, lambda: out.add(self._eval(node.elt)))
        return out

    def _eval_DictComp(self, node: ast.DictComp) -> dict:
        out: dict = {}

        def emit() -> None:
            out[self._eval(node.key)] = self._eval(node.value)
        self._comprehension(node, emit)
        return out


def _weight(value: Any, depth: int = 0) -> int:
    """How many items printing `value` would visit (nested lists and tuples in full)."""
    if isinstance(value, (str, bytes)):
        return max(len(value), 1)
    if isinstance(value, (list, tuple)) and depth < 4:
        return max(1, sum(_weight(v, depth + 1) for v in value[:1000]) * max(1, len(value))
                   // max(1, min(len(value), 1000)))
    return 1


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
