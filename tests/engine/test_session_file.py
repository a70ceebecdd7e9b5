"""Session files: round trip, atomic writes, and corrupt/foreign/hostile files rejected."""

from __future__ import annotations

import json
import os

import pytest

from engine.session_file import Session, SessionError, load_session, save_session, write_atomic


def test_round_trip(tmp_path):
    path = tmp_path / "s.stridescope"
    session = Session("import torch\nx = torch.zeros(2)\n# 注释\n", 1, "x", None, "zh_CN", 1.5)
    save_session(path, session)
    assert load_session(path) == session
    assert json.loads(path.read_text())["format"] == "stridescope-session/1"


def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "s.stridescope"
    save_session(path, Session("old = 1\n"))

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, "new text")
    assert load_session(path).script == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.stridescope"]  # no temp file left


@pytest.mark.parametrize("content", [
    b"",
    b"{\"format\": \"stridescope-session/1\", \"script\": \"x = 1",       # truncated
    b"\xff\xfe\x00\x01",                                                 # binary
    b"[1, 2, 3]",                                                        # foreign JSON
    b"{\"format\": \"something-else/1\", \"script\": \"\"}",               # foreign format
    b"{\"format\": \"stridescope-session/1\", \"script\": 42}",
    b"{\"format\": \"stridescope-session/1\", \"script\": \"\", \"cursor\": \"__import__\"}",
    b"{\"format\": \"stridescope-session/1\", \"script\": \"\", \"focus\": \"a; rm -rf /\"}",
    b"{\"format\": \"stridescope-session/1\", \"script\": \"\", \"view\": {\"zoom\": 1e308}}",
    b"[" * 100000 + b"]" * 100000,                                        # nesting bomb
])
def test_bad_files_are_rejected_with_a_clear_message(tmp_path, content):
    path = tmp_path / "bad.stridescope"
    path.write_bytes(content)
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert "bad.stridescope" in str(info.value)


def test_hostile_script_in_a_session_is_only_text(tmp_path):
    from engine.runner import run_script

    path = tmp_path / "evil.stridescope"
    marker = tmp_path / "pwned"
    save_session(path, Session(f"__import__('os').system('touch {marker}')\n"))
    session = load_session(path)
    result = run_script(session.script)
    assert result.steps[0].error.type == "RefusedError"
    assert not marker.exists()


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.stridescope"
    path.write_bytes(b" " * (3 * 1024 * 1024))
    with pytest.raises(SessionError, match="larger than"):
        load_session(path)
