"""Built-in lessons: they run, they are narrated in both languages, and what they say is true of
the trace (torch 2.13): the generic claims (stride, shape, offset, storage index, advances,
bytes) of every lesson, and each fact a reader once caught a lesson getting wrong."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from functools import cache

import pytest

from stridescope.engine.document.trace import step_json
from stridescope.engine.interpret.runner import run_script
from stridescope.engine.model.mesh import mesh_of_source
from stridescope.engine.teaching.lessons import lesson_names, load_lesson, parse_lesson
from stridescope.engine.teaching.quiz import grade, question_for

LESSONS = lesson_names()
MINE = ("01_what_is_a_tensor", "02_storage_and_metadata", "03_shared_storage", "04_stride",
        "05_offset", "06_contiguity", "07_when_view_works", "08_view_vs_reshape",
        "09_random_seeds", "10_stride_zero_and_overlaps", "11_memory_formats",
        "12_dtype_and_lifetime", "tutorial")
TUPLE = r"\((-?\d+(?:,\s*-?\d+)*),?\)"


@cache
def _run(name: str):
    lesson = load_lesson(name)
    if mesh_of_source(lesson.script) is not None:  # rank processes: only the worker starts them
        from stridescope.engine.worker.client import WorkerPool

        with WorkerPool(warm=False) as pool:
            return lesson, pool.run(lesson.script).steps
    return lesson, run_script(lesson.script).steps


def _step(name: str, source: str, occurrence: int = 0):
    steps = [s for s in _run(name)[1] if s.source == source]
    return steps[occurrence]


def _tuple(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.split(r",\s*", text) if v)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_twelve_lessons_and_the_tutorial_are_there():
    assert set(MINE) <= set(LESSONS)
    assert "10_beyond" not in LESSONS and "07_view_fails" not in LESSONS


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_and_fails_only_where_it_says_it_will(name):
    lesson, steps = _run(name)
    if mesh_of_source(lesson.script) is None:
        assert run_script(lesson.script).syntax_error is None
    assert steps and steps[-1].line == max(s.line for s in steps)  # it ran to the end
    for step in steps:
        if step.error:
            assert step.expected_error, f"{name}: unexpected error at {step.source!r}"
            assert lesson.caption(step, "en"), "a failing step says why it failed"
            if ".view(" in step.source:
                assert step.error.explanation is not None


@pytest.mark.parametrize("name", LESSONS)
def test_every_narration_exists_in_both_languages_and_has_a_title(name):
    lesson = load_lesson(name)
    assert lesson.title("en") and lesson.title("zh_CN") != lesson.title("en")
    assert lesson.narrations
    for narration in lesson.narrations:
        if narration.texts:
            assert narration.texts.get("en") and narration.texts.get("zh_CN"), narration.source


# claims a caption can make, and the facts at its step that make them true
EN_CLAIMS = (
    ("stride", rf"stride {TUPLE}"), ("shape", rf"shape {TUPLE}"), ("offset", r"offset (\d+)"),
    ("strides", rf"strides {TUPLE}"),  # NumPy's, in bytes
    ("start", r"starts? at storage index (\d+)"), ("advance", r"advances (\d+) cells?"),
    ("bytes", r"(\d[\d,]*) bytes"),
)
ZH_CLAIMS = (
    ("stride", rf"(?<!字节)步长 {TUPLE}"), ("shape", rf"形状 {TUPLE}"),
    ("offset", r"偏移 ?(\d+)"),
    ("strides", rf"(?:strides|字节步长) {TUPLE}"),  # NumPy's, in bytes
    ("start", r"从存储下标 (\d+) 开始"), ("advance", r"前进 (\d+) 个单元"),
    ("bytes", r"(\d[\d,]*) ?个?字节"),
)


def _facts(step, kind: str) -> set:
    tensors = step.tensors
    shards = [t for r in step.ranks for t in r.tensors]  # a mesh lesson: every rank's
    if shards and kind in ("stride", "shape", "offset"):
        local = {"stride": {t.local_stride for t in shards},
                 "shape": {t.local_shape for t in shards} | {t.global_shape for t in shards},
                 "offset": {t.local_storage_offset for t in shards}}[kind]
        return local | _facts(replace(step, ranks=()), kind)
    if kind == "stride":  # a tensor's, or a NumPy array's counted in elements
        return {t.stride for t in tensors} | {a.element_strides for a in step.arrays}
    if kind == "strides":  # a NumPy array's, in bytes
        return {a.strides for a in step.arrays}
    if kind == "shape":
        return {t.shape for t in tensors} | {a.shape for a in step.arrays}
    if kind in ("offset", "start"):
        return {t.storage_offset for t in tensors}
    if kind == "advance":
        return {s for t in tensors for s in t.stride}
    return ({s.nbytes for s in step.storages} | {t.itemsize for t in tensors}
            | {t.data_ptr - t.storage_data_ptr for t in tensors})


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("name", LESSONS)
def test_numbers_in_the_narration_match_the_trace(name, lang):
    """'stride (4, 1)' / '步长 (4, 1)', 'offset 4', 'starts at storage index 4', 'advances 3
    cells' / '前进 3 个单元', '24 bytes' must be true of a tensor or storage at that step."""
    lesson, steps = _run(name)
    checked = 0
    for step in steps:
        text = lesson.caption(step, lang)
        if not text or step.error:
            continue
        for kind, pattern in (EN_CLAIMS if lang == "en" else ZH_CLAIMS):
            for match in re.finditer(pattern, text):
                value = match.group(1)
                value = _tuple(value) if kind in ("stride", "strides", "shape") else \
                    _number(value)
                assert value in _facts(step, kind), \
                    f"{name}: '{match.group(0)}' at {step.source!r}"
                checked += 1
    assert checked or name in ("09_random_seeds",)


