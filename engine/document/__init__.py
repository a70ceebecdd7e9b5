"""The document: a script plus a cursor (session), session files, the JSON trace, and the
statements the menus append.

May import model, teaching, interpret, worker and picture.
"""
