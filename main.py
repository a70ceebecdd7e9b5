"""Stridescope's entry point in a checkout: `python main.py [FILE.py] [options]`.

The command line itself is stridescope/cli.py (installed as the `stridescope` command and
`python -m stridescope`); `stridescope --help` lists the options.
"""

from stridescope.cli import run

if __name__ == "__main__":
    run()
