"""Session files: round trip, atomic writes, and corrupt/foreign/hostile files rejected."""

from __future__ import annotations

import json
import os

import pytest

from stridescope.engine.document.session_file import (
    Session,
    SessionError,
    load_session,
    save_session,
    write_atomic,
)


def test_round_trip(tmp_path):
    path = tmp_path / "s.stridescope"
    session = Session("import torch\nx = torch.zeros(2)\n# 注释\n", 1, "x", None, "zh_CN", 1.5, 2)
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
    from stridescope.engine.interpret.runner import run_script

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


HEAD = '{"format": "stridescope-session/1", "script": "x = 1\\n"'


@pytest.mark.parametrize("fields", [
    ', "cursor": ' + "9" * 5000,                        # an integer JSON cannot even parse
    ', "cursor": 10000000000',
    ', "cursor": true',
    ', "cursor": 1.5',
    ', "sub": -2',
    ', "sub": 1e9',
    ', "sub": false',
    ', "sub": "1"',
    ', "lesson": "../../../../etc/evil"',
    ', "lesson": "/tmp/evil"',
    ', "lesson": "tutorial/../../x"',
    ', "lesson": "no_such_lesson"',
    ', "lesson": 7',
    ', "lang": "fr"',
    ', "focus": 3',
    ', "focus": "' + "a" * 300 + '"',
    ', "focus": "\\ud800"',
    ', "view": []',
    ', "view": "big"',
    ', "view": {"zoom": true}',
    ', "view": {"zoom": NaN}',
    ', "view": {"zoom": -Infinity}',
    ', "view": {"zoom": "2"}',
])
def test_every_malformed_field_is_a_session_error(tmp_path, fields):
    path = tmp_path / "bad.stridescope"
    path.write_text(HEAD + fields + "}", encoding="utf-8")
    with pytest.raises(SessionError):
        load_session(path)


def test_a_script_with_a_lone_surrogate_is_refused_on_load(tmp_path):
    path = tmp_path / "s.stridescope"
    path.write_text('{"format": "stridescope-session/1", "script": "x = \'\\ud800\'"}')
    with pytest.raises(SessionError, match="script"):
        load_session(path)


def test_a_known_lesson_name_is_accepted(tmp_path):
    path = tmp_path / "s.stridescope"
    save_session(path, Session("x = 1\n", lesson="tutorial"))
    assert load_session(path).lesson == "tutorial"


def test_a_bom_is_accepted(tmp_path):
    path = tmp_path / "s.stridescope"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(Session("x = 1\n").to_json()).encode())
    assert load_session(path).script == "x = 1\n"


def test_only_regular_files_are_read(tmp_path):
    zero = tmp_path / "zero.stridescope"
    zero.symlink_to("/dev/zero")
    with pytest.raises(SessionError, match="not a regular file"):
        load_session(zero)
    pipe = tmp_path / "pipe.stridescope"
    os.mkfifo(pipe)  # nobody writes: a blocking open or read would hang forever
    with pytest.raises(SessionError, match="not a regular file"):
        load_session(pipe)
    with pytest.raises(SessionError):
        load_session(tmp_path)  # a directory


def test_saving_anything_either_works_or_raises_oserror(tmp_path, monkeypatch):
    path = tmp_path / "s.stridescope"
    save_session(path, Session("x = '\ud800'\n"))  # a lone surrogate is escaped, not lost
    assert "\\ud800" in load_session(path).script

    def broken(*args, **kwargs):
        raise ValueError("something odd")

    monkeypatch.setattr(json, "dumps", broken)
    with pytest.raises(OSError, match="cannot save"):
        save_session(path, Session("y = 1\n"))
    assert load_session(path).script.startswith("x = ")  # the old file is untouched


def test_lessons_are_looked_up_by_name_never_joined_into_a_path():
    from stridescope.engine.teaching.lessons import load_lesson

    for name in ("../README", "/etc/passwd", "tutorial/../tutorial", "tutorial.py"):
        with pytest.raises(KeyError):
            load_lesson(name)


def test_a_session_saved_before_calls_could_be_stepped_into_shows_the_statement(tmp_path):
    path = tmp_path / "old.stridescope"
    path.write_text(HEAD + ', "cursor": 2}', encoding="utf-8")
    assert load_session(path).sub == -1
