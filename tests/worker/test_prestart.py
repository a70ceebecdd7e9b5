"""The window's worker can be started first thing (main.py) and is adopted by the first
worker process object; a mismatched or dead early worker is not used."""

from __future__ import annotations

from stridescope.engine.worker import spawn as worker_spawn


class FakePopen:
    def __init__(self, alive: bool = True) -> None:
        self.alive, self.killed = alive, False

    def poll(self):
        return None if self.alive else 1

    def kill(self) -> None:
        self.killed = True

    def wait(self) -> int:
        return 0


def test_an_early_worker_is_taken_once_and_only_as_prepared(monkeypatch):
    spawned = []
    monkeypatch.setattr(worker_spawn, "spawn", lambda warm: spawned.append(warm) or FakePopen())
    monkeypatch.setattr(worker_spawn, "_early", None)
    assert worker_spawn.take_early(True) is None
    worker_spawn.start_early()
    worker_spawn.start_early()  # once
    assert spawned == [True]
    popen, started = worker_spawn.take_early(True)
    assert isinstance(popen, FakePopen) and started > 0
    assert worker_spawn.take_early(True) is None
    worker_spawn.start_early()
    early = worker_spawn._early[1]
    assert worker_spawn.take_early(False) is None  # prepared for many runs, asked for one
    assert early.killed


def test_a_dead_early_worker_is_not_adopted(monkeypatch):
    monkeypatch.setattr(worker_spawn, "spawn", lambda warm: FakePopen(alive=False))
    monkeypatch.setattr(worker_spawn, "_early", None)
    worker_spawn.start_early()
    assert worker_spawn.take_early(True) is None
