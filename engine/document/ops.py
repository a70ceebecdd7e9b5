"""Statements for the common operations offered without typing (they append to the script)."""

from __future__ import annotations

from stridescope.engine.document.session import fresh_name
from stridescope.engine.model.state import TensorState


def _name(t: TensorState, taken: set[str], suffix: str) -> str:
    return fresh_name(taken, f"{t.name}_{suffix}")


def transpose(t: TensorState, taken: set[str], dim0: int = 0, dim1: int = 1) -> str:
    return f"{_name(t, taken, 'T')} = {t.name}.transpose({dim0}, {dim1})"


def permute(t: TensorState, taken: set[str], order: str) -> str:
    return f"{_name(t, taken, 'p')} = {t.name}.permute({order})"


def slice_(t: TensorState, taken: set[str], index: str) -> str:
    return f"{_name(t, taken, 's')} = {t.name}[{index}]"


def view(t: TensorState, taken: set[str], shape: str) -> str:
    return f"{_name(t, taken, 'v')} = {t.name}.view({shape})"


def reshape(t: TensorState, taken: set[str], shape: str) -> str:
    return f"{_name(t, taken, 'r')} = {t.name}.reshape({shape})"


def contiguous(t: TensorState, taken: set[str]) -> str:
    return f"{_name(t, taken, 'c')} = {t.name}.contiguous()"


def unsqueeze(t: TensorState, taken: set[str], dim: int = 0) -> str:
    return f"{_name(t, taken, 'u')} = {t.name}.unsqueeze({dim})"


def expand(t: TensorState, taken: set[str], shape: str) -> str:
    return f"{_name(t, taken, 'e')} = {t.name}.expand({shape})"


def flatten(t: TensorState, taken: set[str]) -> str:
    return f"{_name(t, taken, 'f')} = {t.name}.flatten()"
