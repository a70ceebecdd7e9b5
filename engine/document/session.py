"""The document: a script plus a cursor (which step is shown) and the focused tensor."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from stridescope.engine.model.limits import Limits
from stridescope.engine.model.state import RunResult, Step

# runs a script to its result: in the worker process (the app) or in this one (tests)
Runner = Callable[[str, "Limits | None"], RunResult]


def run_in_process(script: str, limits: Limits | None = None) -> RunResult:
    """The default runner: the interpreter in this process (imports torch on first use)."""
    from stridescope.engine.interpret.runner import run_script

    return run_script(script, limits)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Document:
    """Immutable session state; every edit returns a new Document."""

    script: str
    cursor: int = -1           # step index shown; -1: the last step
    focus: str | None = None   # focused tensor name; None: the step's default
    result: RunResult = field(default=None, compare=False, repr=False)  # type: ignore
    sub: int = -1              # the call of a chained statement shown; -1: the statement

    @staticmethod
    def from_script(script: str, limits: Limits | None = None,
                    runner: Runner | None = None) -> Document:
        return Document(script, -1, None, (runner or run_in_process)(script, limits))

    @staticmethod
    def from_result(result: RunResult) -> Document:
        return Document(result.source, -1, None, result)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.result.steps

    @property
    def step_index(self) -> int:
        if not self.steps:
            return -1
        return len(self.steps) - 1 if self.cursor < 0 else min(self.cursor, len(self.steps) - 1)

    @property
    def step(self) -> Step | None:
        return self.steps[self.step_index] if self.steps else None

    def with_script(self, script: str, limits: Limits | None = None,
                    runner: Runner | None = None) -> Document:
        if script == self.script:
            return self
        return self.with_result((runner or run_in_process)(script, limits))

    def with_result(self, result: RunResult) -> Document:
        """This document's script replaced by the one `result` ran (a run that finished)."""
        script = result.source
        # keep the cursor on the same step when it still exists, else show the last
        cursor = self.cursor if 0 <= self.cursor < len(result.steps) else -1
        sub = self.sub if cursor >= 0 and self.sub < _calls(result.steps, cursor) else -1
        return Document(script, cursor, self.focus, result, sub)

    def at(self, index: int, sub: int = -1) -> Document:
        """Step `index`; with `sub` >= 0, the call of its chained statement (see SubStep)."""
        if not self.steps:
            return self
        index = max(0, min(index, len(self.steps) - 1))
        return replace(self, cursor=index, sub=sub if 0 <= sub < _calls(self.steps, index)
                       else -1)

    # Stepping like a debugger: → on a chained statement steps into its calls (the first,
    # the next, …, then out to the next statement); ← walks the same path back; stepping
    # over goes statement to statement.
    def stepped_into(self) -> Document:
        index = self.step_index
        if self.sub + 1 < _calls(self.steps, index):
            return self.at(index, self.sub + 1)
        return self.at(index + 1)

    def stepped_back(self) -> Document:
        index = self.step_index
        if self.sub >= 0:
            return self.at(index, self.sub - 1)
        if index > 0 and _calls(self.steps, index - 1):
            return self.at(index - 1, _calls(self.steps, index - 1) - 1)
        return self.at(index - 1)

    def stepped_over(self, delta: int) -> Document:
        return self.at(self.step_index + delta)

    def focused(self, name: str | None) -> Document:
        return replace(self, focus=name)

    def opening(self) -> Document:
        """Where a freshly opened script is shown: the first step that creates a tensor
        (the tutorial's last step is its error; a learner starts at the beginning)."""
        return self.at(next((s.index for s in self.steps if s.tensors), 0))

    @property
    def shown_step(self) -> Step | None:
        """The step the picture and the panels show: the statement, or the call of it that
        was stepped into (its own Step: the names before the statement, plus the call's
        tensor)."""
        step = self.step
        if step is None:
            return None
        from stridescope.engine.model.substeps import failing_call_step, substep_step

        index = self.step_index
        before = self.steps[index - 1] if index > 0 else None
        if not 0 <= self.sub < _calls(self.steps, index):  # a failed chain: the call's input
            return failing_call_step(before, step) or step
        return substep_step(before, step, self.sub)

    @property
    def shown_focus(self) -> str | None:
        """The tensor the picture and the panels are about: the chosen one, else the default
        (inside a call: the call's tensor, unless another call's was chosen)."""
        from stridescope.engine.picture.content import default_focus

        step = self.shown_step
        if step is None:
            return None
        from stridescope.engine.model.substeps import call_labels

        chosen = self.focus is not None and step.tensor(self.focus) is not None
        if chosen and (step.substep < 0 or self.focus in call_labels(step)):
            return self.focus
        return default_focus(step)

    def appended(self, statement: str, limits: Limits | None = None,
                 runner: Runner | None = None) -> Document:
        """The script with `statement` added at the end, shown at its last step."""
        document = self.with_script(self.appended_script(statement), limits, runner)
        return replace(document, cursor=-1)

    def appended_script(self, statement: str) -> str:
        script = self.script
        if script and not script.endswith("\n"):
            script += "\n"
        return script + statement.strip("\n") + "\n"

    def step_for_line(self, line: int) -> int:
        """Index of the last step starting at or before `line` (1-based)."""
        best = 0
        for step in self.steps:
            if step.line <= line:
                best = step.index
        return best


def _calls(steps: tuple[Step, ...], index: int) -> int:
    from stridescope.engine.model.substeps import substep_count

    return substep_count(steps[index]) if 0 <= index < len(steps) else 0


def fresh_name(taken: set[str], stem: str) -> str:
    stem = stem if _IDENTIFIER.match(stem) else "t"
    if stem not in taken:
        return stem
    n = 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def check_statement(text: str) -> str | None:
    """None if `text` parses as Python, else the syntax error message (for inline errors)."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    return None
