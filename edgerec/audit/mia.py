"""User-level membership inference against the cross-user catalog.

The game: candidate users' histories (time-ordered liked items, as catalog rows)
are known to the attacker, as are the catalog builder and the item ids. A target
catalog is built from a random half of them (the members). From what ships to
devices, the attacker must tell members from the rest.

Two attacks, both on the released :class:`edgerec.rank.Catalog` only:

- :func:`lira_attack` (likelihood ratio, LiRA "online" style): the attacker builds
  ``references`` catalogs, each from another random half of the candidates, so
  every user is in half of them and out of the other half. For each user and each
  of their items it reads three numbers from a catalog: the item's popularity, and
  the summed co-occurrence and sequential similarity from that item to the user's
  other items (:func:`item_observables`). Per (user, item, number), Gaussians fitted
  to the IN and the OUT references give a log-likelihood ratio for the target's
  value; a user's score is the sum of those ratios (each clipped, so no single
  item decides).
- :func:`list_attack` (Zhang et al. 2021, list-based): the attacker sees the
  top-``k`` list the ranker shows each user. Features are the difference between
  the centroid of the user's history and the centroid of the list, in item factors
  the attacker learns from the histories it holds (SVD); a classifier trained on
  shadow catalogs (built like the references, labels known) scores the target's lists.

Both run unchanged against a DP catalog: pass :func:`edgerec.audit.targets.dp_builder`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edgerec.audit.lists import shown_lists
from edgerec.audit.result import AttackResult, Progress
from edgerec.audit.targets import CatalogBuilder
from edgerec.errors import InputError
from edgerec.rank.catalog import Catalog

__all__ = [
    "AttackResult", "MembershipGame", "membership_game", "balanced_halves", "item_observables",
    "lira_attack", "lira_scores", "item_factors", "list_features", "list_attack",
]

#: A single (user, item, observable) log-likelihood ratio is clipped to this size.
LLR_CLIP = 10.0


@dataclass(frozen=True)
class MembershipGame:
    """Candidates' histories, which of them the target catalog was built from, and the target itself."""

    sequences: list[np.ndarray]
    members: np.ndarray
    target: Catalog
    seed: int


