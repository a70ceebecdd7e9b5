"""Table tests: tutorial-style statements print exactly what CPython prints."""

from __future__ import annotations

import pytest

from stridescope.engine.interpret.runner import run_script

CASES = [
    ("print(1, 'a', 2.5, sep='-')", "1-a-2.5\n"),
    ("print(len([1, 2]), list((1, 2)), tuple([3]), range(3))", "2 [1, 2] (3,) range(0, 3)\n"),
    ("print(int('7'), float(2), hex(255), isinstance(3, int))", "7 2.0 0xff True\n"),
    ("a, b = 1, 2\nprint(a + b * 3, a / b, a // b, 2 ** 8, -a, not a)",
     "7 0.5 0 256 -1 False\n"),
    ("x = [1, 2, 3]\nx[0] = 9\nx += [4]\nprint(x, x[-1], x[::-1], x[1:3])",
     "[9, 2, 3, 4] 4 [4, 3, 2, 9] [2, 3]\n"),
    ("a, *rest = [1, 2, 3]\nprint(a, rest)", "1 [2, 3]\n"),
    ("print(1 < 2 < 3, 1 == 1.0, None is None, 2 in [1, 2], 'a' and 'b', 0 or 'z')",
     "True True True True b z\n"),
    ("print(f'{3.14159:.2f} {\"hi\"!r} {2 + 3}')", "3.14 'hi' 5\n"),
    ("if 1 > 2:\n    print('no')\nelse:\n    print('yes')", "yes\n"),
    ("for i in range(3):\n    if i == 1:\n        continue\n    print(i)", "0\n2\n"),
    ("for i in range(5):\n    if i == 2:\n        break\nelse:\n    print('never')\nprint(i)",
     "2\n"),
    ("print([i * i for i in range(4) if i], {k: v for k, v in zip('ab', [1, 2])})",
     "[1, 4, 9] {'a': 1, 'b': 2}\n"),
    ("print(1 + 2j, (1 + 2j).real, True, None, b'x', {1, 2}, ...)",
     "(1+2j) 1.0 True None b'x' {1, 2} Ellipsis\n"),
    ("import torch\nx = torch.arange(6).reshape(2, 3)\nprint(x)",
     "tensor([[0, 1, 2],\n        [3, 4, 5]])\n"),
    ("import torch as t\nx = t.ones(2, dtype=t.float16)\nprint(x.dtype, x.shape, x.device)",
     "torch.float16 torch.Size([2]) cpu\n"),
    ("import torch\nx = torch.arange(4)\nprint(x.storage())",
     " 0\n 1\n 2\n 3\n[torch.storage.TypedStorage(dtype=torch.int64, device=cpu) of size 4]\n"),
    ("import torch\nx = torch.arange(4)\ns = x.untyped_storage()\n"
     "print(s.nbytes(), s.size(), s.element_size(), x.storage().size())", "32 32 1 4\n"),
    ("import torch\nx = torch.arange(4.)\nprint(x.T.shape, x[None].mT.shape, x.is_leaf, "
     "x.grad_fn)", "torch.Size([4]) torch.Size([4, 1]) True None\n"),
    ("import torch\nx = torch.tensor([1+2j, 3-1j])\nprint(x.real, x.imag)",
     "tensor([1., 3.]) tensor([ 2., -1.])\n"),
    ("import torch\nx = torch.arange(6.).reshape(2, 3)\ny = x[:, 1]\ny[:] = 0\nprint(x)",
     "tensor([[0., 0., 2.],\n        [3., 0., 5.]])\n"),
    ("import torch\nb = torch.zeros(2, 2)\nb[0][0] = 3.14\nprint(b[0, 0].item() > 3)", "True\n"),
    ("import torch\nx = torch.arange(6)\na, b = x.chunk(2)\nprint(a, b, torch.equal(a, b))",
     "tensor([0, 1, 2]) tensor([3, 4, 5]) False\n"),
    ("import torch\nx = torch.ones(2, 3, requires_grad=True)\ny = (x * 2).sum()\n"
     "print(y.grad_fn.name(), y.requires_grad)", "SumBackward0 True\n"),
    ("import torch\nx = torch.empty_strided((2, 3), (1, 2))\nprint(x.stride(), x.size())",
     "(1, 2) torch.Size([2, 3])\n"),
    ("import torch\nx = torch.arange(12).view(3, 4)\nprint(x.unfold(1, 2, 1).stride(), "
     "x.diagonal().stride(), x.expand(2, 3, 4).stride())", "(4, 1, 1) (5,) (0, 4, 1)\n"),
    ("import torch\nx = torch.zeros(2, 3, 4, 5).to(memory_format=torch.channels_last)\n"
     "print(x.stride(), x.is_contiguous(memory_format=torch.channels_last))",
     "(60, 1, 15, 3) True\n"),
    ("import torch\nprint(torch.float32.itemsize, torch.finfo(torch.float16).max)",
     "4 65504.0\n"),
    ("import torch\nx = torch.arange(4.)\nprint(x.view(torch.int16).shape)",
     "torch.Size([8])\n"),
    ("from torch import arange as ar\nprint(ar(3))", "tensor([0, 1, 2])\n"),
    ("import torch\nx = torch.arange(3)\ns = x.storage()\ns[0] = 7\nprint(x, s[0])",
     "tensor([7, 1, 2]) 7\n"),
]


