"""Lessons: plain PyTorch scripts whose `#: en:` / `#: zh:` lines narrate the next statement.

A lesson file is a script with three kinds of marks, each on the lines just above a statement:

    #: en: English narration          (several lines join with a space)
    #: zh: 中文讲解
    #? error | value a[0, 1] | equal first second | output | layout | none
    #! expect-error                   (kept in the script: the runner lets it fail and go on)

Narration is keyed by the statement's position (its index among the script's statements, which
is `Step.index`), so two identical lines — `torch.manual_seed(8)` twice — keep their own words.
`#?` chooses the predict-then-reveal question for that statement (engine/quiz.py).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from stridescope import resources

_NARRATION = re.compile(r"^\s*#:\s*(?P<lang>[A-Za-z_]+)\s*:\s?(?P<text>.*)$")
_TITLE = re.compile(r"^\s*#!\s*title\s*\((?P<lang>[A-Za-z_]+)\)\s*:\s?(?P<text>.*)$")
_ASK = re.compile(r"^\s*#\?\s*(?P<spec>\S.*?)\s*$")


class _StepLike(Protocol):
    index: int
    source: str


@dataclass(frozen=True, slots=True)
class Narration:
    """What a lesson says (and asks) at one statement."""

    index: int                  # the statement's position in the script (= Step.index)
    source: str                 # its text, to find it again after the script was edited
    texts: dict[str, str]       # lang -> narration
    ask: str | None = None      # a `#?` question spec, or None for the default


@dataclass(frozen=True, slots=True)
class Lesson:
    name: str
    titles: dict[str, str]
    script: str                              # the code without narration and `#?` lines
    narrations: tuple[Narration, ...]

    def at(self, step: _StepLike | str) -> Narration | None:
        """The narration for a step: the statement at the step's position when its text is
        the same; else (an edited script) the narration of that text nearest in position."""
        if isinstance(step, str):
            source, index = step.strip(), None
        else:
            source, index = step.source.strip(), step.index
        same = [n for n in self.narrations if n.source == source]
        if not same:
            return None
        if index is None:
            return same[0]
        return min(same, key=lambda n: abs(n.index - index))

    def caption(self, step: _StepLike | str, lang: str) -> str:
        narration = self.at(step)
        texts = narration.texts if narration else {}
        text = texts.get(lang) or texts.get(lang.split("_")[0]) or texts.get("en", "")
        if not text and getattr(step, "index", None) == 0:  # the opening slide: the title
            return self.title(lang)
        return text

    def question(self, step: _StepLike | str) -> str | None:
        """The `#?` spec chosen for this step, if any."""
        narration = self.at(step)
        return narration.ask if narration else None

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get(lang.split("_")[0]) or \
            self.titles.get("en", self.name)


def parse_lesson(name: str, text: str) -> Lesson:
    titles: dict[str, str] = {}
    pending: dict[str, str] = {}
    ask: str | None = None
    kept: list[str] = []
    by_line: dict[int, tuple[dict[str, str], str | None]] = {}
    for raw in text.splitlines():
        if m := _TITLE.match(raw):
            titles[_lang(m["lang"])] = m["text"].strip()
            continue
        if m := _NARRATION.match(raw):
            lang = _lang(m["lang"])
            pending[lang] = (pending.get(lang, "") + " " + m["text"].strip()).strip()
            continue
        if m := _ASK.match(raw):
            ask = m["spec"]
            continue
        kept.append(raw)
        if (pending or ask) and raw.strip() and not raw.lstrip().startswith("#"):
            by_line[len(kept)] = (pending, ask)
            pending, ask = {}, None
    script = "\n".join(kept) + "\n"
    narrations = []
    try:
        statements = ast.parse(script).body
    except SyntaxError:
        statements = []
    for index, statement in enumerate(statements):
        if statement.lineno in by_line:
            texts, spec = by_line[statement.lineno]
            source = (ast.get_source_segment(script, statement) or "").strip()
            narrations.append(Narration(index, source, texts, spec))
    return Lesson(name, titles, script, tuple(narrations))


def _lang(code: str) -> str:
    return "zh_CN" if code.lower() in ("zh", "zh_cn") else code.lower()


def lesson_names() -> list[str]:
    return sorted(p.name[:-3] for p in resources.lessons().iterdir()
                  if p.name.endswith(".py") and not p.name.startswith("_"))


def load_lesson(name: str) -> Lesson:
    """A built-in lesson by name: the name is looked up in the list, never used as a path."""
    names = lesson_names()
    if name not in names:
        raise KeyError(f"no lesson named {name!r} (available: {', '.join(names)})")
    return parse_lesson(name, (resources.lessons() / f"{name}.py").read_text(encoding="utf-8"))


def lesson_path(name: str) -> Path:
    """A file-system path of a built-in lesson (the window opens lessons as files)."""
    if name not in lesson_names():
        raise KeyError(f"no lesson named {name!r}")
    return resources.real_path(resources.lessons() / f"{name}.py")


def load_lesson_file(path: Path, text: str | None = None) -> Lesson | None:
    """A lesson if the file (or its `text`, already read) has narration lines, else None."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    if not any(_NARRATION.match(line) for line in text.splitlines()):
        return None
    return parse_lesson(path.stem, text)
