"""Typed QSettings wrapper: a defaults table, and unknown keys are an error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths

DEFAULTS: dict[str, Any] = {
    "language": "",            # "" follows the system locale
    "theme": "light",
    "animation/speed": 1.0,
    "animation/reduced_motion": False,
    "view/large_labels": False,
    "view/value_colors": False,
    "window/geometry": b"",
    "window/state": b"",
    "recent_files": [],
}
MAX_RECENT = 8


def config_dir() -> Path:
    """Where settings and the autosave live (STRIDESCOPE_CONFIG_DIR overrides, for tests)."""
    override = os.environ.get("STRIDESCOPE_CONFIG_DIR")
    if override:
        path = Path(override)
    else:
        location = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppConfigLocation)
        path = Path(location or Path.home() / ".config" / "Stridescope")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.ini"
        self._q = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]  # KeyError: unknown setting
        value = self._q.value(key, default)
        try:
            if isinstance(default, bool):
                return value in (True, "true", "1", 1)
            if isinstance(default, float):
                return float(value)
            if isinstance(default, bytes):
                return bytes(value) if value else b""
            if isinstance(default, list):
                if isinstance(value, str):
                    return [value]
                return [str(v) for v in (value or [])]
            return str(value)
        except (TypeError, ValueError):  # a hand-edited or corrupt settings file
            return default

    def set(self, key: str, value: Any) -> None:
        default = DEFAULTS[key]
        if isinstance(default, float) and isinstance(value, int):
            value = float(value)
        if not isinstance(value, type(default)):
            raise TypeError(f"setting {key!r} takes {type(default).__name__}, "
                            f"not {type(value).__name__}")
        self._q.setValue(key, value)

    def add_recent(self, path: str) -> list[str]:
        recent = [p for p in self.get("recent_files") if p != path]
        recent = [path, *recent][:MAX_RECENT]
        self.set("recent_files", recent)
        return recent

    def sync(self) -> None:
        self._q.sync()
