"""A rank of a mesh run (issue 22): the allowlist for torch.distributed.tensor, joining the
process group the app set up, and what this rank holds of every named DTensor.

Imported only by a rank process of a run whose script has a mesh: the first import of
torch.distributed.tensor pulls torch._dynamo (0.6–1.5 s)."""

from __future__ import annotations

import types
from datetime import timedelta
from typing import Any

from stridescope.engine.interpret import policy, static_checks
from stridescope.engine.model.mesh import MAX_SHARD_VALUES, RankState, ShardState
from stridescope.engine.teaching.mesh_explanations import (
    MeshDeviceExplanation,
    MeshPlacementExplanation,
    UnevenShardExplanation,
)


class MeshError(ValueError):
    """A mesh statement torch would reject or could not run here, explained."""

    def __init__(self, message: str, explanation: Any = None) -> None:
        super().__init__(message)
        self.explanation = explanation


# What a script may read on a DTensor: the sharding API and the plain metadata (the ops that
# DTensor dispatches need no attribute: + - * @ work through the interpreter's operators).
DTENSOR_ATTRIBUTES = frozenset(
    "redistribute to_local full_tensor placements device_mesh shape size dim ndim dtype numel "
    "stride sum mean t transpose view reshape clone contiguous add mul matmul abs neg "
    "is_contiguous requires_grad".split())
MESH_ATTRIBUTES = frozenset(
    "shape ndim size get_coordinate device_type mesh get_local_rank mesh_dim_names".split())
PLACEMENT_ATTRIBUTES = frozenset("dim is_shard is_replicate is_partial reduce_op".split())


class _Rules:
    """The policy extension a mesh run switches on (see policy.EXTENSIONS)."""

    def __init__(self, dtensor: Any, modules: dict[str, types.ModuleType]) -> None:
        self.dt = dtensor
        self.modules = modules
        self.placements = (dtensor.Shard, dtensor.Replicate, dtensor.Partial)

    def allowed_attributes(self, obj: object) -> frozenset[str] | None:
        for module in self.modules.values():
            if obj is module:
                return frozenset(n for n in vars(module) if not n.startswith("_"))
        if obj is self.dt.DTensor:
            return frozenset({"from_local"})
        if isinstance(obj, self.dt.DTensor):
            return DTENSOR_ATTRIBUTES
        if isinstance(obj, self.dt.DeviceMesh):
            return MESH_ATTRIBUTES
        if isinstance(obj, self.placements):
            return PLACEMENT_ATTRIBUTES
        return None

    def constructs(self, func: object) -> bool:
        return func in self.placements

    def skips_probe(self, values: tuple) -> bool:
        """The meta-device cost probe cannot twin a DTensor or a mesh: RLIMIT_AS bounds them."""
        return any(isinstance(v, (self.dt.DTensor, self.dt.DeviceMesh)) for v in values)


def enable() -> None:
    """Let this process's scripts import the sharding API (a mesh run's ranks only)."""
    import torch.distributed.tensor as dt

    def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None):
        _check_device(device_type)
        return dt.init_device_mesh("cpu", tuple(mesh_shape), mesh_dim_names=mesh_dim_names)

    def distribute_tensor(tensor, device_mesh=None, placements=None):
        if device_mesh is not None:
            _check_placements(placements, device_mesh)
        return dt.distribute_tensor(tensor, device_mesh, placements)

    tensor_module = types.ModuleType("torch.distributed.tensor")
    for name in ("DTensor", "DeviceMesh", "Shard", "Replicate", "Partial"):
        setattr(tensor_module, name, getattr(dt, name))
    tensor_module.init_device_mesh = init_device_mesh
    tensor_module.distribute_tensor = distribute_tensor
    mesh_module = types.ModuleType("torch.distributed.device_mesh")
    mesh_module.init_device_mesh = init_device_mesh
    mesh_module.DeviceMesh = dt.DeviceMesh
    modules = {"torch.distributed.tensor": tensor_module,
               "torch.distributed.device_mesh": mesh_module}
    static_checks._FROM_MODULES.update(modules)
    rules = _Rules(dt, modules)
    policy.EXTENSIONS.append(rules)
    _wrap_methods(dt)


