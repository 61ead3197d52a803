"""The personalised ranker: user history + catalog knowledge -> ranked candidates with reasons.

For one user and a list of candidate ids the ranker computes five features per
candidate, all vectorised over the candidates:

=============== ============================================================== ============
feature         what it measures                                               comes from
=============== ============================================================== ============
sequential      sum over the user's recent items of "consumed next to it"      catalog + user
cooccurrence    sum over the user's recent items of cosine co-occurrence      catalog + user
text            best cosine between the candidate and one of the user's         catalog + user
                interest centroids (k-means over liked items' embeddings)
popularity      log popularity, scaled to [0, 1]                               catalog
aversion        cosine to the closest disliked item (dismiss, skip, low rating) catalog + user
=============== ============================================================== ============

Every history event is weighted by recency (:func:`recency_weights`), by how
well its time context matches the ranking context, and by the size of its
signed strength. Disliked items also push down their sequential/co-occurrence
neighbours when ``negative_neighbours > 0``. The score is a linear combination
(weights in :class:`RankerConfig`) or, when given, a learned :class:`LogisticHead`.

Each result's reason is the liked past item (not the candidate itself) that
contributes most to its score; results with a score <= 0 get no reason.

The text and aversion features use :attr:`Catalog.scoring`: for large catalogs
a compact PCA copy of the embeddings (see :mod:`edgerec.rank.catalog`), since
that pass over every candidate's vector is bound by memory traffic. Reasons,
computed for the top ``k`` only, use the full embeddings.

:meth:`Ranker.rank` first bounds each candidate's score without the text terms
and scores exactly (full embeddings) only the candidates that can still reach
the top ``k``; the result is the same as scoring them all (see ``Ranker._pruned``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from edgerec.errors import InputError, UnknownUserError
from edgerec.rank.catalog import Catalog, project
from edgerec.rank.history import Ranked, UserHistory
from edgerec.rank.interests import context_weights, interest_centroids, recency_weights
from edgerec.timectx import local_context

__all__ = ["FEATURES", "RankerConfig", "Ranker"]

FEATURES = ("sequential", "cooccurrence", "text", "popularity", "aversion")


@dataclass(frozen=True)
class RankerConfig:
    """Hyper-parameters of :class:`Ranker`; the feature weights share the feature names.

    Set a weight to 0 to switch a part off; ``max_interests=1`` gives a single
    mean interest; ``half_life_events=None`` switches recency weighting off.
    ``rescore_top``: when the catalog has compact embeddings and there are more
    candidates than this, :meth:`Ranker.rank` scores them all with the compact
    embeddings and re-scores this many of the best with the full ones (0: no
    re-scoring).
    """

    half_life_events: float | None = 3.0
    half_life_days: float | None = None
    max_interests: int = 4
    min_similarity: float = 0.5
    context_boost: float = 1.0
    negative_neighbours: float = 0.0
    rescore_top: int = 200
    sequential: float = 1.0
    cooccurrence: float = 0.3
    text: float = 0.3
    popularity: float = 0.05
    aversion: float = 0.5

    def weights(self) -> np.ndarray:
        """Linear weights in :data:`FEATURES` order (aversion counts against)."""
        return np.array([self.sequential, self.cooccurrence, self.text, self.popularity, -self.aversion])

    def but(self, **changes) -> "RankerConfig":
        """A copy with some fields changed (handy for ablations).

        >>> RankerConfig().but(text=0.0).text
        0.0
        """
        return replace(self, **changes)


@dataclass
class _UserState:
    rows: np.ndarray  # catalog rows of the history events the catalog knows
    weight: np.ndarray  # recency x context x |strength|
    signed: np.ndarray  # weight with the sign of the strength (negatives scaled)
    liked: np.ndarray  # bool mask over rows
    items: list[str]
    centroids: np.ndarray | None
    shares: np.ndarray | None


class Ranker:
    """Rank an app's candidates for one user.

    ``catalog`` holds the item-side knowledge; ``history_of`` (optional) turns a
    user id into a :class:`UserHistory`, so ``rank("alice", ...)`` works (see
    :func:`edgerec.rank.signals.history_from_store`). ``head`` replaces the
    linear combination by a learned scorer over the same features.

    >>> cat = Catalog(["a", "b", "c"], embeddings=np.eye(3, dtype=np.float32))
    >>> from edgerec.rank.history import Interaction
    >>> h = UserHistory.from_interactions([Interaction("a", 1.0, 1.0)])
    >>> [r.id for r in Ranker(cat).rank(h, ["c", "a", "b"], k=2)]
    ['a', 'c']
    """

    def __init__(
        self,
        catalog: Catalog,
        config: RankerConfig | None = None,
        *,
        history_of: Callable[[str], UserHistory] | None = None,
        head=None,
    ):
        self.catalog = catalog
        self.config = config or RankerConfig()
        self.history_of = history_of
        self.head = head
        pop = catalog.popularity
        self._pop = None if pop is None else (np.log1p(pop) / max(np.log1p(pop.max()), 1e-12)).astype(np.float64)

    # -- user side ---------------------------------------------------------------------------
    def _history(self, user: str | UserHistory) -> UserHistory:
        if isinstance(user, UserHistory):
            return user
        if self.history_of is None:
            raise InputError("this ranker was built without a store: pass a UserHistory instead of a user id")
        history = self.history_of(user)
        if len(history) == 0:
            raise UnknownUserError(user)
        return history

    def _state(self, history: UserHistory, context: dict | datetime | None) -> _UserState:
        cfg = self.config
        rows_all = self.catalog.rows(history.items)
        known = rows_all >= 0
        w = recency_weights(history.ts, half_life_events=cfg.half_life_events, half_life_days=cfg.half_life_days)
        if context is not None and history.contexts:
            now = local_context(context, context.tzinfo) if isinstance(context, datetime) else context
            w = w * context_weights(list(history.contexts), now, boost=cfg.context_boost)
        w = w * np.abs(history.strength)
        sign = np.sign(history.strength)
        signed = w * np.where(sign < 0, -cfg.negative_neighbours, 1.0) * (sign != 0)
        rows, w, signed, sign = rows_all[known], w[known], signed[known], sign[known]
        liked = sign > 0
        centroids = shares = None
        emb = self.catalog.embeddings
        if emb is not None and liked.any():
            max_k = max(int(cfg.max_interests), 1)
            centroids, shares, _ = interest_centroids(
                emb[rows[liked]], w[liked], max_interests=max_k, min_similarity=cfg.min_similarity
            )
        items = [it for it, k in zip(history.items, known) if k]
        return _UserState(rows, w, signed, liked, items, centroids, shares)

    # -- features ----------------------------------------------------------------------------
    def features(
        self, history: UserHistory, candidates: Sequence[str] | np.ndarray, *, context=None, compact: bool = False
    ) -> np.ndarray:
        """Feature matrix ``(len(candidates), 5)`` in :data:`FEATURES` order.

        ``candidates`` are item ids, or catalog rows as an integer array. With
        ``compact`` the text and aversion features use the catalog's compact
        embeddings when it has them (what :meth:`rank` does before re-scoring).
        """
        rows = self._candidate_rows(candidates)
        return self._features(self._state(history, context), rows, compact=compact)[0]

    def _candidate_rows(self, candidates) -> np.ndarray:
        if isinstance(candidates, np.ndarray) and candidates.dtype.kind in "iu":
            return candidates.astype(np.int64, copy=False)
        return self.catalog.rows(list(candidates))

    def _features(
        self, st: _UserState, rows: np.ndarray, *, compact: bool = False, text: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Features of ``rows`` and the catalog-wide normalisers of the two neighbour features.

        With ``compact`` (and a catalog that has a compact copy) the text and
        aversion features use the compact embeddings; otherwise the full ones.
        ``text=False`` leaves those two columns at 0.
        """
        cat = self.catalog
        n = len(rows)
        known = rows >= 0
        safe = np.where(known, rows, 0)
        # built feature-major (each feature a contiguous row), returned as its (n, 5) transpose
        by_feature = np.zeros((len(FEATURES), n), dtype=np.float64)
        feats = by_feature.T
        norms = np.ones(2)
        for col, nb in ((0, cat.sequential), (1, cat.cooccurrence)):
            if nb is None or len(st.rows) == 0:
                continue
            full = nb.scores(st.rows, st.signed)
            top = full.max() if len(full) else 0.0
            norms[col] = top if top > 0 else 1.0  # over the whole catalog: scores do not depend on the candidate set
            np.divide(full[safe], norms[col], out=by_feature[col])
        if text:
            self._text_features(st, safe, feats, compact=compact and cat.compact is not None)
        if self._pop is not None:
            by_feature[3] = self._pop[safe]
        if not known.all():
            feats[~known] = 0.0
        return feats, norms

    def _text_features(self, st: _UserState, safe: np.ndarray, feats: np.ndarray, *, compact: bool) -> None:
        """Fill the text and aversion columns of ``feats`` for catalog rows ``safe``."""
        cat = self.catalog
        if cat.embeddings is None or len(st.rows) == 0:
            return
        emb = cat.compact if compact else cat.embeddings
        disliked = ~st.liked & (st.weight > 0)
        n_cent = 0 if st.centroids is None else len(st.centroids)
        centroids = st.centroids if n_cent else np.zeros((0, cat.embeddings.shape[1]), np.float32)
        if compact and n_cent:
            centroids = project(centroids, cat.compact_basis)  # the interests, in the compact space
        probes = np.vstack([centroids, emb[st.rows[disliked]]])
        if not len(probes):
            return
        n = len(safe)
        # one pass over the item embeddings for all centroids and disliked items; probes as rows
        # so that the max over probes is an elementwise maximum of contiguous rows
        whole = n > len(cat) // 4
        # items-major product (BLAS's fastest layout here), then probes as contiguous rows
        sims = np.ascontiguousarray(((emb if whole else emb[safe]) @ probes.T).T)
        if n_cent:
            best = sims[:n_cent].max(axis=0)
            feats[:, 2] = best[safe] if whole else best
        if disliked.any():
            nw = (st.weight[disliked] / st.weight[disliked].max()).astype(np.float32)
            worst = (sims[n_cent:] * nw[:, None]).max(axis=0).clip(min=0)
            feats[:, 4] = worst[safe] if whole else worst

    def _scores(self, feats: np.ndarray) -> np.ndarray:
        if self.head is not None:
            return self.head.decision(feats)
        return feats @ self.config.weights()

    def score(
        self, user: str | UserHistory, candidates: Sequence[str] | np.ndarray, *, context=None, compact: bool | None = None
    ) -> np.ndarray:
        """Score of every candidate (higher is better), in the given order.

        By default (``compact=None``) the scores are those :meth:`rank` uses: on a
        catalog with compact embeddings, every candidate is scored with them and
        the best ``config.rescore_top`` are re-scored with the full embeddings.
        ``compact=True`` skips that re-scoring; ``compact=False`` uses the full
        embeddings for every candidate.
        """
        st = self._state(self._history(user), context)
        return self._scored(st, self._candidate_rows(candidates), compact)[0]

    def _linear_weights(self) -> np.ndarray | None:
        """Feature weights of the scorer (config or learned head), None if it is not linear."""
        if self.head is None:
            return self.config.weights()
        weights = getattr(self.head, "weights", None)
        return None if weights is None else np.asarray(weights, dtype=np.float64)

    def _pruned(
        self, st: _UserState, rows: np.ndarray, k: int, partial_features: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Exact full-vector scores for every candidate that can reach the top ``k``; ``-inf`` for the rest.

        The neighbour and popularity features are cheap for every candidate.
        The text and aversion terms are bounded (cosines of vectors of norm at
        most ``catalog.max_norm``), so each candidate's score lies within a known
        margin of its score without them. The best ``rescore_top`` by that
        partial score are scored exactly; their ``k``-th best score is a
        threshold that no candidate whose upper bound is below it can reach.
        The remaining candidates are scored exactly with the full vectors.
        Returns None (use :meth:`_scored`) when this cannot pay: a non-linear
        head, few candidates, or too many candidates left after the bound.
        ``partial_features`` is ``_features(st, rows, text=False)`` if already
        computed; it is not modified.
        """
        cat, shortlist = self.catalog, self.config.rescore_top
        weights = self._linear_weights()
        n = len(rows)
        if weights is None or cat.embeddings is None or not 0 < k <= shortlist or n <= 4 * shortlist or not len(st.rows):
            return None
        feats, norms = partial_features or self._features(st, rows, text=False)
        partial = self._scores(feats)
        reach = cat.max_norm
        has_centroids = st.centroids is not None and len(st.centroids) > 0
        has_disliked = bool((~st.liked & (st.weight > 0)).any())
        margin = (abs(weights[2]) * reach if has_centroids else 0.0) + (max(weights[4], 0.0) * reach * reach if has_disliked else 0.0)
        margin += 1e-6 * (1.0 + margin)  # float32 rounding of the cosines
        known = rows >= 0
        safe = np.where(known, rows, 0)
        scores = np.full(n, -np.inf)

        def exact(idx: np.ndarray) -> None:
            part = feats[idx]
            self._text_features(st, safe[idx], part, compact=False)
            part[~known[idx]] = 0.0
            scores[idx] = self._scores(part)

        seed = np.argpartition(-partial, shortlist - 1)[:shortlist]
        exact(seed)
        threshold = np.partition(scores[seed], shortlist - k)[shortlist - k]  # k-th best exact score
        left = partial + margin >= threshold
        left[seed] = False
        rest = np.flatnonzero(left)
        if len(rest) > n // 4:
            return None
        if len(rest):
            exact(rest)
        return scores, norms

    def _scored(
        self, st: _UserState, rows: np.ndarray, compact: bool | None, partial_features: tuple | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores of ``rows`` and the neighbour-feature normalisers (see :meth:`score` for ``compact``).

        ``partial_features`` (from ``_features(..., text=False)``) saves the neighbour pass; it is filled in.
        """
        shortlist = self.config.rescore_top
        if compact is None:
            compact = self.catalog.compact is not None and len(rows) > shortlist
            rescore = compact and shortlist > 0
        else:
            rescore = False
        if partial_features is None:
            feats, norms = self._features(st, rows, compact=compact)
        else:
            feats, norms = partial_features
            self._text_features(st, np.where(rows >= 0, rows, 0), feats, compact=compact and self.catalog.compact is not None)
            feats[rows < 0] = 0.0
        scores = self._scores(feats)
        if rescore:  # the best few by the compact scores are re-scored with the full embeddings
            best = np.argpartition(-scores, shortlist - 1)[:shortlist]
            exact = feats[best]
            self._text_features(st, np.where(rows[best] >= 0, rows[best], 0), exact, compact=False)
            exact[rows[best] < 0] = 0.0
            scores[best] = self._scores(exact)
        return scores, norms

    # -- ranking -----------------------------------------------------------------------------
    def rank(
        self, user: str | UserHistory, candidates: Sequence[str], k: int = 10, context: dict | datetime | None = None
    ) -> list[Ranked]:
        """The best ``k`` candidates, best first, each with a score and a reason.

        ``candidates`` are item ids, or catalog rows as an integer array (an app
        ranking the same pool again can look the rows up once with
        :meth:`Catalog.rows`).
        ``user`` is a :class:`UserHistory`, or a user id when the ranker has a
        ``history_of``. ``context`` is a datetime or a dict with ``time_of_day``
        and/or ``day_of_week``; events in a matching context weigh more. A
        datetime is read on its own wall clock (naive means UTC): give it the
        store's zone, e.g. ``datetime.now(ZoneInfo(store.timezone))``.
        """
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        if isinstance(candidates, np.ndarray) and candidates.dtype.kind in "iu":
            rows = candidates.astype(np.int64, copy=False)
            ids = None
        else:
            ids = candidates if isinstance(candidates, list) else list(candidates)  # read only: no copy
            rows = self.catalog.rows(ids)
        if len(rows) == 0:
            return []
        st = self._state(self._history(user), context)
        partial = self._features(st, rows, text=False)  # neighbour + popularity features, text columns at 0
        pruned = self._pruned(st, rows, k, partial)
        scores, norms = pruned if pruned is not None else self._scored(st, rows, None, partial)
        k = min(k, len(rows))
        if k < len(rows):  # every candidate scoring at least the k-th best, so that ties go by position
            top = np.flatnonzero(scores >= np.partition(scores, len(rows) - k)[len(rows) - k])
        else:
            top = np.arange(len(rows))
        top = top[np.lexsort((top, -scores[top]))][:k]
        reasons = self._reasons(st, rows[top], norms, scores[top])
        name = (lambda t: ids[t]) if ids is not None else (lambda t: self.catalog.ids[rows[t]])
        return [Ranked(name(t), float(scores[t]), r) for t, r in zip(top, reasons)]

    def rank_many(
        self, users: Sequence[str | UserHistory], candidates: Sequence[Sequence[str]], k: int = 10, context=None
    ) -> list[list[Ranked]]:
        """Batch form of :meth:`rank`: one candidate list per user."""
        if len(users) != len(candidates):
            raise InputError("rank_many needs one candidate list per user")
        return [self.rank(u, c, k=k, context=context) for u, c in zip(users, candidates)]

    def _reasons(self, st: _UserState, rows: np.ndarray, norms: np.ndarray, scores: np.ndarray) -> list[str | None]:
        """For each candidate row, the liked past item (other than itself) contributing most to it.

        ``None`` when no liked item supports it or its score is not positive.
        """
        cfg, cat = self.config, self.catalog
        liked = st.liked & (st.weight > 0)
        if not liked.any() or len(rows) == 0:
            return [None] * len(rows)
        hrows, hw = st.rows[liked], st.weight[liked]
        safe = np.where(rows >= 0, rows, 0)
        contrib = np.zeros((len(hrows), len(rows)))
        for w_feat, nb, norm in ((cfg.sequential, cat.sequential, norms[0]), (cfg.cooccurrence, cat.cooccurrence, norms[1])):
            if nb is not None and w_feat:
                contrib += w_feat * nb.contributions(hrows, hw, safe) / norm
        if cat.embeddings is not None and cfg.text:  # the full vectors: only the top k are explained
            sims = cat.embeddings[hrows] @ cat.embeddings[safe].T
            contrib += cfg.text * sims * (hw / hw.max())[:, None]
        contrib[hrows[:, None] == safe[None, :]] = 0.0  # an item is never its own reason
        items = [it for it, keep in zip(st.items, liked) if keep]
        best = contrib.argmax(axis=0)
        return [
            items[b] if contrib[b, c] > 0 and rows[c] >= 0 and scores[c] > 0 else None
            for c, b in enumerate(best)
        ]
