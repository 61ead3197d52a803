"""Trigger choice with uncertainty: a Bayes factor per context value, in place of fixed p-values.

A routine's sessions all satisfy its triggers; its other context fields follow
the user's usual rates. So for a value ``v`` seen in ``k`` of the ``n``
sessions of a group, whose rate elsewhere (among the user's other sessions
matching the triggers chosen so far) is ``r``, compare

* *trigger*: each session shows ``v``, except with a small probability ``noise``
  (a mis-heard context, a session wrongly put in the group);
* *no trigger*: each session shows ``v`` with probability ``r``.

The rate ``r`` is not known exactly, so "no trigger" integrates over a Beta
belief about it (:func:`trigger_log_odds`); with ``r`` known, the log Bayes
factor would be ``k log((1 - noise) / r) + (n - k) log(noise / (1 - r))``.
A value joins the triggers when the log Bayes factor exceeds a penalty (the
log prior odds against one more trigger); the first trigger of a group has a
bar of its own, because it decides whether the group is a routine at all.
Few sessions give little evidence, so a common value (weekday, 5 days in 7)
needs more sessions than a rare one (snowy), with no threshold that depends
on history length.

The Beta belief (:func:`beta_belief`) is the other sessions matching the
chosen triggers plus pseudo-sessions at the value's rate among the other
sessions that share the chosen trigger that predicts it best. So "daylight"
after "afternoon" has ``r`` near 1 and adds nothing, without a separate
implication rule, and a value still counts when few other sessions match all
the chosen triggers.

Each decision's posterior probability is ``sigmoid(log odds - penalty)``
(:func:`decision_posterior`); a routine's confidence multiplies them.

>>> round(trigger_log_odds(8, 8, 25, 75, 0.05), 1)   # 8 of 8, a value seen in 25 of 100 other sessions
9.9
>>> round(trigger_log_odds(8, 8, 99, 1, 0.05), 1)    # a value the others nearly always show
-0.3
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

__all__ = ["TriggerChoice", "trigger_log_odds", "beta_belief", "decision_posterior", "choose_triggers"]


@dataclass(frozen=True)
class TriggerChoice:
    """Chosen triggers (field order of the data) and the posterior of each decision taken.

    ``posteriors`` holds, per chosen value, the probability that it is a
    trigger, and for the best value left out, the probability that it is not.
    """

    triggers: dict[str, str]
    posteriors: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        """The product of the decisions' posteriors (0.0 with no trigger)."""
        if not self.triggers:
            return 0.0
        return math.prod(self.posteriors)


def trigger_log_odds(k: int, n: int, seen: float, unseen: float, noise: float) -> float:
    """Log Bayes factor of "trigger" against "background rate" for ``k`` of ``n`` sessions showing a value.

    Under "trigger" each session shows the value except with probability
    ``noise``. Under "background" the rate is unknown, with a Beta(``seen``,
    ``unseen``) belief from the other sessions (pseudo-counts included): the
    group's sessions are scored by the beta-binomial marginal likelihood, so a
    rate read from few other sessions is not trusted as if exact.

    >>> abs(trigger_log_odds(0, 0, 3.0, 1.0, 0.05))
    0.0
    >>> trigger_log_odds(5, 5, 50, 20, 0.05) < trigger_log_odds(5, 5, 25, 75, 0.05)
    True
    """
    alt = k * math.log1p(-noise) + (n - k) * math.log(noise)
    seen, unseen = max(seen, 1e-9), max(unseen, 1e-9)
    null = (math.lgamma(seen + k) + math.lgamma(unseen + n - k) - math.lgamma(seen + unseen + n)
            - math.lgamma(seen) - math.lgamma(unseen) + math.lgamma(seen + unseen))
    return alt - null


def beta_belief(seen: int, total: int, prior: float, weight: float) -> tuple[float, float]:
    """A Beta belief about a rate: ``seen`` of ``total`` sessions plus ``weight`` pseudo-sessions at ``prior``.

    Returns its two parameters (hits, misses); their mean is the shrunk rate
    ``(seen + weight * prior) / (total + weight)``.

    >>> beta_belief(0, 0, 0.25, 8.0)
    (2.0, 6.0)
    >>> beta_belief(10, 10, 0.5, 0.0)
    (10.0, 0.0)
    """
    return seen + weight * prior, total - seen + weight * (1.0 - prior)


