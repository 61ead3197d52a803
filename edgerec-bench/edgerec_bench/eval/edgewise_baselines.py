"""Trivial routine predictors that show the floor of the EdgeWisePersona metrics.

None of them reads ``applied_routines`` or ``routines.jsonl``; none reads the
dialogue text either. They only look at session meta, so any score above
them is owed to understanding the dialogues.

* ``empty``: predicts no routine (every metric 0, ``len_diff.avg`` = mean
  number of routines).
* ``modal_meta``: one routine whose triggers are the user's most frequent
  ``time_of_day`` and ``day_of_week``, with no actions.
* ``top_times``: four routines (a typical count), one per ``time_of_day``
  value by frequency, each triggered by that value alone, with no actions.

>>> s = [{"session_id": 0, "meta": {"time_of_day": "night", "day_of_week": "weekday"}, "messages": []}]
>>> predict("modal_meta", s)
[{'triggers': {'time_of_day': 'night', 'day_of_week': 'weekday'}, 'actions': {}}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from edgerec.errors import InputError
from edgerec_bench.eval.edgewise_metrics import score_users

__all__ = ["BASELINES", "predict", "predict_empty", "predict_modal_meta", "predict_top_times", "baseline_scores"]

Routine = dict[str, Any]


def predict_empty(sessions: Sequence[Mapping[str, Any]]) -> list[Routine]:
    """No routine at all."""
    return []


def _modal(sessions: Sequence[Mapping[str, Any]], field: str) -> list[str]:
    """Values of a meta field, most frequent first (ties by first appearance)."""
    counts = Counter(s["meta"].get(field) for s in sessions if s["meta"].get(field) is not None)
    return [value for value, _ in counts.most_common()]


def predict_modal_meta(sessions: Sequence[Mapping[str, Any]]) -> list[Routine]:
    """One routine: the most frequent time of day and day of week, no actions."""
    triggers = {f: values[0] for f in ("time_of_day", "day_of_week") if (values := _modal(sessions, f))}
    return [{"triggers": triggers, "actions": {}}] if triggers else []


def predict_top_times(sessions: Sequence[Mapping[str, Any]], k: int = 4) -> list[Routine]:
    """Up to ``k`` routines, one per frequent time of day, no actions."""
    return [{"triggers": {"time_of_day": value}, "actions": {}} for value in _modal(sessions, "time_of_day")[:k]]


BASELINES: dict[str, Callable[[Sequence[Mapping[str, Any]]], list[Routine]]] = {
    "empty": predict_empty,
    "modal_meta": predict_modal_meta,
    "top_times": predict_top_times,
}


def predict(name: str, sessions: Sequence[Mapping[str, Any]]) -> list[Routine]:
    """Run the baseline called ``name`` on one user's sessions."""
    if name not in BASELINES:
        raise InputError(f"unknown baseline {name!r} (known: {', '.join(BASELINES)})")
    return BASELINES[name](sessions)


def baseline_scores(users: Sequence[Any]) -> dict[str, dict[str, float]]:
    """The metrics of every baseline on loaded users (:class:`~edgerec_bench.datasets.edgewise.EdgewiseUser`).

    >>> from edgerec_bench.datasets.edgewise_synth import synthesize_user
    >>> users = [synthesize_user(0, sessions=10, seed=0)[0]]
    >>> baseline_scores(users)["empty"]["jaccard.flattened"]
    0.0
    """
    from edgerec_bench.datasets.edgewise import truth

    expected = truth(users)
    return {name: score_users(expected, [predict(name, u.sessions) for u in users]) for name in BASELINES}
