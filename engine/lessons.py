"""Lessons: plain PyTorch scripts whose `#: en:` / `#: zh:` lines narrate the next statement."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

LESSON_DIR = Path(__file__).resolve().parent.parent / "resources" / "lessons"
_NARRATION = re.compile(r"^\s*#:\s*(?P<lang>[A-Za-z_]+)\s*:\s?(?P<text>.*)$")
_TITLE = re.compile(r"^\s*#!\s*title\s*\((?P<lang>[A-Za-z_]+)\)\s*:\s?(?P<text>.*)$")


@dataclass(frozen=True, slots=True)
class Lesson:
    name: str
    titles: dict[str, str]
    script: str                                  # the code without narration lines
    narration: dict[str, dict[str, str]]         # statement source → {lang: text}

    def caption(self, source: str, lang: str) -> str:
        texts = self.narration.get(source.strip(), {})
        return texts.get(lang) or texts.get(lang.split("_")[0]) or texts.get("en", "")

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get(lang.split("_")[0]) or \
            self.titles.get("en", self.name)


def parse_lesson(name: str, text: str) -> Lesson:
    titles: dict[str, str] = {}
    pending: dict[str, str] = {}
    kept: list[str] = []
    by_line: dict[int, dict[str, str]] = {}
    for raw in text.splitlines():
        if m := _TITLE.match(raw):
            titles[_lang(m["lang"])] = m["text"].strip()
            continue
        if m := _NARRATION.match(raw):
            lang = _lang(m["lang"])
            pending[lang] = (pending.get(lang, "") + " " + m["text"].strip()).strip()
            continue
        kept.append(raw)
        if pending and raw.strip() and not raw.lstrip().startswith("#"):
            by_line[len(kept)] = pending
            pending = {}
    script = "\n".join(kept) + "\n"
    narration: dict[str, dict[str, str]] = {}
    try:
        statements = ast.parse(script).body
    except SyntaxError:
        statements = []
    for statement in statements:
        if statement.lineno in by_line:
            source = ast.get_source_segment(script, statement) or ""
            narration[source.strip()] = by_line[statement.lineno]
    return Lesson(name, titles, script, narration)


def _lang(code: str) -> str:
    return "zh_CN" if code.lower() in ("zh", "zh_cn") else code.lower()


def lesson_names() -> list[str]:
    return sorted(p.stem for p in LESSON_DIR.glob("*.py"))


def load_lesson(name: str) -> Lesson:
    """A built-in lesson by name: the name is looked up in the list, never used as a path."""
    names = lesson_names()
    if name not in names:
        raise KeyError(f"no lesson named {name!r} (available: {', '.join(names)})")
    path = LESSON_DIR / f"{name}.py"
    return parse_lesson(name, path.read_text(encoding="utf-8"))


def load_lesson_file(path: Path) -> Lesson | None:
    """A lesson if the file has narration lines, else None (a plain script)."""
    text = path.read_text(encoding="utf-8")
    if not any(_NARRATION.match(line) for line in text.splitlines()):
        return None
    return parse_lesson(path.stem, text)
