"""Dockable panels: code, console, inspector, tensors, history."""
