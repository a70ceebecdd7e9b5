"""GUI tests run scripts in-process by default (fast, synchronous); tests marked `worker`
use the real worker process, as the app does."""

import pytest


@pytest.fixture(autouse=True)
def _in_process_runner(request, monkeypatch):
    if request.node.get_closest_marker("worker"):
        return
    import stridescope.gui.controller
    from stridescope.gui.script_runner import InProcessRunner

    monkeypatch.setattr(stridescope.gui.controller, "make_runner",
                        lambda limits, parent: InProcessRunner(parent))
