"""Teaching: why an operation failed (explain, from the real tensors' facts), lessons, the
predict-then-reveal quiz, and the Qt-free translation catalogue.

May import stridescope.engine.model.
"""
