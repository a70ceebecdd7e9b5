"""The picture: compose(run, view, viewport) -> Scene (arrangement, type scale, grid and strip
layout, labels, animation anchors) and pure animation planning.

May import model and teaching (for the words it shows).
"""
