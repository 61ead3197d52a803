"""``edgerec bench fleet``: a fleet of simulated devices drawn from MovieLens users sends local-DP reports.

The SDK's :func:`edgerec.privacy.fleet.simulate_fleet` does the work; this module only turns a
MovieLens folder into each user's liked items (rating strength > 0, most recent first), and with
``compare`` runs the same fleet on several engines one after the other, in the same run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from edgerec.privacy.fleet import simulate_fleet
from edgerec.rank.signals import rating_strength
from edgerec_bench.datasets.movielens import load_movielens

__all__ = ["liked_items", "bench_fleet", "compare_engines"]


def liked_items(data) -> list[list[int]]:
    """Per user (in ``data.user_ids`` order): item indices rated 3 or more, most recent first."""
    keep = rating_strength(data.ratings) > 0
    users, items, ts = data.users[keep], data.items[keep], data.timestamps[keep]
    order = np.lexsort((-ts, users))  # by user, then newest first
    users, items = users[order], items[order]
    bounds = np.searchsorted(users, np.arange(data.n_users + 1))
    return [items[bounds[u]:bounds[u + 1]].tolist() for u in range(data.n_users)]


def bench_fleet(data_dir: str | Path, *, devices: int, epsilon: float, item_bound: int = 10, pair_bound: int = 10,
                top_items: int = 64, pair_share: float = 0.5, seed: int = 0, workers: int = 1,
                engine: str = "inprocess", noise_seed: int | None = None,
                progress: Callable[[int], None] | None = None) -> dict:
    """Simulate the fleet on a MovieLens folder and return its figures (see FleetResult.metrics)."""
    data = load_movielens(data_dir)
    per_user = liked_items(data)
    result = simulate_fleet(per_user, data.n_items, devices=devices, epsilon=epsilon, item_bound=item_bound,
                            pair_bound=pair_bound, top_items=top_items, pair_share=pair_share, seed=seed,
                            workers=workers, engine=engine, noise_seed=noise_seed, progress=progress)
    return {"data": Path(data_dir).name, "users": data.n_users, "items": data.n_items, "seed": seed,
            "workers": workers, **result.metrics(),
            "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}


def compare_engines(data_dir: str | Path, engines: Sequence[str], **settings) -> dict:
    """:func:`bench_fleet` once per engine, one after the other, with the same settings and seeds.

    Returns ``{"runs": [figures per engine], "time_ratio": {engine: its total time / the first engine's}}``.
    """
    runs = [bench_fleet(data_dir, engine=engine, **settings) for engine in engines]
    base = runs[0]["total_s"]
    return {"runs": runs, "time_ratio": {r["engine"]: round(r["total_s"] / base, 3) for r in runs}}
