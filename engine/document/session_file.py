"""Session files: a human-readable JSON of the script, cursor, focus and view; atomic writes.

A session file holds text only. Loading it never runs anything by itself: its script goes
through the same allowlisted interpreter as typed code.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stridescope.engine.interpret.script import safe_text

FORMAT = "stridescope-session/1"
MAX_BYTES = 2 * 1024 * 1024
MAX_SCRIPT_CHARS = 1024 * 1024
MAX_CALLS = 1_000  # calls of one chained statement: a bound on what a file may claim
MAX_CURSOR = 1_000_000


class SessionError(ValueError):
    """The file is not a usable Stridescope session; the message says why."""


@dataclass(frozen=True, slots=True)
class Session:
    script: str
    cursor: int = -1
    focus: str | None = None
    lesson: str | None = None
    lang: str | None = None
    zoom: float | None = None
    sub: int = -1  # the call of the chained statement at `cursor` shown; -1: the statement

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "script": self.script, "cursor": self.cursor,
                "sub": self.sub, "focus": self.focus, "lesson": self.lesson, "lang": self.lang,
                "view": {"zoom": self.zoom}}


class SessionSaveError(OSError):
    """Saving failed; the message says why (the old file, if any, is untouched)."""


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so that `path` is either the old file or the whole new one, never half."""
    target = Path(path)
    data = text.encode("utf-8", "backslashreplace")  # a lone surrogate cannot lose the rest
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                     dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def save_session(path: str | Path, session: Session) -> None:
    """Save atomically; any failure is an OSError (SessionSaveError) with a clear message."""
    try:
        data = {key: safe_text(value) if isinstance(value, str) else value
                for key, value in session.to_json().items()}  # a lone surrogate, escaped
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_atomic(path, text)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever it is, the caller reports it
        raise SessionSaveError(f"cannot save {Path(path).name}: {type(exc).__name__}: "
                               f"{exc}") from None


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; OSError/ValueError otherwise.

    Opened without blocking (a named pipe cannot hang us) and checked after opening (a
    symlink to /dev/zero is not a regular file); at most limit + 1 bytes are ever read."""
    p = Path(path)
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{p.name} is not a regular file")
        if info.st_size > limit:
            raise ValueError(f"{p.name} is larger than {limit // 1024:,} KiB")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise ValueError(f"{p.name} is larger than {limit // 1024:,} KiB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_session(path: str | Path) -> Session:
    p = Path(path)
    try:
        data = read_regular_file(p, MAX_BYTES)
    except ValueError as exc:
        raise SessionError(str(exc)) from None
    except OSError as exc:
        raise SessionError(f"cannot read {p.name}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionError(f"{p.name} is not UTF-8 text") from None
    return parse_session(text, p.name)


def parse_session(text: str, name: str = "the file") -> Session:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError, MemoryError):  # also: an integer of 5,000 digits
        raise SessionError(f"{name} is not a session file (not valid JSON; truncated?)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError(f"{name} is not a Stridescope session (expected format {FORMAT})")
    script = data.get("script")
    if not isinstance(script, str) or len(script) > MAX_SCRIPT_CHARS:
        raise SessionError(f"{name}: 'script' must be text of at most 1 MiB")
    try:
        script.encode("utf-8")
    except UnicodeEncodeError:
        raise SessionError(f"{name}: 'script' holds characters that are not valid text "
                           f"(a lone surrogate)") from None
    cursor = data.get("cursor", -1)
    if not isinstance(cursor, int) or isinstance(cursor, bool) or not -1 <= cursor <= MAX_CURSOR:
        raise SessionError(f"{name}: 'cursor' must be a step number (or -1)")
    sub = data.get("sub", -1)  # absent in sessions saved before calls could be stepped into
    if not isinstance(sub, int) or isinstance(sub, bool) or not -1 <= sub <= MAX_CALLS:
        raise SessionError(f"{name}: 'sub' must be a call number (or -1)")
    focus = _optional_text(data, "focus", name)
    if focus is not None and not focus.isidentifier():
        raise SessionError(f"{name}: 'focus' must be a tensor name")
    lesson = _optional_text(data, "lesson", name)
    if lesson is not None:
        from stridescope.engine.teaching.lessons import lesson_names

        if lesson not in lesson_names():  # a name from the list, never a path
            raise SessionError(f"{name}: 'lesson' must be one of the built-in lessons")
    lang = _optional_text(data, "lang", name)
    if lang not in (None, "en", "zh_CN"):
        raise SessionError(f"{name}: 'lang' must be en or zh_CN")
    view = data.get("view")
    if view is not None and not isinstance(view, dict):
        raise SessionError(f"{name}: 'view' must be an object")
    zoom = (view or {}).get("zoom")
    if zoom is not None and (not isinstance(zoom, (int, float)) or isinstance(zoom, bool)
                             or not 0.01 <= zoom <= 10):
        raise SessionError(f"{name}: 'view.zoom' must be a number between 0.01 and 10")
    return Session(script, cursor, focus, lesson, lang, zoom, sub)


def _optional_text(data: dict, key: str, name: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > 200):
        raise SessionError(f"{name}: '{key}' must be short text")
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise SessionError(f"{name}: '{key}' is not valid text") from None
    return value
