"""Routine mining, step 1 and 2: the action patterns that recur, and which sessions show each.

Pure functions over :class:`~edgerec.profile.mining_model.MiningSession` lists;
:mod:`edgerec.profile.mining` runs them.

>>> a, b = frozenset({1, 2}), frozenset({3})
>>> jaccard(a, a | b)
0.6666666666666666
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from edgerec.profile.mining_model import MiningConfig, MiningSession

__all__ = ["candidate_patterns", "assign_sessions", "is_union", "jaccard"]


def candidate_patterns(sessions: Sequence[MiningSession], config: MiningConfig = MiningConfig()) -> list[tuple[frozenset, int]]:
    """Item sets that sessions reduce to, with how many sessions show each exactly, most frequent first.

    Each session is first reduced to its frequent items. A set is a candidate
    when at least ``min_exact`` sessions show it exactly and, counting the
    sessions that show only part of it (a user who left a setting out), at
    least ``min_count`` (and ``min_pattern_frac`` of all) sessions show it:
    evidence is pooled across partial sessions, so a routine asked for in full
    only twice in a short history is still found. A part counts for the most
    frequent set it is part of, and only when it is rarer than that set;
    otherwise it is more likely a routine of its own.

    >>> s = [MiningSession({}, frozenset({("a", 1), ("b", 2)}))] * 4 + [MiningSession({}, frozenset({("c", 3)}))]
    >>> [(sorted(p), n) for p, n in candidate_patterns(s)]
    [([('a', 1), ('b', 2)], 4)]
    """
    n = len(sessions)
    item_counts = Counter(item for s in sessions for item in s.items)
    least_item = max(config.min_count, math.ceil(config.min_item_frac * n))
    frequent = {item for item, count in item_counts.items() if count >= least_item}
    reduced = Counter(frozenset(s.items & frequent) for s in sessions)
    reduced.pop(frozenset(), None)
    least_pattern = max(config.min_count, math.ceil(config.min_pattern_frac * n))
    shown = sorted(((p, c) for p, c in reduced.items() if c >= config.min_exact),
                   key=lambda pc: (-pc[1], -len(pc[0]), sorted(map(repr, pc[0]))))
    pooled = Counter({p: c for p, c in shown})
    for part, count in reduced.items():
        # a part goes to the most frequent set it is part of, and only when it is rarer than that set
        home = next((p for p, c in shown if part < p), None)
        if home is not None and count <= reduced[home]:
            pooled[home] += count
    found = [(p, c) for p, c in shown if pooled[p] >= least_pattern]
    found.sort(key=lambda pc: (-pc[1], -len(pc[0]), sorted(map(repr, pc[0]))))
    return found


def jaccard(a: frozenset, b: frozenset) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def is_union(pattern: frozenset, count: int, candidates: Sequence[tuple[frozenset, int]]) -> bool:
    """Whether ``pattern`` is the union of two or more more frequent candidates.

    Two routines running together are rarer than each alone; the parts of a
    routine (partial sessions) are rarer than the routine, so they never make
    it a union.
    """
    inside = [p for p, c in candidates if p < pattern and c > count]
    covered = frozenset().union(*inside) if inside else frozenset()
    return len(inside) >= 2 and covered == pattern


def assign_sessions(
    sessions: Sequence[MiningSession],
    patterns: Sequence[frozenset],
    config: MiningConfig = MiningConfig(),
) -> list[list[int]]:
    """For each pattern, the indexes of the sessions that show it.

    A session goes to the pattern it equals; else to every pattern it is a union
    of; else to the most frequent pattern containing it (a partial session);
    else to the pattern of highest Jaccard, if at least ``assign_jaccard``.

    >>> a, b = frozenset({1, 2}), frozenset({3})
    >>> s = [MiningSession({}, x) for x in [a, b, a | b, frozenset({1}), frozenset({9})]]
    >>> assign_sessions(s, [a, b])
    [[0, 2, 3], [1, 2]]
    """
    groups: list[list[int]] = [[] for _ in patterns]
    for index, session in enumerate(sessions):
        items = session.items
        if not items:
            continue
        exact = [i for i, p in enumerate(patterns) if p == items]
        if exact:
            groups[exact[0]].append(index)
            continue
        inside = [i for i, p in enumerate(patterns) if p < items]
        covered = frozenset().union(*(patterns[i] for i in inside)) if inside else frozenset()
        if len(inside) >= 2 and covered == items:
            for i in inside:
                groups[i].append(index)
            continue
        supersets = [i for i, p in enumerate(patterns) if items < p]
        if supersets:
            groups[supersets[0]].append(index)
            continue
        scores = [(jaccard(items, p), -i) for i, p in enumerate(patterns)]
        if scores:
            best, neg_i = max(scores)
            if best >= config.assign_jaccard:
                groups[-neg_i].append(index)
    return groups