@pytest.mark.parametrize(("source", "stdout"), CASES)
def test_prints_like_cpython(source, stdout):
    result = run_script(source + "\n")
    errors = [s.error for s in result.steps if s.error]
    assert not errors
    assert "".join(s.stdout for s in result.steps) == stdout


ERRORS = [
    ("print(undefined)", "NameError", "name 'undefined' is not defined"),
    ("a, b = [1, 2, 3]", "ValueError", "too many values to unpack (expected 2)"),
    ("a, b, c = [1]", "ValueError", "not enough values to unpack (expected 3, got 1)"),
    ("x = 1 / 0", "ZeroDivisionError", "division by zero"),
    ("import torch\nx = torch.arange(3)\nx.nope()", "AttributeError",
     "'Tensor' object has no attribute 'nope'"),
    ("import torch\nx = torch.arange(12).view(3, 4).t().view(12)", "RuntimeError",
     "view size is not compatible with input tensor's size and stride (at least one dimension "
     "spans across two contiguous subspaces). Use .reshape(...) instead."),
    ("import torch\ntorch.zeros(2)[5]", "IndexError",
     "index 5 is out of bounds for dimension 0 with size 2"),
    ("assert 1 == 2, 'nope'", "AssertionError", "nope"),
    ("t = (1, 2)\nt[0] = 3", "TypeError", "'tuple' object does not support item assignment"),
    ("import torch\nx = torch.nothing", "AttributeError",
     "module 'torch' has no attribute 'nothing'"),
]


@pytest.mark.parametrize(("source", "error_type", "message"), ERRORS)
def test_errors_are_python_and_torch_verbatim(source, error_type, message):
    result = run_script(source + "\nprint('not reached')\n")
    last = result.steps[-1]
    assert last.error.type == error_type
    assert last.error.message == message
    assert "not reached" not in "".join(s.stdout for s in result.steps)


def test_failed_view_carries_an_explanation():
    result = run_script("import torch\nt = torch.arange(12).reshape(3, 4).transpose(0, 1)\n"
                        "v = t.view(1, 12)\n")
    explanation = result.steps[-1].error.explanation
    assert explanation is not None and not explanation.ok
    assert [(b.outer_dim, b.inner_dim) for b in explanation.blockers] == [(0, 1)]


def test_unsupported_construct_names_itself_and_line():
    result = run_script("x = 1\nprint(map(str, [1]))\n")
    assert result.steps[-1].error.type == "NotSupportedError"
    assert "map" in result.steps[-1].error.message and "line 2" in result.steps[-1].error.message


def test_view_or_copy_is_recorded():
    result = run_script(
        "import torch\na = torch.arange(12).reshape(3, 4)\nb = a.t()\nc = b.contiguous()\n"
        "d = a\ne = torch.zeros(2)\nf = a.reshape(12)\ng = b.reshape(12)\n")
    produced = {p.name: (p.kind, p.source) for s in result.steps for p in s.produced}
    assert produced == {"a": ("new", None), "b": ("view", "a"), "c": ("copy", "b"),
                        "d": ("alias", "a"), "e": ("new", None), "f": ("view", "a"),
                        "g": ("copy", "b")}
    last = result.steps[-1]
    assert last.tensor("b").storage_id == last.tensor("a").storage_id
    assert last.tensor("c").storage_id != last.tensor("a").storage_id
    assert last.tensor("b").is_view and not last.tensor("c").is_view


def test_in_place_write_marks_the_storage():
    result = run_script("import torch\na = torch.zeros(4)\nb = a[1:]\nb.fill_(1)\nprint(a)\n")
    write = result.steps[3]
    assert write.written_storages == (write.tensor("a").storage_id,)
    assert result.steps[4].written_storages == ()


def test_storage_deprecation_warning_is_recorded_not_printed():
    result = run_script("import torch\nx = torch.arange(2)\nprint(x.storage().tolist())\n")
    step = result.steps[-1]
    assert step.stdout == "[0, 1]\n"
    assert all("TypedStorage" in w for w in step.warnings)
