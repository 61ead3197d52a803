"""Scoring of routine reconstruction, as in the EdgeWisePersona benchmark.

A routine is ``{"triggers": {...}, "actions": {device: {field: value}}}``. To
compare two routines each is *flattened* into a set of ``(path, value)`` pairs,
``path`` being the dotted key path (``"triggers.weather"``,
``"actions.ac.temperature"``), with ``None`` fields (and empty objects) dropped.

For one user, every ground-truth routine is matched to the predicted routine
whose flattened set has the highest Jaccard with its own. Over the matched pairs:

* ``acc.routine_exact``  triggers and actions both equal (after flattening)
* ``acc.triggers_exact`` triggers equal
* ``acc.actions_exact``  actions equal
* ``jaccard.flattened``  the Jaccard of the pair

and ``len_diff.avg`` is ``|#ground truth - #predicted|`` per user.

Edge cases, decided here and kept stable:

* A user with no predicted routine: each of its ground-truth routines scores
  Jaccard 0 and is not exact.
* Ties in Jaccard: the first predicted routine (in list order) with the best
  score is the match.
* Two empty flattened sets have Jaccard 1.0 (they are equal).
* Values compare with Python equality after lists become tuples, except that a
  ``bool`` never equals an ``int`` (``armed: true`` is not ``armed: 1``).

>>> gt = [{"triggers": {"time_of_day": "morning"}, "actions": {"ac": {"mode": "heat"}}}]
>>> score_user(gt, gt)["jaccard.flattened"]
1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edgerec.errors import InputError

__all__ = [
    "METRIC_KEYS",
    "flatten",
    "jaccard",
    "best_match",
    "score_user",
    "score_users",
]

METRIC_KEYS = (
    "acc.routine_exact",
    "acc.triggers_exact",
    "acc.actions_exact",
    "jaccard.flattened",
    "len_diff.avg",
)

_ROUTINE_METRICS = METRIC_KEYS[:4]


def _hashable(value: Any) -> Any:
    """A hashable, type-strict stand-in for a JSON leaf value."""
    if isinstance(value, bool):
        return ("__bool__", value)
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def flatten(obj: Mapping[str, Any] | None, prefix: str = "") -> frozenset[tuple[str, Any]]:
    """Flatten a nested mapping into a set of ``(dotted path, value)`` pairs.

    ``None`` values and empty mappings contribute nothing.

    >>> sorted(flatten({"triggers": {"weather": "rainy", "sun_phase": None},
    ...                 "actions": {"tv": {"volume": 30}, "ac": {}}}))
    [('actions.tv.volume', 30), ('triggers.weather', 'rainy')]
    """
    if obj is None:
        return frozenset()
    if not isinstance(obj, Mapping):
        raise InputError(f"expected a JSON object to flatten, got {type(obj).__name__}")
    pairs: set[tuple[str, Any]] = set()
    for key, value in obj.items():
        path = f"{prefix}{key}"
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs |= flatten(value, path + ".")
        else:
            pairs.add((path, _hashable(value)))
    return frozenset(pairs)


def jaccard(a: Iterable, b: Iterable) -> float:
    """Jaccard index ``|a & b| / |a | b|`` of two sets; 1.0 when both are empty.

    >>> jaccard({1, 2, 3}, {2, 3, 4})
    0.5
    >>> jaccard(set(), set())
    1.0
    """
    a, b = set(a), set(b)
    union = a | b
    if not union:
        return 1.0
    return len(a & b) / len(union)


def _part(routine: Mapping[str, Any], key: str) -> frozenset[tuple[str, Any]]:
    if not isinstance(routine, Mapping):
        raise InputError(f"a routine must be a JSON object, got {type(routine).__name__}")
    return flatten(routine.get(key), key + ".")


def best_match(
    truth: Mapping[str, Any], predicted: Sequence[Mapping[str, Any]]
) -> tuple[int | None, float]:
    """Index and Jaccard of the predicted routine closest to ``truth``.

    Returns ``(None, 0.0)`` for an empty prediction list; ties go to the first.

    >>> t = {"triggers": {"weather": "sunny"}, "actions": {"tv": {"volume": 10}}}
    >>> best_match(t, [{"triggers": {}, "actions": {}}, t, t])
    (1, 1.0)
    """
    target = flatten(truth)
    best_index, best_score = None, -1.0
    for index, routine in enumerate(predicted):
        score = jaccard(target, flatten(routine))
        if score > best_score:
            best_index, best_score = index, score
    if best_index is None:
        return None, 0.0
    return best_index, best_score


def _routine_rows(
    truth: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> list[dict[str, float]]:
    """One row of the four routine metrics per ground-truth routine."""
    rows = []
    for routine in truth:
        index, score = best_match(routine, predicted)
        if index is None:
            rows.append(dict.fromkeys(_ROUTINE_METRICS, 0.0))
            continue
        match = predicted[index]
        triggers = _part(routine, "triggers") == _part(match, "triggers")
        actions = _part(routine, "actions") == _part(match, "actions")
        rows.append(
            {
                "acc.routine_exact": float(triggers and actions),
                "acc.triggers_exact": float(triggers),
                "acc.actions_exact": float(actions),
                "jaccard.flattened": score,
            }
        )
    return rows


def score_user(
    truth: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """All five metrics for one user (routine metrics averaged over its routines).

    A user without ground-truth routines gets 0.0 routine metrics (nothing to
    recover); ``len_diff.avg`` is then the number of predicted routines.

    >>> t = [{"triggers": {"weather": "rainy"}, "actions": {"tv": {"volume": 30}}},
    ...      {"triggers": {"weather": "sunny"}, "actions": {"ac": {"mode": "cool"}}}]
    >>> p = [{"triggers": {"weather": "rainy"}, "actions": {"tv": {"volume": 25}}}]
    >>> s = score_user(t, p)
    >>> s["acc.triggers_exact"], s["jaccard.flattened"], s["len_diff.avg"]
    (0.5, 0.16666666666666666, 1.0)
    """
    rows = _routine_rows(truth, predicted)
    result = {k: (sum(r[k] for r in rows) / len(rows) if rows else 0.0) for k in _ROUTINE_METRICS}
    result["len_diff.avg"] = float(abs(len(truth) - len(predicted)))
    return result


def score_users(
    truth: Sequence[Sequence[Mapping[str, Any]]],
    predicted: Sequence[Sequence[Mapping[str, Any]]],
) -> dict[str, float]:
    """The benchmark's metrics over many users, as one dict with :data:`METRIC_KEYS`.

    ``truth[i]`` and ``predicted[i]`` are the routine lists of user ``i``. The
    four routine metrics are averaged over all ground-truth routines *pooled*
    across users (a user with six routines weighs twice one with three), as the
    benchmark's notebook does; ``len_diff.avg`` is averaged over users.

    Raises :class:`InputError` when the two lists differ in length or when there
    is no ground-truth routine at all.

    >>> r = {"triggers": {"day_of_week": "weekend"}, "actions": {"lights": {"color": "warm"}}}
    >>> score_users([[r], [r, r]], [[r], []])
    {'acc.routine_exact': 0.3333333333333333, 'acc.triggers_exact': 0.3333333333333333, \
'acc.actions_exact': 0.3333333333333333, 'jaccard.flattened': 0.3333333333333333, 'len_diff.avg': 1.0}
    """
    if len(truth) != len(predicted):
        raise InputError(
            f"predictions cover {len(predicted)} users but the ground truth has {len(truth)} users"
        )
    rows: list[dict[str, float]] = []
    len_diffs: list[float] = []
    for user_truth, user_pred in zip(truth, predicted):
        rows.extend(_routine_rows(user_truth, user_pred))
        len_diffs.append(float(abs(len(user_truth) - len(user_pred))))
    if not rows:
        raise InputError("the ground truth holds no routine, so there is nothing to score")
    result = {k: sum(r[k] for r in rows) / len(rows) for k in _ROUTINE_METRICS}
    result["len_diff.avg"] = sum(len_diffs) / len(len_diffs)
    return result
