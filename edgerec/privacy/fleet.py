"""A fleet of devices sending local-DP reports, and what the aggregator learns from them.

Each simulated device holds one real user's liked items (the caller passes histories in:
item indices, most recent first); fleets larger than the population draw users with
replacement. Every device runs the same randomizer as a real one (:mod:`edgerec.privacy.ldp`),
so the figures are those of the deployed protocol. Two rounds, each device spending its
epsilon once in total (``pair_share`` of it on pairs):

1. each device reports its ``item_bound`` most recent items over the whole item domain;
2. the aggregator publishes the ``top_items`` most popular items of round 1 (public from then
   on); each device reports its ``pair_bound`` most recent pairs among them.

The noise is OpenDP's (never seeded); ``seed`` fixes only which users the devices are.
``workers`` > 1 runs chunks of devices in that many processes; debiasing is linear, so the
chunks' estimates add up to exactly the estimate over all reports.

>>> r = simulate_fleet([[0, 1], [1, 2], [1]], 3, devices=300, epsilon=8.0, item_bound=2, pair_bound=1, top_items=3)
>>> r.devices, r.popularity.shape, r.pairs.shape
(300, (3,), (3, 3))
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from edgerec.errors import InputError
from edgerec.privacy.ldp import (Aggregator, Randomizer, bounded, pair_domain_size, pair_matrix, pairs_among)

__all__ = ["FleetResult", "simulate_fleet", "estimation_error", "top_k_overlap", "spearman"]

def _round_chunk(epsilon: float, domain: int, bound: int, per_user: list[list[int]], users: np.ndarray) -> np.ndarray:
    """Randomize and aggregate the reports of the devices in ``users`` (one chunk); the debiased sum."""
    rr = Randomizer.create(epsilon, domain, bound)
    agg = Aggregator(domain, rr.flip)
    for u in users.tolist():
        agg.add(rr.randomize(per_user[u]))
    return agg.estimate()


def _run_round(epsilon, domain, bound, per_user, device_users, workers, chunk, progress) -> np.ndarray:
    chunks = [device_users[i : i + chunk] for i in range(0, len(device_users), chunk)]
    total = np.zeros(domain)
    if workers <= 1:
        for part in chunks:
            total += _round_chunk(epsilon, domain, bound, per_user, part)
            if progress is not None:
                progress(len(part))
        return total
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [(len(c), pool.submit(_round_chunk, epsilon, domain, bound, per_user, c)) for c in chunks]
        for n, fut in futures:
            total += fut.result()
            if progress is not None:
                progress(n)
    return total


def _truth(per_user: list[list[int]], counts: np.ndarray, domain: int) -> np.ndarray:
    """How many devices hold each value: users' values weighted by how many devices each user is."""
    out = np.zeros(domain)
    for u in np.flatnonzero(counts):
        if per_user[u]:
            out[np.asarray(per_user[u])] += counts[u]
    return out


def estimation_error(estimate: np.ndarray, truth: np.ndarray) -> float:
    """Relative L1 error: sum |estimate - truth| / sum truth.

    >>> estimation_error(np.array([1.0, 3.0]), np.array([2.0, 2.0]))
    0.5
    """
    total = float(np.sum(truth))
    return float(np.sum(np.abs(estimate - truth)) / total) if total > 0 else 0.0


