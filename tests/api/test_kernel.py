"""A real ipykernel, started here with jupyter_client: --attach --json, the live window, and
`%load_ext stridescope` (one kernel for the module; skipped only if it cannot start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
jupyter_client = pytest.importorskip("jupyter_client", reason="needs jupyter_client (test extra)")
pytest.importorskip("ipykernel", reason="needs ipykernel (test extra)")

SETUP = """import torch, numpy as np
a = torch.arange(12).reshape(3, 4)
at = a.t()
z = torch.tensor(2.5)
m = torch.empty(10**12, device="meta")
arr = np.arange(6.0).reshape(2, 3)
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """(KernelManager, client) of a fresh python3 kernel where stridescope is not imported."""
    from jupyter_client import KernelManager

    folder = tmp_path_factory.mktemp("kernel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    manager = KernelManager(kernel_name="python3",
                            connection_file=str(folder / "kernel-test.json"))
    try:
        manager.start_kernel(cwd=str(folder), env=env)
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
    except Exception as exc:  # no kernel here: say why and skip the module
        pytest.skip(f"ipykernel could not start: {type(exc).__name__}: {exc}")
    run(client, SETUP)
    yield manager, client
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    from stridescope.engine.live.attach import close_thread_loop

    close_thread_loop()


def run(client, code: str) -> dict:
    reply = client.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply


def evaluate(client, expression: str):
    reply = client.execute_interactive("", user_expressions={"x": expression}, timeout=30,
                                       output_hook=lambda msg: None)
    return reply["content"]["user_expressions"]["x"]["data"]["text/plain"]


