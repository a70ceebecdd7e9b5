"""What the interpreter refuses before a statement runs: the statements, names, attributes and
imports a script may use, checked on its syntax tree (vet), and the values both sides share."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import numpy as np
import torch

from stridescope.engine.interpret import numpy_policy, policy
from stridescope.engine.interpret.errors import (
    NotSupportedError,
    RefusedError,
)

_ALLOWED_STATEMENTS = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.If,
    ast.For, ast.Pass, ast.Delete, ast.Break, ast.Continue, ast.Assert,
)
_STATEMENT_NAMES = {
    ast.FunctionDef: "def (function definitions)", ast.AsyncFunctionDef: "async def",
    ast.ClassDef: "class definitions", ast.Return: "return", ast.While: "while loops",
    ast.With: "with blocks", ast.AsyncWith: "async with", ast.Try: "try blocks",
    ast.Raise: "raise", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.AsyncFor: "async for", ast.Match: "match statements",
}
if hasattr(ast, "TryStar"):
    _STATEMENT_NAMES[ast.TryStar] = "try blocks"
# Constructs that are refused (not merely unsupported): they define or run code.
_REFUSED_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.While,
                       ast.With, ast.AsyncWith, ast.Try, ast.Global, ast.Nonlocal)
_EXPRESSION_NAMES = {
    ast.Lambda: "lambda", ast.Yield: "yield", ast.YieldFrom: "yield from",
    ast.Await: "await", ast.NamedExpr: "the walrus operator :=",
}
# Tensor methods that only read metadata: never probed (probing storage() would also use
# up torch's one-time deprecation warning on the meta twin).
_METADATA_METHODS = frozenset(
    "storage untyped_storage stride size dim ndimension storage_offset is_contiguous "
    "data_ptr element_size numel nelement is_floating_point is_complex get_device "
    "_is_view".split()
)
_SETTABLE_ATTRIBUTES = frozenset({"requires_grad"})
_MODULES = {"torch": torch, "numpy": np}
_FROM_MODULES = {"torch": torch, "numpy": np, "numpy.random": np.random,
                 "numpy.lib.stride_tricks": np.lib.stride_tricks}
_HUGE_WIDTH = re.compile(r"\d{7,}")


MAX_RECORDED_CALLS = 16          # sub-steps of one statement at most
RECORDED_BYTES = 64 * 1024**2    # a call result with a larger storage is not held for them


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


@dataclass(frozen=True, slots=True)
class ViewFailure:
    """The inputs of a failed view(), kept so the engine can explain the failure."""

    shape: tuple[int, ...]
    stride: tuple[int, ...]
    requested: tuple[int, ...]
    receiver: str | None = None  # the name view() was called on, when it was a plain name


def _line(node: ast.AST) -> int | None:
    return getattr(node, "lineno", None)


class _Vetter(ast.NodeVisitor):
    """Static check of one statement: refuses what must never run, before anything runs."""

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.stmt) and not isinstance(node, _ALLOWED_STATEMENTS):
            what = _STATEMENT_NAMES.get(type(node), type(node).__name__)
            error = RefusedError if isinstance(node, _REFUSED_STATEMENTS) else NotSupportedError
            verb = "refused" if error is RefusedError else "not supported"
            raise error(f"{verb}: {what}", _line(node))
        if type(node) in _EXPRESSION_NAMES:
            error = RefusedError if isinstance(node, ast.Lambda) else NotSupportedError
            verb = "refused" if error is RefusedError else "not supported"
            raise error(f"{verb}: {_EXPRESSION_NAMES[type(node)]}", _line(node))
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        check_name(node.id, _line(node))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        check_attribute_name(node.attr, _line(node))
        if (node.attr in numpy_policy.REFUSED and isinstance(node.value, ast.Attribute)
                and node.value.attr == "lib"):  # np.lib.format, np.lib.npyio
            raise RefusedError(
                f"refused: lib.{node.attr} — {numpy_policy.REFUSED[node.attr]}", _line(node))
        self.visit(node.value)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name not in _MODULES:
                raise RefusedError(
                    f"refused: import {alias.name} — only 'import torch' and 'import numpy' "
                    f"are allowed", _line(node))
            if alias.asname:
                check_name(alias.asname, _line(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if (node.module or "").startswith("torch.distributed.") and \
                node.module not in _FROM_MODULES and not node.level:
            raise RefusedError(
                f"refused: from {node.module} import … runs only on a device mesh: add a "
                f"'#! mesh 2x2' line (or --mesh 4) and import from torch.distributed.tensor",
                _line(node))
        if node.module not in _FROM_MODULES or node.level:
            raise RefusedError(
                f"refused: from {node.module} import … — only torch and numpy may be imported",
                _line(node))
        module = _FROM_MODULES[node.module]
        for alias in node.names:
            if alias.name == "*":
                raise NotSupportedError(f"not supported: from {node.module} import *",
                                        _line(node))
            check_attribute_name(alias.name, _line(node))
            if alias.name not in policy.allowed_attributes(module):
                raise NotSupportedError(
                    f"not supported: {node.module}.{alias.name} is not in Stridescope's "
                    f"allowlist", _line(node))
            check_name(alias.asname or alias.name, _line(node))

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Name):
                raise RefusedError("refused: del of anything but a name", _line(node))
            self.visit(target)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if any(k.arg == "file" for k in node.keywords):
            raise RefusedError("refused: file=... — a script may not write files", _line(node))
        if isinstance(func, ast.Attribute) and func.attr in ("format", "format_map"):
            raise NotSupportedError("not supported: str.format (use an f-string)", _line(node))
        self.generic_visit(node)


def check_name(name: str, line: int | None) -> None:
    if name.startswith("__"):
        raise RefusedError(f"refused: the dunder name {name}", line)
    if name in policy.FORBIDDEN_NAMES:
        raise RefusedError(f"refused: {name}() — {policy.FORBIDDEN_NAMES[name]}", line)


def check_attribute_name(name: str, line: int | None) -> None:
    if name.startswith("__"):
        raise RefusedError(f"refused: the dunder attribute .{name}", line)
    if name.startswith("_") and name not in policy.PRIVATE_ATTRIBUTES_ALLOWED:
        raise RefusedError(f"refused: the private attribute .{name}", line)
    if name in policy.DANGEROUS_ATTRIBUTES:
        raise RefusedError(f"refused: .{name} — {policy.DANGEROUS_ATTRIBUTES[name]}", line)
    if name in numpy_policy.STATIC_REFUSED:
        raise RefusedError(f"refused: .{name} — {numpy_policy.STATIC_REFUSED[name]}", line)


def vet(statement: ast.stmt) -> None:
    """Raise RefusedError/NotSupportedError if the statement may not run."""
    _Vetter().visit(statement)
