"""Stridescope's Qt-free core: interpreter, snapshots, layout explanations, traces."""
