"""The canvas: storage strips and the logical grid, painted cell by visible cell."""