@pytest.mark.parametrize("name", LESSONS)
def test_narration_counts_from_storage_indices_not_ordinals(name):
    """'storage index 4', never 'the 4th cell' (which is index 3); 'advances', never 'skips'."""
    lesson = load_lesson(name)
    for narration in lesson.narrations:
        en, zh = narration.texts.get("en", ""), narration.texts.get("zh_CN", "")
        assert not re.search(r"\b\d+(st|nd|rd|th) cell|\bskips? \d", en), en
        assert not re.search(r"第 ?\d+ ?个单元|跳过 ?\d", zh), zh


@pytest.mark.parametrize("name", LESSONS)
def test_chinese_narration_uses_one_word_per_term(name):
    """形状/步长/偏移 as on the canvas (code such as stride() and storage_offset() stays code);
    步长 only for strides: a slice's or window's step is 间隔."""
    lesson = load_lesson(name)
    for narration in lesson.narrations:
        zh = narration.texts.get("zh_CN", "")
        assert not re.search(r"(?<![.\w])(shape|stride|offset)\b(?![(\[])", zh), zh
        assert not re.search(r"(切片|窗口|unfold)[^。；]*步长 ?\d", zh), zh


@pytest.mark.parametrize("name", LESSONS)
def test_every_chosen_question_can_be_asked_and_answered(name):
    lesson, steps = _run(name)
    asked = 0
    for step in steps:
        spec = lesson.question(step)
        if spec and spec != "none":
            question = question_for(step, spec)
            assert question is not None, f"{name}: '#? {spec}' at {step.source!r}"
            truth = dict(question.truth)
            assert all(g.correct for g in grade(question, truth))
            asked += 1
    assert asked == sum(1 for n in lesson.narrations if n.ask and n.ask != "none")


# ------------------------------------------------ the facts the lessons once got wrong

def test_lesson_7_a_view_of_a_non_contiguous_tensor_can_succeed():
    lesson, steps = _run("07_when_view_works")
    assert "fails on a non-contiguous" not in lesson.title("en")
    failed, works = _step(lesson.name, "w = t.view(12)"), _step(lesson.name, "s = t.view(2, 2, 3)")
    t = works.tensor("t")
    s = works.tensor("s")
    assert failed.error and failed.expected_error and failed.error.explanation.blockers
    assert works.error is None and not t.is_contiguous
    assert s.stride == (2, 1, 4) and s.storage_id == t.storage_id
    assert question_for(failed, "error").truth == {"error": "yes"}
    assert question_for(works, "error").truth == {"error": "no"}
    # the story goes fail -> why -> a view that works anyway -> contiguous() -> view works
    order = [s.source for s in steps]
    assert order.index("w = t.view(12)") < order.index("s = t.view(2, 2, 3)") \
        < order.index("c = t.contiguous()") < order.index("v = c.view(12)")
    fixed = _step(lesson.name, "v = c.view(12)")
    assert fixed.error is None and fixed.tensor("v").storage_id != t.storage_id


