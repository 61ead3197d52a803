"""The spectral catalog's pure parts: weighted contributions, the item domain, low-rank denoising.

Counting bounded item sets (:mod:`edgerec.privacy.contributions`) caps what one
person adds by *truncating* their history; with user-level noise on every cell
of an ``n x n`` matrix, almost every cell is then noise. The spectral method
changes three things, and each is post-processing or a bound on one person's
L2 contribution, so the privacy argument stays that of the Gaussian mechanism:

1. **L2-weighted contributions.** A person adds *every* pair (or transition)
   of their history, each with weight ``UNIT / sqrt(number of pairs)`` (rounded
   down to an integer), so their whole contribution has L2 norm at most
   ``UNIT`` however long the history is: long histories add more pairs at a
   smaller weight instead of being cut to their last few items. Weights are
   integers in units of ``1 / UNIT``, so counts stay integers, OpenDP's
   discrete Gaussian applies, and removing a person is exact integer subtraction.
2. **A domain.** Pairs are counted among the ``domain`` most popular items
   only, by the *released* (noisy) popularity, so noise is drawn for
   ``domain**2 / 2`` cells instead of ``n**2 / 2``, and each person's weight
   is spread over fewer pairs.
3. **Low-rank denoising.** The noisy domain block is replaced by its best
   rank-``rank`` approximation (top eigenpairs). Gaussian noise spreads evenly
   over all directions while co-occurrence concentrates on a few, so this keeps
   most of the signal and drops most of the noise.

>>> c = weighted_contribution(np.array([0, 1, 2]), np.ones(3, bool), window=1)
>>> c.pairs.tolist(), c.pair_w.tolist()
([[0, 1], [0, 2], [1, 2]], [37837, 37837, 37837])
>>> bool(l2_units(c.pair_w) <= UNIT)
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

from edgerec.errors import MissingExtraError
from edgerec.privacy.contributions import Contribution, count_items, count_pairs, distinct_recent
from edgerec.privacy.data import Histories
from edgerec.rank.cooccurrence import ItemNeighbours

__all__ = ["UNIT", "block_of", "choose_domain", "l2_units", "low_rank", "spectral_state", "top_eigenpairs",
           "weighted_contribution", "widen"]

#: The pair signals and the contribution field each is counted from.
PAIR_KIND = {"cooccurrence": "pairs", "sequential": "transitions"}

#: One person's whole contribution to a signal has L2 norm at most UNIT (weights are integers).
UNIT = 1 << 16


def l2_units(weights: np.ndarray) -> float:
    """L2 norm of integer weights."""
    return math.sqrt(float(np.sum(np.asarray(weights, dtype=np.float64) ** 2)))


def _unit_weights(raw: np.ndarray) -> np.ndarray:
    """Integer weights proportional to ``raw`` (>= 0) whose L2 norm is at most UNIT."""
    raw = np.asarray(raw, dtype=np.float64)
    norm = math.sqrt(float(np.sum(raw ** 2)))
    if norm == 0:
        return np.zeros(len(raw), dtype=np.int64)
    return np.floor(raw * (UNIT / norm)).astype(np.int64)


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1).reshape(-1, 2)


def weighted_contribution(seq: np.ndarray, domain: np.ndarray | None, *, window: int = 5,
                          decay: float = 1.0, pairs: bool = True) -> Contribution:
    """One person's L2-bounded contribution (module docstring), items as rows.

    ``domain`` is a boolean mask over items (None: items only, no pairs yet).
    Items: every distinct item at equal weight. Pairs (none when ``pairs`` is
    False: co-occurrence not released): every unordered pair of
    distinct items in the domain. Transitions: pairs of distinct domain items at
    most ``window`` steps apart in the person's de-duplicated, domain-only
    history, weighted ``decay ** (gap - 1)`` before scaling; a pair met at
    several gaps keeps its largest weight.
    """
    recent = distinct_recent(np.asarray(seq, dtype=np.int64))
    items = np.sort(recent)
    empty, none = np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
    if domain is None:
        return Contribution(items, empty, empty, _unit_weights(np.ones(len(items))), none, none)
    kept = recent[np.asarray(domain, dtype=bool)[recent]]
    top = np.sort(kept) if pairs else kept[:0]
    i, j = np.triu_indices(len(top), 1)
    all_pairs = _pairs(top[i], top[j])
    keys, weights = [], []
    for gap in range(1, min(window, len(kept) - 1) + 1):
        keys.append(_pairs(kept[:-gap], kept[gap:]))
        weights.append(np.full(len(kept) - gap, decay ** (gap - 1)))
    if keys:
        both, raw = np.concatenate(keys), np.concatenate(weights)
        order = np.lexsort((-raw, both[:, 1], both[:, 0]))
        both, raw = both[order], raw[order]
        first = np.ones(len(both), dtype=bool)
        first[1:] = np.any(both[1:] != both[:-1], axis=1)  # the largest weight of each pair comes first
        transitions, trans_raw = both[first], raw[first]
    else:
        transitions, trans_raw = empty, np.zeros(0)
    return Contribution(items, all_pairs, transitions, _unit_weights(np.ones(len(items))),
                        _unit_weights(np.ones(len(all_pairs))), _unit_weights(trans_raw))


def choose_domain(noisy_popularity: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` items of highest released popularity (ties: lower row), as sorted rows."""
    pop = np.asarray(noisy_popularity)
    size = min(int(size), len(pop))
    order = np.lexsort((np.arange(len(pop)), -pop))
    return np.sort(order[:size])


