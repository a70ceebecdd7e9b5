"""Stridescope's Qt-free core (installed as stridescope.engine), one subpackage per subsystem.

Layers, each importing only those before it (tests/engine/test_architecture.py checks it):
model → teaching → interpret → worker → picture → document → live. Nothing here imports
Qt or pyqtgraph; the window's side (worker.client, document, picture) never imports torch.
"""
