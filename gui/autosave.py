"""Autosave and crash restore, told apart from a second running window by a per-process lock.

Each process holds `instance-<pid>.lock` (a QLockFile: it stores the PID, and a lock whose
process is gone counts as stale) and autosaves to `autosave-<pid>-<n>.stridescope`. At start,
an autosave is offered for restore only when its process's lock can be taken: that process
ended without cleaning up, so it crashed. Another window that is still running holds its
lock, and its autosave is left alone. A clean exit deletes the autosave and releases the lock.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from stridescope.engine.document.session_file import SessionError, load_session, save_session
from stridescope.gui.i18n import _
from stridescope.gui.settings import config_dir

_NAME = re.compile(r"^autosave-(\d+)-\d+\.stridescope$")
_serial = itertools.count(1)
_process_locks: dict[Path, QLockFile] = {}  # one per settings folder this process writes to


def lock_path(folder: Path, pid: int) -> Path:
    return folder / f"instance-{pid}.lock"


def _probe(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
    return lock


def hold_process_lock(folder: Path) -> QLockFile:
    """This process's lock in `folder`, taken once and held until the process ends (or is
    released); a process whose windows use several folders holds one in each."""
    lock = _process_locks.get(folder)
    if lock is None:
        lock = _probe(lock_path(folder, os.getpid()))
        lock.tryLock(0)
        _process_locks[folder] = lock
    return lock


def release_process_lock() -> None:
    """Before a fast exit (os._exit runs no destructors): leave no lock file behind."""
    while _process_locks:
        _process_locks.popitem()[1].unlock()


def orphans(folder: Path) -> list[Path]:
    """Autosaves left by processes that are gone (newest first)."""
    found = []
    for path in folder.glob("autosave*.stridescope"):
        match = _NAME.match(path.name)
        if match is None:  # an autosave from before the lock: nobody owns it
            found.append(path)
            continue
        pid = int(match.group(1))
        if pid == os.getpid():
            continue
        probe = _probe(lock_path(folder, pid))
        if probe.tryLock(0):  # no live owner: it crashed (tryLock removed the stale lock)
            probe.unlock()
            found.append(path)
    for path in folder.glob("instance-*.lock"):  # locks of crashes that left no autosave
        if path != lock_path(folder, os.getpid()) and (probe := _probe(path)).tryLock(0):
            probe.unlock()  # removes the file
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


class Autosave(QObject):
    """Debounced autosave of `current()`; `offer_restore` after a crash; `discard` on exit."""

    def __init__(self, current, apply, parent: QWidget, status) -> None:
        super().__init__(parent)
        self._current = current  # () -> Session
        self._apply = apply      # (Session) -> None
        self._status = status    # (str) -> None
        self._parent = parent
        self.folder = config_dir()
        self.lock = hold_process_lock(self.folder)
        self.path = self.folder / f"autosave-{os.getpid()}-{next(_serial)}.stridescope"
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1500)
        self._timer.timeout.connect(self.write)

    def schedule(self, *_args) -> None:
        self._timer.start()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def write(self) -> None:
        try:
            save_session(self.path, self._current())
        except OSError as exc:
            self._status(_("Autosave failed: {reason}").format(reason=exc))

    def discard(self) -> None:
        """A clean exit: nothing to restore next time."""
        self._timer.stop()
        self.path.unlink(missing_ok=True)

    def offer_restore(self, ask=None) -> bool:
        """After a crash an orphaned autosave is still there: offer to bring the script back."""
        for path in orphans(self.folder):
            try:
                session = load_session(path)
            except SessionError:
                path.unlink(missing_ok=True)
                continue
            if session.script == self._current().script:
                path.unlink(missing_ok=True)
                continue
            restore = (ask or self.ask)()
            path.unlink(missing_ok=True)  # asked once: restored or declined, it is settled
            if restore:
                self._apply(session)
            return restore
        return False

    def ask(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, _("Restore unsaved script?"),
                          _("Stridescope did not close normally last time. Restore the script "
                            "you were working on?"), QMessageBox.StandardButton.NoButton,
                          self._parent)
        restore = box.addButton(_("Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Discard"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        self.dialog = box  # tests read its texts
        box.exec()
        return box.clickedButton() is restore
