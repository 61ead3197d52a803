"""``edgerec bench rank``: ranking latency for one user with precomputed item embeddings.

A synthetic catalog of ``n_items`` items (384-d unit vectors in ``n_topics``
topics, plus sequential and cosine neighbours learned from synthetic sessions)
stands in for an app's catalog; a user has ``history`` past events, a fifth of
them dislikes. Each timed call is a full :meth:`Ranker.rank` (user
representation included, nothing cached between calls) for 1,000 and 10,000
candidates, k=10, in the default configuration (compact embeddings for a
catalog this large) and, for comparison, with the full embeddings. The naive baseline, timed in the same run, scores candidates
one by one against the mean of the liked items and sorts them in Python.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import time
from collections.abc import Callable

import numpy as np

from edgerec.rank.catalog import COMPACT_ABOVE, Catalog
from edgerec.rank.history import Interaction, UserHistory
from edgerec.rank.ranker import Ranker

__all__ = ["synthetic_catalog", "naive_rank", "compact_quality", "bench_rank"]


def synthetic_catalog(n_items: int = 10_000, dim: int = 384, n_topics: int = 50, seed: int = 0, **options) -> Catalog:
    """A catalog with clustered unit embeddings and neighbours from synthetic sessions.

    ``options`` go to :class:`Catalog` (``compact_above``, ``compact_dims``).

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
    return Catalog.from_sequences([f"item-{i}" for i in range(n_items)], sessions, embeddings=emb, top_n=50, **options)


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
    reduced_dims: int | None = 64, blas_threads: int | None = 1, progress: Callable[[str], None] | None = None,
    compact_above: int | None = COMPACT_ABOVE,
) -> dict:
    """Measure ranking latency; returns a dict of figures (milliseconds, MB).

    The main keys (``p50_ms_1k`` ... ``p99_ms_10k``) time the default
    configuration an app gets: a catalog this large scores with its compact
    PCA copy (:attr:`Catalog.scoring`, ``scoring_dim``). ``full`` times the same
    user and candidates with the full 384-d embeddings, and
    ``quality_vs_full`` says how much the compact copy moves the text feature,
    the scores and the top 10 (:func:`compact_quality`). With ``reduced_dims``
    the run is repeated with a compact copy of that many dimensions instead,
    reported under ``reduced``. ``rows_input`` times the default configuration
    with the candidates given as catalog rows (looked up once, before timing)
    instead of id strings. ``pruned_share_10k`` is the share of candidates
    whose text pass the score bound skipped for this user; ``text_only`` times
    the same catalog without its neighbour data, where the bound prunes little
    and the compact pass does the work. ``load_avg_1m`` records how busy the
    machine was.
    The main keys rank the same candidate list again and again, as an app
    ranking its catalog or a shelf does: the catalog remembers that pool's id
    look-up (:meth:`Catalog.rows`; nothing about the user is kept between
    calls). ``new_pool`` times 10k candidates given as a list the catalog has
    not seen before (the look-up paid on every call).
    ``compact_above`` is the catalog's threshold (the library default unless a
    test changes it).

    ``blas_threads`` caps BLAS threads while timing (ranking is a small kernel
    that an app runs on one thread; on a busy 2-core machine threaded BLAS is
    slower). It needs ``threadpoolctl``; without it the default threading is
    used and ``blas_threads`` reports ``"default"``.
    """
    limiter = contextlib.nullcontext()
    threads: int | str = "default"
    if blas_threads:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            limiter, threads = threadpool_limits(limits=blas_threads, user_api="blas"), blas_threads
    with limiter:
        figures = _bench(repeats, naive_repeats, history, n_items, seed, reduced_dims, progress, compact_above)
    figures["blas_threads"] = threads
    return figures


