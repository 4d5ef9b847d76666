"""Benchmarks (`python -m bench`): medians against named baselines; not part of the test suite."""
