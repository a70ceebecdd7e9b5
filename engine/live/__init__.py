"""Live tensors in another process: attach to a Jupyter kernel and the probe sent to it.

May import model, teaching and document.
"""
