"""Benchmarks. Each ``bench_<name>.py`` prints figures and a ratio to a named baseline."""
