"""`python -m stridescope`: the same as the `stridescope` command."""

from stridescope.cli import run

run()
