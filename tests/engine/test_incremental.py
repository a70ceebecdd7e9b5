"""The recorder's incremental path (a step looks only at the names its statement spells)
records exactly what looking at every name records, and shares the same states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stridescope.engine.interpret import runner
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.limits import Limits
from stridescope.engine.teaching.lessons import lesson_names, load_lesson

TRICKY = {
    "rebind and alias": "import torch\na = torch.arange(6)\nb = a[1:]\nc = a\na = 5\n"
                        "a = b\nb = torch.zeros(2)\nd, e = c[::2], c.view(2, 3)\nc = None\n"
                        "a, b = b, a\nd, e = e, torch.ones(4)\nf, g = torch.ones(1), e[1:]\n"
                        "p = torch.ones(2)\nq = torch.zeros(3)\np, q = q, p\nr = p + q[:2]\n",
    "written through a temporary": "import torch\nx = torch.arange(8)\ny = x[2:]\nz = y.t()\n"
                                   "x[1:3].add_(1)\nw = torch.ones(3)\nw.mul_(2)\n",
    "metadata in place": "import torch\na = torch.arange(6.)\nb = a[1:]\nb.unsqueeze_(0)\n"
                         "a.as_strided_((3,), (2,))\nb.t_()\nc = torch.empty(0)\nc.resize_(4)\n",
    "names that reach others": "import torch\na = torch.arange(4)\npair = (a, a[1:])\n"
                               "pair[1].add_(5)\nm = a.add_\nm(1)\n_hidden = a[2:]\n"
                               "_hidden.zero_()\nlst = [a]\nlst[0].mul_(3)\nd = {'k': a}\n",
    "loops and del": "import torch\nb = torch.arange(6)\nfor i in range(3):\n    v = b[i:]\n"
                     "    w = v[1:]\ndel v\nx = w\nif True:\n    w.add_(1)\ndel b\n",
    "autograd": "import torch\nx = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                "y.backward()\ng = x.grad\nz = torch.arange(3)\ny2 = (x * 3).sum()\n"
                "y2.backward()\nq = z + 1\n",
    "numpy": "import torch\nimport numpy as np\nn = np.arange(6)\nt = torch.from_numpy(n)\n"
             "u = t[1:]\nn[2] = 40\nv = torch.arange(3)\nv.add_(1)\n",
    "base named late": "import torch\nv = torch.arange(6)[1:]\nw = v[1:]\nr = v._base\n"
                       "s = w + 0\n",
    "many names": "import torch\nbase = torch.arange(4096)\n" + "".join(
        f"v{i} = base[{i}:{i} + 10]\n" for i in range(300)) + "last = v3.view(2, 5)\n"
        "v7.add_(1)\nv299 = None\nother = torch.ones(2)\n" + "".join(
            f"o{i} = other[{i % 2}:]\n" for i in range(20)),
    "many names on a few storages": "import torch\na = torch.arange(600)\n" + "".join(
        f"x{i} = a[{i}:]\n" for i in range(150)) + "b = torch.ones(50)\n" + "".join(
        f"y{i} = b[{i % 40}:]\n" for i in range(150)) + "x3 = b[1:]\nc = torch.zeros(9)\n"
        + "".join(f"z{i} = torch.zeros({i % 5 + 1})\n" for i in range(40)) + "y0 = a\n",
    "many names, every way a step adds them": "import torch\nbase = torch.arange(4096)\n"
        + "".join(f"v{i} = base[{i}:{i} + 10]\n" for i in range(270))
        + "w = v5 + 0\nx = v6[1:]\nw3 = v5 + v6 + v7\nc = v260[1:]\nprint(v2)\ny = torch.ones(3)\n"
        + "".join(f"z{i} = y[{i % 2}:]\n" for i in range(12))
        + "q = v1.t()\na1, a2 = v3[1:], v4[1:]\nr = x._base\ns = base\n"
        + "".join(f"t{i} = s[{i}:]\n" for i in range(10)) + "u = w[1:]\nw2 = w\n"
        + "".join(f"k{i} = z{i % 12}.view(-1)\n" for i in range(30))
        + "del v100\nlast = t3 + v200[:1]\n",
    "errors": "import torch\na = torch.arange(6)\nb = a.view(4, 4)  #! expect-error\n"
              "c = a[1:]\n",
}


def _comparable(result):
    """Steps with addresses made relative (two runs put storages at different addresses)."""
    steps = []
    for step in result.steps:
        tensors = tuple(replace(t, data_ptr=t.data_ptr - t.storage_data_ptr,
                                storage_data_ptr=0) for t in step.tensors)
        storages = tuple(replace(s, data_ptr=0) for s in step.storages)
        substeps = tuple(replace(s, tensor=replace(
            s.tensor, data_ptr=s.tensor.data_ptr - s.tensor.storage_data_ptr,
            storage_data_ptr=0), temporary=s.temporary and replace(s.temporary, data_ptr=0))
            for s in step.substeps)
        steps.append(replace(step, tensors=tensors, storages=storages, substeps=substeps,
                             arrays=(), memories=()))
    return steps


def _sharing(result):
    """Which states are the last step's very object."""
    out = []
    for before, after in zip(result.steps, result.steps[1:]):
        old = {t.name: t for t in before.tensors}
        out.append(tuple(t.name for t in after.tensors if old.get(t.name) is t))
    return out


def _both(source, monkeypatch):
    fast = run_script(source, Limits(max_statements=100_000))
    monkeypatch.setattr(runner._Recorder, "incremental", False)
    full = run_script(source, Limits(max_statements=100_000))
    monkeypatch.setattr(runner._Recorder, "incremental", True)
    return fast, full


SCRIPTS = [*TRICKY, *(f"lesson:{n}" for n in lesson_names() if "dtensor" not in n)]


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_incremental_path_records_what_looking_at_every_name_records(name, monkeypatch):
    source = load_lesson(name[7:]).script if name.startswith("lesson:") else TRICKY[name]
    fast, full = _both(source, monkeypatch)
    assert len(fast.steps) == len(full.steps)
    for a, b in zip(_comparable(fast), _comparable(full)):
        assert a == b, a.source
    assert _sharing(fast) == _sharing(full)
