"""The releases the membership attacks target: a cross-user catalog built from some users' histories.

A *catalog builder* is ``build(sequences, seed) -> Catalog``: it gets the time-ordered
item rows of the users it includes (catalog ids are ``items``) and returns what
ships to devices (:class:`edgerec.rank.Catalog`: popularity, co-occurrence and
sequential neighbours). The attack calls it for the target and for every
reference catalog, so the DP catalog is attacked with exactly the same code.

- :func:`nonprivate_builder`: today's :meth:`Catalog.from_sequences` (exact counts);
- :func:`dp_builder`: the user-level DP catalog of :mod:`edgerec.privacy.catalog`
  (``build_catalog(histories, epsilon=..., delta=...)``; its OpenDP noise is fresh each build).

>>> build = nonprivate_builder(["a", "b", "c"])
>>> build([np.array([0, 1]), np.array([1, 2])], 0).popularity.tolist()
[1.0, 2.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog

__all__ = ["CatalogBuilder", "nonprivate_builder", "dp_builder"]

CatalogBuilder = Callable[[Sequence[np.ndarray], int], Catalog]


def nonprivate_builder(items: Sequence[str], **options) -> CatalogBuilder:
    """Build with :meth:`Catalog.from_sequences` (``options``: window, decay, top_n); the seed is unused."""
    ids = [str(i) for i in items]

    def build(sequences: Sequence[np.ndarray], seed: int) -> Catalog:
        return Catalog.from_sequences(ids, list(sequences), **options)

    return build


def dp_builder(items: Sequence[str], *, epsilon: float, delta: float | None = None) -> CatalogBuilder:
    """Build the user-level (ε, δ)-DP catalog of :mod:`edgerec.privacy.catalog` (a fresh seed per build).

    Raises :class:`InputError` in one line when this edgerec has no DP catalog yet.
    """
    if epsilon <= 0:
        raise InputError(f"epsilon must be positive, got {epsilon}")
    from edgerec.privacy.catalog import build_catalog
    from edgerec.privacy.data import Histories
    ids = [str(i) for i in items]

    def build(sequences: Sequence[np.ndarray], seed: int) -> Catalog:
        seqs = [np.asarray(s, dtype=np.int64) for s in sequences]
        histories = Histories.from_arrays([f"user-{n}" for n in range(len(seqs))], ids, seqs)
        artifact = build_catalog(histories, epsilon=epsilon, delta=delta)  # OpenDP noise: fresh, not seedable
        return artifact.to_rank_catalog()

    return build
