"""Run scripts without blocking the UI thread: in the worker process (the app) or in this one.

Both runners share one interface, `start(script, limits, done)` / `cancel()` / `busy`; `done`
receives the RunResult, or None when the run was cancelled. The worker runner never imports
torch into this process: it watches the worker's pipe with a QSocketNotifier and a timer that
enforces the wall-clock limits.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Signal

from stridescope.engine.model.limits import Limits
from stridescope.engine.model.state import RunResult

Done = Callable[["RunResult | None"], None]
SLOW_MS = 300  # a run longer than this shows its progress and a Cancel button


class InProcessRunner(QObject):
    """Runs the interpreter in this process, synchronously (tests; no isolation)."""

    sig_started = Signal()
    sig_slow = Signal()
    sig_progress = Signal(int, int)      # statements done, line running
    sig_finished = Signal()

    busy = False

    def start(self, script: str, limits: Limits | None, done: Done) -> None:
        from stridescope.engine.interpret.runner import run_script

        done(run_script(script, limits))

    def measure(self, tensor, done) -> None:
        """Time `tensor`'s layout here, synchronously (see WorkerRunner.measure)."""
        from stridescope.engine.worker.timing import measured_here

        done(measured_here(tensor, Limits().memory_bytes))

    def cancel(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


class WorkerRunner(QObject):
    """Runs scripts in the worker process; the window stays responsive and can cancel."""

    sig_started = Signal()
    sig_slow = Signal()                  # the run has taken longer than SLOW_MS
    sig_progress = Signal(int, int)      # statements done (-1: worker starting), line running
    sig_finished = Signal()

    def __init__(self, limits: Limits | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._limits = limits
        self._pool = None  # started by the first run (a window showing API tensors never runs)
        self._run = None
        self._done: Done | None = None
        self._notifier: QSocketNotifier | None = None
        self._started = 0.0
        self._slow_sent = False
        self._quiet = False  # a timing runs without progress signals
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._poll)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def pool(self):
        if self._pool is None:
            from stridescope.engine.worker.client import WorkerPool

            self._pool = WorkerPool(self._limits)  # torch imports over there, not here
        return self._pool

    @property
    def busy(self) -> bool:
        return self._run is not None

    def start(self, script: str, limits: Limits | None, done: Done) -> None:
        if self._run is not None:
            self.cancel()
        self._quiet = False
        self._watch(self.pool.start(script, limits, on_begin=self._on_begin), done)
        self.sig_started.emit()

    def _watch(self, run, done: Done) -> None:
        self._done = done
        self._run = run
        self._started = time.monotonic()
        self._slow_sent = False
        self._waiting_for_start = True
        self._notifier = QSocketNotifier(self._run.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._poll)
        self._timer.start()

    def measure(self, tensor, done) -> None:
        """Time `tensor`'s layout in the worker (engine/worker/timing.py); done(Timing). A
        script run started meanwhile wins: the timing then says it was cancelled."""
        from stridescope.engine.model.layout import N_
        from stridescope.engine.model.timing import Timing
        from stridescope.engine.worker.client import timing_result
        from stridescope.engine.worker.timing import skipped_timing

        skipped = skipped_timing(tensor, self.pool.limits.memory_bytes)
        if skipped is not None or self._run is not None:
            done(skipped or Timing(tensor.numel,
                                   skipped=N_("Not timed: the script is still running.")))
            return
        run = self.pool.start_timing(tensor)
        self._quiet = True  # no progress bar for a timing
        self._watch(run, lambda result: done(
            timing_result(run, tensor.numel) if result is not None else
            Timing(tensor.numel, skipped=N_("Not timed: cancelled."))))

    def cancel(self) -> None:
        run = self._run
        if run is None:
            return
        run.cancel()
        self._finish(None)

    def shutdown(self) -> None:
        self.cancel()
        if self._pool is not None:
            self._pool.close()

    def _on_begin(self, index: int, line: int) -> None:
        if self._slow_sent:
            self.sig_progress.emit(index, line)

    def _poll(self, *_args) -> None:
        run = self._run
        if run is None:
            return
        if run.poll():
            self._finish(run.result)
            return
        if self._quiet:
            return
        if not self._slow_sent and (time.monotonic() - self._started) * 1000 >= SLOW_MS:
            self._slow_sent = True
            self.sig_slow.emit()
            line = run.current["line"] if run.current else 0
            self.sig_progress.emit(len(run.steps) if run.pid is not None else -1, line)
        elif self._slow_sent and run.pid is not None and self._waiting_for_start:
            self.sig_progress.emit(len(run.steps), run.current["line"] if run.current else 0)
        self._waiting_for_start = run.pid is None

    def _finish(self, result: RunResult | None) -> None:
        done = self._done
        self._run = None
        self._done = None
        self._timer.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        self.sig_finished.emit()
        if done is not None:
            done(result)
