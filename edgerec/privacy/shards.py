"""Pure functions of the sharded (SISA) item model: which shard holds a user, and how shard models combine.

:mod:`edgerec.privacy.sisa` trains one DP-SGD model per shard and releases
their aggregate; everything here is post-processing or a fixed public function
of a user id, so it costs no privacy budget.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from edgerec.errors import InputError
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["AGGREGATES", "aggregate_neighbours", "aggregate_vectors", "shard_of"]

#: How shard models combine: mean of the shards' cosines over all items, or mean of their top-n lists.
AGGREGATES = ("mean_cosine", "mean_topn")


def shard_of(user: str, shards: int) -> int:
    """The shard of ``user``: SHA-256 of its id modulo ``shards`` (stable across runs and machines).

    >>> shard_of("alice", 4), shard_of("alice", 1)
    (3, 0)
    """
    if shards < 1:
        raise InputError(f"shards must be >= 1, not {shards}")
    return int.from_bytes(hashlib.sha256(str(user).encode("utf-8")).digest()[:8], "big") % shards


def aggregate_vectors(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """Each shard's rows scaled to unit length, side by side, over sqrt(number of shards).

    The cosine of two aggregated rows is the mean of the shards' cosines, so
    :func:`~edgerec.privacy.dpsgd.cosine_neighbours` of the result ranks items
    by mean cosine similarity over the shards.

    >>> a, b = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[1.0, 0.0], [3.0, 0.0]])
    >>> agg = aggregate_vectors([a, b])
    >>> round(float(agg[0] @ agg[1]), 6), round(float(agg[1] @ agg[1]), 6)
    (0.5, 1.0)
    """
    if not vectors:
        raise InputError("no shard model to aggregate")
    units = [v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12) for v in vectors]
    return np.hstack(units) / np.sqrt(len(units))


def aggregate_neighbours(lists: Sequence[ItemNeighbours], top_n: int) -> ItemNeighbours:
    """Mean of the shards' top-n similarity lists (absent pairs count 0), each item keeping its ``top_n`` best.

    >>> one = ItemNeighbours.from_coo(np.array([0, 1]), np.array([1, 0]), np.array([0.8, 0.8]), 2, top_n=1)
    >>> none = ItemNeighbours.from_coo(np.zeros(0, int), np.zeros(0, int), np.zeros(0), 2, top_n=1)
    >>> aggregate_neighbours([one, none], top_n=1).values.tolist()
    [0.4000000059604645, 0.4000000059604645]
    """
    if not lists:
        raise InputError("no shard model to aggregate")
    n = lists[0].n_items
    rows = np.concatenate([np.repeat(np.arange(n), np.diff(nb.indptr)) for nb in lists])
    cols = np.concatenate([nb.indices.astype(np.int64) for nb in lists])
    vals = np.concatenate([nb.values.astype(np.float64) for nb in lists])
    keys, inverse = np.unique(rows * n + cols, return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=vals, minlength=len(keys)) / len(lists)
    return ItemNeighbours.from_coo(keys // n, keys % n, sums, n, top_n=top_n)
