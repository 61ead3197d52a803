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
``noise_seed`` swaps in a seeded copy of the same randomized response (:func:`simulated_answer`),
for reproducible simulations only: each device's draw then depends on the seed, the round and
its position alone, so every engine gives the same estimates, bit for bit.

``engine`` says where chunks of devices run: ``"inprocess"`` (here, or in ``workers``
processes) or ``"ray"`` (Ray tasks on a local, private Ray runtime with ``workers`` CPUs;
:mod:`edgerec.privacy.fleet_ray`, the ``ray`` extra). Debiasing is linear, so the chunks'
estimates add up to the estimate over all reports.

>>> r = simulate_fleet([[0, 1], [1, 2], [1]], 3, devices=300, epsilon=8.0, item_bound=2, pair_bound=1, top_items=3)
>>> r.devices, r.popularity.shape, r.pairs.shape
(300, (3,), (3, 3))
"""

from __future__ import annotations

import math
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from edgerec.errors import InputError
from edgerec.privacy.ldp import (Aggregator, Randomizer, bounded, flip_probability, pair_domain_size, pair_matrix,
                                 pairs_among, unpack)

__all__ = ["ENGINES", "FleetResult", "LocalEngine", "simulate_fleet", "simulated_answer", "open_engine", "estimate_sd",
           "estimation_error", "top_k_overlap", "spearman"]

def simulated_answer(indices: Sequence[int], domain: int, flip: float, rng: np.random.Generator) -> bytes:
    """The same randomized response as OpenDP's, drawn from a seeded ``rng``: for simulations only.

    Each bit is kept with probability ``1 - flip`` and otherwise replaced by a fair coin
    (one uniform draw per bit: below ``flip / 2`` a 1, below ``flip`` a 0). A seeded
    randomizer protects no one (whoever knows the seed can undo it), so real reports
    (:func:`edgerec.privacy.ldp.make_report`) never use it; fleets use it only when
    asked for reproducible noise (``noise_seed``).

    >>> rng = np.random.default_rng(0)
    >>> unpack(simulated_answer([1, 3], 8, 1e-9, rng), 8)
    [1, 3]
    """
    bits = np.zeros(domain, dtype=bool)
    bits[np.asarray(indices, dtype=np.int64)] = True
    r = rng.random(domain)
    return np.packbits(np.where(r < flip, r < flip / 2, bits), bitorder="little").tobytes()


def _round_chunk(epsilon: float, domain: int, bound: int, per_user: list[list[int]], noise_seed: int | None,
                 round_no: int, first: int, users: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Randomize and aggregate the reports of devices ``first, first + 1, ...`` (users ``users``).

    Returns the debiased sum and the seconds spent on each side: the devices' randomizing (which a
    real fleet spreads over its devices) and the aggregator's debiasing (the aggregator's own work).
    With ``noise_seed`` device d of round r draws from ``default_rng([noise_seed, r, d])``:
    its answer depends on nothing else (not the engine, the workers or the chunking).
    """
    start = time.perf_counter()
    rr = Randomizer.create(epsilon, domain, bound)
    if noise_seed is None:
        answers = [rr.randomize(per_user[u]) for u in users.tolist()]
    else:
        answers = [simulated_answer(per_user[u], domain, rr.flip, np.random.default_rng([noise_seed, round_no, d]))
                   for d, u in enumerate(users.tolist(), start=first)]
    mid = time.perf_counter()
    agg = Aggregator(domain, rr.flip)
    for answer in answers:
        agg.add(answer)
    estimate = agg.estimate()
    return estimate, mid - start, time.perf_counter() - mid


