"""Models for ``benchmarks/delete_cascade.py`` (parent -> children -> grandchildren)."""
