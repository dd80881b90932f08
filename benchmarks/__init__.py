"""Benchmarks: each script prints measured figures against the naive Django way."""
