"""Why a sharded-layout statement failed or surprised (issue 22), in either language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from stridescope.engine.model.layout import N_
from stridescope.engine.teaching.explain_base import Explanation


@dataclass(frozen=True, slots=True)
class MeshPlacementExplanation(Explanation):
    """distribute_tensor / redistribute / from_local with one placement per mesh dim wrong."""

    kind: ClassVar[str] = "mesh_placements"
    placements: int
    mesh_ndim: int
    mesh_shape: tuple[int, ...]

    def parts(self) -> list[tuple[str, dict]]:
        values = {"count": self.placements, "ndim": self.mesh_ndim,
                  "shape": "×".join(str(n) for n in self.mesh_shape)}
        return [
            (N_("{count} placements were given for a {ndim}-D mesh ({shape})."), values),
            (N_("A DTensor needs exactly one placement per mesh dim: the first says what the "
                "ranks along mesh dim 0 do with the tensor (Shard(d) splits tensor dim d, "
                "Replicate() copies it, Partial() holds a part of a sum), the second the same "
                "for mesh dim 1."), values),
            (N_("Give {ndim} placements, e.g. [Shard(0), Replicate()] on a 2-D mesh."),
             values),
        ]


@dataclass(frozen=True, slots=True)
class MeshDeviceExplanation(Explanation):
    """A mesh on a device this app cannot start (it runs the ranks on CPU, over gloo)."""

    kind: ClassVar[str] = "mesh_device"
    device: str

    def parts(self) -> list[tuple[str, dict]]:
        values = {"device": self.device}
        return [
            (N_("A device mesh on \"{device}\" cannot be started here."), values),
            (N_("Stridescope starts every rank as a CPU process joined by the gloo backend "
                "over loopback; the layout of each shard is the same as on an accelerator."),
             values),
            (N_("Use init_device_mesh(\"cpu\", …)."), values),
        ]


@dataclass(frozen=True, slots=True)
class UnevenShardExplanation(Explanation):
    """A Shard(d) whose tensor dim does not divide by the ranks along that mesh dim."""

    kind: ClassVar[str] = "mesh_uneven"
    name: str
    dim: int
    size: int
    ranks: int
    sizes: tuple[int, ...]

    def parts(self) -> list[tuple[str, dict]]:
        chunk = -(-self.size // self.ranks)
        values = {"name": self.name, "dim": self.dim, "size": self.size, "ranks": self.ranks,
                  "sizes": ", ".join(str(s) for s in self.sizes), "chunk": chunk,
                  "padded": chunk * self.ranks}
        return [
            (N_("{name}: dim {dim} has size {size} for {ranks} ranks, which does not divide "
                "evenly: the local shards hold {sizes}."), values),
            (N_("DTensor splits like torch.chunk: every rank gets ceil({size}/{ranks}) = "
                "{chunk} except the last ones, which get what is left (maybe nothing). A "
                "collective pads every shard to {chunk} (the padded dim is {padded}) and "
                "drops the padding afterwards."), values),
        ]


MESH_EXPLANATION_TYPES = (MeshPlacementExplanation, MeshDeviceExplanation,
                          UnevenShardExplanation)
