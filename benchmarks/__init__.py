"""Benchmarks: how fast and how big, each measure beside its floor, against the targets (``python -m benchmarks``)."""
