"""The worker process and its wire: scripts run in an isolated, limited child; plain JSON and
byte blobs cross the boundary, never pickle.

May import model, teaching and interpret (the child side only: client.py never imports torch).
"""
