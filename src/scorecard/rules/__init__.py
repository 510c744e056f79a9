"""The rules of the scorecard: reporting periods, printed numbers, RAG ratings, direction of travel.

Pure functions on plain values; nothing here reads a file.
"""
