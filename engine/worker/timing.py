"""Timing a tensor's layout in the worker: medians of x.sum(), x.clone(), x + 1 and
x.contiguous() against the same ops on x.contiguous(), on this machine's CPU.

The run's child has ended by the time the dock asks, so the measured tensor is a fresh
storage of the same size viewed with the same shape, stride and offset (as_strided): the
layout is what the time depends on, not the values. It runs in a forked child of the
worker under the run's OS limits, like a script; the answer is plain JSON, checked field by
field (`timing_from_json`)."""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

from stridescope.engine.model.dtypes import ITEMSIZE
from stridescope.engine.model.layout import N_
from stridescope.engine.model.timing import TIMED_OPS, OpTiming, Timing

MIN_ELEMENTS = 4096          # below this an op takes a few µs: the timer's noise, not memory
BUDGET_SECONDS = 3.0         # all repeats of all ops together
MIN_REPEATS, MAX_REPEATS = 7, 201
MEMORY_SHARE = 4             # storage + copy + results must fit in 1/4 of the memory limit
CACHE_DIR = Path("/sys/devices/system/cpu/cpu0/cache")


def timing_request(tensor) -> dict | None:
    """What the worker needs to rebuild the layout (from a TensorState); None to skip."""
    return {"shape": list(tensor.shape), "stride": list(tensor.stride),
            "offset": tensor.storage_offset, "dtype": tensor.dtype,
            "storage_elements": tensor.storage_nbytes // max(tensor.itemsize, 1)}


def skip_reason(tensor, memory_bytes: int) -> tuple[str, dict] | None:
    """Why a tensor is not timed, as (N_ template, values) for the user's language; or None."""
    if tensor.is_meta or tensor.device == "meta":
        return N_("A meta tensor has no data: nothing to time (its walk is still exact)."), {}
    if not tensor.device.startswith("cpu"):
        return N_("Timings run on the CPU; this tensor is on {device}."), {
            "device": tensor.device}
    if tensor.dtype not in ITEMSIZE or tensor.dtype == "torch.complex32":
        return N_("{dtype} is not timed."), {"dtype": tensor.dtype}
    if tensor.numel < MIN_ELEMENTS:
        return N_("Not timed: {numel:,} elements take microseconds, and the timer's noise "
                  "would be the answer (timed from {min:,} elements)."), {
            "numel": tensor.numel, "min": MIN_ELEMENTS}
    need = tensor.storage_nbytes + 4 * tensor.numel * max(tensor.itemsize, 8)
    if need * MEMORY_SHARE > memory_bytes:
        return N_("Not timed: it needs about {mib:,.0f} MiB, more than the worker's memory "
                  "limit allows."), {"mib": need / 2**20}
    return None


def skipped_timing(tensor, memory_bytes: int) -> Timing | None:
    """The Timing that says why `tensor` is not timed, or None when it should be."""
    reason = skip_reason(tensor, memory_bytes)
    if reason is None:
        return None
    return Timing(tensor.numel, skipped=reason[0], skipped_values=tuple(reason[1].items()))


def measured_here(tensor, memory_bytes: int) -> Timing:
    """Time in this process, without isolation (the in-process runner of the tests)."""
    skipped = skipped_timing(tensor, memory_bytes)
    if skipped is not None:
        return skipped
    return timing_from_json(measure(timing_request(tensor), budget=0.5), cache_sizes())


def cache_sizes(root: Path = CACHE_DIR) -> tuple[str, ...]:
    """'L1d 48 KiB', 'L2 2 MiB', … as sysfs says; () where it does not."""
    found = []
    for index in sorted(root.glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        suffix = {"Data": "d", "Instruction": "i"}.get(kind, "")
        if suffix == "i":
            continue  # instructions do not hold the tensor
        size = size.replace("K", " KiB").replace("M", " MiB")
        found.append(f"L{level}{suffix} {size}")
    return tuple(found)


def measure(request: dict, budget: float = BUDGET_SECONDS) -> dict:
    """In the worker's child: the timing as JSON (see timing_from_json)."""
    import torch

    dtype = getattr(torch, str(request["dtype"]).removeprefix("torch."))
    if not isinstance(dtype, torch.dtype):
        raise ValueError("not a dtype")
    shape, stride = [int(s) for s in request["shape"]], [int(s) for s in request["stride"]]
    storage = torch.ones(int(request["storage_elements"]), dtype=dtype)
    x = storage.as_strided(shape, stride, int(request["offset"]))
    y = x.contiguous()
    # every output is allocated once, outside the timing: a fresh 4 MB result is fresh pages
    # from the kernel, and their faults (noisy, ~1 ms) would drown what the layout costs.
    # So each op is timed as torch runs it into its result: clone = empty_like + copy_.
    def outputs(t):
        like = torch.empty_like(t)  # clone's and x + 1's layout (strides kept if dense)
        return {"sum": torch.empty((), dtype=t.sum().dtype), "like": like,
                "add": torch.empty_like(t + 1), "flat": torch.empty(shape, dtype=dtype)}

    out_x, out_y = outputs(x), outputs(y)
    # one thread: with a pool, an op waits for its slowest thread, and on a loaded machine a
    # descheduled helper costs a whole scheduler slice (~8 ms medians seen on 2 busy cores)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        answer = _time_ops(x, y, out_x, out_y, min(budget, float(request.get("budget", budget))))
    finally:
        torch.set_num_threads(threads)
    return {"numel": x.numel(), "ops": answer, "threads": 1}


def _time_ops(x, y, out_x, out_y, budget: float) -> list[dict]:
    import torch

    every_dim = list(range(x.ndim))  # numel >= MIN_ELEMENTS: at least one dim
    ops = {"sum": lambda t, o: torch.sum(t, every_dim, out=o["sum"]),
           "clone": lambda t, o: o["like"].copy_(t),
           "add": lambda t, o: torch.add(t, 1, out=o["add"]),
           "contiguous": lambda t, o: o["flat"].copy_(t)}
    answer = []
    share = budget / len(TIMED_OPS)
    for name in TIMED_OPS:
        op = ops[name]
        _once(op, x, out_x), _once(op, y, out_y)  # warm-up: a first call can be 100× slower
        pair = _once(op, x, out_x) + _once(op, y, out_y)  # what one repeat costs
        repeats = int(max(MIN_REPEATS, min(MAX_REPEATS, share / max(pair, 1e-9))))
        xs, ys = [], []
        for _ in range(repeats):  # interleaved: drift of the machine hits both sides alike
            xs.append(_once(op, x, out_x))
            ys.append(_once(op, y, out_y))
        answer.append({"op": name, "seconds": statistics.median(xs),
                       "contiguous_seconds": statistics.median(ys), "repeats": repeats})
    return answer


def _once(op, t, out) -> float:
    start = time.perf_counter()
    op(t, out)
    return time.perf_counter() - start


def timing_from_json(data, caches: tuple[str, ...] = ()) -> Timing:
    """The worker's answer, checked field by field (ValueError when it is not one)."""
    if not isinstance(data, dict) or not isinstance(data.get("ops"), list):
        raise ValueError("not a timing")
    numel, threads = data.get("numel"), data.get("threads")
    if not isinstance(numel, int) or not isinstance(threads, int):
        raise ValueError("not a timing")
    ops = []
    for op in data["ops"]:
        if not isinstance(op, dict) or op.get("op") not in TIMED_OPS:
            raise ValueError("not a timed op")
        seconds, base, repeats = op.get("seconds"), op.get("contiguous_seconds"), \
            op.get("repeats")
        if not all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in (seconds, base)) \
                or not isinstance(repeats, int) or repeats < 1:
            raise ValueError("not a timed op")
        ops.append(OpTiming(op["op"], seconds, base, repeats))
    return Timing(numel, tuple(ops), threads=threads, caches=caches)
