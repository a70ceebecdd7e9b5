"""Every hostile construct is refused before anything in its statement runs."""

from __future__ import annotations

import ast

import pytest

from stridescope.engine.interpret.runner import run_script

HOSTILE = [
    ("__import__('os').system('touch /tmp/pwned')", "RefusedError"),
    ("open('/etc/passwd').read()", "RefusedError"),
    ("exec('x = 1')", "RefusedError"),
    ("eval('1 + 1')", "RefusedError"),
    ("compile('1', 'f', 'eval')", "RefusedError"),
    ("getattr(torch, 'load')", "RefusedError"),
    ("setattr(torch, 'x', 1)", "RefusedError"),
    ("torch.__class__", "RefusedError"),
    ("x.__class__.__mro__", "RefusedError"),
    ("__builtins__", "RefusedError"),
    ("x._cdata", "RefusedError"),
    ("torch._C", "RefusedError"),
    ("torch.load('model.pt')", "RefusedError"),
    ("torch.save(x, 'out.pt')", "RefusedError"),
    ("torch.from_file('/etc/passwd', size=10)", "RefusedError"),
    ("x.untyped_storage().from_file('/etc/passwd', False, 10)", "RefusedError"),
    ("torch.hub.load('a', 'b')", "RefusedError"),
    ("torch.ops.aten.add", "RefusedError"),
    ("torch.utils.data", "RefusedError"),
    ("x.numpy().tofile('/tmp/x')", "RefusedError"),
    ("x.numpy().dump('/tmp/x')", "RefusedError"),
    ("x.apply_(print)", "RefusedError"),
    ("x.register_hook(print)", "RefusedError"),
    ("import os", "RefusedError"),
    ("import numpy.testing", "RefusedError"),
    ("import scipy", "RefusedError"),
    ("from os import system", "RefusedError"),
    ("import torch.nn", "RefusedError"),
    ("f = lambda: 1", "RefusedError"),
    ("def f():\n    pass", "RefusedError"),
    ("class A:\n    pass", "RefusedError"),
    ("while True:\n    pass", "RefusedError"),
    ("with open('f') as fh:\n    pass", "RefusedError"),
    ("try:\n    pass\nexcept Exception:\n    pass", "RefusedError"),
    ("global x", "RefusedError"),
    ("del x[0]", "RefusedError"),
    ("print('{0.__class__}'.format(x))", "NotSupportedError"),
    ("print(x, file=None)", "RefusedError"),
    ("type(x).__init__", "RefusedError"),
    ("print(1, file=x)", "RefusedError"),
    ("vars()", "RefusedError"),
    ("type(x)(3)", "NotSupportedError"),
    ("map(print, [1])", "NotSupportedError"),
]


@pytest.mark.parametrize(("statement", "error_type"), HOSTILE)
def test_hostile_statement_is_refused(statement, error_type):
    result = run_script(f"import torch\nx = torch.zeros(3)\n{statement}\ny = x + 1\n")
    last = result.steps[-1]
    assert len(result.steps) == 3, "execution must stop at the refused statement"
    assert last.error is not None
    assert last.error.type == error_type, last.error.message
    assert last.error.line == 3
    assert "line 3" in last.error.message
    if error_type == "RefusedError":
        assert last.error.message.startswith("refused")


def _is_expression(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
        return True
    except SyntaxError:
        return False


@pytest.mark.parametrize(
    "expression", [s for s, kind in HOSTILE if kind == "RefusedError" and _is_expression(s)])
def test_refused_statement_runs_nothing(expression):
    # the refused construct sits after a write to x in the same statement: neither may run
    source = f"import torch\nx = torch.zeros(3)\nz = [x.fill_(7), {expression}]\n"
    step = run_script(source).steps[-1]
    assert step.error is not None, expression
    assert step.tensor("x").values == [0.0, 0.0, 0.0], "part of a refused statement ran"
    assert step.tensor("z") is None


def test_no_file_is_created(tmp_path):
    target = tmp_path / "pwned"
    source = (f"import torch\n__import__('os').system('touch {target}')\n"
              f"open('{target}', 'w')\nx = torch.ones(2)\nx.numpy().tofile('{target}')\n")
    run_script(source)
    assert not target.exists()


def test_private_allowlisted_attributes_work():
    result = run_script("import torch\nx = torch.arange(4)\ny = x[1:]\n"
                        "print(y._base is x, y._is_view(), x._is_view())\n")
    assert result.steps[-1].error is None
    assert result.steps[-1].stdout == "True True False\n"


@pytest.mark.parametrize("statement", [
    "sorted(['this.x'], key=torch.arange(6.).storage().type)",
    "sorted([10**8], key=torch.set_printoptions)",
    "max([3 * 10**9], key=torch.ones)",
])
def test_key_callables_are_refused(statement):
    """sorted/min/max call key= themselves, past every check of a call: only pure builtins."""
    last = run_script(f"import torch\n{statement}\n").steps[-1]
    assert last.error is not None and last.error.type == "RefusedError"
    assert "key=" in last.error.message


def test_safe_key_functions_still_work():
    steps = run_script("x = sorted(['bb', 'a'], key=len)\nprint(x, max([1, -5], key=abs))\n")
    assert steps.steps[-1].error is None and steps.steps[-1].stdout == "['a', 'bb'] -5\n"


def test_warnings_per_statement_are_capped():
    script = ("import torch\na = torch.ones(1)\nfor i in range(60):\n"
              "    b = torch.add(a, a, out=torch.zeros(i + 2))\n")
    warnings = run_script(script).steps[-1].warnings
    assert len(warnings) == 21 and warnings[-1].startswith("… ") and "more warnings" in \
        warnings[-1]


def test_a_step_records_at_most_256_tensor_names():
    """Thousands of names × thousands of steps would grow the window's memory without bound
    (found by the attack suite): a step keeps the names its statement is about and the newest
    of the rest, 256 in all, and says once what it left out."""
    from stridescope.engine.interpret.runner import MAX_NAMED_TENSORS

    script = "import torch\n" + "".join(f"x{i} = torch.zeros(1)\n" for i in range(300))
    last = run_script(script + "y = x0 + 1\n").steps[-1]
    assert len(last.tensors) == MAX_NAMED_TENSORS and last.tensor("y") is not None
    assert last.tensor("x0") is not None  # the oldest name, but the statement's
    assert last.error is None and [w for w in last.warnings if w.startswith("RecorderLimit")] \
        == ["RecorderLimit: +45 more tensors on 45 storages: x1 … x45 (not drawn or traced at "
            "this step; at most 256 names a step)"]
