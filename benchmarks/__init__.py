"""Benchmarks run on demand: the server runner, the phone and the load run."""
