"""Benchmarks: each module times careassure against a baseline measured in the same run."""
