"""The limits a run is held to (torch-free: the window builds them, the worker applies them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable limits; the Python-level ones are the first line, the worker's the second.

    The first four are checked by the interpreter itself, with clear messages. The worker_*
    ones are enforced by the operating system (or by the parent killing the worker): they
    bound what the interpreter's checks miss (data-dependent sizes, C code that never returns).
    """

    max_alloc_bytes: int = 2 * 1024**3
    # Above this many logical elements an op that computes (not a view) is refused: a
    # reduction over a 10^12-element expanded tensor allocates little but never ends.
    max_compute_elements: int = 2**30
    max_operations: int = 1_000_000
    max_seconds: float = 30.0                # per statement (the worker kills past it)
    # --- enforced by the worker process
    memory_bytes: int = 4 * 1024**3          # RLIMIT_AS of the worker
    cpu_seconds: int = 300                   # RLIMIT_CPU of the whole run
    run_seconds: float = 300.0               # wall clock of the whole run
    max_statements: int = 20_000             # top-level statements (steps) per script
    # --- printed output and what the recorder keeps
    stdout_step_chars: int = 64 * 1024       # per statement, then "output truncated"
    stdout_run_chars: int = 1024 * 1024      # per run
    storage_bytes: int = 16 * 1024**2        # one storage's bytes are kept up to this size
    recorded_bytes: int = 256 * 1024**2      # new storage bytes kept across all steps
    recorded_values: int = 4_000_000         # tensor values (tolist) kept across all steps
