"""The window's worker can be started first thing (main.py) and is handed to the first run."""

from __future__ import annotations

from engine import worker
from engine.limits import Limits


class FakePool:
    started = 0

    def __init__(self, limits=None) -> None:
        FakePool.started += 1
        self.limits = limits or Limits()
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_a_prestarted_pool_is_handed_out_once_and_only_for_its_limits(monkeypatch):
    monkeypatch.setattr(worker, "WorkerPool", FakePool)
    monkeypatch.setattr(worker, "_prestarted", None)
    assert worker.take_prestarted(None) is None
    worker.prestart()
    worker.prestart()  # once
    assert FakePool.started == 1
    pool = worker.take_prestarted(None)
    assert isinstance(pool, FakePool) and not pool.closed
    assert worker.take_prestarted(None) is None
    worker.prestart()
    other = worker._prestarted
    assert worker.take_prestarted(Limits(max_seconds=1.0)) is None  # made for other limits
    assert other.closed