def test_lesson_8_reshape_of_a_transpose_is_a_view_until_it_must_copy():
    name = "08_view_vs_reshape"
    last = _run(name)[1][-1]
    a, r2, r3 = last.tensor("a"), last.tensor("r2"), last.tensor("r3")
    assert r2.storage_id == a.storage_id and r2.stride == (2, 1, 4)
    assert r3.storage_id != a.storage_id
    after_copy_write = _step(name, "r3[0] = 100")
    after_view_write = _step(name, "r2[0, 0, 0] = -1")
    assert after_copy_write.tensor("a").values[0][0] == 0
    assert after_copy_write.tensor("r3").values[0] == 100
    assert after_view_write.tensor("a").values[0][0] == -1
    assert question_for(after_copy_write, "value a[0, 0]").truth == {"value": "0"}
    assert question_for(after_view_write, "value a[0, 0]").truth == {"value": "-1"}


def test_lesson_2_storage_is_a_deprecated_typed_storage_and_untyped_storage_is_bytes():
    name = "02_storage_and_metadata"
    typed = _step(name, "print(len(x.storage()), x.storage().tolist())")
    raw = _step(name, "print(x.untyped_storage().nbytes(), x.untyped_storage().tolist())")
    assert typed.stdout.startswith("6 [0, 1, 2, 3, 4, 5]")
    assert any("TypedStorage is deprecated" in w for w in typed.warnings)
    assert raw.stdout.startswith("24 [0, 0, 0, 0, 1, 0, 0, 0")  # value 1 fills bytes 4-7
    # the warning is there on every run, not only the first of the process
    again = run_script(load_lesson(name).script).steps[typed.index]
    assert any("TypedStorage is deprecated" in w for w in again.warnings)


def test_lesson_2_shows_device_and_meta_as_layout_without_memory():
    name = "02_storage_and_metadata"
    step = _step(name, "print(m.device, m.untyped_storage().data_ptr())")
    m = step.tensor("m")
    assert step.stdout == "meta 0\n" and m.is_meta and m.values is None
    assert m.shape == (2, 3) and m.stride == (3, 1)
    assert step.tensor("x").device == "cpu"
    assert _step(name, "row1 = x[1]").tensor("row1").storage_offset == 3


def test_slices_start_at_a_storage_index_not_an_ordinal():
    tutorial = load_lesson("tutorial")
    step = _step("tutorial", "print(tensorB.storage_offset(), tensorB.stride(), "
                             "tensorB.is_contiguous())")
    assert "storage index 4" in tutorial.caption(step, "en")
    assert "存储下标 4" in tutorial.caption(step, "zh_CN")
    b = step.tensor("tensorB")
    assert b.storage_offset == 4
    assert b.stride[0] - b.shape[1] * b.stride[1] == 2  # "a gap of 2 cells"


def test_lesson_1_one_row_down_advances_a_whole_row():
    lesson = load_lesson("01_what_is_a_tensor")
    step = _step(lesson.name, "matrix = torch.tensor([[1, 2, 3], [4, 5, 6]])")
    assert "advances 3 cells" in lesson.caption(step, "en")
    assert "前进 3 个单元" in lesson.caption(step, "zh_CN")
    assert step.tensor("matrix").stride == (3, 1)


def test_lesson_9_narration_is_keyed_by_position_and_seeds_are_compared():
    lesson, steps = _run("09_random_seeds")
    seeds = [s for s in steps if s.source == "torch.manual_seed(8)"]
    assert len(seeds) == 2
    first, second = (lesson.caption(s, "en") for s in seeds)
    assert first != second and "again" in second
    end = steps[-1]
    values = {n: end.tensor(n).values for n in ("first", "second", "again", "other")}
    assert values["first"] == values["again"]
    assert values["first"] != values["second"] and values["first"] != values["other"]
    truths = [question_for(s, lesson.question(s)).truth["equal"] for s in steps
              if lesson.question(s) and lesson.question(s).startswith("equal")]
    assert truths == ["no", "yes", "no"]


