"""Built-in lessons: they run, they are narrated in both languages, their numbers are true."""

from __future__ import annotations

import re

import pytest

from engine.lessons import lesson_names, load_lesson, parse_lesson
from engine.runner import run_script

LESSONS = lesson_names()
TUPLE = r"\((-?\d+(?:,\s*-?\d+)*),?\)"


def test_there_are_the_lessons_and_the_tutorial():
    assert len(LESSONS) >= 17 and "tutorial" in LESSONS
    assert all(f"{n}_" in " ".join(LESSONS) for n in range(13, 19))


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_and_only_fails_where_it_teaches_a_failure(name):
    """A lesson fails only on purpose (`#! expect-error`, or a failing view as its last step),
    and every failure it shows is explained."""
    lesson = load_lesson(name)
    result = run_script(lesson.script)
    assert result.syntax_error is None
    errors = [s for s in result.steps if s.error]
    for step in errors:
        assert step.expected_error or (step is result.steps[-1] and ".view(" in step.source)
        assert step.error.explanation is not None, step.source


@pytest.mark.parametrize("name", LESSONS)
def test_every_narration_exists_in_both_languages_and_has_a_title(name):
    lesson = load_lesson(name)
    assert lesson.title("en") and lesson.title("zh_CN") != lesson.title("en")
    assert lesson.narration
    for source, texts in lesson.narration.items():
        assert texts.get("en") and texts.get("zh_CN"), source


@pytest.mark.parametrize("name", LESSONS)
def test_numbers_in_the_narration_match_the_trace(name):
    """'stride (4, 1)', 'offset 4', 'shape (2, 3)' must be true of a tensor at that step."""
    lesson = load_lesson(name)
    steps = run_script(lesson.script).steps
    checked = 0
    for step in steps:
        text = lesson.caption(step.source, "en")
        if not text or step.error:
            continue
        for kind, pattern in (("stride", rf"stride {TUPLE}"), ("shape", rf"(?:shape|size) {TUPLE}"),
                              ("offset", r"offset (\d+)")):
            for match in re.finditer(pattern, text):
                value = tuple(int(v) for v in re.split(r",\s*", match.group(1)) if v)
                facts = {"stride": [t.stride for t in step.tensors],
                         "shape": [t.shape for t in step.tensors],
                         "offset": [(t.storage_offset,) for t in step.tensors]}[kind]
                assert value in facts, f"{name}: '{match.group(0)}' at {step.source!r}"
                checked += 1
    assert checked or name in ("09_random_seeds", "03_shared_storage", "08_view_vs_reshape")


PRINTS = re.compile(r"prints (.+?)\.(?:\s|$)")


@pytest.mark.parametrize("name", LESSONS)
def test_what_the_narration_says_is_printed_is_printed(name):
    """'It prints 24 96.': the narrated statement or the ones after it (up to the next
    narrated one) print exactly that line."""
    lesson = load_lesson(name)
    steps = run_script(lesson.script).steps
    for i, step in enumerate(steps):
        text = lesson.caption(step.source, "en")
        block = [step]
        for later in steps[i + 1:]:
            if lesson.caption(later.source, "en"):
                break
            block.append(later)
        printed = [line for s in block for line in s.stdout.splitlines()]
        assert len(PRINTS.findall(text)) == text.count("prints "), text
        for match in PRINTS.finditer(text):
            assert match.group(1) in printed, f"{name}: {match.group(0)} at {step.source!r}"


def numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


@pytest.mark.parametrize("name", [n for n in LESSONS if n[:2].isdigit() and int(n[:2]) >= 13])
def test_chinese_narration_keeps_every_number(name):
    lesson = load_lesson(name)
    for source, texts in lesson.narration.items():
        assert numbers(texts["en"]) == numbers(texts["zh_CN"]), source


def test_parse_lesson_attaches_narration_to_the_next_statement():
    lesson = parse_lesson("x", "#! title (en): T\nimport torch\n#: en: hello\n#: zh: 你好\n"
                               "a = torch.zeros(2)\nb = a\n")
    assert lesson.script == "import torch\na = torch.zeros(2)\nb = a\n"
    assert lesson.caption("a = torch.zeros(2)", "zh_CN") == "你好"
    assert lesson.caption("b = a", "en") == ""
    assert lesson.title("zh_CN") == "T"  # falls back to English
