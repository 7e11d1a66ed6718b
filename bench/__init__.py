"""Benchmarks of the Nara platform (`python -m bench`); see docs/benchmarks.md."""