def balanced_halves(n_users: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``(count, n_users)`` membership masks: each user is in exactly ``count // 2`` of them (``count`` even).

    >>> m = balanced_halves(5, 4, np.random.default_rng(0))
    >>> m.sum(axis=0).tolist()
    [2, 2, 2, 2, 2]
    """
    if count < 2 or count % 2:
        raise InputError(f"need an even number (at least 2) of reference catalogs, got {count}")
    base = np.arange(count)[:, None] < count // 2
    return np.stack([rng.permutation(base[:, 0]) for _ in range(n_users)], axis=1)


def membership_game(sequences: Sequence[np.ndarray], build: CatalogBuilder, *, seed: int = 0) -> MembershipGame:
    """Draw members (half the users with at least one item, at random) and build the target from them."""
    seqs = [np.asarray(s, dtype=np.int64) for s in sequences if len(s)]
    if len(seqs) < 4:
        raise InputError(f"membership inference needs at least 4 users with items, got {len(seqs)}")
    rng = np.random.default_rng(seed)
    members = np.zeros(len(seqs), dtype=bool)
    members[rng.permutation(len(seqs))[: len(seqs) // 2]] = True
    target = build([s for s, m in zip(seqs, members) if m], int(rng.integers(2**31)))
    return MembershipGame(seqs, members, target, seed)


def _pairs(sequences: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(user, item)`` of every distinct item in every user's history."""
    uniq = [np.unique(s) for s in sequences]
    users = np.repeat(np.arange(len(uniq)), [len(u) for u in uniq])
    return users, (np.concatenate(uniq) if uniq else np.zeros(0, dtype=np.int64))


def item_observables(catalog: Catalog, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """``(3, len(items))``: per (user, item) pair, the item's popularity and its summed co-occurrence and
    sequential similarity to the user's other items (as far as the catalog's neighbour lists show them).

    >>> cat = Catalog.from_sequences(["a", "b", "c"], [np.array([0, 1]), np.array([0, 1]), np.array([2])])
    >>> item_observables(cat, np.array([0, 0, 1]), np.array([0, 1, 2])).round(3).tolist()
    [[2.0, 2.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    """
    n = len(catalog)
    users = np.asarray(users, dtype=np.int64)
    items = np.asarray(items, dtype=np.int64)
    out = np.zeros((3, len(items)))
    if catalog.popularity is not None:
        out[0] = np.asarray(catalog.popularity, dtype=np.float64)[items]
    n_users = int(users.max()) + 1 if len(users) else 0
    held = np.zeros((n_users, n), dtype=bool)
    held[users, items] = True
    for row, nb in ((1, catalog.cooccurrence), (2, catalog.sequential)):
        if nb is None or not len(items):
            continue
        starts, ends = nb.indptr[items], nb.indptr[items + 1]
        lengths = ends - starts
        owner = np.repeat(np.arange(len(items)), lengths)
        flat = np.repeat(starts, lengths) + np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        hit = held[users[owner], nb.indices[flat]]
        out[row] = np.bincount(owner[hit], weights=nb.values[flat][hit], minlength=len(items))
    return out


def _llr(target: np.ndarray, refs: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Clipped Gaussian log-likelihood ratio IN vs OUT of each target value, summed over observables.

    ``target``: ``(obs, pairs)``; ``refs``: ``(K, obs, pairs)``; ``inside``: ``(K, pairs)``.
    """
    inside = inside[:, None, :]
    n_in = np.maximum(inside.sum(axis=0), 1)
    n_out = np.maximum((~inside).sum(axis=0), 1)
    mu_in = np.where(inside, refs, 0).sum(axis=0) / n_in
    mu_out = np.where(inside, 0, refs).sum(axis=0) / n_out
    resid = refs - np.where(inside, mu_in, mu_out)
    var = (resid**2).sum(axis=0) / max(len(refs) - 2, 1)
    floor = np.maximum(0.05 * np.median(var, axis=1, keepdims=True), 1e-6)
    var = np.maximum(var, floor)
    llr = ((target - mu_out) ** 2 - (target - mu_in) ** 2) / (2 * var)
    return np.clip(llr, -LLR_CLIP, LLR_CLIP).sum(axis=0)


def _reference_catalogs(sequences: Sequence[np.ndarray], build: CatalogBuilder, masks: np.ndarray, seed: int,
                        progress: Progress | None, stage: str):
    rng = np.random.default_rng([seed, 1])
    for k, mask in enumerate(masks):
        yield build([s for s, m in zip(sequences, mask) if m], int(rng.integers(2**31)))
        if progress is not None:
            progress(stage, k + 1, len(masks))


def lira_attack(
    game: MembershipGame, build: CatalogBuilder, *, references: int = 16, seed: int = 1,
    epsilon: float | None = None, delta: float | None = None, progress: Progress | None = None,
) -> AttackResult:
    """Score every candidate by the likelihood ratio of the target's values under IN vs OUT references."""
    (scores,) = lira_scores(game.sequences, [game.target], build, references=references, seed=seed,
                            progress=progress)
    return AttackResult("lira", scores, game.members.copy(), epsilon, delta, {"references": references})


def lira_scores(
    sequences: Sequence[np.ndarray], targets: Sequence[Catalog], build: CatalogBuilder, *, references: int = 16,
    seed: int = 1, progress: Progress | None = None,
) -> list[np.ndarray]:
    """Per target, every candidate's summed likelihood ratio (IN vs OUT), all targets against the same references.

    The references are built once from balanced random halves of ``sequences``;
    scoring several targets (e.g. one release before and after a forget) costs
    one more :func:`item_observables` each.
    """
    users, items = _pairs(sequences)
    masks = balanced_halves(len(sequences), references, np.random.default_rng([seed, 0]))
    refs = np.stack([item_observables(c, users, items)
                     for c in _reference_catalogs(sequences, build, masks, seed, progress, "reference catalogs")])
    return [np.bincount(users, weights=_llr(item_observables(t, users, items), refs, masks[:, users]),
                        minlength=len(sequences)) for t in targets]


def item_factors(sequences: Sequence[np.ndarray], n_items: int, *, dims: int = 32) -> np.ndarray:
    """Item vectors ``(n_items, dims)`` from a truncated SVD of the binary user-item matrix the attacker holds.

    >>> item_factors([np.array([0, 1]), np.array([2])], 3, dims=2).shape
    (3, 2)
    """
    m = np.zeros((len(sequences), n_items))
    for u, s in enumerate(sequences):
        m[u, np.asarray(s, dtype=np.int64)] = 1.0
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    _, sv, vt = np.linalg.svd(m, full_matrices=False)
    dims = min(dims, len(sv))
    return (vt[:dims].T * sv[:dims]).astype(np.float64)


def list_features(catalog: Catalog, sequences: Sequence[np.ndarray], factors: np.ndarray, *, k: int = 20) -> np.ndarray:
    """Per user: centroid of their history minus centroid of the top-``k`` list, in the attacker's item factors."""
    out = np.zeros((len(sequences), factors.shape[1]))
    for u, (seq, shown) in enumerate(zip(sequences, shown_lists(catalog, sequences, k))):
        out[u] = factors[np.unique(seq)].mean(axis=0) - (factors[shown].mean(axis=0) if len(shown) else 0.0)
    return out


def list_attack(
    game: MembershipGame, build: CatalogBuilder, *, shadows: int = 4, k: int = 20, dims: int = 32, seed: int = 2,
    epsilon: float | None = None, delta: float | None = None, progress: Progress | None = None,
) -> AttackResult:
    """Train a classifier on shadow catalogs' lists (labels known), then score the target's lists."""
    from edgerec.audit.classify import fit_classifier

    factors = item_factors(game.sequences, len(game.target), dims=dims)
    masks = balanced_halves(len(game.sequences), shadows, np.random.default_rng([seed, 0]))
    feats, labels = [], []
    for mask, catalog in zip(masks, _reference_catalogs(game.sequences, build, masks, seed, progress, "shadow catalogs")):
        feats.append(list_features(catalog, game.sequences, factors, k=k))
        labels.append(mask)
    model = fit_classifier(np.vstack(feats), np.concatenate(labels), seed=seed)
    scores = model.decision(list_features(game.target, game.sequences, factors, k=k))
    return AttackResult("list", scores, game.members.copy(), epsilon, delta, {"shadows": shadows, "k": k})