def test_view_of_a_temporary_is_graded_as_a_view():
    """`torch.ones(4).view(torch.int16)` shares the bytes of the unnamed ones tensor."""
    steps = run_script("import torch\nbits = torch.ones(4).view(torch.int16)\n").steps
    question = question_for(steps[-1])
    assert question.truth["kind"] == "view"
    assert step_json(steps[-1])["produced"] == [
        {"name": "bits", "kind": "new", "of": None, "memory": "view"}]
    for answer, right in (("view", True), ("new", True), ("copy", False)):
        assert grade(question, {"kind": answer})[0].correct is right, answer


def test_the_tutorial_corrects_the_seed_tutorial():
    tutorial = load_lesson("tutorial")
    transpose = _step("tutorial", "tensorA_T = tensorA.transpose(0, 1)")
    assert transpose.tensor("tensorA_T").stride[-1] == 4
    assert "not always 1" in tutorial.caption(transpose, "en")
    chain = _step("tutorial", "viewA = tensorA.transpose(0, 1).contiguous().view(1, 12)")
    assert "view is not faster" in tutorial.caption(chain, "en")
    # reshape gives what the chain gives, and on a contiguous tensor it is a plain view
    steps = run_script("import torch\na = torch.arange(12).reshape(3, 4)\n"
                       "r = a.transpose(0, 1).reshape(1, 12)\nv = a.view(1, 12)\n"
                       "w = a.reshape(1, 12)\n").steps
    r = steps[2].tensor("r")
    view_a = chain.tensor("viewA")
    assert (r.shape, r.stride, r.values) == (view_a.shape, view_a.stride, view_a.values)
    v, w = steps[-1].tensor("v"), steps[-1].tensor("w")
    assert (v.stride, v.storage_id) == (w.stride, w.storage_id) == ((12, 1), 1)


def test_lesson_10_stride_zero_write_error_and_clone():
    name = "10_stride_zero_and_overlaps"
    rows = _step(name, "rows = row.expand(4, 3)").tensor("rows")
    assert rows.stride == (0, 1) and rows.storage_nbytes == 3 * 8
    write = _step(name, "rows[0, 0] = 5")
    assert [r[0] for r in write.tensor("rows").values] == [5, 5, 5, 5]
    assert write.tensor("row").values == [5, 1, 2]
    failed = _step(name, "rows.add_(1)")
    assert failed.expected_error and "more than one element" in failed.error.message
    assert question_for(failed, "error").truth == {"error": "yes"}
    fixed = _step(name, "fixed.add_(1)")
    assert fixed.error is None and fixed.tensor("fixed").stride == (3, 1)
    assert fixed.tensor("fixed").storage_id != fixed.tensor("rows").storage_id
    assert fixed.tensor("row").values == [5, 1, 2]
    steps = _step(name, "steps = x.as_strided((3, 3), (2, 1))").tensor("steps")
    assert steps.values == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    too_far = _step(name, "too_far = x.as_strided((3, 3), (3, 1))")
    assert too_far.expected_error and "out of bounds" in too_far.error.message
    assert 2 * 3 + 2 * 1 == 8 == too_far.tensor("x").storage_nbytes // 8  # index 8 of 0-7


def test_lesson_11_channels_last_is_contiguous_only_in_its_own_format():
    name = "11_memory_formats"
    step = _step(name, "print(cl.is_contiguous(), "
                       "cl.is_contiguous(memory_format=torch.channels_last))")
    cl = step.tensor("cl")
    assert step.stdout == "False True\n"
    assert cl.stride == (12, 1, 6, 3) and not cl.is_contiguous and cl.is_channels_last
    assert cl.storage_id != step.tensor("img").storage_id  # to(channels_last) copied
    nhwc = _step(name, "nhwc = cl.permute(0, 2, 3, 1)").tensor("nhwc")
    assert nhwc.is_contiguous and nhwc.storage_id == cl.storage_id
    lesson = load_lesson(name)
    assert "because" in lesson.caption(step, "en") and "因为" in lesson.caption(step, "zh_CN")