def main(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_attach_json_is_the_kernels_tensors(kernel, tmp_path):
    manager, client = kernel
    names_before = evaluate(client, "sorted(globals())")
    picture = tmp_path / "kernel.png"
    done = main("--attach", manager.connection_file, "--json", "-", "--export", str(picture),
                "--focus", "at")
    assert done.returncode == 0, done.stderr
    assert picture.stat().st_size > 5000  # the same snapshot, drawn
    doc = json.loads(done.stdout)
    assert doc["format"] == "stridescope-trace/1" and len(doc["steps"]) == 1
    tensors = doc["steps"][0]["tensors"]
    assert list(tensors) == ["a", "at", "z", "m"]
    facts = json.loads(evaluate(client, "__import__('json').dumps({n: [list(t.shape), "
                                        "list(t.stride()), t.storage_offset(), t.data_ptr(), "
                                        "t.untyped_storage().data_ptr()] for n, t in "
                                        "[('a', a), ('at', at), ('z', z)]})")[1:-1])
    for name, (shape, stride, offset, ptr, storage_ptr) in facts.items():
        t = tensors[name]
        assert [t["shape"], t["stride"], t["storage_offset"], t["data_ptr"],
                t["storage_data_ptr"]] == [shape, stride, offset, ptr, storage_ptr]
    assert tensors["at"]["values"] == [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]
    assert tensors["at"]["storage_id"] == tensors["a"]["storage_id"]
    assert tensors["z"]["values"] == 2.5 and tensors["z"]["shape"] == []
    assert tensors["m"]["storage_nbytes"] == 4 * 10**12 and "values" not in tensors["m"]
    assert doc["steps"][0]["arrays"]["arr"]["strides"] == [24, 8]
    assert doc["steps"][0]["arrays"]["arr"]["values"] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert doc["torch"] == evaluate(client, "torch.__version__")[1:-1]
    # the snapshot left no trace in the user's session
    assert evaluate(client, "sorted(globals())") == names_before
    assert evaluate(client, "[m for m in __import__('sys').modules "
                            "if m.split('.')[0] in ('stridescope', 'engine')]") == "[]"


def test_attach_errors_are_clear(tmp_path, capsys):
    from stridescope import cli
    from stridescope.engine.live.attach import KernelLink
    from stridescope.engine.live.kernel_answer import AttachError

    assert cli.main(["--attach", str(tmp_path / "missing.json"), "--json", "-"]) == 2
    assert "no kernel connection file" in capsys.readouterr().err
    bad = tmp_path / "kernel-bad.json"
    bad.write_text("{}")
    assert cli.main(["--attach", str(bad), "--json", "-"]) == 2
    assert "not a kernel connection file" in capsys.readouterr().err
    # a kernel that is gone: ports where nothing listens
    gone = tmp_path / "kernel-gone.json"
    gone.write_text(json.dumps({"shell_port": 9, "iopub_port": 9, "stdin_port": 9,
                                "control_port": 9, "hb_port": 9, "ip": "127.0.0.1",
                                "key": "x", "transport": "tcp",
                                "signature_scheme": "hmac-sha256"}))
    link = KernelLink(gone, timeout=0.3)
    try:
        with pytest.raises(AttachError, match="does not answer"):
            link.check()
    finally:
        link.close()
    # following it: the same words, then the heartbeat says it is gone; nothing crashes
    import threading
    import time

    from stridescope.engine.live.attach import KernelFollower

    messages: list[str] = []
    said = threading.Event()
    follower = KernelFollower(gone, lambda result: None,
                              lambda text: (messages.append(text),
                                            "stopped answering" in text and said.set()),
                              timeout=0.3, poll=0.05, heartbeat=0.3)
    follower.start()
    started = time.monotonic()
    try:
        assert said.wait(20), messages
    finally:
        follower.stop()
    assert "does not answer" in messages[0] and time.monotonic() - started < 20


def test_a_kernel_that_is_not_python_is_named():
    from stridescope.engine.live.attach import KernelLink
    from stridescope.engine.live.kernel_answer import AttachError

    class Client:
        def kernel_info(self, reply, timeout):
            return {"content": {"language_info": {"name": "R"}}}

    link = KernelLink.__new__(KernelLink)
    link.client, link.path, link.timeout, link.language = Client(), Path("k.json"), 1.0, ""
    with pytest.raises(AttachError, match="runs R, not Python"):
        link.check()


def test_live_window_adds_a_step_after_each_cell(kernel, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_CONFIG_DIR", str(tmp_path))  # its geometry stays here
    from stridescope.gui.attach_window import open_attach_window

    manager, client = kernel
    window, follower = open_attach_window(manager.connection_file, timeout=30)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: len(window.controller.document.steps) == 1, timeout=30_000)
        first = window.controller.document.step
        assert first.source.startswith("# attached to ") and first.tensor("at") is not None
        run(client, "b = a[1:, ::2]\na.add_(100)")
        qtbot.waitUntil(lambda: len(window.controller.document.steps) == 2, timeout=30_000)
        step = window.controller.document.step
        assert step.source.startswith("In [") and "b = a[1:, ::2]" in step.source
        b = step.tensor("b")
        assert (b.shape, b.stride, b.storage_offset) == ((2, 2), (4, 2), 4)
        assert b.values == [[104, 106], [108, 110]]
        assert [(p.name, p.kind) for p in step.produced] == [("b", "view")]
        assert step.written_storages == (b.storage_id,)
        assert window.scene.picture is not None and window.controller.read_only
        assert follower.last_refresh_seconds is not None
    finally:
        follower.stop()
        window.close()


def test_a_busy_kernel_is_said_and_followed_once_it_is_idle(kernel):
    import threading

    from stridescope.engine.live.attach import KernelFollower

    manager, client = kernel
    results, messages = [], []
    got = threading.Event()
    client.execute("import time\ntime.sleep(1.5)\nslept = torch.ones(2)")  # not waited for
    follower = KernelFollower(manager.connection_file,
                              lambda r: (results.append(r), got.set()), messages.append,
                              timeout=0.5)
    follower.start()
    try:
        assert got.wait(60), messages
    finally:
        follower.stop()
    assert any("busy" in m or "does not answer" in m for m in messages), messages
    assert results[-1].steps[-1].tensor("slept") is not None
    assert results[-1].steps[0].source.startswith("# attached to ")


def test_load_ext_explains_a_failed_view(kernel):
    _, client = kernel
    run(client, f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n%load_ext stridescope")
    errors: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stderr":
            errors.append(msg["content"]["text"])

    reply = client.execute_interactive("t = torch.arange(12).view(3, 4).t()\nt.view(12)",
                                       timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "error"
    text = "".join(errors)
    assert "stridescope:" in text and "view(12)" in text and "stride[0] == stride[1]" in text

