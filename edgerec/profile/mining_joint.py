"""Trigger choice as one decision: the most likely trigger set, scored as a whole.

The greedy choice (:mod:`edgerec.profile.mining_triggers`) adds one value at a
time, each judged against a rate read from the sessions matching the values
chosen so far. Here every set of at most ``max_triggers`` candidate values is
scored at once. Under "the routine runs exactly when ``T`` holds", a session of
the group that satisfies ``T`` is ``1 / P(T)`` times likelier than under "no
routine", where ``P(T)`` is the chance that an ordinary session satisfies
``T``; a session that does not satisfy it is noise (probability ``noise``). So

    score(T) = sum over the group's sessions of log((1 - noise) * [s satisfies T] / P(T) + noise)
               - penalty * (|T| - 1)

and the choice is the best-scoring set. Whether the group is a routine at all
is decided on the evidence averaged over the candidate sets (each weighted by its
prior, ``exp(-penalty)`` per value after the first), against ``first_penalty``:
a coincidence among a few sessions does not become a routine just because many
sets were tried.

``P(T)`` comes from a model of the user's contexts (:func:`context_model`):
each field's rates over *all* of the user's sessions, a field that depends on
another (the sun phase on the time of day, the outdoor temperature on the
weather: ``dependencies``) counted per value of that other field, and a field
whose rates are public facts (a weekday 5 days in 7: ``base_rates``) taking
those. Rates are counted with one pseudo-session per value, so no value seen in
the data has probability 0.

>>> metas = [{"time": t, "sky": s} for t in ("am", "pm") for s in ("sun", "rain", "sun", "sun")]
>>> model = context_model(metas, ["time", "sky"])
>>> round(trigger_probability({"time": "pm", "sky": "rain"}, model), 4)   # (4+1)/(8+2) * (2+1)/(8+2)
0.15
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Mapping, Sequence

from edgerec.profile.mining_triggers import TriggerChoice

__all__ = ["ContextModel", "context_model", "trigger_probability", "joint_triggers", "satisfies"]

#: field -> (parent field or None, {parent value or None: {value: rate}}, values seen)
ContextModel = dict[str, tuple[str | None, dict, list[str]]]


def _rates(metas: Sequence[Mapping[str, str]], field: str, values: list[str]) -> dict[str, float]:
    counts = Counter(m.get(field) for m in metas)
    total = sum(counts[v] for v in values) + len(values)
    return {v: (counts[v] + 1) / total for v in values}


def context_model(metas: Sequence[Mapping[str, str]], order: Sequence[str], *,
                  dependencies: Mapping[str, str] | None = None,
                  base_rates: Mapping[str, Mapping[str, float]] | None = None) -> ContextModel:
    """Each field's rates over ``metas``: per value of its parent field when ``dependencies`` names one.

    A field without a parent whose values all have a rate in ``base_rates``
    takes those rates instead of counting.

    >>> m = context_model([{"d": "weekday"}] * 9, ["d"], base_rates={"d": {"weekday": 0.7, "weekend": 0.3}})
    >>> m["d"][1][None]
    {'weekday': 0.7, 'weekend': 0.3}
    """
    model: ContextModel = {}
    for field in order:
        values = sorted({m.get(field) for m in metas} - {None})
        parent = (dependencies or {}).get(field)
        parent = parent if parent in order and parent != field else None
        known = (base_rates or {}).get(field)
        if parent is None and known and all(v in known for v in values):
            model[field] = (None, {None: {v: float(r) for v, r in known.items()}}, sorted(known))
        elif parent is None:
            model[field] = (None, {None: _rates(metas, field, values)}, values)
        else:
            rows = {p: _rates([m for m in metas if m.get(parent) == p], field, values)
                    for p in {m.get(parent) for m in metas} - {None}}
            model[field] = (parent, rows, values)
    return model


def trigger_probability(triggers: Mapping[str, str], model: ContextModel) -> float:
    """The chance that a session drawn from ``model`` satisfies every trigger (fields in ``model`` only).

    The fields of the triggers and their parents are summed over; a parent
    value never seen gives its children the uniform rate.

    >>> model = context_model([{"t": "am", "s": "day"}, {"t": "pm", "s": "day"}, {"t": "pm", "s": "dark"}],
    ...                       ["t", "s"], dependencies={"s": "t"})
    >>> round(trigger_probability({"s": "day"}, model), 4)   # 2/5 * 2/3 + 3/5 * 2/4
    0.5667
    """
    fields = [f for f in model if f in triggers or any(model[g][0] == f for g in triggers if g in model)]
    total = 0.0
    choices = [[triggers[f]] if f in triggers else model[f][2] for f in fields]
    for combo in itertools.product(*choices):
        meta = dict(zip(fields, combo))
        p = 1.0
        for f in fields:
            parent, rows, values = model[f]
            row = rows.get(meta[parent] if parent else None)
            p *= row.get(meta[f], 0.0) if row is not None else 1.0 / max(1, len(values))
        total += p
    return total


def satisfies(meta: Mapping[str, str], triggers: Mapping[str, str]) -> bool:
    """Whether a session's context shows every trigger value."""
    return all(meta.get(k) == v for k, v in triggers.items())


