"""The words of the picture: the header, the tensor's title and relation, storage summaries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from stridescope.engine.model.layout import join_sentences
from stridescope.engine.model.state import RunResult, Step, TensorState
from stridescope.engine.model.substeps import CALL_MARKS, ORDER_KEEPING_COPIES, call_text
from stridescope.engine.picture.content import Picture, Strip
from stridescope.engine.picture.memo import by_identity
from stridescope.engine.picture.scene import Key, Text, Translate, TypeScale, ViewState
from stridescope.engine.picture.text import text_width, tuple_text, wrap

HEADER_SCAN = 200  # steps whose headers set the reserved header height (bounded cost)
HEADER_SOURCE_LINES = 3  # of a multi-line statement (the editor shows it whole)
HEADER_OUTPUT_LINES = 3  # of a step's printed output (the console shows it whole)
# presenting, of an error block: the whole message, then the explanation's first sentences
# while they fit in what the picture leaves (compose: NOTE [Error room]); the console shows
# it whole (issue 20: a long one left the grid no rows)
HEADER_ERROR_LINES = 5


# ----------------------------------------------------------------------------- header
def header_texts(step: Step, count: int, caption: str, ts: TypeScale, x: float, width: float,
                 tr: Translate, with_error: bool = True,
                 error_lines: int | None = HEADER_ERROR_LINES) -> tuple[Text, ...]:
    """The header's lines; presenting, an error block takes `error_lines` lines at most
    (None: as many as it has) for its message (always whole) and the first whole sentences
    of its explanation (the first always), then says where the rest is."""
    out: list[Text] = []
    y = float(x)

    def add(lines: list[str], px: float, style: str, bold=False, mono=False,
            fill="") -> None:
        nonlocal y
        for line in lines:
            out.append(Text((x, y, width, px * 1.35), line, px, style, bold, mono, "left", fill))
            y += px * 1.35

    # nothing here is cut with "…" (issue 20): every message wraps whole; only output longer
    # than HEADER_OUTPUT_LINES is shortened, and then says where the rest is (the console)
    counter = tr("Step {n} of {total} · line {line}").format(n=step.index + 1, total=count,
                                                             line=step.line)
    if step.substep >= 0:  # one call of a chained statement, stepped into
        counter += "  ·  " + tr("call {k} of {n}").format(k=step.substep + 1,
                                                         n=len(step.substeps))
    source_lines = step.source.splitlines() if step.source else [""]
    shown_source = source_lines[:HEADER_SOURCE_LINES]
    code = [part for line in shown_source for part in wrap(line, ts.code, width, mono=True)]
    counter_w = text_width(counter, ts.small) + ts.small
    if ts.compact and text_width(code[0], ts.code, mono=True) + counter_w * 1.5 <= width:
        # presenting: the counter at the end of the code's first line (a line more for
        # the picture); muted and small, it is read last
        out.append(Text((x + width - counter_w, y + (ts.code - ts.small) * 0.9, counter_w,
                         ts.small * 1.35), counter, ts.small, "muted", align="right"))
    else:
        add(wrap(counter, ts.small, width), ts.small, "muted")
    add(code, ts.code, "code", bold=True, mono=True)
    if len(source_lines) > len(shown_source):
        add(wrap(tr("(+{n} more lines of this statement in the editor)").format(
            n=len(source_lines) - len(shown_source)), ts.small, width), ts.small, "muted")
    chain = _chain(step, tr)
    if chain:  # a chained statement's middle steps, each call's tensor in turn
        add(wrap(chain, ts.small, width, mono=True), ts.small, "muted", mono=True)
    if caption:
        add(wrap(caption, ts.body, width), ts.body, "text", fill="panel")
    if step.stdout:
        out_lines = step.stdout.rstrip("\n").split("\n")
        shown = out_lines[:HEADER_OUTPUT_LINES]
        add([part for line in shown for part in wrap(line, ts.small, width, mono=True)],
            ts.small, "muted", mono=True)
        if len(out_lines) > len(shown):
            add(wrap(tr("(+{n} more lines of output in the console)").format(
                n=len(out_lines) - len(shown)), ts.small, width), ts.small, "muted")
    for warning in step.warnings[:2]:
        add(wrap("⚠ " + warning.splitlines()[0], ts.small, width), ts.small, "warning")
    if len(step.warnings) > 2:
        add(wrap(tr("(+{n} more warnings in the console)").format(n=len(step.warnings) - 2),
                 ts.small, width), ts.small, "warning")
    if step.error is not None and with_error:
        message = f"✖ {step.error.type}: {step.error.message}"
        px = ts.dense  # presenting, a long explanation would leave the grid no rows
        message_lines = wrap(message, px, width)
        add(message_lines, px, "error", bold=True, fill="error")
        explanation = step.error.explanation
        if explanation is not None:
            parts = getattr(explanation, "sentences", None)
            parts = parts(tr) if parts is not None else [explanation.text(tr)]
            shown = parts
            if ts.compact and error_lines is not None:
                shown = _shown_sentences(parts, px, width, error_lines - len(message_lines))
            add(wrap(join_sentences(shown), px, width), px, "text", fill="error")
            if shown is not parts:
                rest = tr("(the whole explanation is in the console: Esc leaves presentation)")
                add(wrap(rest, ts.small, width), ts.small, "muted", fill="error")
    return tuple(out)


def _shown_sentences(parts: list[str], px: float, width: float, room: int) -> list[str]:
    """The explanation's first sentences, in order, while they keep within `room` lines
    (the first always; whole sentences only: nothing is cut); `parts` when all fit."""
    sentences = [s for part in parts for s in _SENTENCE_END.split(part) if s]
    shown = sentences[:1]
    for sentence in sentences[1:]:
        if len(wrap(join_sentences(shown + [sentence]), px, width)) > room:
            break
        shown.append(sentence)
    return shown if len(shown) < len(sentences) else parts


# a sentence ends at a full stop before a capital ("… version 0. Since then …") or after a
# full-width one (Chinese); join_sentences puts the space back
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|(?<=。)")


def _chain(step: Step, tr: Translate) -> str:
    """`① .transpose(0, 1) → (4, 3) stride (1, 4), view  ② .contiguous() → …, copy`."""
    substeps = getattr(step, "substeps", ()) or ()
    if len(substeps) < 2:
        return ""
    words = {"view": tr("view"), "copy": tr("copy"), "new": tr("new"), "same": tr("same")}
    parts = []
    for n, sub in enumerate(substeps[:len(CALL_MARKS)]):
        t = sub.tensor
        mark = f"▶{CALL_MARKS[n]}" if n == step.substep else CALL_MARKS[n]  # the call shown
        parts.append(f"{mark} {call_text(substeps, n)} → {tuple_text(t.shape)} "
                     f"{tr('stride')} {tuple_text(t.stride)}, {words.get(sub.memory, sub.memory)}")
    return "   ".join(parts).replace(" ", "\u00a0").replace("\u00a0\u00a0\u00a0", "   ")


def reserved_header(result: RunResult, steps, view: ViewState, ts: TypeScale, width: float,
                     tr: Translate, header: tuple[Text, ...]) -> float:
    """The header's height: the tallest of the script's headers without their error blocks,
    so that the picture below does not jump from step to step; a step with an error (or a
    longer caption) takes what it needs."""
    own = _height(header)
    tallest = _tallest_header(Key(result), Key(steps), view.caption, ts, width, Key(tr))
    return max(own, tallest) + ts.small * 0.8


@lru_cache(maxsize=16)
def _tallest_header(result_key: Key, steps_key: Key, caption: str, ts: TypeScale,
                    width: float, tr_key: Key) -> float:
    """Computed once per run, language and width, not once per step shown."""
    steps = steps_key.value
    return max((_header_height(s, len(steps), caption, ts, width, tr_key)
                for s in steps[:HEADER_SCAN]), default=0.0)


@by_identity(4 * HEADER_SCAN)  # an edited script's unchanged steps are the same objects
def _header_height(step: Step, steps: int, caption: str, ts: TypeScale, width: float,
                   tr_key: Key) -> float:
    return _height(header_texts(step, steps, caption, ts, 0, width, tr_key.value, False))


def header_height(header: Sequence[Text], ts: TypeScale) -> float:
    """What a header's own lines take (no room kept for other steps' longer ones)."""
    return _height(header) + ts.small * 0.8


def _height(texts: Sequence[Text]) -> float:
    return sum(t.rect[3] for t in texts)


TITLE_SEP = "  ·\u00a0"  # between a tensor title's parts


def title_line(t: TensorState, tr: Translate) -> str:
    contiguity = tr("contiguous") if t.is_contiguous else tr("not contiguous")
    line = tr("shape {shape}  ·  stride {stride}  ·  offset {offset}").format(
        shape=tuple_text(t.shape), stride=tuple_text(t.stride), offset=f"{t.storage_offset:,}")
    line += f"  ·  {t.dtype.removeprefix('torch.')}  ·  {contiguity}"
    if t.is_meta:
        line += "  ·  " + tr("meta (layout only)")
    if t.requires_grad:  # autograd's word on it: a leaf (a parameter) or the node that made it
        line += "  ·  " + (tr("leaf, requires grad") if t.grad_fn is None
                           else f"grad_fn {t.grad_fn}")
    if t.version:
        line += "  ·  " + tr("version {n}").format(n=t.version)
    # each "name value" part stays on one line when the title wraps (no-break spaces), and
    # the "·" goes with the part after it: a wrapped line never ends in a dangling separator
    parts = [part.strip().replace(" ", "\u00a0") for part in line.split("  ·  ")]
    return TITLE_SEP.join(parts)


def relation_text(t: TensorState, picture: Picture, tr: Translate) -> str:
    step = picture.step
    drawn = step.storage(t.storage_id)  # "tmp" for a chain's temporary, as its strip says
    storage = drawn.label if drawn is not None else f"S{t.storage_id}"
    sharing = [n for n in step.names_on(t.storage_id) if n != t.name]
    produced = t.origin
    source = produced.source if produced else None
    names = {x.name for x in step.tensors} | {a.name for a in step.arrays}
    if source is not None and source not in names:  # `del big`: the name is gone, not the data
        source = tr("{name} (name deleted)").format(name=source)
    # the origin is how the statement that last bound the name made it; at a later step
    # (`r = m[::-1]`, `b.mul_(3)`) that statement is not this one: "copy of m — new storage"
    # would say this step copied, and keeps_values would read the wrong statement
    bound_here = any(p.name == t.name for p in step.produced)
    if produced and produced.kind == "view":
        text = tr("view of {source} — shares storage {storage}, no data copied")
    elif produced and produced.kind == "copy" and not bound_here:
        # (", ": the relation line drops the second part whole where the frame is narrow)
        text = tr("its own storage {storage}, made from {source} at an earlier step")
    elif produced and produced.kind == "copy" and not keeps_values(step, t.name):
        text = tr("computed from {source} — new storage {storage}")  # `w * 2`, `x.sum(0)`
    elif produced and produced.kind == "copy":
        text = tr("copy of {source} — new storage {storage}")
    elif produced and produced.kind == "alias":
        text = tr("another name for {source} (same tensor object)")
    else:
        text = tr("lives on storage {storage}")
    text = text.format(source=source, storage=storage)
    names = ", ".join(sharing)
    if sharing and not (produced and produced.kind == "view"):
        text += " · " + tr("shares it with {names}").format(names=names)
    elif sharing:
        text += " · " + tr("also on it: {names}").format(names=names)
    return text + f" · data_ptr {t.data_ptr:#x}"


# calls whose new storage holds the input's values (in some order): a copy, not a result
_VALUE_COPIES = ORDER_KEEPING_COPIES | {"flip", "fliplr", "flipud", "roll", "repeat", "tile",
                                        "copy", "detach", "numpy", "from_numpy", "tensor",
                                        "as_tensor", "asarray", "contiguous", "permute",
                                        "transpose", "t", "expand", "cpu", "cuda"}


def keeps_values(step: Step, name: str) -> bool:
    """Whether `name` was bound by a call that copies values (`x.contiguous()`,
    `x.clone()`, `x.flip(0)`), as opposed to one that computes new ones (`w * 2`,
    `x.sum(0)`): "copy of" or "computed from". A statement the check cannot read is taken
    for a copy, as before."""
    import ast

    try:
        tree = ast.parse(step.source.strip())
    except SyntaxError:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets):
            value = node.value
            while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                    value.func.attr in _VALUE_COPIES and isinstance(value.func.value, ast.Call):
                value = value.func.value  # a chain of copies: x.t().contiguous()
            if isinstance(value, ast.Call):
                func = value.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                return called in _VALUE_COPIES
            return isinstance(value, (ast.Subscript, ast.Name))  # x[mask], y = x
    return True


def numpy_memories(step: Step) -> tuple:
    from stridescope.engine.model.array_layout import memory_strips

    return memory_strips(step)[:4]


def memory_summary(step: Step, memory, tr: Translate) -> str:
    names = ", ".join(a.name for a in step.arrays if a.memory_id == memory.id
                      and a.storage_id is None)
    return tr("N{id} · NumPy memory: {names} · {nbytes} bytes").format(
        id=memory.id, names=names, nbytes=f"{memory.nbytes:,}")


def summary(strip: Strip, tr: Translate) -> str:
    names = ", ".join(o.name for o in strip.overlays)
    # a storage is bytes: it has no dtype of its own (each tensor on it has one)
    return tr("Storage {label}: {names} · {nbytes} bytes").format(
        label=strip.storage.label, names=names, nbytes=f"{strip.storage.nbytes:,}")
