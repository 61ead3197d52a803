"""Noise from OpenDP's vetted samplers (the only module that imports ``opendp``).

Counts are integers, so noise is drawn with OpenDP's discrete Gaussian (or
discrete Laplace) on integer vectors: exact sampling, no floating-point
attacks on the noise, and noisy counts that stay integers, which makes removing
a user's contribution later exact arithmetic. OpenDP draws from the operating
system's secure randomness and cannot be seeded, by design.

>>> v = discrete_gaussian(3, scale=2.0)
>>> v.dtype, v.shape
(dtype('int64'), (3,))
"""

from __future__ import annotations

import numpy as np

from edgerec.errors import InputError, MissingExtraError

__all__ = ["discrete_gaussian", "discrete_laplace"]

#: Values drawn per OpenDP call (bounds the Python list OpenDP converts).
_CHUNK = 1 << 18


def _opendp():
    try:
        import opendp.prelude as dp
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("opendp", "privacy") from exc
    dp.enable_features("contrib")
    return dp


def _draw(n: int, scale: float, kind: str) -> np.ndarray:
    if not scale > 0:
        raise InputError(f"noise scale must be positive, not {scale!r}")
    dp = _opendp()
    domain = dp.vector_domain(dp.atom_domain(T=int))
    if kind == "gaussian":
        measurement = dp.m.make_gaussian(domain, dp.l2_distance(T=int), scale=float(scale))
    else:
        measurement = dp.m.make_laplace(domain, dp.l1_distance(T=int), scale=float(scale))
    out = np.empty(n, dtype=np.int64)
    zeros = [0] * min(n, _CHUNK)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        out[start:stop] = measurement(zeros[: stop - start])
    return out


def discrete_gaussian(n: int, *, scale: float) -> np.ndarray:
    """``n`` independent discrete Gaussian draws with standard deviation parameter ``scale`` (int64)."""
    return _draw(int(n), scale, "gaussian")


def discrete_laplace(n: int, *, scale: float) -> np.ndarray:
    """``n`` independent discrete Laplace draws with scale ``scale`` (int64)."""
    return _draw(int(n), scale, "laplace")
