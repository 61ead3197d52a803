"""Attribute inference: can an attacker tell a person's gender from what edgerec releases about them?

The attacker is retrained under cross-validation on whatever it sees
(:func:`edgerec.audit.classify.cross_validated_scores`), and each user is scored
by a model that never saw them. Three views, one feature builder each:

- :func:`rating_features`: the raw ratings (what a service holding them sees; the upper bound);
- :func:`list_features`: the top-``k`` list the ranker shows the user, as a bag of items;
- :func:`ldp_features`: a device's local-DP report of its liked items
  (:mod:`edgerec.privacy.ldp`), read through the aggregator's own estimator;
- :func:`contribution_features`: the bounded contribution a catalog builder keeps
  for the user (:func:`edgerec.privacy.contributions.contribute`: recent items,
  pairs, transitions). Central DP protects what the builder *releases*, not what it
  *receives*, so this view is close to the raw ratings.

The released DP catalog has no row per user; what a device can read about its user
through it is the list the ranker shows, so the list view is also run against the DP
catalog (:func:`edgerec.audit.runs.attribute_audit` with ``catalog_epsilons``).

:func:`attribute_attack` returns an :class:`AttackResult` whose metrics add the
attacker's accuracy and the majority-class baseline.

>>> rng = np.random.default_rng(0)
>>> y = rng.random(300) < 0.3
>>> x = rng.normal(size=(300, 5)); x[:, 0] += 2 * y
>>> m = attribute_attack("toy", x, y, folds=5, seed=0).metrics()
>>> m["auc"] > 0.8, m["accuracy"] > m["majority_baseline"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edgerec.audit.classify import cross_validated_scores
from edgerec.audit.lists import shown_lists
from edgerec.audit.ml100k import Ratings
from edgerec.audit.result import AttackResult, Progress
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog

__all__ = ["rating_features", "list_features", "ldp_features", "contribution_features", "attribute_attack",
           "gender_labels"]


def gender_labels(r: Ratings, genders: dict[str, str]) -> np.ndarray:
    """``True`` for women, per user in ``r.user_ids`` order (every user must have a gender).

    >>> r = Ratings(["1", "2"], ["9"], np.array([0, 1]), np.array([0, 0]), np.array([4.0, 5.0]), np.array([1, 2]))
    >>> gender_labels(r, {"1": "M", "2": "F"}).tolist()
    [False, True]
    """
    missing = [u for u in r.user_ids if u not in genders]
    if missing:
        raise InputError(f"{len(missing)} users have no gender in u.user (first: {missing[0]!r})")
    return np.array([genders[u] == "F" for u in r.user_ids])


def rating_features(r: Ratings) -> np.ndarray:
    """``(users, 2 * items)``: which items each user rated, and the rating (centred on 3) where they did.

    >>> r = Ratings(["1"], ["a", "b"], np.array([0]), np.array([1]), np.array([5.0]), np.array([1]))
    >>> rating_features(r).tolist()
    [[0.0, 1.0, 0.0, 2.0]]
    """
    rated = np.zeros((r.n_users, r.n_items))
    value = np.zeros((r.n_users, r.n_items))
    rated[r.users, r.items] = 1.0
    value[r.users, r.items] = r.ratings - 3.0
    return np.hstack([rated, value])


def list_features(catalog: Catalog, sequences: Sequence[np.ndarray], *, k: int = 20,
                  progress: Progress | None = None) -> np.ndarray:
    """``(users, items)``: 1 where the item is in the top-``k`` list the ranker shows that user."""
    out = np.zeros((len(sequences), len(catalog)))
    for u, shown in enumerate(shown_lists(catalog, sequences, k, progress=progress)):
        out[u, shown] = 1.0
    return out


def ldp_features(sequences: Sequence[np.ndarray], n_items: int, *, epsilon: float) -> np.ndarray:
    """``(users, items)``: each device's local-DP report of its liked items, as the aggregator reads one report.

    Uses ``edgerec.privacy.ldp.make_report(items, epsilon=, domain_size=)`` on the items newest first
    (a device reports its most recent ones) and ``estimate_counts([report])``; raises
    :class:`InputError` when this edgerec has no local-DP reports yet. The reports' noise is
    OpenDP's and cannot be seeded.
    """
    try:
        from edgerec.privacy.ldp import estimate_counts, make_report
    except ImportError:
        raise InputError("this edgerec has no local-DP reports yet (edgerec.privacy.ldp); run without --epsilon") from None
    out = np.zeros((len(sequences), n_items))
    for u, seq in enumerate(sequences):
        newest_first = list(dict.fromkeys(int(i) for i in np.asarray(seq)[::-1]))
        report = make_report(newest_first, epsilon=epsilon, domain_size=n_items)
        out[u] = np.asarray(estimate_counts([report]), dtype=np.float64)
    return out


def contribution_features(sequences: Sequence[np.ndarray], n_items: int, bounds=None) -> np.ndarray:
    """``(users, 3 * items)``: per item, whether it is in the user's bounded contribution, and in how many of
    its pairs and transitions (each scaled by the bound), as ``contribute`` makes them for the catalog builder.

    >>> from edgerec.privacy.contributions import Bounds
    >>> contribution_features([np.array([0, 1, 2])], 3, Bounds(items_per_user=2, pair_items=2,
    ...                       transitions_per_user=1, window=1)).tolist()
    [[0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.5]]
    """
    from edgerec.privacy.contributions import Bounds, contribute

    bounds = bounds or Bounds()
    out = np.zeros((len(sequences), 3 * n_items))
    for u, seq in enumerate(sequences):
        c = contribute(np.asarray(seq, dtype=np.int64), bounds)
        out[u, c.items] = 1.0
        out[u, n_items:2 * n_items] = np.bincount(c.pairs.ravel(), minlength=n_items) / max(1, bounds.pair_items - 1)
        out[u, 2 * n_items:] = np.bincount(c.transitions.ravel(), minlength=n_items) / (2 * bounds.window)
    return out


def attribute_attack(name: str, features: np.ndarray, labels: np.ndarray, *, folds: int = 5, c: float = 0.001,
                     seed: int = 0, epsilon: float | None = None) -> AttackResult:
    """Cross-validated attacker on ``features``: out-of-fold scores, plus accuracy and the majority baseline."""
    y = np.asarray(labels).astype(bool)
    scores = cross_validated_scores(np.asarray(features, dtype=np.float64), y, folds=folds, c=c, seed=seed)
    majority = max(y.mean(), 1 - y.mean())
    details = {"accuracy": float(((scores > 0.5) == y).mean()), "majority_baseline": float(majority),
               "folds": folds, "users": len(y)}
    return AttackResult(name, scores, y, epsilon, None, details)
