"""The item side: what the app ships about its catalog, not about any one user.

A :class:`Catalog` maps item ids to rows and holds, all optional:

- ``embeddings``: L2-normalised text embeddings of the items (from the embedder);
- ``sequential``: neighbours of items that people consume close together in time;
- ``cooccurrence``: neighbours by plain cosine over who consumed what;
- ``popularity``: how many people consumed each item.

The last three are learned from many users' interactions at catalog level (for
MovieLens: the training split of all users) and would ship with the app. None of
them is computed from the events of the user being ranked.

Scoring reads every candidate's embedding, and for large catalogs that pass is
bound by memory traffic. So a catalog with more than ``compact_above`` items
(default :data:`COMPACT_ABOVE`) also keeps a compact copy of its embeddings,
projected on their top ``compact_dims`` principal directions (default
:data:`COMPACT_DIMS`) and re-normalised, and the ranker scores with it
(:attr:`Catalog.scoring`). The full vectors stay in ``embeddings``: the ranker
re-scores its best few hundred candidates with them and explains the top results
with them.

>>> cat = Catalog(["a", "b"])
>>> cat.rows(["b", "zz", "a"]).tolist()
[1, -1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

import numpy as np

from edgerec.errors import InputError
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["COMPACT_ABOVE", "COMPACT_DIMS", "Catalog", "pca_basis", "project", "reduce_dimensions"]

#: Catalogs with more items than this score on a compact copy of their embeddings by default.
COMPACT_ABOVE = 5_000
#: Dimensions of that compact copy.
COMPACT_DIMS = 128
#: At most this many items (an even stride through the catalog) fit the projection.
PCA_FIT_ROWS = 50_000


def pca_basis(embeddings: np.ndarray, dims: int) -> np.ndarray:
    """The top ``dims`` principal directions of ``embeddings``, as a ``(dim, dims)`` float32 matrix.

    Computed from the covariance matrix (``dim x dim``), so it costs one pass
    over the embeddings; very large catalogs are subsampled to
    :data:`PCA_FIT_ROWS` rows with an even stride (deterministic).

    >>> pca_basis(np.eye(3, dtype=np.float32), 2).shape
    (3, 2)
    """
    emb = np.asarray(embeddings, dtype=np.float32)
    sample = emb[:: max(1, len(emb) // PCA_FIT_ROWS)].astype(np.float64)
    centred = sample - sample.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(vectors[:, np.argsort(values)[::-1][:dims]], dtype=np.float32)


def project(vectors: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``vectors @ basis``, each row re-normalised to unit length (float32).

    >>> project(np.array([[3.0, 4.0, 5.0]]), np.eye(3)[:, :2]).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """
    projected = np.asarray(vectors, dtype=np.float32) @ np.asarray(basis, dtype=np.float32)
    return (projected / np.maximum(np.linalg.norm(projected, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


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
    return project(emb, pca_basis(emb, dims))


#: Candidate pools at least this long have their rows remembered (see :meth:`Catalog.rows`).
_POOL_MIN = 256
#: How many pools are remembered per catalog.
_POOL_CACHE = 8


@dataclass
class Catalog:
    """Item ids plus optional item-side knowledge (see module docstring).

    ``compact_above=None`` never builds the compact copy; ``compact_above=0``
    always does (when the embeddings have more than ``compact_dims`` dimensions).

    >>> emb = np.eye(6, dtype=np.float32)
    >>> Catalog(list("abcdef"), emb, compact_above=0, compact_dims=2).scoring.shape
    (6, 2)
    >>> Catalog(list("abcdef"), emb).scoring is not None and Catalog(list("abcdef"), emb).compact is None
    True
    """

    ids: Sequence[str]
    embeddings: np.ndarray | None = None
    sequential: ItemNeighbours | None = None
    cooccurrence: ItemNeighbours | None = None
    popularity: np.ndarray | None = None
    compact_above: int | None = COMPACT_ABOVE
    compact_dims: int = COMPACT_DIMS

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
        #: largest embedding norm (1 for unit embeddings): bounds every cosine-like score term
        self.max_norm = 0.0 if self.embeddings is None or n == 0 else float(np.sqrt((self.embeddings**2).sum(axis=1).max()))
        #: PCA-reduced, re-normalised embeddings the ranker scores with, or None (it uses the full ones)
        self.compact: np.ndarray | None = None
        #: the projection ``(dim, compact_dims)`` that made :attr:`compact`, or None
        self.compact_basis: np.ndarray | None = None
        if (
            self.embeddings is not None
            and self.compact_above is not None
            and n > self.compact_above
            and 0 < self.compact_dims < self.embeddings.shape[1]
        ):
            self.compact_basis = pca_basis(self.embeddings, self.compact_dims)
            self.compact = project(self.embeddings, self.compact_basis)
        for name in ("sequential", "cooccurrence"):
            nb = getattr(self, name)
            if nb is not None and nb.n_items != n:
                raise InputError(f"catalog has {n} ids but {name} covers {nb.n_items} items")
        if self.popularity is not None and len(self.popularity) != n:
            raise InputError(f"catalog has {n} ids but {len(self.popularity)} popularity counts")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def scoring(self) -> np.ndarray | None:
        """The embeddings the ranker scores with: the compact copy if there is one, else the full ones."""
        return self.compact if self.compact is not None else self.embeddings

    def reduced(self, dims: int) -> "Catalog":
        """The same catalog with its embeddings replaced by ``dims``-d ones (see :func:`reduce_dimensions`)."""
        if self.embeddings is None:
            return self
        return self.but(embeddings=reduce_dimensions(self.embeddings, dims))

    def but(self, **changes) -> "Catalog":
        """A copy with some fields changed, e.g. ``catalog.but(compact_above=None)`` for full-size scoring."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return Catalog(**{**fields, **changes})

    def rows(self, ids: Sequence[str]) -> np.ndarray:
        """Row of each id, ``-1`` for ids the catalog does not hold (a read-only array).

        Apps rank the same candidate pool again and again, so the rows of the
        last few large pools are remembered, keyed by the exact id sequence.
        This is catalog-side knowledge only: nothing about any user is kept.
        """
        if len(ids) < _POOL_MIN:
            return self._lookup(ids)
        key = tuple(ids)
        pools = self.__dict__.setdefault("_pools", {})
        rows = pools.pop(key, None)
        if rows is None:
            rows = self._lookup(ids)
            rows.flags.writeable = False
            if len(pools) >= _POOL_CACHE:
                pools.pop(next(iter(pools)))
        pools[key] = rows  # most recently used last
        return rows

    def _lookup(self, ids: Sequence[str]) -> np.ndarray:
        if len(ids) > 1:
            try:  # one C-level look-up for the whole list when every id is a known string
                return np.fromiter(itemgetter(*ids)(self.index), dtype=np.int64, count=len(ids))
            except (KeyError, TypeError):
                pass
        get = self.index.get
        rows = np.fromiter(map(get, ids, repeat(-1)), dtype=np.int64, count=len(ids))
        for n in np.flatnonzero(rows < 0):  # ids given as numbers etc.: the catalog keys are strings
            rows[n] = get(str(ids[n]), -1)
        return rows

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
        **options,
    ) -> "Catalog":
        """Learn sequential and cosine neighbours plus popularity from row-index sequences.

        Each sequence is one person's consumed items in time order, as rows of ``ids``.
        ``options`` go to the constructor (``compact_above``, ``compact_dims``).
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
            **options,
        )