def _exit_with_parent(poll: float = 0.25) -> None:
    """Pool initializer: end this worker soon after the process that started it is gone.

    A killed parent (SIGTERM, SIGKILL, a closed terminal) runs no clean-up, and
    a worker in the middle of a chunk of simulated devices would otherwise keep
    its core busy until the chunk ends. A worker's parent changes only when that
    parent has exited (the worker is re-parented), so a watcher thread polls it.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        os._exit(1)

    threading.Thread(target=watch, name="edgerec-exit-with-parent", daemon=True).start()


class LocalEngine:
    """Runs chunks here (``workers`` = 1) or in a pool of ``workers`` processes; results in task order.

    Workers end with the process that started them, even when it is killed (:func:`_exit_with_parent`).
    """

    name = "inprocess"

    def __init__(self, workers: int = 1):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalEngine":
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_exit_with_parent)
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, fn: Callable, shared: tuple, tasks: list[tuple], done: Callable[[int], None]) -> list:
        """``[fn(*shared, *task) for task in tasks]``; ``done(i)`` as task i finishes."""
        if self._pool is None:
            out = []
            for i, task in enumerate(tasks):
                out.append(fn(*shared, *task))
                done(i)
            return out
        futures = [self._pool.submit(fn, *shared, *task) for task in tasks]
        out = []
        for i, fut in enumerate(futures):
            out.append(fut.result())
            done(i)
        return out


ENGINES = ("inprocess", "ray")


def open_engine(name: str, workers: int):
    """The engine called ``name`` (a context manager with ``map``); Ray is imported only when asked for."""
    if name == "inprocess":
        return LocalEngine(workers)
    if name == "ray":
        from edgerec.privacy.fleet_ray import RayEngine

        return RayEngine(workers)
    raise InputError(f"unknown fleet engine {name!r}; choose one of {', '.join(ENGINES)}")


def _run_round(engine, epsilon, domain, bound, per_user, device_users, noise_seed, round_no, chunk,
               progress, cpu: dict) -> np.ndarray:
    """One round over all devices, chunk by chunk; chunk estimates are added in chunk order.

    ``cpu`` accumulates the seconds the chunks spent randomizing and aggregating (summed over workers).
    """
    tasks = [(i, device_users[i : i + chunk]) for i in range(0, len(device_users), chunk)]
    done = (lambda i: progress(len(tasks[i][1]))) if progress is not None else (lambda i: None)
    parts = engine.map(_round_chunk, (epsilon, domain, bound, per_user, noise_seed, round_no), tasks, done)
    total = np.zeros(domain)
    for estimate, randomize_s, aggregate_s in parts:
        total += estimate
        cpu["devices_randomize"] = cpu.get("devices_randomize", 0.0) + randomize_s
        cpu["aggregate"] = cpu.get("aggregate", 0.0) + aggregate_s
    return total


def estimate_sd(devices: int, epsilon: float, bound: int) -> float:
    """Standard deviation of one debiased count over ``devices`` reports at ``epsilon`` and ``bound``.

    Each device's debiased bit ``(b - f/2) / (1 - f)`` has variance ``(f/2)(1 - f/2) / (1 - f)**2``
    whether it holds the item or not, so the sum's standard deviation is that times ``sqrt(devices)``.

    >>> round(estimate_sd(100, 8.0, 1), 4)
    1.3786
    """
    f = flip_probability(epsilon, bound)
    return math.sqrt(devices * (f / 2) * (1 - f / 2)) / (1 - f)


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
    engine: str = "inprocess"
    noise: str = "opendp"  # or "seeded" (simulated_answer with noise_seed)

    def metrics(self, k: int = 50) -> dict:
        """JSON figures: errors against the exact counts, top-k overlaps, rank correlations, times.

        ``popularity_top50_overlap`` compares with how many devices hold each item at all;
        ``..._bounded`` with the counts the reports estimate (each device's ``item_bound`` newest).
        """
        t = len(self.top)
        iu = np.triu_indices(t, k=1)
        est_p, true_p = self.pairs[iu], self.true_pairs[iu]
        return {
            "devices": self.devices, "engine": self.engine, "noise": self.noise, "epsilon": self.epsilon,
            "item_bound": self.item_bound,
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
    engine: str = "inprocess",
    noise_seed: int | None = None,
    chunk: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> FleetResult:
    """Simulate ``devices`` devices drawn from ``user_items`` and aggregate their reports (see the module text).

    ``user_items[u]`` holds user u's liked item indices (below ``n_items``), most recent first.
    ``progress(n)`` is called as chunks of ``chunk`` devices finish (twice per device: two rounds).
    Each device spends ``epsilon`` in all: ``(1 - pair_share) * epsilon`` on its item report,
    ``pair_share * epsilon`` on its pair report (sequential composition of two pure-DP reports).
    """
    if devices < 1 or not user_items:
        raise InputError("a fleet needs at least one device and one user to draw it from")
    if engine not in ENGINES:
        raise InputError(f"unknown fleet engine {engine!r}; choose one of {', '.join(ENGINES)}")
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
    seconds: dict = {}
    busy: dict = {}

    items_of = [bounded(items, item_bound) for items in user_items]
    start = time.perf_counter()
    with open_engine(engine, workers) as runner:
        seconds["engine_start"] = time.perf_counter() - start
        popularity = _run_round(runner, eps_items, n_items, item_bound, items_of, device_users, noise_seed, 1,
                                chunk, progress, busy)
        seconds["items_round"] = time.perf_counter() - start - seconds["engine_start"]

        mid = time.perf_counter()
        top = np.argsort(-popularity, kind="stable")[:top_items]
        position = {int(item): p for p, item in enumerate(top)}
        pairs_of = [pairs_among([position[i] for i in items if i in position], pair_bound, top_items)
                    for items in user_items]
        pair_counts = _run_round(runner, eps_pairs, pair_domain_size(top_items), pair_bound, pairs_of, device_users,
                                 noise_seed, 2, chunk, progress, busy)
        seconds["pairs_round"] = time.perf_counter() - mid
    seconds["total"] = time.perf_counter() - start
    seconds.update({f"{name}_summed": value for name, value in busy.items()})

    all_items = [list(dict.fromkeys(int(i) for i in items)) for items in user_items]
    return FleetResult(
        devices=devices, epsilon=float(epsilon), item_bound=item_bound, pair_bound=pair_bound, pair_share=pair_share,
        popularity=popularity, true_popularity=_truth(items_of, counts, n_items),
        all_popularity=_truth(all_items, counts, n_items), top=top,
        pairs=pair_matrix(pair_counts, top_items),
        true_pairs=pair_matrix(_truth(pairs_of, counts, pair_domain_size(top_items)), top_items),
        seconds=seconds, engine=engine, noise="opendp" if noise_seed is None else "seeded",
    )
