"""Stridescope's PySide6 + pyqtgraph front end: window, canvas, panels, exporters."""
