"""Snapshots of live tensors (engine/model/snapshot.py): what figure()/show() and the runner
record."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stridescope.engine.model.snapshot import snapshot
from stridescope.engine.model.state import STORAGE_BYTES_LIMIT
from stridescope.engine.picture.content import build_picture


def test_views_share_one_storage_with_torchs_numbers():
    a = torch.arange(12.0).reshape(3, 4)
    at, row = a.t(), a[1]
    step = snapshot({"a": a, "at": at, "row": row}, source="figure(a, at, row)")
    assert [t.name for t in step.tensors] == ["a", "at", "row"]
    assert len(step.storages) == 1 and {t.storage_id for t in step.tensors} == {1}
    t = step.tensor("at")
    assert (t.shape, t.stride, t.storage_offset) == ((4, 3), (1, 4), 0)
    assert not t.is_contiguous and t.is_view
    assert step.tensor("row").storage_offset == 4 and step.tensor("row").data_ptr == \
        row.data_ptr()
    assert t.values == at.tolist()
    assert step.storages[0].raw == a.numpy().tobytes()
    assert step.storages[0].nbytes == 48 and step.storages[0].data_ptr == a.data_ptr()


def test_copies_get_their_own_storage_numbered_in_order():
    a = torch.arange(6).view(2, 3)
    c = a.t().contiguous()
    step = snapshot({"c": c, "a": a})
    assert [t.storage_id for t in step.tensors] == [1, 2]
    assert [s.id for s in step.storages] == [1, 2]


def test_meta_tensor_of_a_trillion_elements_has_layout_but_no_values():
    m = torch.empty(10**12, device="meta")
    v = m.view(10**6, 10**6)[::2, 3:]
    step = snapshot({"m": m, "v": v})
    t = step.tensor("v")
    assert t.is_meta and t.values is None and t.numel == 500_000 * 999_997
    assert t.stride == (2 * 10**6, 1) and t.storage_offset == 3
    assert step.storages[0].raw is None and step.storages[0].nbytes == 4 * 10**12
    picture = build_picture(step, "v")
    assert picture.grid is not None and picture.strips[0].cells == 10**12


def test_zero_dim_tensor():
    z = torch.tensor(2.5, dtype=torch.float64)
    step = snapshot({"z": z})
    t = step.tensor("z")
    assert t.shape == () and t.stride == () and t.numel == 1 and t.values == 2.5
    assert step.storages[0].elements("torch.float64").tolist() == [2.5]


def test_large_tensors_keep_bytes_up_to_the_cap_and_values_only_when_small():
    big = torch.zeros(1_000_001, dtype=torch.uint8)
    step = snapshot({"big": big}, byte_limit=1_000_000)
    assert step.tensor("big").values is None and step.storages[0].raw is None
    assert snapshot({"big": big}).storages[0].raw is not None  # 1 MB is under the default
    assert STORAGE_BYTES_LIMIT >= 1 << 20


def test_complex_and_conjugated_values_read_like_torch():
    c = torch.complex(torch.arange(3.0), torch.ones(3)).conj()
    step = snapshot({"c": c})
    assert step.tensor("c").values == c.resolve_conj().tolist()


def test_things_that_are_not_strided_tensors_are_refused_clearly():
    with pytest.raises(TypeError, match="from_numpy"):
        snapshot({"a": np.arange(3)})
    with pytest.raises(TypeError, match="layout"):
        snapshot({"s": torch.eye(3).to_sparse()})


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_tensor_non_contiguous_with_bytes_copied_to_the_host():
    a = torch.arange(12, device="cuda").reshape(3, 4)
    at = a.t()
    step = snapshot({"a": a, "at": at})
    t = step.tensor("at")
    assert t.device == "cuda:0" and t.stride == (1, 4) and not t.is_contiguous
    assert t.values == at.cpu().tolist() and step.storages[0].device == "cuda:0"
    assert step.storages[0].raw == a.cpu().numpy().tobytes()