def joint_triggers(group: Sequence[Mapping[str, str]], others: Sequence[Mapping[str, str]], order: Sequence[str], *,
                   share: float, noise: float, penalty: float, first_penalty: float, max_triggers: int,
                   dependencies: Mapping[str, str] | None = None,
                   base_rates: Mapping[str, Mapping[str, float]] | None = None) -> TriggerChoice:
    """The best-scoring trigger set of at most ``max_triggers`` candidate values (module docstring).

    Candidates are each field's most common value in the group, when at least
    ``share`` of the group shows it. ``posteriors`` holds one number: the chosen
    set's posterior against every candidate set and "no routine" (prior odds
    ``exp(first_penalty)`` against a routine; within a routine, each set's
    prior falls by ``exp(-penalty)`` per value after the first).

    >>> rainy = [{"time": "pm", "sky": "rain"}] * 6
    >>> rest = [{"time": t, "sky": s} for t in ("am", "pm") for s in ("sun", "sun", "sun", "rain")] * 3
    >>> joint_triggers(rainy, rest, ["time", "sky"], share=0.7, noise=0.05, penalty=1.5, first_penalty=3.0,
    ...                max_triggers=3).triggers
    {'time': 'pm', 'sky': 'rain'}
    """
    n = len(group)
    if not n:
        return TriggerChoice({})
    model = context_model([*group, *others], order, dependencies=dependencies, base_rates=base_rates)
    candidates = []
    for key in order:
        value, count = Counter(m.get(key) for m in group).most_common(1)[0]
        if value is not None and count / n >= share:
            candidates.append((key, value))
    scored: list[tuple[float, int, dict[str, str]]] = []
    for size in range(1, min(max_triggers, len(candidates)) + 1):
        for chosen in itertools.combinations(candidates, size):
            triggers = dict(chosen)
            p = trigger_probability(triggers, model)
            if p <= 0:
                continue
            score = sum(math.log((1 - noise) * (satisfies(m, triggers) / p) + noise) for m in group)
            scored.append((score - penalty * (size - 1), size, triggers))
    if not scored:
        return TriggerChoice({})
    best, _, triggers = max(scored, key=lambda s: (s[0], -s[1]))
    # "a routine" against "none": the evidence averages the sets under their prior, so trying many sets
    # does not by itself make a routine of a coincidence
    prior = _logsumexp([-penalty * (size - 1) for _, size, _ in scored])
    evidence = _logsumexp([score for score, _, _ in scored]) - prior
    if evidence <= first_penalty:
        return TriggerChoice({})
    posterior = math.exp(best - prior - _logsumexp([first_penalty, evidence]))
    return TriggerChoice({k: triggers[k] for k in order if k in triggers}, (posterior,))


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
