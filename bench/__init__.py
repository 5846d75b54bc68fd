"""squadboard's benchmarks: write rates, contended writes, `card list` and the demo build.

Run them with `make bench` (or `python -m bench.run`); docs/benchmarks.md explains the method and
records a run. Nothing here is a test: the figures are reported, never asserted.
"""