def _timed(ranker: Ranker, user: UserHistory, cands: list[str], repeats: int) -> tuple[float, float]:
    """p50/p99 in ms of full ``rank`` calls (one warm-up call first)."""
    ranker.rank(user, cands, k=10)
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        ranker.rank(user, cands, k=10)
        samples.append(time.perf_counter() - t)
    return _percentiles(samples)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation (ties broken by position; scores here are continuous).

    >>> _spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0]))
    0.5
    """
    ra, rb = np.argsort(np.argsort(a)).astype(np.float64), np.argsort(np.argsort(b)).astype(np.float64)
    return float(np.corrcoef(ra, rb)[0, 1])


def _top_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """Share of the top ``k`` by ``a`` that is also in the top ``k`` by ``b``.

    >>> _top_overlap(np.array([3.0, 2.0, 1.0, 0.0]), np.array([3.0, 0.0, 2.0, 1.0]), k=2)
    0.5
    """
    return len(set(np.argsort(-a)[:k]) & set(np.argsort(-b)[:k])) / k


def compact_quality(compact: Ranker, full: Ranker, user: UserHistory, cands: list[str]) -> dict:
    """How far scoring with the compact embeddings moves the results, on one user and candidate set.

    ``text_*`` compare the text feature alone (best cosine to an interest
    centroid) computed on the compact vs the full embeddings; ``score_*``
    compare the scores of that compact pass with the full ones (before
    :meth:`Ranker.rank` re-scores its shortlist); ``rank_top10_overlap`` is the
    share of the same ids in the two top-10 lists that ``rank`` returns.
    """
    out = {}
    fc, ff = compact.features(user, cands, compact=True), full.features(user, cands)
    sc, sf = compact.score(user, cands, compact=True), full.score(user, cands, compact=False)
    out["text_top10_overlap"] = _top_overlap(fc[:, 2], ff[:, 2])
    out["text_spearman"] = _spearman(fc[:, 2], ff[:, 2])
    out["text_max_abs_diff"] = float(np.abs(fc[:, 2] - ff[:, 2]).max())
    out["score_spearman"] = _spearman(sc, sf)
    out["score_top10_overlap"] = _top_overlap(sc, sf)
    top_c = {r.id for r in compact.rank(user, cands, k=10)}
    top_f = {r.id for r in full.rank(user, cands, k=10)}
    out["rank_top10_overlap"] = len(top_c & top_f) / 10
    return {k: round(v, 4) for k, v in out.items()}


def _bench(repeats, naive_repeats, history, n_items, seed, reduced_dims, progress, compact_above) -> dict:
    say = progress or (lambda _msg: None)
    say("building synthetic catalog")
    catalog = synthetic_catalog(n_items, seed=seed, compact_above=compact_above)  # by default: what an app gets
    full = catalog.but(compact_above=None)  # full-size embeddings, for comparison
    small = catalog.but(compact_dims=reduced_dims) if reduced_dims else None
    rng = np.random.default_rng(seed + 1)
    past = rng.choice(n_items, size=history, replace=False)
    events = [
        Interaction(catalog.ids[i], -1.0 if n % 5 == 4 else 1.0, float(n)) for n, i in enumerate(past)
    ]
    user = UserHistory.from_interactions(events)
    ranker = Ranker(catalog)
    rest = np.setdiff1d(np.arange(n_items), past)
    figures: dict = {"n_items": n_items, "history_events": history, "dim": int(catalog.embeddings.shape[1]),
                     "scoring_dim": int(catalog.scoring.shape[1]), "compact_above": catalog.compact_above,
                     "repeats": repeats, "naive_repeats": naive_repeats}
    liked = catalog.embeddings[past[[n % 5 != 4 for n in range(history)]]]
    user_vector = liked.mean(axis=0)
    for label, size in (("1k", 1_000), ("10k", 10_000)):
        size = min(size, len(rest))
        cands = [catalog.ids[i] for i in rng.choice(rest, size=size, replace=False)]
        say(f"ranking {size:,} candidates")
        figures[f"p50_ms_{label}"], figures[f"p99_ms_{label}"] = _timed(ranker, user, cands, repeats)
        say(f"ranking {size:,} candidates, full {figures['dim']}-d embeddings")
        block = figures.setdefault("full", {"dims": figures["dim"]})
        block[f"p50_ms_{label}"], block[f"p99_ms_{label}"] = (round(x, 3) for x in _timed(Ranker(full), user, cands, repeats))
        if small is not None:
            say(f"ranking {size:,} candidates, {reduced_dims}-d compact copy")
            block = figures.setdefault("reduced", {"dims": reduced_dims})
            block[f"p50_ms_{label}"], block[f"p99_ms_{label}"] = (round(x, 3) for x in _timed(Ranker(small), user, cands, repeats))
        if label == "10k":
            figures["quality_vs_full"] = compact_quality(ranker, Ranker(full), user, cands)
            if small is not None:
                figures["reduced"]["quality_vs_full"] = compact_quality(Ranker(small), Ranker(full), user, cands)
            st = ranker._state(user, None)  # how much the bound pruned for this user (not timed)
            pruned = ranker._pruned(st, catalog.rows(cands), 10)
            figures["pruned_share_10k"] = 0.0 if pruned is None else float(np.isinf(pruned[0]).mean())
            say(f"ranking {size:,} candidates, catalog without neighbours")
            text_only = catalog.but(sequential=None, cooccurrence=None)
            figures["text_only"] = dict(zip(
                ("p50_ms_10k", "p99_ms_10k"), (round(x, 3) for x in _timed(Ranker(text_only), user, cands, repeats))
            ))
            say(f"ranking {size:,} candidates, a never-seen pool each call")
            pools = [list(cands[n:] + cands[:n]) for n in range(1, min(repeats, 60) + 1)]  # built before timing
            samples = []
            for pool in pools:
                t = time.perf_counter()
                ranker.rank(user, pool, k=10)
                samples.append(time.perf_counter() - t)
            figures["new_pool"] = dict(zip(("p50_ms_10k", "p99_ms_10k"), (round(x, 3) for x in _percentiles(samples))))
            say(f"ranking {size:,} candidates given as catalog rows")
            rows_in = catalog.rows(cands)  # looked up once, outside the timed calls, as an app ranking a fixed pool would
            figures["rows_input"] = dict(zip(
                ("p50_ms_10k", "p99_ms_10k"), (round(x, 3) for x in _timed(ranker, user, rows_in, repeats))
            ))
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