def test_lesson_12_dtype_views_and_a_slice_keeping_its_storage_alive():
    name = "12_dtype_and_lifetime"
    bits = _step(name, "bits = f.view(torch.int16)")
    assert bits.tensor("bits").storage_id == bits.tensor("f").storage_id
    assert bits.tensor("bits").values[:2] == [0, 16256]
    assert _step(name, "bits[1] = 16384").tensor("f").values[0] == 2.0
    after_del = _step(name, "del big")
    small = after_del.tensor("small")
    assert after_del.tensor("big") is None and small.numel == 2
    assert small.storage_nbytes == 4_000_000
    freed = _step(name, "del small")
    assert [s.nbytes for s in freed.storages if s.id == small.storage_id] == []
    assert freed.tensor("kept").storage_nbytes == 8


def test_parse_lesson_keys_narration_by_position_and_reads_questions():
    lesson = parse_lesson("x", "#! title (en): T\nimport torch\n#: en: hello\n#: zh: 你好\n"
                               "a = torch.zeros(2)\nb = a\n#: en: again\n#? value a[0]\n"
                               "a = torch.zeros(2)\n")
    assert lesson.script == "import torch\na = torch.zeros(2)\nb = a\na = torch.zeros(2)\n"
    steps = run_script(lesson.script).steps
    assert lesson.caption(steps[1], "zh_CN") == "你好"
    assert lesson.caption(steps[3], "en") == "again"
    assert lesson.caption(steps[3], "zh_CN") == "again"  # not in Chinese: English
    assert lesson.caption(steps[2], "en") == ""
    assert lesson.question(steps[3]) == "value a[0]" and lesson.question(steps[1]) is None
    assert lesson.caption("a = torch.zeros(2)", "en") == "hello"  # by text: the first one
    assert lesson.title("zh_CN") == "T"  # falls back to English


def _is_print(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "print")


@pytest.mark.parametrize("name", LESSONS)
def test_each_statement_has_its_own_caption(name):
    """A caption is shown at its own statement only, so one that also narrates the next
    statement ('b = w * 2 …, and c = b.pow(2) saves b') speaks of code that has not run yet
    and leaves that statement's step silent. Only the prints after a statement may share its
    caption (it says what they print); an import needs none."""
    lesson = load_lesson(name)
    statements = ast.parse(lesson.script).body
    narrated = {n.index for n in lesson.narrations}
    sources = [(ast.get_source_segment(lesson.script, s) or "").strip() for s in statements]
    for index, statement in enumerate(statements):
        if not isinstance(statement, ast.Import | ast.ImportFrom) and not _is_print(statement):
            assert index in narrated, f"{name}: {sources[index]!r} has no caption of its own"
    for narration in lesson.narrations:  # nor does a caption quote a later statement's code
        for lang, text in narration.texts.items():
            for later in range(narration.index + 1, len(statements)):
                quoted = sources[later] in text and sources[later] not in narration.source
                assert not quoted, f"{name} ({lang}): the caption of {narration.source!r} " \
                                   f"speaks of the later {sources[later]!r}"


def test_captions_follow_their_statements_when_the_script_is_edited():
    lesson = load_lesson("09_random_seeds")
    edited = lesson.script.replace("import torch\n", "import torch\nn = 1\n", 1)
    steps = run_script(edited).steps
    seeds = [s for s in steps if s.source == "torch.manual_seed(8)"]
    original = [s for s in _run("09_random_seeds")[1] if s.source == "torch.manual_seed(8)"]
    assert [s.index for s in seeds] == [s.index + 1 for s in original]
    assert [lesson.caption(s, "en") for s in seeds] == \
        [lesson.caption(s, "en") for s in original]


