"""Stridescope's data files (lessons, translations), installed as stridescope.resources.

Found through importlib.resources, so a checkout, a wheel and a zip read them the same way.
Anyone may import this module; it imports nothing of Stridescope's.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

_files = ExitStack()
atexit.register(_files.close)


def root() -> Traversable:
    return resources.files(__name__)


def lessons() -> Traversable:
    """The folder of built-in lessons (plain scripts with #: narration)."""
    return root() / "lessons"


def translations() -> Traversable:
    """The folder of Qt Linguist catalogues (.ts) and their compiled .qm files."""
    return root() / "translations"


def real_path(item: Traversable) -> Path:
    """A file-system path for a resource (Qt and the window want paths); from a zip the file
    is extracted once and kept until the process exits."""
    return Path(_files.enter_context(resources.as_file(item)))
