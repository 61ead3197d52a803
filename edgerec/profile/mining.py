"""Routine mining: recurring action patterns and the context that triggers them.

Input is one user's sessions, each a context (``meta``: field -> value) and a
set of action items (``("ac.temperature", 22)``, or ``("play", "news")`` for
app events). A *routine* is a set of items that recurs together, plus the
context values (*triggers*) that are stable inside the sessions showing it and
rare in the user's other sessions.

The steps, each a pure function:

1. :func:`candidate_patterns` keeps items seen in enough sessions, and counts
   the exact item sets sessions reduce to. Sets seen often enough are
   candidates; one-off (spontaneous) sessions fall away here.
2. :func:`assign_sessions` gives each session to the candidates it shows:
   itself, a superset (the user asked for part of a routine), several
   candidates (two routines at once), or the closest one by Jaccard.
3. :func:`select_triggers` keeps a context value when nearly all sessions of
   the group share it, a binomial test says it is far more common than in the
   other sessions matching the triggers chosen so far, and it is not implied by
   a trigger already chosen ("afternoon" implies "daylight" when the data
   always shows both).
   The rate among those other sessions is shrunk towards the value's rate
   among all other sessions, so a field still counts when few other
   sessions share the triggers chosen so far.
4. :func:`mine_routines` drops candidates without a trigger, unions of other
   routines, and parts of a routine with the same triggers.

>>> morning = {"time_of_day": "morning", "weather": "sunny"}
>>> evening = {"time_of_day": "evening", "weather": "rainy"}
>>> coffee = frozenset({("ac.mode", "heat")})
>>> sessions = [MiningSession({**morning, "weather": w}, coffee) for w in ["sunny", "rainy"] * 5]
>>> sessions += [MiningSession(evening, frozenset({("tv.volume", 20)}))] * 2
>>> [(r.triggers, sorted(r.items)) for r in mine_routines(sessions)]
[({'time_of_day': 'morning'}, [('ac.mode', 'heat')])]
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

__all__ = [
    "MiningSession",
    "MinedRoutine",
    "MiningConfig",
    "candidate_patterns",
    "assign_sessions",
    "select_triggers",
    "binomial_tail",
    "mine_routines",
]

Item = tuple[str, Any]


@dataclass(frozen=True)
class MiningSession:
    """One session: its context and the action items it shows."""

    meta: Mapping[str, str]
    items: frozenset


@dataclass(frozen=True)
class MinedRoutine:
    """A mined routine: triggers, action items, and the sessions behind it."""

    triggers: dict[str, str]
    items: frozenset
    support: int
    sessions: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class MiningConfig:
    """Thresholds of the miner; the defaults were set on development data.

    ``min_item_frac`` / ``min_pattern_frac``: an item / an exact item set must be
    seen in at least this share of sessions (and at least ``min_count`` times).
    ``trigger_share``: share of a group that must show a trigger value.
    ``trigger_alpha``: binomial p-value below which the value counts as
    informative against the user's other sessions; the first trigger of a
    routine must pass the stricter ``routine_alpha`` (else no routine).
    ``assign_jaccard``: least Jaccard for a session to join a group it does not
    match exactly. ``prune_implied``: never add a value implied by a chosen one
    (night -> after_sunset when the user's data always pairs them).
    ``prior_weight``: pseudo-sessions of the overall rate mixed into the rate
    among the sessions matching the triggers chosen so far.
    """

    min_count: int = 3
    min_item_frac: float = 0.02
    min_pattern_frac: float = 0.015
    trigger_share: float = 0.8
    trigger_alpha: float = 3e-3
    routine_alpha: float = 1e-4
    assign_jaccard: float = 0.5
    prune_implied: bool = True
    prior_weight: float = 8.0


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p).

    >>> round(binomial_tail(2, 2, 0.5), 3)
    0.25
    >>> binomial_tail(0, 5, 0.1)
    1.0
    """
    if k <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    total = 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    for i in range(k, n + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q)
    return min(1.0, total)


def candidate_patterns(sessions: Sequence[MiningSession], config: MiningConfig = MiningConfig()) -> list[tuple[frozenset, int]]:
    """Item sets that sessions reduce to often enough, most frequent first.

    Each session is first reduced to its frequent items.

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
    found = [(pattern, count) for pattern, count in reduced.items() if count >= least_pattern]
    found.sort(key=lambda pc: (-pc[1], -len(pc[0]), sorted(map(repr, pc[0]))))
    return found


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def _is_union(pattern: frozenset, count: int, candidates: Sequence[tuple[frozenset, int]]) -> bool:
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
        scores = [(_jaccard(items, p), -i) for i, p in enumerate(patterns)]
        if scores:
            best, neg_i = max(scores)
            if best >= config.assign_jaccard:
                groups[-neg_i].append(index)
    return groups


def _field_order(sessions: Sequence[MiningSession]) -> list[str]:
    order: list[str] = []
    for session in sessions:
        for key in session.meta:
            if key not in order:
                order.append(key)
    return order


def select_triggers(
    sessions: Sequence[MiningSession],
    group: Sequence[int],
    config: MiningConfig = MiningConfig(),
    *,
    implied: Mapping[tuple[str, str], set[tuple[str, str]]] | None = None,
    exclude: Sequence[int] = (),
) -> dict[str, str]:
    """The context values stable in ``group`` and informative against the rest.

    Greedy: among values shown by at least ``trigger_share`` of the group, add
    the one whose share in the group is least likely under its rate among the
    *other* sessions that match the triggers chosen so far (binomial tail);
    stop when that p-value exceeds ``trigger_alpha``. A value ``implied`` by a
    chosen one (see :func:`_implications`) is not added. Sessions in
    ``exclude`` (e.g. partial sessions of the same routine) count neither as
    group nor as other sessions.

    >>> s = [MiningSession({"day": "sat", "sky": "sun"}, frozenset())] * 6
    >>> s += [MiningSession({"day": "mon", "sky": "sun"}, frozenset())] * 6
    >>> select_triggers(s, range(6))
    {'day': 'sat'}
    """
    members = set(group)
    if not members:
        return {}
    order = _field_order(sessions)
    left_out = members | set(exclude)
    others = [s for i, s in enumerate(sessions) if i not in left_out]
    distinct = {key: len({s.meta.get(key) for s in sessions} - {None}) for key in order}
    candidates = []
    for key in order:
        values = Counter(sessions[i].meta.get(key) for i in members)
        value, count = values.most_common(1)[0]
        if value is not None and count / len(members) >= config.trigger_share:
            candidates.append((key, value, count))
    overall = {
        (key, value): (sum(1 for s in others if s.meta.get(key) == value) + 1) / (len(others) + max(2, distinct[key]))
        for key, value, _ in candidates
    }
    chosen: dict[str, str] = {}
    while candidates:
        matching = [s for s in others if all(s.meta.get(k) == v for k, v in chosen.items())]
        best = None
        for key, value, count in candidates:
            # the value's rate among the other sessions matching the triggers so far, shrunk
            # towards its rate among all other sessions when few of them match
            seen = sum(1 for s in matching if s.meta.get(key) == value)
            rate = (seen + config.prior_weight * overall[key, value]) / (len(matching) + config.prior_weight)
            p_value = binomial_tail(count, len(members), rate)
            if best is None or (p_value, -count) < (best[0], -best[3]):
                best = (p_value, key, value, count)
        if best[0] > (config.trigger_alpha if chosen else config.routine_alpha):
            break
        chosen[best[1]] = best[2]
        follows = (implied or {}).get((best[1], best[2]), set())
        candidates = [c for c in candidates if c[0] != best[1] and (c[0], c[1]) not in follows]
    return {key: chosen[key] for key in order if key in chosen}


def _implications(
    sessions: Sequence[MiningSession],
    *,
    least: int = 10,
    share: float = 0.97,
    background: Sequence[MiningSession] | None = None,
) -> dict:
    """For each context value, the other values that (nearly) always come with it.

    ``("time_of_day", "night")`` implies ``("sun_phase", "after_sunset")`` when
    at least ``share`` of the (at least ``least``) night sessions are after
    sunset. Such a value adds nothing to a trigger that has the first.

    Routines bias the context of their sessions: when every routine of a user
    runs on weekdays, nearly all sunny sessions are weekday ones without sunny
    implying weekday. So when at least ``least`` ``background`` sessions (those
    no routine explains) are given, an implication is kept only between fields
    that depend on each other there (see :func:`_dependent_fields`).

    >>> night = [MiningSession({"tod": "night", "sun": "set", "day": "wd"}, frozenset())] * 12
    >>> bg = [MiningSession({"tod": t, "sun": u, "day": d}, frozenset())
    ...       for t, u in [("night", "set"), ("noon", "up")] for d in ["wd", "wd", "we"]] * 2
    >>> sorted(_implications(night)[("tod", "night")])
    [('day', 'wd'), ('sun', 'set')]
    >>> sorted(_implications(night, background=bg)[("tod", "night")])
    [('sun', 'set')]
    """
    linked = _dependent_fields(background) if background is not None and len(background) >= least else None
    by_value: dict[tuple[str, str], list[MiningSession]] = {}
    for session in sessions:
        for pair in session.meta.items():
            by_value.setdefault(pair, []).append(session)
    implied: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for pair, group in by_value.items():
        if len(group) < least:
            continue
        counts = Counter(other for s in group for other in s.meta.items() if other[0] != pair[0])
        implied[pair] = {other for other, count in counts.items() if count / len(group) >= share}
        if linked is not None:
            implied[pair] = {other for other in implied[pair] if (pair[0], other[0]) in linked}
    return implied


def _dependent_fields(sessions: Sequence[MiningSession], *, gain: float = 0.15) -> set[tuple[str, str]]:
    """Ordered field pairs ``(a, b)`` where knowing ``a`` predicts ``b`` clearly better than chance.

    Predicting each session's ``b`` as the most common ``b`` for its ``a`` must
    be right at least ``gain`` more often than always guessing the most common ``b``.

    >>> s = [MiningSession({"tod": t, "sun": u, "day": d}, frozenset())
    ...      for t, u in [("night", "set"), ("noon", "up")] for d in ["wd", "wd", "we"]]
    >>> sorted(_dependent_fields(s))
    [('sun', 'tod'), ('tod', 'sun')]
    """
    fields = _field_order(sessions)
    pairs: set[tuple[str, str]] = set()
    n = len(sessions)
    if not n:
        return pairs
    for a in fields:
        for b in fields:
            if a == b:
                continue
            joint = Counter((s.meta.get(a), s.meta.get(b)) for s in sessions)
            best_given: dict[Any, int] = {}
            for (va, _), count in joint.items():
                best_given[va] = max(best_given.get(va, 0), count)
            alone = Counter(s.meta.get(b) for s in sessions).most_common(1)[0][1]
            if (sum(best_given.values()) - alone) / n >= gain:
                pairs.add((a, b))
    return pairs


def mine_routines(sessions: Sequence[MiningSession], config: MiningConfig = MiningConfig()) -> list[MinedRoutine]:
    """The routines of one user, most supported first.

    ``sessions`` carry the items extracted per session; see the module docstring
    for the steps.
    """
    candidates = candidate_patterns(sessions, config)
    candidates = [(p, count) for p, count in candidates if not _is_union(p, count, candidates)]
    patterns = _absorb_parts(sessions, candidates, config)
    groups = assign_sessions(sessions, patterns, config)
    grouped = {i for group in groups for i in group}
    implied = _implications(sessions, background=[s for i, s in enumerate(sessions) if i not in grouped])
    mined: list[MinedRoutine] = []
    for pattern, group in zip(patterns, groups):
        triggers = select_triggers(sessions, group, config, implied=implied if config.prune_implied else None)
        if not triggers:
            continue
        routine = MinedRoutine(triggers, pattern, len(group), tuple(group))
        if any(_covers(kept, routine) for kept in mined):
            continue
        mined.append(routine)
    mined.sort(key=lambda r: (-r.support, sorted(r.triggers.items())))
    return mined


def _compatible(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Whether one trigger set extends the other (no field with two values)."""
    return all(b.get(k, v) == v for k, v in a.items())


def _absorb_parts(
    sessions: Sequence[MiningSession], candidates: Sequence[tuple[frozenset, int]], config: MiningConfig
) -> list[frozenset]:
    """Candidates left once the parts of more frequent candidates are folded in.

    A candidate inside a more frequent one is a part of it (a partial session)
    unless the sessions showing exactly that part have triggers of their own
    that conflict with the bigger candidate's.
    """
    exact_triggers = []
    for pattern, _ in candidates:
        exact = [i for i, s in enumerate(sessions) if s.items == pattern]
        exact_triggers.append(select_triggers(sessions, exact, config))
    kept: list[int] = []
    for index, (pattern, count) in enumerate(candidates):
        absorbed = any(
            pattern < candidates[k][0] and candidates[k][1] > count
            and _compatible(exact_triggers[index], exact_triggers[k])
            for k in kept
        )
        if not absorbed:
            kept.append(index)
    return [candidates[i][0] for i in kept]


def _covers(kept: MinedRoutine, new: MinedRoutine) -> bool:
    """Whether ``new`` is a part or variant of ``kept``, with the same triggers."""
    if kept.triggers != new.triggers:
        return False
    return new.items <= kept.items or _jaccard(new.items, kept.items) >= 0.5
