"""A hostile suite: scripts that try to escape, exhaust memory or time, crash the worker or
confuse the encodings. Each must end, within its per-case timeout, in a clear answer: refused,
a named limit, an ordinary error, or a normal run — never an internal failure of the app."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.worker.conftest import SMALL, check_sane, run_case

QUICK = replace(SMALL, max_seconds=0.5)  # these cases are meant to hit a limit: soon

REFUSED = {"RefusedError", "NotSupportedError", "ImportError"}
LIMITS = {"TimeLimitError", "ResourceLimitError", "BudgetExceededError", "MemoryError"}

ESCAPES = [
    "x = max([3 * 10**9], key=torch.ones)",  # key= would call torch past every check
    'torch.arange(6.).storage().type("this")',
    'torch.arange(6.).untyped_storage().type("os.system")',
    'torch.arange(6.).storage().type(dtype="antigravity.x")',
    'torch.arange(3).type("os.path")',
    'torch.arange(3).type(dtype="webbrowser.open")',
    "import os",
    "from os import system",
    "import torch.nn",
    "import numpy as np\nx = np.load('x.npy')",
    "import numpy as np\nx = np.fromfile('/etc/passwd')",
    "import numpy as np\nnp.save('x.npy', np.zeros(2))",
    "import numpy as np\nnp.zeros(2).tofile('x')",
    "import numpy as np\nx = np.ctypeslib",
    "import numpy as np\nx = np.lib.format",
    "import numpy.random",
    '__import__("os")',
    'open("/etc/passwd")',
    'getattr(torch, "load")',
    'torch.load("x.pt")',
    'torch.save(torch.ones(1), "x.pt")',
    "t = torch.ones(2)\nc = t.__class__",
    "b = ().__class__.__bases__",
    "f = lambda: 1",
    "def f():\n    pass",
    "class A:\n    pass",
    "x = torch.ops.aten",
    "x = torch.hub",
    "x = torch.jit",
    "x = torch.utils",
    'x = torch.from_file("x", size=3)',
    'torch.ones(2).numpy().tofile("x")',
    'print("x", file=None)',
    'exec("1")',
    'eval("1")',
    'compile("1", "", "exec")',
    "g = globals()",
    "torch.ones(2).apply_(abs)",
    "torch.ones(2, requires_grad=True).register_hook(print)",
    'torch.set_default_tensor_type("os.Foo")',
    "v = torch.ones(2)._cdata",
    "s = torch.Tensor.__subclasses__()",
    'x = torch.Tensor("x")',
    's = "{0.__class__}".format(1)',
    'x = f"{torch.__file__}"',
    "x = torch.classes",
    "torch.ones(2).share_memory_()",
    "breakpoint()",
    "input()",
    "while True:\n    pass",
    "with open('x') as f:\n    pass",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "x = torch.ones(2).storage()._new_shared(3)",
    "x = type(torch.ones(1))('x')",
    "x = vars()",
]

MEMORY = [
    "x = torch.bincount(torch.tensor([3 * 10**9]))",
    "x = torch.zeros(torch.tensor(3 * 10**9))",
    "x = torch.tril_indices(60000, 60000)",
    "x = torch.ones(10**5).expand(10**5, 10**5).nonzero()",
    "a = torch.ones(10**5, 1).expand(10**5, 10**5)\nb = a @ a",
    "x = torch.zeros(2**40)",
    "x = torch.empty(10**10, dtype=torch.uint8)",
    's = "x" * 10**6\nfor i in range(20):\n    s = s + s',
    'x = "%*d" % (2 * 10**9, 1)',
    "x = list(torch.zeros(10**8, dtype=torch.uint8).untyped_storage())",
    "x = torch.ones(10**4).numpy().tolist() * 10**4",
    "torch.set_printoptions(precision=10**9)",
    "x = [0] * 10**7\ny = [x] * 10**7",
    "x = torch.randn(30000, 30000)",
    "x = torch.ones(2**15, 2**15, dtype=torch.float64)",
    "x = torch.zeros(10**6).unfold(0, 10**5, 1).contiguous()",
    "x = torch.arange(10**9).sum()",
    'x = "x" * 10**10',
    "x = 10**10**10",
    "x = 1 << 10**10",
    "x = [[0] * 10**4 for i in range(10**4)]",
    "x = {i: i for i in range(10**7)}",
    "x = torch.zeros(10**4, 10**4).tolist()",
    "x = torch.tensor(list(range(10**7)))",
    "x = torch.kron(torch.ones(10**4), torch.ones(10**5))",
    "x = torch.ones(10**8, dtype=torch.int8).repeat(20)",
    "x = torch.ones(3 * 10**8, dtype=torch.uint8)\ny = x.clone()\nz = x.clone()\nw = x.clone()"
    "\nv = x.clone()\nu = x.clone()",
    "x = torch.cartesian_prod(torch.arange(3000), torch.arange(3000), torch.arange(3000))",
    "x = torch.combinations(torch.arange(3000), 3)",
]

TIME = [
    "x = pow(3, 2**99999, 10**30000 + 7)",
    "x = round(5, -10**9)",
    "a = torch.randn(1500, 1500)\nfor i in range(10**4):\n    b = a @ a",
    "x = torch.svd(torch.randn(3000, 3000))",
    "for i in range(10**7):\n    x = i",
    "x = [i for i in range(10**7)]",
    "x = sorted(range(10**7), key=str)",
    "x = [1]\nfor i in x:\n    x.append(i)",
    "x = torch.ones(10**7)\nfor i in range(200):\n    y = x.sort()",
    "x = 0\nfor i in range(10**6):\n    for j in range(10**6):\n        x += 1",
    "x = str(10**4299)",
    "x = sum(range(10**7))",
    "x = 3**10**6\ny = str(x)[:3]",
    "x = torch.ones(3)\nfor i in range(10**6):\n    x = x + 1",
]
TOO_MANY_STATEMENTS = ["x = 1\n" * 500_000, "x = 1\n" * 20_001]

CRASHES = [
    "a = torch.zeros(3)\na.resize_(-1, 0)",
    "a = torch.arange(6.).view(torch.bits16)",
    "a = torch.arange(6.).to(torch.float8_e4m3fn)\nb = a.clone()\nc = a[::2]",
    "a = torch.arange(6.).to(torch.float8_e5m2)\nb = a.flip(0)",
    "a = torch.arange(6.).to_sparse()",
    "a = torch.eye(3).to_sparse_csr()",
    "a = torch.ones(2, 2).to_mkldnn()",
    "a = torch.ones(3).to(torch.quint8)",
    "x = torch.nested.nested_tensor([torch.ones(2), torch.ones(3)])",
    "b = {torch.bits8: 1}[torch.zeros(2)]",
    "print(chr(0xD800))",
    "s = chr(0xDFFF) * 3\nprint(s)\nt = torch.ones(1)",
    "x = torch.tensor([1.0]).view(torch.bits8)",
    "a = torch.zeros(0).view(torch.bits16)",
    "a = torch.ones(3, dtype=torch.complex32)\nb = a[1:]",
    "a = torch.ones(3).as_strided((3,), (10**12,))",
    "a = torch.empty(0).as_strided((2,), (1,), 10**15)",
    "a = torch.ones(3, device='meta')\nprint(a + 1)",
    "a = torch.ones(3).to('cuda')",
    "a = torch.ones(4).view(torch.bits16)\nb = a[1:]\nprint(a)",
    "a = torch.ones(2**20)\nb = a[::2**19]\nc = b.storage()",
    "a = torch.ones(2, 3).to_sparse()\nb = a.to_dense()",
    "x = [torch.ones(2).to_sparse()]",
    "a = torch.ones(3)\na.resize_(2**62)",
    "a = torch.ones(3)\nb = a.expand(2**62)",
]

ENCODINGS = [
    "\ufeffx = torch.ones(2)",
    "x = '\ud800'",
    "x = 1\x00",
    "x = '😀'\nprint(x * 3)",
    "print('中文，张量')",
    "x = 1\r\ny = torch.ones(2)\r\n",
    "x = 1\ry = 2",
    "# -*- coding: latin-1 -*-\nx = 'é'",
    "print('\\x00')",
    "print('a' * 100000)",
    "print(repr(chr(0xD800)))",
    "x = '\u202e'\nprint(x)",
    "if 1:\n\tx = 1\n        y = 2",
    "x = 1  # \udcff",
    "\u00a0x = 1",
    "t = torch.tensor([1.5])\nprint(f'{t!a}')",
    "x = " + "1" * 5000,
    "x = " + "(" * 300 + ")" * 300,
    "x = " + "1+" * 20000 + "1",
    "print('\\udcff'.upper())",
    "x = '\\N{SNOWMAN}' * 3\nprint(x)",
]

CASES = ([("escape", s, "refused") for s in ESCAPES]
         + [("memory", s, "limit") for s in MEMORY]
         + [("time", s, "limit") for s in TIME]
         + [("crash", s, "any") for s in CRASHES]
         + [("encoding", s, "any") for s in ENCODINGS])

# the memory/time cases that are legitimately ordinary errors or quick successes
ANSWERED_ANYWAY = {"x = str(10**4299)", "x = sum(range(10**7))", "x = 3**10**6\ny = str(x)[:3]"}


def test_the_suite_is_large_enough():
    assert len(CASES) + len(TOO_MANY_STATEMENTS) >= 100


@pytest.mark.parametrize(("kind", "script", "expect"), CASES,
                         ids=[f"{k}-{n}" for n, (k, _s, _e) in enumerate(CASES)])
def test_hostile_script_gets_a_clear_answer(pool, kind, script, expect):
    run = run_case(pool, "import torch\n" + script, QUICK if kind in ("time", "memory")
                   else SMALL)
    error = check_sane(run.result)
    if kind == "memory":  # the child's peak RSS (killed children report none)
        if run.wait_exit() and run.peak_rss_bytes is not None:
            assert run.peak_rss_bytes <= SMALL.memory_bytes
    if script in ANSWERED_ANYWAY:
        return
    if expect == "refused":
        assert error is not None and error.type in REFUSED | LIMITS, error
        assert "refused" in error.message or "not supported" in error.message \
            or error.type in LIMITS, error
    elif expect == "limit":
        assert error is not None, f"{script!r} ran to the end"
        assert error.type in LIMITS or "limit" in error.message or "too large" in \
            error.message or "too costly" in error.message, error


@pytest.mark.parametrize("script", TOO_MANY_STATEMENTS, ids=["500k", "20001"])
def test_too_many_statements_are_refused_before_running(pool, script):
    run = run_case(pool, script)
    assert run.result.steps == ()
    message = run.result.syntax_error.message
    assert "statements" in message or "too large to parse" in message


def test_printed_output_is_capped_per_step_and_per_run(pool):
    script = "for i in range(3000):\n    print('x' * 100)\n" * 30
    run = run_case(pool, script)
    steps = run.result.steps
    assert "output truncated" in steps[0].stdout
    assert len(steps[0].stdout) < SMALL.stdout_step_chars + 200
    assert sum(len(s.stdout) for s in steps) < SMALL.stdout_run_chars + 1000


def test_the_recorder_keeps_a_bounded_number_of_bytes(pool):
    script = "import torch\na = torch.zeros(2**22)\n" + "a += 1\n" * 60
    run = run_case(pool, script)
    steps = run.result.steps
    assert len(steps) == 62 and all(s.error is None for s in steps)
    kept = {id(s.raw): len(s.raw) for step in steps for s in step.storages if s.raw is not None}
    assert sum(kept.values()) <= SMALL.recorded_bytes
    assert steps[-1].storages[0].raw is None
    told = [s.index for s in steps if any("RecorderLimit" in w for w in s.warnings)]
    assert len(told) == 1  # the step where the budget ran out says so, once


def test_numpy_memory_counts_against_the_same_budget(pool):
    script = "import numpy as np\na = np.zeros(2**21)\n" + "a += 1\n" * 60
    run = run_case(pool, script)
    steps = run.result.steps
    assert len(steps) == 62 and all(s.error is None for s in steps)
    kept = {id(m.raw): len(m.raw) for step in steps for m in step.memories
            if m.raw is not None}
    assert sum(kept.values()) <= SMALL.recorded_bytes
    assert steps[-1].memories[0].raw is None


def test_a_bom_is_not_part_of_the_script(pool):
    run = run_case(pool, "\ufeffimport torch\nx = torch.ones(2)\n")
    assert run.result.syntax_error is None and run.result.steps[-1].error is None


def test_a_lone_surrogate_is_escaped_in_output(pool):
    run = run_case(pool, "print(chr(0xD800))\n")
    assert run.result.steps[0].stdout == "\\ud800\n"


def test_the_string_import_path_imports_nothing(pool):
    run = run_case(pool, 'import torch\nx = torch.arange(6.).storage().type("this")\n')
    assert "The Zen of Python" not in run.result.steps[-1].stdout
    assert run.result.steps[-1].error.type == "RefusedError"
