"""``edgerec bench rank``: ranking latency for one user with precomputed item embeddings.

A synthetic catalog of ``n_items`` items (384-d unit vectors in ``n_topics``
topics, plus sequential and cosine neighbours learned from synthetic sessions)
stands in for an app's catalog; a user has ``history`` past events, a fifth of
them dislikes. Each timed call is a full :meth:`Ranker.rank` (user
representation included, nothing cached between calls) for 1,000 and 10,000
candidates, k=10. The naive baseline, timed in the same run, scores candidates
one by one against the mean of the liked items and sorts them in Python.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable

import numpy as np

from edgerec.rank.catalog import Catalog
from edgerec.rank.history import Interaction, UserHistory
from edgerec.rank.ranker import Ranker

__all__ = ["synthetic_catalog", "naive_rank", "bench_rank"]


def synthetic_catalog(n_items: int = 10_000, dim: int = 384, n_topics: int = 50, seed: int = 0) -> Catalog:
    """A catalog with clustered unit embeddings and neighbours from synthetic sessions.

    >>> synthetic_catalog(200, dim=8, n_topics=4).embeddings.shape
    (200, 8)
    """
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((n_topics, dim)).astype(np.float32)
    topic_of = rng.integers(0, n_topics, n_items)
    emb = topics[topic_of] + 0.8 * rng.standard_normal((n_items, dim)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    members = [np.flatnonzero(topic_of == t) for t in range(n_topics)]
    sessions = []
    for _ in range(max(n_items // 5, 10)):
        t = rng.integers(0, n_topics)
        if len(members[t]):
            sessions.append(rng.choice(members[t], size=min(8, len(members[t])), replace=False))
    return Catalog.from_sequences([f"item-{i}" for i in range(n_items)], sessions, embeddings=emb, top_n=50)


def naive_rank(user_vector: np.ndarray, embeddings: np.ndarray, ids: list[str], k: int = 10) -> list[tuple[str, float]]:
    """Baseline: one dot product per candidate in a Python loop, then a full sort.

    >>> naive_rank(np.array([1.0, 0.0]), np.array([[0.0, 1.0], [1.0, 0.0]]), ["x", "y"], k=1)
    [('y', 1.0)]
    """
    scored = [(item, float(np.dot(embeddings[n], user_vector))) for n, item in enumerate(ids)]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:k]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.array(samples) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench_rank(
    *, repeats: int = 300, naive_repeats: int = 30, history: int = 50, n_items: int = 10_000, seed: int = 0,
    reduced_dims: int | None = 64, progress: Callable[[str], None] | None = None,
) -> dict:
    """Measure ranking latency; returns a dict of figures (milliseconds, MB).

    The main keys (``p50_ms_1k`` ... ``p99_ms_10k``) use the full 384-d
    embeddings. With ``reduced_dims`` the same user and candidates are also
    ranked over PCA-reduced embeddings (:meth:`Catalog.reduced`), reported under
    ``reduced``. ``load_avg_1m`` records how busy the machine was.
    """
    say = progress or (lambda _msg: None)
    say("building synthetic catalog")
    catalog = synthetic_catalog(n_items, seed=seed)
    small = catalog.reduced(reduced_dims) if reduced_dims else None
    rng = np.random.default_rng(seed + 1)
    past = rng.choice(n_items, size=history, replace=False)
    events = [
        Interaction(catalog.ids[i], -1.0 if n % 5 == 4 else 1.0, float(n)) for n, i in enumerate(past)
    ]
    user = UserHistory.from_interactions(events)
    ranker = Ranker(catalog)
    rest = np.setdiff1d(np.arange(n_items), past)
    figures: dict = {"n_items": n_items, "history_events": history, "dim": int(catalog.embeddings.shape[1]),
                     "repeats": repeats, "naive_repeats": naive_repeats}
    liked = catalog.embeddings[past[[n % 5 != 4 for n in range(history)]]]
    user_vector = liked.mean(axis=0)
    for label, size in (("1k", 1_000), ("10k", 10_000)):
        size = min(size, len(rest))
        cands = [catalog.ids[i] for i in rng.choice(rest, size=size, replace=False)]
        say(f"ranking {size:,} candidates")
        ranker.rank(user, cands, k=10)  # warm-up
        samples = []
        for _ in range(repeats):
            t = time.perf_counter()
            ranker.rank(user, cands, k=10)
            samples.append(time.perf_counter() - t)
        figures[f"p50_ms_{label}"], figures[f"p99_ms_{label}"] = _percentiles(samples)
        if small is not None:
            say(f"ranking {size:,} candidates, {reduced_dims}-d")
            fast = Ranker(small)
            fast.rank(user, cands, k=10)
            samples = []
            for _ in range(repeats):
                t = time.perf_counter()
                fast.rank(user, cands, k=10)
                samples.append(time.perf_counter() - t)
            reduced = figures.setdefault("reduced", {"dims": reduced_dims})
            reduced[f"p50_ms_{label}"], reduced[f"p99_ms_{label}"] = (round(x, 3) for x in _percentiles(samples))
        say(f"naive baseline, {size:,} candidates")
        rows = catalog.rows(cands)
        samples = []
        for _ in range(naive_repeats):
            t = time.perf_counter()
            naive_rank(user_vector, catalog.embeddings[rows], cands, k=10)
            samples.append(time.perf_counter() - t)
        figures[f"naive_p50_ms_{label}"], figures[f"naive_p99_ms_{label}"] = _percentiles(samples)
    figures["speedup_p50_10k"] = figures["naive_p50_ms_10k"] / max(figures["p50_ms_10k"], 1e-9)
    figures["peak_rss_mb"] = _peak_rss_mb()
    figures["load_avg_1m"] = os.getloadavg()[0]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
