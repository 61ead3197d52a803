"""Baselines the ranker is measured against, scored over catalog rows.

- :func:`popularity_scores`: how many people consumed each item;
- :class:`ItemKNN`: classic item-based k-nearest-neighbours: cosine similarity
  between binary item columns of the user-item matrix, each item keeping its
  ``neighbours`` most similar items, and a candidate's score is the sum of its
  similarities to every item the user consumed (no recency, no text).

>>> knn = ItemKNN.fit([[0, 1], [0, 1], [1, 2]], n_items=3, neighbours=2)
>>> knn.scores(np.array([0])).round(3).tolist()
[0.0, 0.816, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["popularity_scores", "ItemKNN"]


def popularity_scores(sequences: Sequence[np.ndarray], n_items: int) -> np.ndarray:
    """Number of sequences that contain each item.

    >>> popularity_scores([[0, 1, 1], [1]], 3).tolist()
    [1.0, 2.0, 0.0]
    """
    counts = np.zeros(n_items)
    for seq in sequences:
        counts[np.unique(np.asarray(seq, dtype=np.int64))] += 1
    return counts


class ItemKNN:
    """Cosine item-item kNN over binary interactions (see module docstring)."""

    def __init__(self, neighbours: ItemNeighbours):
        self.neighbours = neighbours

    @classmethod
    def fit(cls, sequences: Sequence[np.ndarray], n_items: int, *, neighbours: int = 50) -> "ItemKNN":
        """Learn item-item cosine similarities from each user's consumed items."""
        return cls(ItemNeighbours.from_sequences(sequences, n_items, window=None, top_n=neighbours))

    def scores(self, history_rows: np.ndarray) -> np.ndarray:
        """Score of every item for a user who consumed ``history_rows``."""
        rows = np.unique(np.asarray(history_rows, dtype=np.int64))
        return self.neighbours.scores(rows, np.ones(len(rows)))
