"""The audits as one call each, on an ml-100k folder: what ``edgerec audit`` and the notebooks in ``privacy/`` run.

- :func:`membership_audit`: the membership game on users' liked items, against the
  non-private catalog, or the DP catalog at ``epsilon``; LiRA and list-based attacks;
- :func:`attribute_audit`: gender from raw ratings, from the lists the ranker shows
  (with the non-private catalog, and with the DP catalog at each of ``catalog_epsilons``),
  from each user's bounded catalog contribution (what the builder receives), and
  (:func:`ldp_attribute_audit`, at each ε) from local-DP reports.

When ``epsilon`` is given without ``delta``, the ε lower bound is computed with
δ = 1 / number of users, the largest δ the privacy targets allow (a larger δ can
only lower the bound, so the check stays conservative).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from edgerec.audit.attribute import (attribute_attack, contribution_features, gender_labels, ldp_features,
                                     list_features, rating_features)
from edgerec.audit.mia import lira_attack, list_attack, membership_game
from edgerec.audit.ml100k import positive_sequences, read_genders, read_ratings
from edgerec.audit.result import AttackResult, Progress
from edgerec.audit.targets import dp_builder, nonprivate_builder
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog

__all__ = ["MIA_ATTACKS", "membership_audit", "attribute_audit", "dp_list_attribute_audit", "ldp_attribute_audit",
           "strongest"]

MIA_ATTACKS = ("lira", "list")


def membership_audit(
    data: str | Path, *, epsilon: float | None = None, delta: float | None = None, attacks=MIA_ATTACKS,
    references: int = 16, shadows: int = 4, users: int | None = None, seed: int = 0, progress: Progress | None = None,
) -> list[AttackResult]:
    """Run the membership attacks on ml-100k at ``data`` (``users``: a random subsample, for quick runs)."""
    unknown = set(attacks) - set(MIA_ATTACKS)
    if unknown:
        raise InputError(f"unknown attack {sorted(unknown)[0]!r}; choose from {', '.join(MIA_ATTACKS)}")
    r, seqs, build, bound_delta = attack_population(data, users=users, seed=seed, epsilon=epsilon, delta=delta)
    game = membership_game(seqs, build, seed=seed)
    out = []
    if "lira" in attacks:
        out.append(lira_attack(game, build, references=references, seed=seed + 1, epsilon=epsilon,
                               delta=bound_delta, progress=progress))
    if "list" in attacks:
        out.append(list_attack(game, build, shadows=shadows, seed=seed + 2, epsilon=epsilon, delta=bound_delta,
                               progress=progress))
    return out


def attribute_audit(
    data: str | Path, *, epsilons: Sequence[float] = (), catalog_epsilons: Sequence[float] = (), k: int = 20,
    folds: int = 5, seed: int = 0, progress: Progress | None = None,
) -> list[AttackResult]:
    """Infer gender (u.user) on ml-100k at ``data`` from raw ratings, shown lists (non-private catalog, and the
    DP catalog at each of ``catalog_epsilons``), catalog contributions, and LDP reports at each of ``epsilons``."""
    r = read_ratings(data)
    y = gender_labels(r, read_genders(data))
    seqs = positive_sequences(r)
    out = [attribute_attack("raw ratings", rating_features(r), y, folds=folds, seed=seed)]
    catalog = Catalog.from_sequences(r.item_ids, seqs)
    out.append(attribute_attack(f"top-{k} lists", list_features(catalog, seqs, k=k, progress=progress), y,
                                folds=folds, seed=seed))
    out.append(attribute_attack("catalog contribution", contribution_features(seqs, r.n_items), y,
                                folds=folds, seed=seed))
    out += dp_list_attribute_audit(data, catalog_epsilons=catalog_epsilons, k=k, folds=folds, seed=seed,
                                   progress=progress)
    return out + ldp_attribute_audit(data, epsilons=epsilons, folds=folds, seed=seed)


def dp_list_attribute_audit(data: str | Path, *, catalog_epsilons: Sequence[float], k: int = 20, folds: int = 5,
                            seed: int = 0, progress: Progress | None = None) -> list[AttackResult]:
    """Infer gender from the top-``k`` lists the ranker shows with the DP catalog (built from every user) at each ε.

    The released catalog has no row per user: the list is what a device makes of it for its user.
    """
    if not catalog_epsilons:
        return []
    r = read_ratings(data)
    y = gender_labels(r, read_genders(data))
    seqs = positive_sequences(r)
    out = []
    for eps in catalog_epsilons:
        dp_catalog = dp_builder(r.item_ids, epsilon=eps)([s for s in seqs if len(s)], seed)
        out.append(attribute_attack(f"top-{k} lists, DP catalog ε={eps:g}",
                                    list_features(dp_catalog, seqs, k=k, progress=progress), y, folds=folds,
                                    seed=seed, epsilon=eps))
    return out


def ldp_attribute_audit(data: str | Path, *, epsilons: Sequence[float], folds: int = 5,
                        seed: int = 0) -> list[AttackResult]:
    """Infer gender from one local-DP report of each device's liked items, at each ε."""
    if not epsilons:
        return []
    r = read_ratings(data)
    y = gender_labels(r, read_genders(data))
    seqs = positive_sequences(r)
    return [attribute_attack(f"LDP report ε={eps:g}", ldp_features(seqs, r.n_items, epsilon=eps), y,
                             folds=folds, seed=seed, epsilon=eps) for eps in epsilons]


def strongest(results: list[AttackResult]) -> AttackResult:
    """The attack with the highest AUC (ties: the first)."""
    return max(results, key=lambda res: res.metrics()["auc"])


def attack_population(data, *, users, seed, epsilon, delta):
    """What every catalog attack starts from: the ratings, the users' liked-item sequences (a seeded
    subsample of ``users`` when given), the catalog builder (DP at ``epsilon``), and the δ of the ε bound
    (1 / users when only ε is given)."""
    r = read_ratings(data)
    seqs = [s for s in positive_sequences(r) if len(s)]
    if users is not None:
        pick = np.sort(np.random.default_rng([seed, 9]).permutation(len(seqs))[:users])
        seqs = [seqs[i] for i in pick]
    build = nonprivate_builder(r.item_ids) if epsilon is None else dp_builder(r.item_ids, epsilon=epsilon, delta=delta)
    bound_delta = delta if delta is not None or epsilon is None else 1.0 / len(seqs)
    return r, seqs, build, bound_delta

