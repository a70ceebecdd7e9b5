"""Stridescope's command line: the window, headless traces and exports, lessons, --attach.

    stridescope                          open the window on the built-in lesson
    (python -m stridescope and, in a checkout, python main.py are the same)
    python main.py                       open the window on the built-in lesson
    python main.py FILE.py               open a script in the window
    python main.py --script F --json OUT write the stridescope-trace/1 JSON, no window
    python main.py --script F --export OUT.png|svg|pdf [--step N] [--focus NAME] [--size WxH]
    python main.py --script F --export-walk OUT.png|svg  the focused tensor's memory walk
    python main.py --attach [CONNECTION_FILE]   follow a running Jupyter kernel, cell by cell
    python main.py --attach FILE --json OUT     one snapshot of the kernel's tensors as a trace
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

STILL_SUFFIXES = (".png", ".svg", ".pdf")
ANIMATION_SUFFIXES = (".gif", ".mp4")
EXPORT_SUFFIXES = STILL_SUFFIXES + ANIMATION_SUFFIXES
MAX_SCRIPT_BYTES = 1024 * 1024
DEFAULT_EXPORT_SIZE = (1200, 800)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1200x800, not {text!r}")
    if not (16 <= w <= 8000 and 16 <= h <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 8000")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stridescope",
        description="See how PyTorch tensors sit in memory: storage, shape, stride, offset.")
    from stridescope import __version__

    parser.add_argument("--version", action="version", version=f"stridescope {__version__}")
    parser.add_argument("file", nargs="?", help="a PyTorch script to open in the window")
    parser.add_argument("--script", help="run this script headless (with --json or --export)")
    parser.add_argument("--json", metavar="OUT", help="write the trace JSON to OUT ('-': stdout)")
    parser.add_argument("--changes", action="store_true",
                        help="with --json: each step carries only the tensors that changed "
                             "(stridescope-trace-changes/1; see README, Long scripts)")
    parser.add_argument("--export", metavar="OUT",
                        help="render the canvas to OUT (.png .svg .pdf) or animate the step "
                             "into it (.gif .mp4)")
    parser.add_argument("--export-steps", metavar="DIR",
                        help="write one numbered PNG per step into DIR (with --gif: a GIF too)")
    parser.add_argument("--export-walk", metavar="OUT",
                        help="draw the focused tensor's memory walk (address per iteration, "
                             "cache lines) into OUT (.png .svg)")
    parser.add_argument("--gif", action="store_true", help="with --export-steps: GIFs as well")
    parser.add_argument("--substeps", action="store_true",
                        help="with --export-steps: each call of a chained statement as a step "
                             "of its own too (step-03_call1.png …, after step-03.png)")
    parser.add_argument("--fps", type=int, default=30, help="animation frames per second")
    parser.add_argument("--step", type=int, help="step to show (1-based; default: the last)")
    parser.add_argument("--focus", metavar="NAME", help="tensor to focus in the logical grid")
    parser.add_argument("--attach", nargs="?", const="", metavar="CONNECTION_FILE",
                        help="show a running Jupyter kernel's tensors, refreshed after every "
                             "cell (default: the newest kernel); with --json/--export: one "
                             "snapshot")
    parser.add_argument("--mesh", metavar="SHAPE",
                        help="run the script SPMD on a mesh of rank processes, e.g. 4 or 2x2 "
                             "(as a '#! mesh 2x2' line in the script does)")
    parser.add_argument("--lesson", metavar="NAME", help="a built-in lesson (see --list-lessons)")
    parser.add_argument("--list-lessons", action="store_true", help="print the lesson names")
    parser.add_argument("--lang", choices=("en", "zh_CN"),
                        help="language of lesson captions and error explanations (default: the "
                             "system's in the window; en in exports and --json)")
    parser.add_argument("--theme", choices=("light", "dark", "high-contrast"),
                        help="colour theme (default light)")
    parser.add_argument("--present", action="store_true",
                        help="open in presentation mode (full screen, big type; Esc leaves); "
                             "with --export or --export-steps (stills, GIF, MP4): the "
                             "presentation type sizes")
    parser.add_argument("--value-colors", action="store_true",
                        help="colour every storage element with its own hue, repeated in the "
                             "grid cells that read it (stills read without hovering)")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="open the window, save a screenshot of it to OUT.png, and quit")
    # None = not given: each use has its own default (an export 1200x800, the walk 1920x1080,
    # the window its saved geometry)
    parser.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="export size in pixels (default 1200x800); with the window "
                             "(and --screenshot), the window's size")
    return parser


def read_script(path: str) -> str:
    """The script's text; OSError/ValueError with a clear message when it cannot be used."""
    from stridescope.engine.document.session_file import read_regular_file

    try:
        data = read_regular_file(path, MAX_SCRIPT_BYTES)
    except FileNotFoundError:
        raise OSError(f"cannot read {path}: no such file") from None
    except ValueError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not part of the script
    except UnicodeDecodeError:
        raise ValueError(f"cannot read {path}: not UTF-8 text") from None


