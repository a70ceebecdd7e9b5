"""Stridescope: see how PyTorch tensors sit in memory (the installed package).

    import stridescope
    stridescope.figure(a=a, at=a.t())        # a picture of your own tensors (stridescope.api)
    python -m stridescope                    # the window; `stridescope --help` for the CLI

The package maps the repository's folders: stridescope.engine is engine/ (Qt-free core),
stridescope.gui is gui/ (PySide6), stridescope.resources is resources/ (lessons,
translations). Importing it imports neither torch nor Qt.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for editors and type checkers; at run time __getattr__ below imports them
    from stridescope.api import (
        Figure,
        explain,
        explanation_for,
        figure,
        load_ipython_extension,
        show,
        trace,
        unload_ipython_extension,
    )

__version__ = "0.2.0"
__all__ = ["Figure", "__version__", "explain", "explanation_for", "figure",
           "load_ipython_extension", "show", "trace", "unload_ipython_extension"]


def __getattr__(name: str):
    """The API's names, imported on first use: `python -m stridescope` and the CLI start the
    worker before importing anything they do not need (stridescope.api costs ~15 ms)."""
    if name in __all__ and name != "__version__":
        from stridescope import api

        return getattr(api, name)
    raise AttributeError(f"module 'stridescope' has no attribute {name!r}")
