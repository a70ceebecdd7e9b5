"""One warm worker for the module; small limits so that limit cases end quickly."""

from __future__ import annotations

import json

import pytest

from stridescope.engine.document.trace import trace_json
from stridescope.engine.model.limits import Limits
from stridescope.engine.worker.client import WorkerPool

SMALL = Limits(max_seconds=1.0, run_seconds=6.0, cpu_seconds=8, memory_bytes=3 * 1024**3 // 2,
               recorded_bytes=48 * 1024**2, max_statements=20_000)
CASE_TIMEOUT = 20.0  # seconds one case may take, start to end, before the test fails
INTERNAL = {"WorkerError"}  # what must never be the answer to a script


@pytest.fixture(scope="session")
def pool():
    with WorkerPool(SMALL) as pool:
        assert pool.wait_ready(), "the worker did not start"
        yield pool


def run_case(pool, script, limits=SMALL):
    """Run `script` in the worker; the run, finished within the per-case timeout."""
    run = pool.start(script, limits)
    result = run.wait(timeout=CASE_TIMEOUT)
    if result is None:
        run.cancel()
        pytest.fail(f"no answer within {CASE_TIMEOUT} s")
    return run


def check_sane(result):
    """Whatever the script did, the result is a valid, writable trace and no internal error."""
    text = json.dumps(trace_json(result, "test"), ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogates anywhere
    errors = [s.error for s in result.steps if s.error] + (
        [result.syntax_error] if result.syntax_error else [])
    for error in errors:
        assert error.type not in INTERNAL, error
        assert isinstance(error.message, str) and error.message
    return errors[-1] if errors else None