def block_of(matrix: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """The ``domain x domain`` block of a square matrix."""
    return matrix[np.ix_(domain, domain)]


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries (scanning them costs ~10 ms, so once)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def top_eigenpairs(block: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``rank`` largest eigenvalues of a symmetric matrix (descending) and their eigenvectors (columns).

    Only those pairs are computed (LAPACK's ``syevr`` through ``scipy.linalg.eigh``
    with ``subset_by_index``), about half the time of a full decomposition at the
    sizes used here; the result is a deterministic function of the block, so a
    build and an unlearning release that see the same block get the same pairs.

    >>> values, vectors = top_eigenpairs(np.diag([3.0, -1.0, 2.0]), 2)
    >>> values.round(6).tolist(), np.abs(vectors).round(6).T.tolist()
    ([3.0, 2.0], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    """
    try:
        from scipy.linalg import eigh
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("scipy", "privacy") from exc

    block = np.asarray(block, dtype=np.float64)
    d = len(block)
    rank = min(max(0, int(rank)), d)
    if rank == 0:
        return np.zeros(0), np.zeros((d, 0))
    # one BLAS thread: a few hundred rows gain nothing from more, and on a busy machine
    # OpenBLAS's spinning threads made this call 100x slower (3 s instead of 30 ms)
    with _blas_controller().limit(limits=1, user_api="blas"):
        values, vectors = eigh(block, subset_by_index=[d - rank, d - 1], driver="evr", check_finite=False)
    return values[::-1], vectors[:, ::-1]


def low_rank(block: np.ndarray, rank: int) -> np.ndarray:
    """Best rank-``rank`` approximation of a symmetric matrix from its largest positive eigenpairs; zero diagonal.

    >>> m = np.array([[0., 3, 3], [3, 0, 3], [3, 3, 0]])
    >>> low_rank(m, 1).round(2).tolist()
    [[0.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 0.0]]
    """
    block = np.asarray(block, dtype=np.float64)
    if block.size == 0:
        return block.copy()
    values, vectors = top_eigenpairs(block, rank)
    keep = values > 0
    values, vectors = values[keep], vectors[:, keep]
    with _blas_controller().limit(limits=1, user_api="blas"):  # see top_eigenpairs
        out = (vectors * values) @ vectors.T
    np.fill_diagonal(out, 0.0)
    return out


def spectral_state(histories: Histories, plan: dict, noise: dict | None, domain: np.ndarray | None, *,
                   size: int, window: int):
    """Contributions, noisy state and domain of the spectral method (module docstring).

    Popularity is counted and noised first; the domain is the released
    popularity's top ``size`` items (unless ``domain`` is given), and pairs are
    counted and noised inside it only, for the signals in ``plan`` (a pair
    signal outside it is neither counted nor noised). ``noise`` replaces
    OpenDP's draws (tests, and "the same noise" rebuilds).
    """
    n = histories.n_items
    popularity = count_items([weighted_contribution(s, None) for s in histories.sequences], n)
    if noise is None:
        from edgerec.privacy.noise import discrete_gaussian

        noisy_popularity = popularity + discrete_gaussian(n, scale=plan["popularity"]["scale"])
    else:
        noisy_popularity = popularity + noise["popularity"]
    domain = choose_domain(noisy_popularity, size) if domain is None else np.sort(np.asarray(domain, np.int64))
    mask = np.zeros(n, dtype=bool)
    mask[domain] = True
    contributions = {u: weighted_contribution(s, mask, window=window, pairs="cooccurrence" in plan)
                     for u, s in zip(histories.user_ids, histories.sequences)}
    parts = list(contributions.values())
    state = {"popularity": noisy_popularity}
    for signal, kind in PAIR_KIND.items():
        counts = count_pairs(parts, n, kind)
        if signal not in plan:  # not released (co-occurrence from text): no counts, no noise
            state[signal] = counts
        elif noise is not None:
            state[signal] = counts + noise[signal]
        else:
            state[signal] = counts + _block_noise(n, domain, plan[signal]["scale"])
    return contributions, state, domain


def _block_noise(n_items: int, domain: np.ndarray, scale: float) -> np.ndarray:
    """Symmetric OpenDP discrete Gaussian noise on the domain's item pairs (zero elsewhere, never released)."""
    from edgerec.privacy.noise import discrete_gaussian

    i, j = np.triu_indices(len(domain), 1)
    out = np.zeros((n_items, n_items), dtype=np.int64)
    out[domain[i], domain[j]] = discrete_gaussian(len(i), scale=scale)
    return out + out.T


def widen(local: ItemNeighbours, domain: np.ndarray, n_items: int) -> ItemNeighbours:
    """Neighbours over the domain's rows (local indices) as neighbours over all items (empty outside)."""
    lengths = np.zeros(n_items, dtype=np.int64)
    lengths[domain] = np.diff(local.indptr)
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return ItemNeighbours(n_items, indptr, domain[local.indices].astype(np.int32), local.values)
