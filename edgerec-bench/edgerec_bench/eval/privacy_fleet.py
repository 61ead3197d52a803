"""The ``ldp_fleet`` rows of ``eval privacy``: ranking with what an aggregator learns from local-DP reports.

Each training user is one device. It sends the two reports of :mod:`edgerec.privacy.fleet`
at that row's epsilon, which is a *local*, user-level guarantee per device (pure, delta 0):

- an item report of its ``item_bound`` most recent liked training items (rating strength > 0,
  what ``edgerec privacy report`` sends), at ``(1 - pair_share) * epsilon``;
- a pair report of its ``pair_bound`` most recent pairs among the ``top_items`` items that
  round 1 found most popular, at ``pair_share * epsilon``.

The two compose to ``epsilon`` per device. The aggregator's estimates become an
:class:`edgerec.rank.Catalog` the way the counts-method DP catalog (``method="counts"``) turns its
noisy counts into one
(:mod:`edgerec.privacy.release`, the same :class:`ReleaseOptions`; thresholds and floors in
units of the estimates' standard deviation): popularity is the clipped item estimate,
co-occurrence the released neighbours of the pair estimates (pairs outside the top items
count 0). Devices report no transitions, so the catalog has no sequential neighbours. The
on-device ranker is unchanged.

``noise_seed`` swaps OpenDP's unseedable sampler for the seeded copy of the same randomized
response (:func:`edgerec.privacy.fleet.simulated_answer`): reproducible figures, and large
fleets in seconds instead of minutes.

Larger fleets (``devices``) draw the devices from the same training users with replacement,
as ``bench fleet`` does. They show how the estimates sharpen with the number of devices; the
population stays the 943 users, so their ideal is the non-private catalog of those users.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from edgerec.privacy.catalog import ReleaseOptions, text_prior
from edgerec.privacy.fleet import FleetResult, estimate_sd, simulate_fleet
from edgerec.privacy.release import normaliser, release_neighbours, row_sums
from edgerec.rank.catalog import Catalog
from edgerec.rank.signals import rating_strength
from edgerec_bench.datasets.movielens import MovieLens, UserSplit

__all__ = ["FleetSettings", "device_items", "fleet_catalog", "fleet_rows"]


@dataclass(frozen=True)
class FleetSettings:
    """How ``eval privacy --fleet`` simulates devices (the defaults are ``bench fleet``'s, not tuned)."""

    devices: tuple[int, ...] = ()  # larger fleets besides the population (users resampled)
    item_bound: int = 10
    pair_bound: int = 10
    top_items: int = 64
    pair_share: float = 0.5
    seed: int = 0
    workers: int = 1
    engine: str = "inprocess"
    noise_seed: int | None = None  # seeded simulation noise (same mechanism, reproducible) instead of OpenDP's

    def sizes(self, population: int) -> list[int]:
        """Fleet sizes to run: the population first, then the larger ones asked for.

        >>> FleetSettings(devices=(10000, 943)).sizes(943)
        [943, 10000]
        """
        return [population] + [int(d) for d in dict.fromkeys(self.devices) if int(d) != population]

    def to_dict(self) -> dict:
        """JSON form."""
        return {**self.__dict__, "devices": list(self.devices)}


def device_items(data: MovieLens, splits: Sequence[UserSplit]) -> list[list[int]]:
    """Per split: the training items its user liked (rating strength > 0), most recent first, distinct."""
    out = []
    for s in splits:
        liked = np.asarray(s.train_items)[rating_strength(np.asarray(s.train_ratings)) > 0]
        out.append(list(dict.fromkeys(int(i) for i in liked[::-1])))
    return out


def fleet_catalog(result: FleetResult, item_ids: Sequence[str], options: ReleaseOptions,
                  embeddings: np.ndarray | None = None) -> Catalog:
    """A rank catalog from the fleet's estimates, released as the DP catalog releases noisy counts."""
    n = len(item_ids)
    pop = np.maximum(result.popularity, 0.0)
    counts = np.zeros((n, n))
    counts[np.ix_(result.top, result.top)] = result.pairs
    sd = estimate_sd(result.devices, result.epsilon * result.pair_share, result.pair_bound)
    threshold = options.threshold * sd
    sums = row_sums(counts, np.arange(n), threshold)
    expected, total = None, sums
    if options.shrink:
        expected = (options.shrink * sums, pop / max(pop.sum(), 1.0))
        total = sums + expected[0] * (expected[1].sum() - expected[1])
    prior = None
    if embeddings is not None and options.prior_weight > 0:
        prior = options.prior_weight * text_prior(embeddings, options.prior_top)
    neighbours = release_neighbours(counts, normaliser(total, options.floor * sd), threshold=threshold,
                                    top_n=options.top_n, prior=prior, expected=expected)
    return Catalog(list(item_ids), embeddings=embeddings, cooccurrence=neighbours, popularity=pop.astype(np.float32))


def fleet_rows(data: MovieLens, splits: Sequence[UserSplit], epsilon: float, settings: FleetSettings,
               rank: Callable[[str, Catalog], dict], *, options: ReleaseOptions,
               embeddings: np.ndarray | None = None) -> dict:
    """``{"ldp_fleet": {...}, "ldp_fleet_resampled": [...]}`` for one epsilon.

    ``rank(label, catalog)`` ranks every split with the unchanged ranker and returns its metrics.
    Each entry holds the metrics, the fleet size, how epsilon was split, and the estimates'
    quality against the exact counts (``FleetResult.metrics``).
    """
    per_user = device_items(data, splits)
    entries = []
    for devices in settings.sizes(len(splits)):
        result = simulate_fleet(per_user, data.n_items, devices=devices, epsilon=epsilon,
                                item_bound=settings.item_bound, pair_bound=settings.pair_bound,
                                top_items=settings.top_items, pair_share=settings.pair_share, seed=settings.seed,
                                workers=settings.workers, engine=settings.engine, noise_seed=settings.noise_seed)
        metrics = rank(f"LDP fleet eps={epsilon:g}, {devices:,} devices", fleet_catalog(result, data.item_ids, options,
                                                                                      embeddings))
        fig = result.metrics()
        entries.append({**metrics, "devices": devices, "epsilon_items": epsilon * (1 - settings.pair_share),
                        "epsilon_pairs": epsilon * settings.pair_share, "delta": 0.0,
                        "estimates": {k: fig[k] for k in ("popularity_rel_l1", "popularity_top50_overlap",
                                                          "popularity_spearman", "pairs_rel_l1",
                                                          "pairs_top50_overlap", "pairs_spearman")},
                        "simulate_seconds": round(result.seconds["total"], 3)})
    return {"ldp_fleet": entries[0], "ldp_fleet_resampled": entries[1:]}
