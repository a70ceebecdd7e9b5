"""Stridescope's PySide6 front end (installed as stridescope.gui): window, canvas, panels,
exporters. May import stridescope.engine (any subpackage) and stridescope.resources; the
engine never imports it.
"""
