"""The item side: what the app ships about its catalog, not about any one user.

A :class:`Catalog` maps item ids to rows and holds, all optional:

- ``embeddings``: L2-normalised text embeddings of the items (from the embedder);
- ``sequential``: neighbours of items that people consume close together in time;
- ``cooccurrence``: neighbours by plain cosine over who consumed what;
- ``popularity``: how many people consumed each item.

The last three are learned from many users' interactions at catalog level (for
MovieLens: the training split of all users) and would ship with the app. None of
them is computed from the events of the user being ranked.

>>> cat = Catalog(["a", "b"])
>>> cat.rows(["b", "zz", "a"]).tolist()
[1, -1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edgerec.errors import InputError
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["Catalog", "reduce_dimensions"]


def reduce_dimensions(embeddings: np.ndarray, dims: int) -> np.ndarray:
    """Project unit embeddings on their top ``dims`` principal directions and re-normalise.

    Ranking touches every candidate's vector, so for large catalogs on small
    CPUs fewer dimensions mean proportionally less memory traffic; cosine
    similarities are approximately kept. The projection is learned from the
    catalog itself (item-side, no user data).

    >>> e = np.eye(4, dtype=np.float32)[:, :3] + 0.01
    >>> reduce_dimensions(e / np.linalg.norm(e, axis=1, keepdims=True), 2).shape
    (4, 2)
    """
    emb = np.asarray(embeddings, dtype=np.float32)
    if dims >= emb.shape[1]:
        return emb
    centred = emb - emb.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    projected = emb @ vt[:dims].T
    return (projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@dataclass
class Catalog:
    """Item ids plus optional item-side knowledge (see module docstring)."""

    ids: Sequence[str]
    embeddings: np.ndarray | None = None
    sequential: ItemNeighbours | None = None
    cooccurrence: ItemNeighbours | None = None
    popularity: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.ids = [str(i) for i in self.ids]
        self.index = {item: n for n, item in enumerate(self.ids)}
        if len(self.index) != len(self.ids):
            raise InputError("catalog ids must be unique")
        n = len(self.ids)
        if self.embeddings is not None:
            self.embeddings = np.ascontiguousarray(self.embeddings, dtype=np.float32)
            if self.embeddings.shape[0] != n:
                raise InputError(f"catalog has {n} ids but {self.embeddings.shape[0]} embeddings")
        for name in ("sequential", "cooccurrence"):
            nb = getattr(self, name)
            if nb is not None and nb.n_items != n:
                raise InputError(f"catalog has {n} ids but {name} covers {nb.n_items} items")
        if self.popularity is not None and len(self.popularity) != n:
            raise InputError(f"catalog has {n} ids but {len(self.popularity)} popularity counts")

    def __len__(self) -> int:
        return len(self.ids)

    def reduced(self, dims: int) -> "Catalog":
        """The same catalog with embeddings reduced to ``dims`` (see :func:`reduce_dimensions`)."""
        if self.embeddings is None:
            return self
        return Catalog(self.ids, reduce_dimensions(self.embeddings, dims), self.sequential, self.cooccurrence, self.popularity)

    def rows(self, ids: Sequence[str]) -> np.ndarray:
        """Row of each id, ``-1`` for ids the catalog does not hold."""
        get = self.index.get
        return np.array([get(i if type(i) is str else str(i), -1) for i in ids], dtype=np.int64)

    @classmethod
    def from_sequences(
        cls,
        ids: Sequence[str],
        sequences: Sequence[np.ndarray],
        *,
        embeddings: np.ndarray | None = None,
        window: int = 10,
        decay: float = 0.9,
        top_n: int = 100,
    ) -> "Catalog":
        """Learn sequential and cosine neighbours plus popularity from row-index sequences.

        Each sequence is one person's consumed items in time order, as rows of ``ids``.
        """
        n = len(ids)
        popularity = np.zeros(n)
        for seq in sequences:
            popularity[np.unique(np.asarray(seq, dtype=np.int64))] += 1
        return cls(
            ids,
            embeddings=embeddings,
            sequential=ItemNeighbours.from_sequences(sequences, n, window=window, decay=decay, top_n=top_n),
            cooccurrence=ItemNeighbours.from_sequences(sequences, n, window=None, top_n=top_n),
            popularity=popularity,
        )