def top_k_overlap(estimate: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Share of the true top-k that the estimate's top-k finds.

    >>> top_k_overlap(np.array([3.0, 2.0, 1.0]), np.array([1.0, 2.0, 3.0]), 2)
    0.5
    """
    k = min(k, len(truth))
    return len(set(np.argsort(-estimate, kind="stable")[:k]) & set(np.argsort(-truth, kind="stable")[:k])) / k


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation (average ranks for ties).

    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 25.0]))
    1.0
    """
    def ranks(x):
        order = np.argsort(x, kind="stable")
        r = np.empty(len(x))
        r[order] = np.arange(len(x), dtype=float)
        _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
        sums = np.bincount(inverse, weights=r)
        return sums[inverse] / counts[inverse]

    ra, rb = ranks(np.asarray(a, float)), ranks(np.asarray(b, float))
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


@dataclass
class FleetResult:
    """Estimates, the truths they estimate, and timings of one simulated fleet."""

    devices: int
    epsilon: float
    item_bound: int
    pair_bound: int
    pair_share: float
    popularity: np.ndarray  # estimated devices per item (among each device's item_bound most recent)
    true_popularity: np.ndarray  # the same, counted exactly
    all_popularity: np.ndarray  # devices holding each item at all (no bound)
    top: np.ndarray  # the public top items of round 1 (item indices)
    pairs: np.ndarray  # estimated devices per pair of top items (T x T)
    true_pairs: np.ndarray
    seconds: dict = field(default_factory=dict)

    def metrics(self, k: int = 50) -> dict:
        """JSON figures: errors against the exact counts, top-k overlaps, rank correlations, times.

        ``popularity_top50_overlap`` compares with how many devices hold each item at all;
        ``..._bounded`` with the counts the reports estimate (each device's ``item_bound`` newest).
        """
        t = len(self.top)
        iu = np.triu_indices(t, k=1)
        est_p, true_p = self.pairs[iu], self.true_pairs[iu]
        return {
            "devices": self.devices, "epsilon": self.epsilon, "item_bound": self.item_bound,
            "pair_bound": self.pair_bound, "pair_share": self.pair_share, "top_items": t,
            "popularity_rel_l1": estimation_error(self.popularity, self.true_popularity),
            "popularity_top50_overlap": top_k_overlap(self.popularity, self.all_popularity, k),
            "popularity_top50_overlap_bounded": top_k_overlap(self.popularity, self.true_popularity, k),
            "popularity_spearman": spearman(self.popularity, self.all_popularity),
            "pairs_rel_l1": estimation_error(est_p, true_p),
            "pairs_top50_overlap": top_k_overlap(est_p, true_p, k),
            "pairs_spearman": spearman(est_p, true_p),
            **{f"{name}_s": round(v, 3) for name, v in self.seconds.items()},
            "devices_per_s": round(self.devices / self.seconds["total"], 1) if self.seconds.get("total") else None,
        }


def simulate_fleet(
    user_items: Sequence[Sequence[int]],
    n_items: int,
    *,
    devices: int,
    epsilon: float,
    item_bound: int = 10,
    pair_bound: int = 10,
    top_items: int = 64,
    pair_share: float = 0.5,
    seed: int = 0,
    workers: int = 1,
    chunk: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> FleetResult:
    """Simulate ``devices`` devices drawn from ``user_items`` and aggregate their reports (see the module text).

    ``user_items[u]`` holds user u's liked item indices (below ``n_items``), most recent first.
    ``progress(n)`` is called as chunks of ``chunk`` devices finish (twice per device: two rounds).
    """
    if devices < 1 or not user_items:
        raise InputError("a fleet needs at least one device and one user to draw it from")
    if not 0.0 < pair_share < 1.0:
        raise InputError("pair_share must be between 0 and 1 (exclusive)")
    top_items = min(top_items, n_items)
    if top_items < 2:
        raise InputError("pairs need at least 2 top items")
    rng = np.random.default_rng(seed)
    n_users = len(user_items)
    device_users = rng.permutation(n_users)[:devices] if devices <= n_users else rng.integers(0, n_users, devices)
    counts = np.bincount(device_users, minlength=n_users)
    eps_items, eps_pairs = epsilon * (1 - pair_share), epsilon * pair_share
    seconds = {}

    start = time.perf_counter()
    items_of = [bounded(items, item_bound) for items in user_items]
    popularity = _run_round(eps_items, n_items, item_bound, items_of, device_users, workers, chunk, progress)
    seconds["items_round"] = time.perf_counter() - start

    mid = time.perf_counter()
    top = np.argsort(-popularity, kind="stable")[:top_items]
    position = {int(item): p for p, item in enumerate(top)}
    pairs_of = [pairs_among([position[i] for i in items if i in position], pair_bound, top_items)
                for items in user_items]
    pair_counts = _run_round(eps_pairs, pair_domain_size(top_items), pair_bound, pairs_of, device_users,
                             workers, chunk, progress)
    seconds["pairs_round"] = time.perf_counter() - mid
    seconds["total"] = time.perf_counter() - start

    all_items = [list(dict.fromkeys(int(i) for i in items)) for items in user_items]
    return FleetResult(
        devices=devices, epsilon=float(epsilon), item_bound=item_bound, pair_bound=pair_bound, pair_share=pair_share,
        popularity=popularity, true_popularity=_truth(items_of, counts, n_items),
        all_popularity=_truth(all_items, counts, n_items), top=top,
        pairs=pair_matrix(pair_counts, top_items),
        true_pairs=pair_matrix(_truth(pairs_of, counts, pair_domain_size(top_items)), top_items),
        seconds=seconds,
    )