ADDRESS = {  # "b[0, 1] is at storage index 0·1 + 1·3 = 3", "rows[0, 0] is storage index 0"
    "en": re.compile(r"\b([A-Za-z_]\w*)\[(\d+(?:, \d+)*)\],? (?:is |lives )?(?:at )?"
                     r"(?:storage index )?(?:\d[\d·+ ]*= )?(\d+)\b"),
    "zh_CN": re.compile(r"\b([A-Za-z_]\w*)\[(\d+(?:, \d+)*)\][，,]? ?(?:位于|是|在) ?"
                        r"(?:存储下标 )?(?:\d[\d·+ ]*= )?(\d+)"),
}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("name", LESSONS)
def test_element_addresses_in_the_narration_match_the_strides(name, lang):
    """'tensorB[1, 1] is at 4 + 4 + 1 = 9' is offset + Σ index·stride of tensorB there."""
    lesson, steps = _run(name)
    for step in steps:
        for match in ADDRESS[lang].finditer(lesson.caption(step, lang)):
            t = step.tensor(match.group(1))
            if t is None:
                continue
            index = _tuple(match.group(2))
            address = t.storage_offset + sum(i * s for i, s in zip(index, t.stride))
            assert address == int(match.group(3)), f"{name}: '{match.group(0)}'"


def test_the_address_claims_are_found():
    found = {name: sum(len(ADDRESS["en"].findall(load_lesson(name).caption(s, "en")))
                       for s in _run(name)[1])
             for name in ("03_shared_storage", "05_offset", "10_stride_zero_and_overlaps")}
    assert all(found.values()), found


# ------------------------------------------------------------------ lessons 13–18 (issue 14)
MORE = ("13_expand_writes", "14_windows_as_strided", "15_negative_steps_flip",
        "16_size_one_strides", "17_slice_keeps_storage", "18_channels_last",
        "21_autograd_views")
PRINTS = re.compile(r"prints (.+?)\.(?:\s|$)")


def test_lessons_13_to_18_are_there_and_every_failure_is_explained():
    assert set(MORE) <= set(LESSONS) and len(LESSONS) >= 19
    for name in MORE:
        for step in _run(name)[1]:
            if step.error:
                assert step.error.explanation is not None, f"{name}: {step.source!r}"


@pytest.mark.parametrize("name", MORE)
def test_what_the_narration_says_is_printed_is_printed(name):
    """'It prints 24 96.': the narrated statement or the ones after it (up to the next
    narrated one) print exactly that line."""
    lesson, steps = _run(name)
    for i, step in enumerate(steps):
        text = lesson.caption(step, "en")
        block = [step]
        for later in steps[i + 1:]:
            if lesson.caption(later, "en"):
                break
            block.append(later)
        printed = [line for s in block for line in s.stdout.splitlines()]
        assert len(PRINTS.findall(text)) == text.count("prints "), text
        for match in PRINTS.finditer(text):
            assert match.group(1) in printed, f"{name}: {match.group(0)} at {step.source!r}"


@pytest.mark.parametrize("name", MORE)
def test_chinese_narration_keeps_every_number(name):
    lesson, steps = _run(name)
    for step in steps:
        en, zh = lesson.caption(step, "en"), lesson.caption(step, "zh_CN")
        assert sorted(re.findall(r"\d+(?:\.\d+)?", en)) == \
            sorted(re.findall(r"\d+(?:\.\d+)?", zh)), step.source


def test_lesson_20_the_walk_figures_it_quotes_are_the_engines():
    from stridescope.engine.model.walk import walk_of

    steps = _run("20_why_contiguous_is_faster")[1]
    last = steps[-1]
    t, s, e = (walk_of(last.tensor(n)) for n in "tse")
    assert (t.lines_fetched, t.contiguous_fetched) == (1_000_000, 62_500)
    assert (s.lines_fetched, s.lines_touched, s.bytes_touched) == (62_500, 62_500, 2_000_000)
    assert (e.lines_touched, e.bytes_touched) == (63, 4_000)
    # clone keeps the transpose's strides in a new storage; contiguous() and reshape reorder
    clone = _step("20_why_contiguous_is_faster", "print(t.clone().stride())")
    assert clone.stdout.strip() == "(1, 1000)"
    copy = _step("20_why_contiguous_is_faster", "print(t.contiguous().stride())")
    assert copy.stdout.strip() == "(1000, 1)"
    copied = _step("20_why_contiguous_is_faster", "print(t.reshape(-1).data_ptr() == t.data_ptr())")
    assert copied.stdout.strip() == "False"
