"""Where runs are kept and how an edited script's end is parsed (engine/worker/checkpoints.py,
script.parse_tail): pure functions, no worker."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from stridescope.engine.interpret.script import (
    EditParser,
    parse,
    parse_tail,
    resumable_at,
    same_lines,
    source_lines,
)
from stridescope.engine.worker.checkpoints import first_changed, plan, shares_lines

SIMPLE = ["a = 1", "b = a + 2", "print(a)", "c = [a,\n     b]", "d = a; e = b", "x = (1 +\n 2)",
          "t = 'x'  # comment", "", "# a comment"]
COMPOUND = ["for i in range(2):\n    a = i", "if a:\n    b = 1\nelse:\n    b = 2",
            "while False:\n    pass", "def f():\n    return 1"]


def offset(source: str, line: int) -> int:
    return sum(len(x) for x in source_lines(source)[:line - 1])


def dumped(statements) -> list[str]:
    return [ast.dump(s, include_attributes=True) for s in statements]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(SIMPLE + COMPOUND), min_size=2, max_size=14),
       st.sampled_from(["\n", "\r\n"]))
def test_the_tail_parses_as_in_the_whole(parts, newline):
    source = newline.join("\n".join(parts).split("\n")) + newline
    statements, error = parse(source)
    assert error is None
    for k in range(len(statements)):
        if not resumable_at(statements, k):
            continue
        line = statements[k].lineno
        tail, tail_error = parse_tail(source, line, offset(source, line))
        assert tail_error is None
        assert dumped(tail) == dumped(statements[k:])


def test_a_syntax_error_in_the_tail_is_numbered_as_in_the_whole():
    source = "a = 1\nb = 2\nc = (3 +\n"
    whole = parse(source)[1]
    tail = parse_tail(source, 3, offset(source, 3))[1]
    assert tail is not None and (tail.type, tail.line) == (whole.type, whole.line) == (
        "SyntaxError", 3)


def test_a_future_import_in_the_tail_parses_as_the_whole_does():
    source = "a = 1\nfrom __future__ import annotations\nb = 2\n"
    statements = parse(source)[0]
    assert dumped(parse_tail(source, 2, offset(source, 2))[0]) == dumped(statements[1:])


def test_no_checkpoint_after_a_compound_statement_or_inside_a_line():
    statements = parse("for i in range(2):\n    a = i\nb = 1\nc = 2; d = 3\ne = 4\n")[0]
    assert [resumable_at(statements, k) for k in range(6)] == [
        False, False, True, False, True, False]


def test_the_plan_doubles_back_from_the_end_and_keeps_the_edit():
    statements = parse("".join(f"a{i} = {i}\n" for i in range(10_000)))[0]
    marks = plan(statements, 0)
    assert sorted(marks) == sorted(10_000 - 2**j for j in range(14))
    assert 5_000 in plan(statements, 1_000, changed=5_000)
    assert all(k > 9_990 for k in plan(statements, 9_990))


def test_shared_lines_are_compared_as_text():
    old = "a = 1\nb = 2\nc = 3\n" * 2000
    assert same_lines(old, old) == old.count("\n")
    new = old[:-6] + "c = 4\n"
    assert same_lines(old, new) == old.count("\n") - 1
    assert same_lines(old, "") == 0
    assert shares_lines(old, new, len(old) - 6)
    assert not shares_lines(old, new, len(old))
    assert not shares_lines("a\rb\r", "a\r\nb\r", 2)  # "\r" then "\n": one line ending
    assert shares_lines("a\nb\n", "a\nc\n", 2)


def test_the_first_changed_statement():
    statements = parse("a = 1\nb = 2\nc = (3 +\n     4)\nd = 5\n")[0]
    assert first_changed(statements, 0, 3) == 2  # the statement over lines 3–4
    assert first_changed(statements, 0, 5) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SIMPLE + COMPOUND), min_size=2, max_size=12),
       st.lists(st.tuples(st.integers(0, 30), st.sampled_from(SIMPLE + COMPOUND + [
           "x = (", "  y = 1", "else:", "def g(:"])), min_size=1, max_size=5))
def test_an_edited_script_parses_as_it_would_whole(parts, edits):
    """The window's syntax check (EditParser) on a series of edits: the statements and the
    error are those of a whole parse, every time."""
    parser = EditParser()
    for at, new in edits:
        parts = [*parts]
        parts[min(at, len(parts) - 1)] = new
        source = "\n".join(parts) + "\n"
        got, got_error = parser.parse(source)
        want, want_error = parse(source)
        assert (got_error is None) == (want_error is None)
        if want_error is None:
            assert dumped(got) == dumped(want)
        else:
            assert (got_error.type, got_error.line) == (want_error.type, want_error.line)