def decision_posterior(log_odds: float, penalty: float) -> float:
    """Posterior probability that a value is a trigger: ``sigmoid(log_odds - penalty)``.

    >>> decision_posterior(3.0, 3.0)
    0.5
    """
    x = log_odds - penalty
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _rate(metas: Sequence[Mapping[str, str]], key: str, value: str, levels: int) -> float:
    """Laplace-smoothed rate of ``key == value`` among ``metas``."""
    seen = sum(1 for m in metas if m.get(key) == value)
    return (seen + 1.0) / (len(metas) + max(2, levels))


def choose_triggers(
    group: Sequence[Mapping[str, str]],
    others: Sequence[Mapping[str, str]],
    order: Sequence[str],
    *,
    share: float,
    noise: float,
    penalty: float,
    first_penalty: float,
    prior_weight: float,
    base_rates: Mapping[str, Mapping[str, float]] | None = None,
) -> TriggerChoice:
    """Greedy Bayesian trigger choice for the metas of one ``group`` against the ``others``.

    Candidates are each field's most common value in the group, when at least
    ``share`` of the group shows it. Each round adds the candidate of highest
    log odds (:func:`trigger_log_odds`) if it beats the penalty
    (``first_penalty`` for the first), scored on the group's sessions that
    show every trigger chosen so far (one that misses a trigger is noise as a
    whole, not evidence against the next value); the rate elsewhere is the rate among
    ``others`` matching the chosen triggers, shrunk (``prior_weight``
    pseudo-sessions) towards its rate among ``others`` sharing the chosen
    trigger that predicts it best (no trigger yet: all ``others``), or towards
    its known rate when ``base_rates[key][value]`` gives one (a public fact
    such as the share of weekdays: other routines that share the value then
    cannot make it look common).

    >>> sat = [{"day": "sat", "sky": "sun"}] * 6
    >>> mon = [{"day": "mon", "sky": "sun"}] * 6
    >>> choose_triggers(sat, mon, ["day", "sky"], share=0.8, noise=0.05, penalty=3, first_penalty=6,
    ...                 prior_weight=8).triggers
    {'day': 'sat'}
    """
    n = len(group)
    if not n:
        return TriggerChoice({})
    levels = {key: len({m.get(key) for m in [*group, *others]} - {None}) for key in order}
    candidates = []
    for key in order:
        value, count = Counter(m.get(key) for m in group).most_common(1)[0]
        if value is not None and count / n >= share:
            candidates.append((key, value, count))
    chosen: dict[str, str] = {}
    posteriors: list[float] = []
    while candidates:
        matching = [m for m in others if all(m.get(k) == v for k, v in chosen.items())]
        # a group session that misses a chosen trigger is noise as a whole: it says nothing more
        inside = [m for m in group if all(m.get(k) == v for k, v in chosen.items())]
        scored = []
        for key, value, _ in candidates:
            count, n = sum(1 for m in inside if m.get(key) == value), len(inside)
            rates = [_rate(sharing, key, value, levels[key])
                     for sharing in ([m for m in others if m.get(k) == v] for k, v in chosen.items()) if sharing]
            known = (base_rates or {}).get(key, {}).get(value)
            if known is not None:
                prior = float(known)
            else:
                prior = max(rates) if rates else _rate(others, key, value, levels[key])
            seen = sum(1 for m in matching if m.get(key) == value)
            hits, misses = beta_belief(seen, len(matching), prior, prior_weight)
            scored.append((trigger_log_odds(count, n, hits, misses, noise), count, key, value))
        log_odds, _, key, value = max(scored, key=lambda s: (s[0], s[1]))
        bar = penalty if chosen else first_penalty
        if log_odds <= bar:
            if chosen:
                posteriors.append(1.0 - decision_posterior(log_odds, bar))
            break
        chosen[key] = value
        posteriors.append(decision_posterior(log_odds, bar))
        candidates = [c for c in candidates if c[0] != key]
    return TriggerChoice({key: chosen[key] for key in order if key in chosen}, tuple(posteriors))
