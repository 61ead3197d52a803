"""Pure functions that turn a user's history into weights and interest centroids.

All inputs are numpy arrays; nothing here keeps state. Time-of-day and weekday
contexts come from :mod:`edgerec.timectx`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["recency_weights", "context_weights", "interest_centroids"]


def recency_weights(ts: np.ndarray, *, half_life_events: float | None = 3.0, half_life_days: float | None = None) -> np.ndarray:
    """Weight of each event (time order assumed) by how recent it is; the last event weighs 1.

    ``half_life_events``: the weight halves every that many later events.
    ``half_life_days``: the weight halves every that many days before the last event.
    Both may be combined; ``None`` switches one off.

    >>> recency_weights(np.array([0.0, 1.0, 2.0]), half_life_events=1.0).tolist()
    [0.25, 0.5, 1.0]
    >>> recency_weights(np.array([0.0, 86400.0]), half_life_events=None, half_life_days=1.0).tolist()
    [0.5, 1.0]
    """
    n = len(ts)
    w = np.ones(n, dtype=np.float64)
    if n == 0:
        return w
    if half_life_events:
        w *= 0.5 ** (np.arange(n - 1, -1, -1) / half_life_events)
    if half_life_days:
        w *= 0.5 ** ((ts.max() - ts) / (86400.0 * half_life_days))
    return w


def context_weights(contexts: list[dict | None], now: dict | None, *, boost: float = 1.0) -> np.ndarray:
    """Multiplier ``1 + boost * (share of context fields equal to now)`` per event.

    Only the fields present in ``now`` are compared; events without context get 1.

    >>> context_weights([{"time_of_day": "evening"}, {"time_of_day": "morning"}, None], {"time_of_day": "evening"}).tolist()
    [2.0, 1.0, 1.0]
    """
    out = np.ones(len(contexts), dtype=np.float64)
    if not now:
        return out
    keys = [k for k in ("time_of_day", "day_of_week") if k in now]
    if not keys:
        return out
    for i, ctx in enumerate(contexts):
        if ctx:
            out[i] += boost * sum(ctx.get(k) == now[k] for k in keys) / len(keys)
    return out


def interest_centroids(
    embeddings: np.ndarray, weights: np.ndarray, *, max_interests: int = 4, min_similarity: float = 0.5, iterations: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group liked items into a few interests; return ``(centroids, shares, assignment)``.

    Seeds are picked greedily: the heaviest item first, then repeatedly the item
    least similar to every seed, while that similarity is below ``min_similarity``
    and fewer than ``max_interests`` seeds exist. A few weighted k-means steps
    (cosine) refine them. Centroids are L2-normalised; ``shares`` sum to 1.

    >>> e = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]])
    >>> c, s, a = interest_centroids(e, np.ones(3))
    >>> a.tolist(), s.round(2).tolist()
    ([0, 0, 1], [0.67, 0.33])
    """
    n = len(embeddings)
    if n == 0:
        return np.zeros((0, embeddings.shape[1] if embeddings.ndim == 2 else 0), np.float32), np.zeros(0), np.zeros(0, np.int64)
    emb = np.asarray(embeddings, dtype=np.float32)
    w = np.asarray(weights, dtype=np.float64)
    seeds = [int(np.argmax(w))]
    best = emb @ emb[seeds[0]]
    while len(seeds) < max_interests:
        cand = int(np.argmin(best))
        if best[cand] >= min_similarity:
            break
        seeds.append(cand)
        best = np.maximum(best, emb @ emb[cand])
    centroids = emb[seeds].copy()
    wf = w.astype(np.float32)
    for _ in range(iterations):
        assign = np.argmax(emb @ centroids.T, axis=1)
        member = np.zeros((len(centroids), n), dtype=np.float32)
        member[assign, np.arange(n)] = wf
        summed = member @ emb
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        centroids = np.where(norms > 0, summed / np.maximum(norms, 1e-12), centroids)
    assign = np.argmax(emb @ centroids.T, axis=1)
    shares = np.bincount(assign, weights=w, minlength=len(centroids))
    keep = shares > 0
    remap = np.cumsum(keep) - 1
    shares = shares[keep]
    return centroids[keep], shares / shares.sum(), remap[assign]
