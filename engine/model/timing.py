"""Measured times of a few ops on a tensor's layout against its contiguous copy (values only;
engine/worker/timing.py measures them in the worker)."""

from __future__ import annotations

from dataclasses import dataclass

# what is timed: x.sum(), x.clone(), x + 1, x.contiguous(), each into a result allocated
# beforehand; "contiguous" is the copy into a contiguous result, on y a straight copy
# (y.contiguous() itself would copy nothing)
TIMED_OPS = ("sum", "clone", "add", "contiguous")
OP_TEXT = {"sum": "x.sum()", "clone": "x.clone()", "add": "x + 1", "contiguous": "x.contiguous()"}


@dataclass(frozen=True, slots=True)
class OpTiming:
    op: str                  # one of TIMED_OPS
    seconds: float           # median on the tensor's own layout
    contiguous_seconds: float  # median on x.contiguous() (see TIMED_OPS)
    repeats: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.contiguous_seconds


@dataclass(frozen=True, slots=True)
class Timing:
    """The answer: `ops` when measured, else `skipped` says why (meta, too small, too big)."""

    numel: int
    ops: tuple[OpTiming, ...] = ()
    skipped: str | None = None     # an N_-marked template, filled with skipped_values
    skipped_values: tuple[tuple[str, object], ...] = ()
    threads: int = 0
    caches: tuple[str, ...] = ()   # "L1d 48 KiB", … when the system says
