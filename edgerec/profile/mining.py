"""Routine mining: recurring action patterns and the context that triggers them.

Input is one user's sessions, each a context (``meta``: field -> value) and a
set of action items (``("ac.temperature", 22)``, or ``("play", "news")`` for
app events). A *routine* is a set of items that recurs together, plus the
context values (*triggers*) that hold in the sessions showing it and are rare
in the user's other sessions.

The steps, each a pure function:

1. :func:`~edgerec.profile.mining_patterns.candidate_patterns` keeps items seen
   in enough sessions and counts the item sets sessions reduce to; evidence is
   pooled over sessions showing part of a set. One-off (spontaneous) sessions
   fall away here. Unions of two more frequent candidates (two routines at
   once) and parts of a more frequent one (partial sessions) are set aside.
2. :func:`~edgerec.profile.mining_patterns.assign_sessions` gives each session
   to the candidates it shows: itself, a superset (the user asked for part of
   a routine), several candidates (two routines at once), or the closest one
   by Jaccard (one setting too many or too few).
3. :func:`select_triggers` chooses the triggers of each group with a Bayes
   factor per context value (:mod:`edgerec.profile.mining_triggers`), so the
   evidence needed follows the number of sessions and how rare the value is;
   each routine gets a ``confidence``.
4. :func:`mine_routines` drops groups without a trigger, parts of a routine
   with the same triggers, and (:func:`drop_excluded_triggers`) trigger values
   that only say a routine avoids another routine's context.

:class:`RoutineMiner` keeps a growing history and answers as a batch mine would.

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
from dataclasses import replace
from typing import Iterable, Mapping, Sequence

from edgerec.profile.mining_model import MinedRoutine, MiningConfig, MiningSession, field_order
from edgerec.profile.mining_patterns import assign_sessions, candidate_patterns, is_union, jaccard
from edgerec.profile.mining_joint import joint_triggers, satisfies
from edgerec.profile.mining_triggers import TriggerChoice, choose_triggers

__all__ = [
    "MiningSession",
    "MinedRoutine",
    "MiningConfig",
    "RoutineMiner",
    "candidate_patterns",
    "assign_sessions",
    "select_triggers",
    "trigger_choice",
    "drop_excluded_triggers",
    "mine_routines",
]


def trigger_choice(sessions: Sequence[MiningSession], group: Sequence[int], config: MiningConfig = MiningConfig(),
                   *, exclude: Sequence[int] = ()) -> TriggerChoice:
    """The triggers of the sessions ``group`` against the others, with the posterior of each decision.

    Sessions in ``exclude`` count neither as group nor as other sessions.
    With ``config.joint``, the best-scoring whole trigger set
    (:func:`edgerec.profile.mining_joint.joint_triggers`) when every session of
    the group shows it; otherwise the greedy choice
    (:func:`edgerec.profile.mining_triggers.choose_triggers`).
    """
    members = set(group)
    left_out = members | set(exclude)
    metas = [sessions[i].meta for i in sorted(members)]
    others = [s.meta for i, s in enumerate(sessions) if i not in left_out]
    order = field_order(sessions)
    if config.joint:
        joint = joint_triggers(metas, others, order, share=config.trigger_share, noise=config.noise,
                               penalty=config.joint_penalty, first_penalty=config.first_penalty,
                               max_triggers=config.max_triggers, dependencies=config.dependencies,
                               base_rates=config.base_rates)
        if joint.triggers and all(satisfies(m, joint.triggers) for m in metas):
            return joint
    return choose_triggers(metas, others, order, share=config.trigger_share, noise=config.noise,
                           penalty=config.penalty, first_penalty=config.first_penalty,
                           prior_weight=config.prior_weight, base_rates=config.base_rates)


def select_triggers(sessions: Sequence[MiningSession], group: Sequence[int], config: MiningConfig = MiningConfig(),
                    *, exclude: Sequence[int] = ()) -> dict[str, str]:
    """The context values that hold in ``group`` and are informative against the rest.

    >>> s = [MiningSession({"day": "sat", "sky": "sun"}, frozenset())] * 6
    >>> s += [MiningSession({"day": "mon", "sky": "sun"}, frozenset())] * 6
    >>> select_triggers(s, range(6))
    {'day': 'sat'}
    """
    return trigger_choice(sessions, group, config, exclude=exclude).triggers


def mine_routines(sessions: Sequence[MiningSession], config: MiningConfig = MiningConfig()) -> list[MinedRoutine]:
    """The routines of one user, most supported first.

    ``sessions`` carry the items extracted per session; see the module docstring
    for the steps.
    """
    candidates = candidate_patterns(sessions, config)
    candidates = [(p, count) for p, count in candidates if not is_union(p, count, candidates)]
    patterns = _absorb_parts(sessions, candidates, config)
    groups = assign_sessions(sessions, patterns, config)
    # a routine-or-not question per distinct item set seen and context field: with about expected_triggers
    # true ones among them, the prior log odds of each is -log(questions / expected_triggers)
    questions = max(1, len({s.items for s in sessions if s.items}) * len(field_order(sessions)))
    tested = replace(config, first_penalty=math.log(questions / config.expected_triggers))
    mined: list[MinedRoutine] = []
    for pattern, group in zip(patterns, groups):
        choice = trigger_choice(sessions, group, tested)
        if not choice.triggers or choice.confidence < config.min_confidence:
            continue
        routine = MinedRoutine(choice.triggers, pattern, len(group), tuple(group), round(choice.confidence, 4))
        part = next((i for i, kept in enumerate(mined) if kept.triggers == routine.triggers
                     and kept.items < routine.items), None)
        if part is not None:  # a part asked for more often than the whole, in the same context: one routine
            kept = mined[part]
            joined = tuple(sorted(set(kept.sessions) | set(routine.sessions)))
            mined[part] = MinedRoutine(routine.triggers, routine.items, len(joined), joined,
                                       max(kept.confidence, routine.confidence))
            continue
        if any(_covers(kept, routine) for kept in mined):
            continue
        mined.append(routine)
    if config.drop_excluded:
        mined = drop_excluded_triggers(mined, sessions)
    mined.sort(key=lambda r: (-r.support, sorted(r.triggers.items())))
    return mined


class RoutineMiner:
    """A user's routines kept up to date as sessions arrive.

    :meth:`add` appends sessions; :meth:`routines` answers exactly as
    :func:`mine_routines` over every session added so far, in order, and is
    recomputed only after an :meth:`add` (a few milliseconds per hundred
    sessions). The miner's statistics (pattern counts, trigger rates) depend
    on the whole history, so the history is what is kept.

    >>> miner = RoutineMiner()
    >>> miner.add([MiningSession({"time_of_day": "night"}, frozenset({("security.armed", True)}))] * 6)
    >>> miner.add([MiningSession({"time_of_day": "morning"}, frozenset({("tv.volume", 9)}))])
    >>> [(r.triggers, r.support) for r in miner.routines()], len(miner)
    ([({'time_of_day': 'night'}, 6)], 7)
    """

    def __init__(self, config: MiningConfig = MiningConfig()):
        self.config = config
        self._sessions: list[MiningSession] = []
        self._routines: list[MinedRoutine] | None = []

    def __len__(self) -> int:
        return len(self._sessions)

    def add(self, sessions: Iterable[MiningSession]) -> None:
        """Append sessions to the history (the next :meth:`routines` call re-mines)."""
        new = list(sessions)
        if new:
            self._sessions.extend(new)
            self._routines = None

    def routines(self) -> list[MinedRoutine]:
        """The routines of the history so far, most supported first."""
        if self._routines is None:
            self._routines = mine_routines(self._sessions, self.config) if self._sessions else []
        return list(self._routines)


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
    return new.items <= kept.items or jaccard(new.items, kept.items) >= 0.5


def drop_excluded_triggers(routines: Sequence[MinedRoutine], sessions: Sequence[MiningSession]) -> list[MinedRoutine]:
    """Drop a trigger value that only says the routine's sessions avoid another routine's context.

    A routine's trigger ``f = v`` is dropped when, for every other value ``v'``
    of ``f`` seen with each of its remaining triggers, another routine's triggers
    hold on the remaining triggers plus ``f = v'``: a session there would enact
    that routine instead, so ``v`` is what is left, not a cause.
    """
    seen_pairs = {(a, b) for s in sessions for a in s.meta.items() for b in s.meta.items()}
    values: dict[str, set] = {}
    for s in sessions:
        for k, v in s.meta.items():
            values.setdefault(k, set()).add(v)
    out = []
    for routine in routines:
        triggers = dict(routine.triggers)
        for key in list(routine.triggers):
            if len(triggers) < 2:
                break
            rest = {k: v for k, v in triggers.items() if k != key}
            alternatives = [v for v in values.get(key, ()) if v != triggers[key]
                            and all(((key, v), pair) in seen_pairs for pair in rest.items())]
            claimed = alternatives and all(
                any(other is not routine and other.triggers.get(key) == alt and len(other.triggers) <= len(rest)
                    and other.support >= routine.support
                    and all({**rest, key: alt}.get(k) == v for k, v in other.triggers.items())
                    for other in routines)
                for alt in alternatives)
            if claimed:
                triggers = rest
        out.append(routine if triggers == routine.triggers else
                   MinedRoutine(triggers, routine.items, routine.support, routine.sessions, routine.confidence))
    return out
