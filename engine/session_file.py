"""Session files: a human-readable JSON of the script, cursor, focus and view; atomic writes.

A session file holds text only. Loading it never runs anything by itself: its script goes
through the same allowlisted interpreter as typed code.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "stridescope-session/1"
MAX_BYTES = 2 * 1024 * 1024
MAX_SCRIPT_CHARS = 1024 * 1024


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

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "script": self.script, "cursor": self.cursor,
                "focus": self.focus, "lesson": self.lesson, "lang": self.lang,
                "view": {"zoom": self.zoom}}


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so that `path` is either the old file or the whole new one, never half."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                     dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
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
    write_atomic(path, json.dumps(session.to_json(), ensure_ascii=False, indent=2) + "\n")


def load_session(path: str | Path) -> Session:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise SessionError(f"cannot read {p.name}: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise SessionError(f"{p.name} is larger than {MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SessionError(f"{p.name} is not UTF-8 text") from None
    except OSError as exc:
        raise SessionError(f"cannot read {p.name}: {exc.strerror or exc}") from None
    return parse_session(text, p.name)


def parse_session(text: str, name: str = "the file") -> Session:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise SessionError(f"{name} is not a session file (not valid JSON; truncated?)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError(f"{name} is not a Stridescope session (expected format {FORMAT})")
    script = data.get("script")
    if not isinstance(script, str) or len(script) > MAX_SCRIPT_CHARS:
        raise SessionError(f"{name}: 'script' must be text of at most 1 MiB")
    cursor = data.get("cursor", -1)
    if not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < -1:
        raise SessionError(f"{name}: 'cursor' must be a step number (or -1)")
    focus = _optional_text(data, "focus", name)
    if focus is not None and not focus.isidentifier():
        raise SessionError(f"{name}: 'focus' must be a tensor name")
    lesson = _optional_text(data, "lesson", name)
    lang = _optional_text(data, "lang", name)
    if lang not in (None, "en", "zh_CN"):
        raise SessionError(f"{name}: 'lang' must be en or zh_CN")
    view = data.get("view") or {}
    zoom = view.get("zoom") if isinstance(view, dict) else None
    if zoom is not None and (not isinstance(zoom, (int, float)) or not 0.01 <= zoom <= 10):
        raise SessionError(f"{name}: 'view.zoom' must be a number between 0.01 and 10")
    return Session(script, cursor, focus, lesson, lang, zoom)


def _optional_text(data: dict, key: str, name: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > 200):
        raise SessionError(f"{name}: '{key}' must be short text")
    return value
