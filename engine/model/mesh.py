"""Sharded layouts (issue 22): what each rank of a device mesh holds of a DTensor.

Torch-free values: the window, the trace and the picture read them; the rank processes make
them (stridescope.engine.interpret.mesh)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MAX_RANKS = 8            # rank processes one run may start (2 cores run them all)
MAX_SHARD_VALUES = 4096  # a local tensor's values kept per rank and step (flat)
MESH_LINE = re.compile(r"^[ \t]*#![ \t]*mesh[ \t]+(\S+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ShardState:
    """One named DTensor as one rank holds it."""

    name: str
    placements: tuple[str, ...]     # str() of each placement: "Shard(dim=0)", "Replicate()"
    mesh_shape: tuple[int, ...]
    global_shape: tuple[int, ...]
    global_offset: tuple[int, ...]  # where the local block starts in the global tensor
    local_shape: tuple[int, ...]
    local_stride: tuple[int, ...]
    local_storage_offset: int
    dtype: str
    values: Any = None              # the local tensor's values, flat, logical order (capped)
    storage_numel: int = 0          # elements in the local tensor's storage


@dataclass(frozen=True, slots=True)
class RankState:
    """One rank after a statement: its place in the mesh, what it printed, its shards."""

    rank: int
    coordinate: tuple[int, ...]
    stdout: str
    tensors: tuple[ShardState, ...] = ()

    def tensor(self, name: str) -> ShardState | None:
        return next((t for t in self.tensors if t.name == name), None)


class MeshSpecError(ValueError):
    """A `#! mesh` line or `--mesh` value that is not a mesh shape Stridescope can start."""


def parse_mesh_spec(text: str) -> tuple[int, ...]:
    """'4' -> (4,), '2x2' -> (2, 2); at most 3 dims and MAX_RANKS ranks."""
    parts = text.strip().lower().replace("×", "x").split("x")
    if not all(p.isdigit() and int(p) > 0 for p in parts) or not 1 <= len(parts) <= 3:
        raise MeshSpecError(f"mesh {text.strip()[:40]!r} is not a mesh shape such as 4 or 2x2")
    shape = tuple(int(p) for p in parts)
    if math.prod(shape) > MAX_RANKS:
        raise MeshSpecError(f"mesh {text.strip()} has {math.prod(shape)} ranks; at most "
                            f"{MAX_RANKS} rank processes may run")
    return shape


def mesh_of_source(source: str) -> tuple[int, ...] | None:
    """The shape of the script's `#! mesh 2x2` line, or None (MeshSpecError if malformed)."""
    match = MESH_LINE.search(source) if "#!" in source else None  # (a memchr on each edit)
    return None if match is None else parse_mesh_spec(match.group(1))


def world_size(shape: tuple[int, ...]) -> int:
    return math.prod(shape)
