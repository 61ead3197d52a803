"""The records of routine mining: a session, a mined routine, and the miner's settings.

>>> MiningConfig().penalty
1.0
>>> field_order([MiningSession({"b": "1", "a": "2"}, frozenset()), MiningSession({"c": "3"}, frozenset())])
['b', 'a', 'c']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

__all__ = ["CALENDAR_RATES", "CONTEXT_DEPENDENCIES", "Item", "MiningSession", "MinedRoutine", "MiningConfig", "field_order"]

Item = tuple[str, Any]

#: Context values whose rate is a public fact, not something to read from the user's sessions:
#: a day is a weekday 5 days in 7. Other routines that share the value cannot make it look common.
CALENDAR_RATES: Mapping[str, Mapping[str, float]] = {"day_of_week": {"weekday": 5 / 7, "weekend": 2 / 7}}

#: Context fields that depend on another: the sun phase on the time of day, the outdoor temperature on the weather.
CONTEXT_DEPENDENCIES: Mapping[str, str] = {"sun_phase": "time_of_day", "outdoor_temp": "weather"}


@dataclass(frozen=True)
class MiningSession:
    """One session: its context and the action items it shows."""

    meta: Mapping[str, str]
    items: frozenset


@dataclass(frozen=True)
class MinedRoutine:
    """A mined routine: triggers, action items, the sessions behind it, and its confidence.

    ``confidence`` (in [0, 1]) is the probability, under the miner's model
    (:mod:`edgerec.profile.mining_triggers`), that each decision about the
    triggers was right: every chosen value is a trigger and the best value
    left out is not. It grows with the sessions that show the routine and with
    how rare its trigger values are elsewhere; an app can show only routines
    above, say, 0.9. It does not count whether the actions are complete.
    """

    triggers: dict[str, str]
    items: frozenset
    support: int
    sessions: tuple[int, ...] = field(default=(), compare=False)
    confidence: float = field(default=1.0, compare=False)


@dataclass(frozen=True)
class MiningConfig:
    """Settings of the miner; the defaults were set on development data (docs/profile.md).

    Patterns: an item must be seen in at least ``min_item_frac`` of sessions
    (and ``min_count`` times); an item set is a candidate when ``min_exact``
    sessions show it exactly and ``min_count`` (and ``min_pattern_frac`` of
    all) show it or a part of it. ``assign_jaccard``: least Jaccard for a
    session to join a group it does not match exactly.

    Triggers (:mod:`edgerec.profile.mining_triggers`): a value shown by at least
    ``trigger_share`` of a group is a candidate; it is chosen when its log Bayes
    factor beats ``penalty``. The first trigger of a group decides whether it
    is a routine at all: :func:`~edgerec.profile.mining.mine_routines` sets its
    bar (``first_penalty`` for :func:`~edgerec.profile.mining.select_triggers`
    alone) to ``log(questions / expected_triggers)``, where ``questions`` is
    the number of distinct item sets seen times the number of context fields:
    the more places a coincidence could hide, the more evidence is needed.
    ``noise`` is the chance that a routine session misses a trigger value;
    ``prior_weight`` pseudo-sessions shrink a value's rate among few matching
    sessions, around a prior rate: the rate among other sessions, except
    where the value's rate is a public fact (``base_rates``; by default
    :data:`CALENDAR_RATES`, a weekday 5 days in 7), so other routines that
    share the value cannot make it look common. ``joint``: first score every
    set of at most ``max_triggers`` candidate values as a whole
    (:mod:`edgerec.profile.mining_joint`, ``joint_penalty`` per value after
    the first, context rates over all sessions with the ``dependencies``
    between fields) and keep that set when every session of the group shows
    it; otherwise (a group with stray sessions) the greedy choice decides.
    ``min_confidence``: a routine less likely than this to have its
    triggers right is not reported (0: all are). ``drop_excluded``: drop a trigger value that only
    says the routine avoids a better-supported routine's context.
    """

    min_count: int = 3
    min_item_frac: float = 0.02
    min_pattern_frac: float = 0.015
    min_exact: int = 2
    assign_jaccard: float = 0.5
    trigger_share: float = 0.7
    noise: float = 0.05
    penalty: float = 1.0
    first_penalty: float = 3.0
    expected_triggers: float = 4.0
    prior_weight: float = 8.0
    drop_excluded: bool = True
    min_confidence: float = 0.0
    base_rates: Mapping[str, Mapping[str, float]] | None = field(default_factory=lambda: CALENDAR_RATES, hash=False)
    joint: bool = True
    joint_penalty: float = 1.5
    max_triggers: int = 3
    dependencies: Mapping[str, str] | None = field(default_factory=lambda: CONTEXT_DEPENDENCIES, hash=False)


def field_order(sessions: Sequence[MiningSession]) -> list[str]:
    """The context fields in the order they first appear."""
    order: list[str] = []
    for session in sessions:
        for key in session.meta:
            if key not in order:
                order.append(key)
    return order
