"""Ranking metrics as free functions sharing one signature.

Every metric takes ``(ranked, relevant, k)``:

- ``ranked``: one ranked list of item ids per user, best first;
- ``relevant``: for each user, the relevant item id or a set of them;
- ``k``: the cut-off (``None`` means the whole list).

Each returns the mean over users as a float. Binary relevance throughout.

>>> ranked = [["a", "b", "c"], ["x", "y", "z"]]
>>> hit_rate_at_k(ranked, ["b", "q"], k=2)
0.5
>>> ranking_metrics(ranked, ["a", "z"], k=2)
{'ndcg@2': 0.5, 'hr@2': 0.5, 'mrr': 0.6666666666666666}
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

from edgerec.errors import InputError

__all__ = ["ndcg_at_k", "hit_rate_at_k", "mrr", "ranking_metrics"]


def _as_set(relevant: Hashable | Iterable[Hashable]) -> set:
    if isinstance(relevant, (set, frozenset, list, tuple)):
        return set(relevant)
    return {relevant}


def _pairs(ranked: Sequence[Sequence[Hashable]], relevant: Sequence) -> list[tuple[Sequence, set]]:
    if len(ranked) != len(relevant):
        raise InputError(
            f"ranked has {len(ranked)} users but relevant has {len(relevant)}; they must match"
        )
    if not ranked:
        raise InputError("no users to evaluate")
    return [(list(r), _as_set(rel)) for r, rel in zip(ranked, relevant)]


def _cut(items: Sequence, k: int | None) -> Sequence:
    if k is None:
        return items
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    return items[:k]


def ndcg_at_k(ranked: Sequence[Sequence[Hashable]], relevant: Sequence, k: int | None = 10) -> float:
    """Mean normalised discounted cumulative gain at ``k`` (binary gains).

    DCG sums ``1 / log2(rank + 1)`` over relevant items in the top ``k``; it is
    divided by the DCG of an ideal list holding every relevant item first.

    >>> ndcg_at_k([["a", "b"]], ["b"], k=2)  # 1 / log2(3)
    0.6309297535714575
    """
    total = 0.0
    for items, rel in _pairs(ranked, relevant):
        top = _cut(items, k)
        dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(top) if item in rel)
        n_ideal = len(rel) if k is None else min(len(rel), k)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(n_ideal))
        total += dcg / idcg if idcg > 0 else 0.0
    return total / len(ranked)


def hit_rate_at_k(ranked: Sequence[Sequence[Hashable]], relevant: Sequence, k: int | None = 10) -> float:
    """Share of users with at least one relevant item in the top ``k``.

    >>> hit_rate_at_k([["a", "b"], ["c", "d"]], ["b", "e"], k=2)
    0.5
    """
    hits = sum(any(item in rel for item in _cut(items, k)) for items, rel in _pairs(ranked, relevant))
    return hits / len(ranked)


def mrr(ranked: Sequence[Sequence[Hashable]], relevant: Sequence, k: int | None = None) -> float:
    """Mean reciprocal rank of the first relevant item (0 when none is in the top ``k``).

    >>> mrr([["a", "b", "c"]], ["c"])
    0.3333333333333333
    """
    total = 0.0
    for items, rel in _pairs(ranked, relevant):
        for i, item in enumerate(_cut(items, k)):
            if item in rel:
                total += 1.0 / (i + 1)
                break
    return total / len(ranked)


def ranking_metrics(ranked: Sequence[Sequence[Hashable]], relevant: Sequence, k: int | None = 10) -> dict[str, float]:
    """All metrics in one dict: ``ndcg@k``, ``hr@k`` (both cut at ``k``) and ``mrr`` (whole list).

    >>> ranking_metrics([["a"]], ["a"], k=10)
    {'ndcg@10': 1.0, 'hr@10': 1.0, 'mrr': 1.0}
    """
    label = "all" if k is None else str(k)
    return {
        f"ndcg@{label}": ndcg_at_k(ranked, relevant, k),
        f"hr@{label}": hit_rate_at_k(ranked, relevant, k),
        "mrr": mrr(ranked, relevant, None),
    }
