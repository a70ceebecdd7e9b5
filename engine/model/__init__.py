"""The tensor model: frozen values of tensors, storages and steps, dtypes, limits, and the stride
arithmetic that explains layouts; `snapshot` reads live tensors into them.

Imports nothing else of the engine (the bottom layer); everyone may import it.
"""
