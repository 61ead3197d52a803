"""Benchmarks behind ``edgerec bench ...``: each returns a dict of measured figures.

Every benchmark measures its baseline in the same run, on the same data, because
shared machines are noisy and only the ratio is comparable across runs.
"""
