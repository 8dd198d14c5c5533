"""Benchmarks and load tests: `make bench` (see docs/benchmarks.md)."""
