"""Parsing a script into top-level statements (torch-free: the window parses too)."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from types import SimpleNamespace

from stridescope.engine.model.state import ErrorInfo

BOM = "\ufeff"
EXPECT_ERROR = re.compile(r"#!\s*expect-error\b")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # as ast splits lines (not on \f)


def clean_source(source: str) -> str:
    """The script without a leading byte-order mark (editors on Windows write one)."""
    return source[1:] if source.startswith(BOM) else source


def parse(source: str) -> tuple[list[ast.stmt], ErrorInfo | None]:
    try:
        return ast.parse(clean_source(source)).body, None
    except SyntaxError as exc:
        return [], ErrorInfo("SyntaxError", exc.msg, exc.lineno)
    except MemoryError:
        lines = source.count("\n") + 1
        return [], ErrorInfo("ResourceLimitError", f"the script is too large to parse "
                             f"({lines:,} lines) within the memory limit", None)
    except (ValueError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return [], ErrorInfo("SyntaxError", str(exc) or type(exc).__name__, None)


def source_lines(source: str) -> list[str]:
    """The lines of `source` as ast numbers them (line n is [n - 1]), endings kept."""
    return LINE.findall(source)


_COMPOUND = tuple(getattr(ast, name) for name in (
    "If", "For", "AsyncFor", "While", "Try", "TryStar", "With", "AsyncWith", "FunctionDef",
    "AsyncFunctionDef", "ClassDef", "Match") if hasattr(ast, name))


def resumable_at(statements: list[ast.stmt], k: int) -> bool:
    """Can a run be kept before statement k (see the NOTE: what may follow is unknown)?"""
    if not 0 < k < len(statements):
        return False
    before, at = statements[k - 1], statements[k]
    return (not isinstance(before, _COMPOUND) and at.col_offset == 0
            and at.lineno > (before.end_lineno or before.lineno))


def same_lines(old: str, new: str) -> int:
    """How many leading lines two scripts share, compared as text: a resumed run must not walk
    the old script's lines (each one it touches is a page copied out of its checkpoint)."""
    size, at = 4096, 0
    while at < len(old) and old[at:at + size] == new[at:at + size]:
        at += size
    end = min(len(old), len(new), at + size)
    while at < end and old[at] == new[at]:
        at += 1
    return new.count("\n", 0, at)  # whole lines (a lone "\r" ending counts as none: safe)


def parse_tail(source: str, line: int, start: int) -> tuple[list[ast.stmt], ErrorInfo | None]:
    """The top-level statements from line `line` (1-based, at offset `start`) on, numbered
    as in the whole script, when the lines before it are known to parse and end with a simple
    statement (a checkpoint ran them: engine/worker/checkpoints.py): the tail then parses on
    its own just as it would in the whole script, so a long script's end re-parses alone."""
    statements, error = parse(source[start:])
    shift = line - 1
    if error is not None:
        return [], replace(error, line=error.line + shift if error.line else error.line)
    if any(isinstance(s, ast.ImportFrom) and s.module == "__future__" for s in statements):
        # a future import at the tail's top may change how the tail parses: parse the whole
        statements, error = parse(source)
        return [s for s in statements if s.lineno >= line], error
    for statement in statements:
        ast.increment_lineno(statement, shift)
    return statements, None


def expected_error_lines(source: str, statements: list[ast.stmt]) -> set[int]:
    """First lines of the statements marked `#! expect-error` (on a line of the statement or
    on a comment line just above it): a lesson's deliberate fail-then-fix step."""
    if not EXPECT_ERROR.search(source):
        return set()  # most scripts: no need to walk the statements
    marks = {n for n, text in enumerate(source.splitlines(), 1) if EXPECT_ERROR.search(text)}
    expected = set()
    previous_end = 0
    for statement in statements:
        end = statement.end_lineno or statement.lineno
        if any(previous_end < n <= end for n in marks):
            expected.add(statement.lineno)
        previous_end = end
    return expected


def safe_text(text: str) -> str:
    """`text` with lone surrogates escaped (\\ud800), so it can always be written as UTF-8."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def too_long(source: str, max_statements: int) -> ErrorInfo | None:
    """A script with far more lines than statements allowed is refused before parsing (a
    megabyte of one-line statements takes seconds and hundreds of MiB to parse)."""
    lines = source.count("\n") + 1
    if lines > 4 * max_statements:
        return ErrorInfo("ResourceLimitError", f"the script has {lines:,} lines; at most "
                         f"{max_statements:,} statements may run", None)
    return None


class SourceSegments:
    """ast.get_source_segment from one split of the source: that function splits the whole
    source on every call, which made running a script quadratic in its length."""

    def __init__(self, source: str, first_line: int = 1, start: int = 0) -> None:
        """Only the lines from `first_line` (at offset `start`) on are split: a resumed run
        needs no more."""
        self.source = source
        self.first_line = first_line
        self.lines = LINE.findall(source, start)

    def of(self, node: ast.AST) -> str:
        """The source text of `node` ("" when it has no position), as get_source_segment."""
        end = getattr(node, "end_lineno", None)
        if end is None or getattr(node, "end_col_offset", None) is None:
            return ""
        first = node.lineno
        local = SimpleNamespace(lineno=1, end_lineno=end - first + 1,
                                col_offset=node.col_offset, end_col_offset=node.end_col_offset)
        if first < self.first_line:
            raise ValueError(f"line {first} is before the segments' first line")
        at = self.first_line
        return ast.get_source_segment("".join(self.lines[first - at:end - at + 1]), local) or ""


class EditParser:
    """Parses a script as it is edited: from the last statement boundary before the first
    changed line on (as a resumed run does), since everything before it parsed last time.
    The window checks each edit's syntax; a 10,000-statement script took 312 ms whole."""

    def __init__(self) -> None:
        self._source: str | None = None
        self._statements: list[ast.stmt] = []

    def parse(self, source: str) -> tuple[list[ast.stmt], ErrorInfo | None]:
        source = clean_source(source)
        statements, error = self._incremental(source) if self._source is not None else (
            None, None)
        if statements is None and error is None:
            statements, error = parse(source)
        if error is None:
            self._source, self._statements = source, statements
        return statements, error

    def _incremental(self, source: str):
        old = self._statements
        same = same_lines(self._source, source)
        k = next((k for k in range(len(old) - 1, 0, -1)
                  if old[k].lineno - 1 <= same and resumable_at(old, k)), None)
        if k is None:
            return None, None
        line = old[k].lineno
        start = sum(map(len, source_lines(source)[:line - 1]))
        tail, error = parse_tail(source, line, start)
        return (None if error else old[:k] + tail), error
