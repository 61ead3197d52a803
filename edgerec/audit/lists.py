"""What a device shows: the ranker's top-``k`` list for a user, over the items they have not consumed.

>>> from edgerec.rank.catalog import Catalog
>>> cat = Catalog.from_sequences(list("abcd"), [np.array([0, 1]), np.array([0, 1, 2]), np.array([3])])
>>> shown_list(Ranker(cat), np.array([0]), 2).tolist()
[1, 2]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edgerec.audit.result import Progress
from edgerec.rank.catalog import Catalog
from edgerec.rank.history import UserHistory
from edgerec.rank.ranker import Ranker

__all__ = ["shown_list", "shown_lists"]


def shown_list(ranker: Ranker, seq: np.ndarray, k: int) -> np.ndarray:
    """Catalog rows of the ``k`` items the ranker shows a user whose liked items are ``seq`` (time order)."""
    seq = np.asarray(seq, dtype=np.int64)
    history = UserHistory(tuple(ranker.catalog.ids[i] for i in seq), np.ones(len(seq), np.float32),
                          np.arange(len(seq), dtype=np.float64))
    seen = np.zeros(len(ranker.catalog), dtype=bool)
    seen[seq] = True
    candidates = np.flatnonzero(~seen)
    if not len(candidates):
        return np.zeros(0, dtype=np.int64)
    return ranker.catalog.rows([r.id for r in ranker.rank(history, candidates, k=k)])


def shown_lists(catalog: Catalog, sequences: Sequence[np.ndarray], k: int, *, progress: Progress | None = None,
                stage: str = "ranking users") -> list[np.ndarray]:
    """:func:`shown_list` for every user, with the default ranker over ``catalog``."""
    ranker = Ranker(catalog)
    out = []
    for u, seq in enumerate(sequences):
        out.append(shown_list(ranker, seq, k))
        if progress is not None and ((u + 1) % 50 == 0 or u + 1 == len(sequences)):
            progress(stage, u + 1, len(sequences))
    return out
