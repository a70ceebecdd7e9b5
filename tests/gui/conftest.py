"""GUI tests run scripts in-process by default (fast, synchronous); tests marked `worker`
use the real worker process, as the app does."""

import pytest


@pytest.fixture(autouse=True)
def _in_process_runner(request, monkeypatch):
    if request.node.get_closest_marker("worker"):
        return
    import gui.controller
    from gui.script_runner import InProcessRunner

    monkeypatch.setattr(gui.controller, "make_runner",
                        lambda limits, parent: InProcessRunner(parent))
