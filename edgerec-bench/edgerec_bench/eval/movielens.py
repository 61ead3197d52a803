"""The MovieLens evaluation behind ``edgerec eval movielens``.

Protocol (leave-last-out, full ranking; see :func:`leave_last_out`):

1. each user's last positive rating (>= 4) by time is held out; training is
   every rating the user made before it;
2. item-side knowledge is learned from the training split of all users: the
   sequential and cosine neighbours and popularity (:class:`Catalog`), plus text
   embeddings of "title. Genres: ..." from the on-device embedder;
3. each user is ranked from their own training ratings only, over every item
   they have not rated in training (no sampled negatives);
4. NDCG@k, HR@k and MRR (over the top ``n_out``) are computed for edgerec,
   popularity and item-kNN in the same run; the top ``n_out`` ids are kept.

A user's training ratings become interactions with strength
:func:`edgerec.rank.signals.rating_strength`, the rule an app's ``rate``
events get (5, 4 liked; 3 mildly liked; 1, 2 disliked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from edgerec_bench.datasets.movielens import MovieLens, UserSplit, leave_last_out, load_movielens, movie_text
from edgerec.rank.metrics import ranking_metrics
from edgerec.rank.baselines import ItemKNN
from edgerec.rank.catalog import Catalog
from edgerec.rank.history import UserHistory
from edgerec.rank.ranker import Ranker, RankerConfig
from edgerec.rank.signals import rating_strength
from edgerec_bench.eval.predictions import write_predictions

__all__ = ["ABLATIONS", "MovieLensResult", "evaluate_movielens", "write_predictions"]

#: Ablations: each switches one part of the ranker off.
ABLATIONS: dict[str, dict] = {
    "no text": {"text": 0.0},
    "no co-occurrence": {"sequential": 0.0, "cooccurrence": 0.0},
    "no sequential": {"sequential": 0.0},
    "single interest": {"max_interests": 1},
    "no recency": {"half_life_events": None},
    "no negative feedback": {"aversion": 0.0},
}


@dataclass
class MovieLensResult:
    """Metrics per method, the predictions of edgerec, and how the run was set up."""

    metrics: dict[str, dict[str, float]]
    predictions: list[dict]
    n_users: int
    n_items: int
    ablation: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready summary (without the predictions)."""
        out = {"n_users": self.n_users, "n_items": self.n_items, **self.metrics}
        if self.ablation:
            out["ablation"] = self.ablation
        return out


def _history(split: UserSplit, data: MovieLens) -> UserHistory:
    return UserHistory(
        items=tuple(data.item_ids[i] for i in split.train_items),
        strength=rating_strength(split.train_ratings).astype(np.float32),
        ts=split.train_ts.astype(np.float64),
        contexts=(),
    )


def _top(vals: np.ndarray, candidates: np.ndarray, n: int) -> np.ndarray:
    """Candidate rows ordered by their scores ``vals`` (ties: lower row first), best ``n``."""
    n = min(n, len(candidates))
    part = np.argpartition(-vals, n - 1)[:n] if n < len(candidates) else np.arange(len(candidates))
    part = part[np.lexsort((candidates[part], -vals[part]))]
    return candidates[part]


def evaluate_movielens(
    path: str | Path,
    *,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    config: RankerConfig | None = None,
    k: int = 10,
    n_out: int = 100,
    validation: bool = False,
    ablation: bool = False,
    knn_neighbours: int = 50,
    max_users: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    epsilon: float | None = None,
    delta: float | None = None,
) -> MovieLensResult:
    """Run the whole evaluation on a MovieLens folder (see module docstring).

    ``embed`` maps texts to L2-normalised vectors; ``None`` leaves text out
    (the CLI passes the default embedder). ``validation=True`` holds out the
    second-to-last positive instead (for choosing hyper-parameters).
    ``progress(stage, done, total)`` is called as users are ranked.
    ``max_users`` ranks only the first users (item-side knowledge still comes
    from every user's training split). With ``epsilon``, every piece of
    cross-user knowledge (neighbours, popularity) is built under user-level
    (``epsilon``, ``delta``)-DP (:func:`edgerec_bench.eval.privacy.private_catalog`),
    popularity ranks by the DP popularity, and the non-private item-kNN is left out.
    """
    data = load_movielens(path)
    splits = leave_last_out(data, skip_last=1 if validation else 0)
    sequences = [s.train_items for s in splits]
    embeddings = None
    if embed is not None:
        texts = [movie_text(data.movies[i]) if i in data.movies else i for i in data.item_ids]
        embeddings = embed(texts)
    if epsilon is None:
        catalog = Catalog.from_sequences(data.item_ids, sequences, embeddings=embeddings)
        knn = ItemKNN.fit(sequences, data.n_items, neighbours=knn_neighbours)
    else:
        from edgerec_bench.eval.privacy import private_catalog

        catalog = private_catalog(data, splits, epsilon, delta, embeddings=embeddings).to_rank_catalog(embeddings)
        knn = None
    config = config or RankerConfig()
    variants = {"edgerec": config}
    if ablation:
        variants.update({name: config.but(**change) for name, change in ABLATIONS.items()})
    rankers = {name: Ranker(catalog, cfg) for name, cfg in variants.items()}
    if max_users is not None:
        splits = splits[:max_users]
    baselines = ["popularity", "item-kNN"] if knn is not None else ["popularity"]
    ranked: dict[str, list[list[int]]] = {name: [] for name in [*variants, *baselines]}
    heldout = []
    all_items = np.arange(data.n_items)
    total = len(splits)
    for n, split in enumerate(splits):
        seen = np.zeros(data.n_items, dtype=bool)
        seen[split.train_items] = True
        candidates = all_items[~seen]
        history = _history(split, data)
        for name, ranker in rankers.items():
            ranked[name].append(_top(ranker.score(history, candidates), candidates, n_out).tolist())
        ranked["popularity"].append(_top(catalog.popularity[candidates], candidates, n_out).tolist())
        if knn is not None:
            ranked["item-kNN"].append(_top(knn.scores(split.train_items)[candidates], candidates, n_out).tolist())
        heldout.append(split.heldout)
        if progress is not None:
            progress("ranking users", n + 1, total)
    metrics = {name: ranking_metrics(lists, heldout, k) for name, lists in ranked.items()}
    main = {name: metrics[name] for name in ("edgerec", *baselines)}
    abl = {name: metrics[name] for name in variants if name != "edgerec"}
    predictions = [
        {"user": s.user, "heldout": data.item_ids[s.heldout], "ranked": [data.item_ids[i] for i in lists]}
        for s, lists in zip(splits, ranked["edgerec"])
    ]
    return MovieLensResult(main, predictions, len(splits), data.n_items, abl)