def _wrap_methods(dt: Any) -> None:
    """redistribute / from_local check their placements against the mesh first (explained);
    the classes stay torch's own (a script cannot reach them to change them)."""
    original_redistribute = dt.DTensor.redistribute
    original_from_local = dt.DTensor.from_local  # bound: a static- or classmethod alike

    def redistribute(self, device_mesh=None, placements=None, **kwargs):
        _check_placements(placements, device_mesh or self.device_mesh)
        return original_redistribute(self, device_mesh, placements, **kwargs)

    def from_local(local_tensor, device_mesh=None, placements=None, **kwargs):
        if device_mesh is not None:
            _check_placements(placements, device_mesh)
        return original_from_local(local_tensor, device_mesh, placements, **kwargs)

    dt.DTensor.redistribute = redistribute
    dt.DTensor.from_local = staticmethod(from_local)


def _check_device(device_type: object) -> None:
    if device_type != "cpu":
        raise MeshError(f"a device mesh on {str(device_type)[:40]!r} cannot be started here; "
                        f"use init_device_mesh(\"cpu\", …)",
                        MeshDeviceExplanation(str(device_type)[:40]))


def _check_placements(placements: object, mesh: Any) -> None:
    if placements is None:
        return
    count = len(placements) if isinstance(placements, (list, tuple)) else 1
    if count != mesh.ndim:
        raise MeshError(
            f"{count} placements for a {mesh.ndim}-D mesh {tuple(mesh.shape)}: give one "
            f"placement per mesh dim",
            MeshPlacementExplanation(count, mesh.ndim, tuple(mesh.shape)))


def join(rank: int, world: int, port: int, timeout_s: float) -> None:
    """Join the gloo group on 127.0.0.1:`port` that the app's coordinator chose."""
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world, timeout=timedelta(seconds=timeout_s))


def is_dtensor(value: object) -> bool:
    dt = _dtensor_module()
    return dt is not None and isinstance(value, dt.DTensor)


def _dtensor_module() -> Any:
    import sys

    return sys.modules.get("torch.distributed.tensor")


def shard_state(name: str, value: Any) -> ShardState:
    from torch.distributed.tensor._utils import compute_local_shape_and_global_offset

    local = value.to_local()
    mesh = value.device_mesh
    _shape, offset = compute_local_shape_and_global_offset(value.shape, mesh, value.placements)
    values = None
    if local.numel() <= MAX_SHARD_VALUES and not local.is_meta:
        values = local.detach().reshape(-1).tolist()
    return ShardState(name, tuple(repr(p) for p in value.placements), tuple(mesh.shape),
                      tuple(value.shape), tuple(int(o) for o in offset), tuple(local.shape),
                      tuple(local.stride()), local.storage_offset(), str(local.dtype), values,
                      local.untyped_storage().nbytes() // max(1, local.element_size()))


def rank_state(namespace: dict[str, Any], rank: int, stdout: str,
               shape: tuple[int, ...]) -> RankState:
    """What this rank holds after a statement: its place in the mesh `shape` (row-major, as
    init_device_mesh lays ranks out) and every named DTensor."""
    coordinate, left = [], rank
    for size in reversed(shape):
        coordinate.insert(0, left % size)
        left //= size
    shards = tuple(shard_state(name, value) for name, value in namespace.items()
                   if not name.startswith("_") and is_dtensor(value))
    return RankState(rank, tuple(coordinate), stdout, shards)


def uneven_notes(state: RankState) -> list[UnevenShardExplanation]:
    """Shard(d) placements whose dim does not divide by the ranks along that mesh dim."""
    notes = []
    for shard in state.tensors:
        for mesh_dim, text in enumerate(shard.placements):
            if not text.startswith("Shard(dim="):
                continue
            dim = int(text[len("Shard(dim="):-1])
            size, ranks = shard.global_shape[dim], shard.mesh_shape[mesh_dim]
            if size % ranks:
                chunk = -(-size // ranks)
                sizes = tuple(max(0, min(chunk, size - i * chunk)) for i in range(ranks))
                notes.append(UnevenShardExplanation(shard.name, dim, size, ranks, sizes))
    return notes
