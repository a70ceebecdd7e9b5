"""The script interpreter and its allowlists (torch and NumPy policies, the meta-device guard),
script parsing, provenance replay, and the runner that records a frozen Step per statement.

May import model and teaching.
"""