def default_lesson_path() -> Path:
    from stridescope.engine.teaching.lessons import lesson_path

    return lesson_path("tutorial")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.json is not None or args.export is not None or args.export_steps is not None) \
            and args.attach is None and (args.script or args.lesson):
        from stridescope.engine.worker.spawn import start_early

        # headless: the worker's interpreter starts and imports torch while this process
        # imports the engine and Qt (the worker is the critical path); a run that is
        # refused below leaves it to exit at the end of its input
        start_early(warm=False)
    if args.list_lessons:
        from stridescope.engine.teaching.lessons import lesson_names

        print("\n".join(lesson_names()))
        return 0
    lesson = None
    if args.lesson:
        from stridescope.engine.teaching.lessons import load_lesson

        try:
            lesson = load_lesson(args.lesson)
        except KeyError as exc:
            parser.error(str(exc.args[0]))
        if args.script:
            parser.error("give --lesson or --script, not both")
    headless = (args.json is not None or args.export is not None
                or args.export_steps is not None or args.export_walk is not None)
    if args.attach is not None:
        if args.script or lesson or args.file:
            parser.error("--attach shows a kernel's tensors: give no script or lesson")
        if args.export_steps is not None:
            parser.error("--attach takes --json or --export, not --export-steps")
        return _attach(args)
    if headless and not (args.script or lesson):
        parser.error("--json, --export, --export-steps and --export-walk need --script FILE or "
                     "--lesson NAME")
    if args.script and not headless:
        parser.error("--script needs --json OUT, --export OUT, --export-steps DIR or "
                     "--export-walk OUT")
    if args.changes and (args.json is None or args.attach is not None):
        parser.error("--changes goes with --json OUT (of a script or lesson)")
    if args.substeps and args.export_steps is None:
        parser.error("--substeps goes with --export-steps DIR")
    if not 1 <= args.fps <= 60:
        parser.error("--fps must be between 1 and 60")
    if args.export and not args.export.lower().endswith(EXPORT_SUFFIXES):
        parser.error(f"--export: the file must end in one of {', '.join(EXPORT_SUFFIXES)}")
    if args.step is not None and args.step < 1:
        parser.error("--step counts from 1")
    if args.mesh is not None:
        from stridescope.engine.model.mesh import MeshSpecError, parse_mesh_spec

        try:
            parse_mesh_spec(args.mesh)
        except MeshSpecError as exc:
            parser.error(f"--mesh: {exc}")
        if not headless:
            parser.error("--mesh runs headless (--json/--export); in the window, put a "
                         "'#! mesh 2x2' line in the script")
    if args.export_walk and not args.export_walk.lower().endswith((".png", ".svg")):
        parser.error("--export-walk: the file must end in .png or .svg")

    if not headless:
        from stridescope.engine.worker.spawn import start_early

        start_early()  # the worker imports torch while this process imports Qt
        from stridescope.gui.launcher import run_window  # Qt is imported only for the window

        if lesson:
            from stridescope.engine.teaching.lessons import lesson_path

            path = str(lesson_path(lesson.name))
        else:
            path = args.file or str(default_lesson_path())
        return run_window(path, args.step, args.screenshot, args.theme, args.lang, args.present,
                          size=args.size)

    if lesson is not None:
        source = lesson.script
    else:
        try:
            source = read_script(args.script)
        except (OSError, ValueError) as exc:
            print(f"stridescope: {exc}", file=sys.stderr)
            return 2
    try:
        return _headless(args, source, parser, lesson)
    except Exception as exc:  # an internal failure: say so, exit 1
        print(f"stridescope: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _write_json(doc: dict, out: str) -> bool:
    """Write doc to out ('-': stdout); False (with a message) when out cannot be written."""
    from stridescope.engine.document.trace import write_trace

    # streamed: the text of a long trace is never held whole (its steps share tensor dicts)
    if out == "-":
        write_trace(doc, sys.stdout)
        return True
    try:
        with open(out, "w", encoding="utf-8") as file:
            write_trace(doc, file)
    except OSError as exc:
        print(f"stridescope: cannot write {out}: {exc}", file=sys.stderr)
        return False
    return True


def _attach(args: argparse.Namespace) -> int:
    """--attach: the window following a kernel, or one snapshot written as JSON/picture."""
    from stridescope.engine.live.attach import newest_connection_file
    from stridescope.engine.live.kernel_answer import AttachError

    try:
        path = Path(args.attach) if args.attach else newest_connection_file()
    except AttachError as exc:
        print(f"stridescope: {exc}", file=sys.stderr)
        return 2
    if args.json is None and args.export is None:
        from stridescope.gui.attach_window import run_attach_window

        return run_attach_window(str(path), args.theme, args.lang)
    from stridescope.engine.live.attach import attach_trace, snapshot_kernel

    try:
        result, snap = snapshot_kernel(path)
    except AttachError as exc:
        print(f"stridescope: {exc}", file=sys.stderr)
        return 2
    if args.json is not None and not _write_json(attach_trace(result, snap), args.json):
        return 2
    if args.export is not None:
        if not result.steps[0].tensors:
            print("stridescope: the kernel has no tensors to draw", file=sys.stderr)
            return 2
        from stridescope.gui.export import export_still
        from stridescope.gui.theme import LIGHT, THEMES

        try:
            export_still(result, args.export, focus=args.focus,
                         size=args.size or DEFAULT_EXPORT_SIZE,
                         theme=THEMES[args.theme] if args.theme else LIGHT)
        except (OSError, ValueError) as exc:
            print(f"stridescope: {exc}", file=sys.stderr)
            return 2
    return 0


def _headless(args: argparse.Namespace, source: str, parser: argparse.ArgumentParser,
              lesson=None) -> int:
    from stridescope.engine.worker.client import WorkerPool

    with WorkerPool(warm=False) as pool:  # the script runs in the worker, under its limits
        pool.mesh = args.mesh
        run = pool.start(source)
        if args.export is not None or args.export_steps is not None or args.export_walk:
            from stridescope.gui.export import prepare

            prepare()  # Qt, the canvas and its fonts load here while torch loads over there
        result = run.wait()
        torch_version = pool.torch_version
        timing = _walk_timing(pool, result, args) if args.export_walk is not None else None
    from stridescope.engine.document.trace import changes_json, trace_json

    if args.json is not None:
        doc = trace_json(result, torch_version, args.lang or "en")
        if not _write_json(changes_json(doc) if args.changes else doc, args.json):
            return 2
    if args.step is not None and args.step > max(len(result.steps), 1):
        parser.error(f"--step {args.step}: the script has {len(result.steps)} steps")
    lang = args.lang or "en"
    if lang != "en" and (args.export or args.export_steps or args.export_walk):
        from stridescope.gui.app import ensure_app
        from stridescope.gui.i18n import install_language

        ensure_app()
        install_language(lang)  # the canvas's own words follow the captions' language
    captions = (lambda step: lesson.caption(step, lang)) if lesson else None
    from stridescope.gui.theme import LIGHT, THEMES

    theme = THEMES[args.theme] if args.theme else LIGHT
    size = args.size or DEFAULT_EXPORT_SIZE
    try:
        if args.export is not None:
            from stridescope.gui.export import export_animation, export_still

            if args.export.lower().endswith(ANIMATION_SUFFIXES):
                export_animation(result, args.export, step=args.step, focus=args.focus,
                                 size=size, fps=args.fps, captions=captions, theme=theme,
                                 value_colors=args.value_colors, presentation=args.present)
            else:
                export_still(result, args.export, step=args.step, focus=args.focus,
                             size=size, captions=captions, theme=theme,
                             presentation=args.present, value_colors=args.value_colors)
        if args.export_steps is not None:
            from stridescope.gui.export import export_steps

            written = export_steps(result, args.export_steps, size=size, fps=args.fps,
                                   gif=args.gif, captions=captions, theme=theme,
                                   value_colors=args.value_colors, substeps=args.substeps,
                                   presentation=args.present)
            print(f"wrote {len(written)} files to {args.export_steps}")
        if args.export_walk is not None:
            from stridescope.gui.walk_plot import export_walk

            export_walk(result, args.export_walk, step=args.step, focus=args.focus,
                        size=args.size or (1920, 1080),
                        theme=theme, timing=timing)
    except ValueError as exc:  # an unknown --focus name, for example
        print(f"stridescope: {exc}", file=sys.stderr)
        return 2
    except (OSError, RuntimeError) as exc:  # unwritable folder, missing ffmpeg…
        print(f"stridescope: {exc}", file=sys.stderr)
        return 2
    return 0


def _walk_timing(pool, result, args: argparse.Namespace):
    """--export-walk: time the walked tensor in the worker (None when there is none: the
    export then says why)."""
    from stridescope.gui.walk_plot import focused_tensor, walk_step

    try:
        return pool.measure(focused_tensor(walk_step(result, args.step, args.focus), args.focus))
    except ValueError:
        return None


def run() -> None:
    """The console script and `python -m stridescope`: main(), then a fast exit."""
    code = main()
    # a fast exit, as the window has: everything is written and closed by now, and tearing
    # down an interpreter with torch and Qt loaded took 0.3–1 s (tools/bench.py)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)
