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


def test_a_headless_run_adopts_a_worker_started_before_its_imports(monkeypatch, tmp_path):
    # the worker is the critical path of `--script … --export`: it starts first, and the run
    # uses that process (no second interpreter start)
    import os

    from stridescope import cli
    from stridescope.engine.worker import client

    monkeypatch.setattr(worker_spawn, "_early", None)
    spawned, real_spawn = [], worker_spawn.spawn
    monkeypatch.setattr(worker_spawn, "spawn",
                        lambda warm: spawned.append(warm) or real_spawn(warm))
    monkeypatch.setattr(client, "spawn", worker_spawn.spawn)
    adopted, real_take = [], worker_spawn.take_early
    monkeypatch.setattr(client, "take_early",
                        lambda warm: adopted.append(real_take(warm)) or adopted[-1])
    script = tmp_path / "s.py"
    script.write_text("import torch\na = torch.arange(6).reshape(2, 3)\n")
    out = tmp_path / "t.json"
    assert cli.main(["--script", str(script), "--json", str(out)]) == 0
    assert spawned == [False] and adopted[0] is not None and os.path.getsize(out) > 0
