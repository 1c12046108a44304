"""Rerunnable benchmarks: ``python -m kg.bench sparql`` and ``python -m kg.bench build``.

Each prints ratios measured within one run (these machines are noisy: compare the
two sides of a ratio, never absolute times across runs).
"""
