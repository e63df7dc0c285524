"""The benchmark is run with ``python -m tests.benchmarks``, never collected as tests."""

collect_ignore_glob = ["*.py"]
