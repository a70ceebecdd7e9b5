"""Errors the interpreter raises for scripts it will not (or cannot) run."""

from __future__ import annotations


class ScriptError(Exception):
    """A problem with the script itself, reported with the line it comes from."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        where = f" (line {line})" if line is not None else ""
        super().__init__(f"{message}{where}")


class RefusedError(ScriptError):
    """The script asked for something Stridescope never runs (files, imports, dunders…)."""


class NotSupportedError(ScriptError):
    """Valid Python that the interpreter does not implement."""


class ResourceLimitError(ScriptError):
    """The statement would allocate or compute more than the configured limits allow."""


class BudgetExceededError(ScriptError):
    """The script ran past its execution budget (operations or seconds)."""


class TimeLimitError(BudgetExceededError):
    """A statement ran past its time limit. The worker's watchdog reports the same type when it
    has to kill a statement stuck in C code: one limit, one name, whichever notices first."""
