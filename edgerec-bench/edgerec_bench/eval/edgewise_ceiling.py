"""The Bayes-optimal trigger ceiling of the EdgeWisePersona generator, given an oracle grouping.

Routine reconstruction must name each routine's trigger set from the context
(meta) of the sessions that enact it. With few sessions some trigger sets cannot
be told apart by any method: "afternoon" always comes with "daylight", a
weekday value shows by chance in 5 sessions of 7. This module measures how
often the *best possible* guess is right on the generator of
:mod:`edgerec_bench.datasets.edgewise_synth`, when the true sessions of each
routine are known (its ``applied_routines``; sessions enacting it together with
a second routine included).

* **Likelihood** (exact, from the tables of
  :mod:`edgerec_bench.datasets.edgewise_world`): :func:`meta_distribution` is
  the distribution of ``sample_meta(rng, T)`` over the 480 metas, and
  :func:`session_distribution` that of a routine session's meta as
  ``_routine_session`` draws it: up to 50 draws until the meta satisfies no other
  routine's triggers, except with probability ``p_ambiguous_meta``.
* **Prior** (:func:`trigger_prior`): trigger sets counted over the routines of
  many users drawn with the generator's own
  :func:`~edgerec_bench.datasets.edgewise_world.make_routines` (seeds of their
  own), plus half a count for every trigger set the generator can make.
* **Variants**: (a) each session's meta follows ``T`` alone; (b) the oracle
  also knows the other routines' true triggers: a session avoids the routines it
  does not enact, and a session enacting two routines has their merged triggers;
  (c) as (b), and the prior is conditional on the other routines' trigger sets
  too (:func:`conditional_prior`: exact, from how ``make_routines`` draws each
  routine given the earlier ones: no nesting, copies with one value changed;
  summed over the order they were drawn in).
  (b) uses what the oracle knows in the likelihood only; (c) in the prior too.
* The MAP trigger set (:func:`score_candidates`, :func:`map_choice`) is the
  Bayes-optimal guess under 0/1 loss; :func:`trigger_ceiling` reports how often
  it is the true one after each user's first N sessions, beside the miner's
  own trigger choice (:func:`edgerec.profile.mining.trigger_choice`) on the same groups.

Left out of the model, as carrying little or nothing about the triggers: which
sessions enact a routine is taken as given (the routine weights, and the
chance of a second routine, which depends on whether its triggers can hold
with this one's); ``sample_meta``'s limit of 200 draws and ``make_routines``'
of 1000 attempts. The generator has no routine session whose meta misses its
routine's triggers, so every candidate must hold in all of the group.

>>> dist = meta_distribution({"time_of_day": "afternoon"})
>>> dist == meta_distribution({"time_of_day": "afternoon", "sun_phase": "daylight"})
True
>>> round(sum(dist.values()), 12), len(meta_distribution({}))   # 7 time/sun x 2 days x 15 weather/temp pairs
(1.0, 210)
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, NamedTuple

from edgerec.errors import InputError
from edgerec_bench.datasets.edgewise import META_FIELDS
from edgerec_bench.datasets.edgewise_world import (_SUN_GIVEN_TIME, _TEMP_GIVEN_WEATHER, _TRIGGER_WEIGHTS, _WEATHER,
                                                   _coherent, make_routines)

__all__ = [
    "Triggers",
    "GroupSession",
    "as_triggers",
    "meta_space",
    "meta_distribution",
    "session_distribution",
    "trigger_prior",
    "routine_step_probability",
    "routines_probability",
    "conditional_prior",
    "group_sessions",
    "group_log_likelihood",
    "score_candidates",
    "map_choice",
    "trigger_ceiling",
]

FIELDS = tuple(META_FIELDS)
#: A trigger set as a frozenset of (field, value) pairs, so it can be a dict key.
Triggers = frozenset
#: A full meta as its values in the order of ``META_FIELDS``.
MetaKey = tuple

#: How many times ``_routine_session`` draws a meta that avoids the other routines' triggers.
TRIES = 50
#: Counts added to every trigger set the generator can make, so none has prior zero.
PSEUDO_COUNT = 0.5


def as_triggers(triggers: Mapping[str, str] | Iterable[tuple[str, str]]) -> Triggers:
    """A trigger dict (or pairs) as a :data:`Triggers` key.

    >>> sorted(as_triggers({"weather": "rainy", "time_of_day": "night"}))
    [('time_of_day', 'night'), ('weather', 'rainy')]
    """
    items = triggers.items() if isinstance(triggers, Mapping) else triggers
    return frozenset(items)


def _key(meta: Mapping[str, str]) -> MetaKey:
    return tuple(meta[f] for f in FIELDS)


def meta_space() -> list[MetaKey]:
    """Every full meta (values in ``META_FIELDS`` order), coherent or not: 4*2*3*4*5 = 480.

    >>> len(meta_space()), meta_space()[0]
    (480, ('morning', 'weekday', 'before_sunrise', 'sunny', 'very cold'))
    """
    return list(itertools.product(*(META_FIELDS[f] for f in FIELDS)))


@lru_cache(maxsize=None)
def _meta_distribution(triggers: Triggers) -> dict[MetaKey, float]:
    fixed = dict(triggers)
    weights: dict[MetaKey, float] = {}
    for key in meta_space():
        meta = dict(zip(FIELDS, key))
        if any(meta[f] != v for f, v in fixed.items()) or not _coherent(meta):
            continue
        # sample_meta draws each field not fixed (sun given the time, temperature given the
        # weather), then rejects incoherent metas: the product of the draws, renormalised
        w = 1.0
        if "time_of_day" not in fixed:
            w *= 1.0 / len(META_FIELDS["time_of_day"])
        if "day_of_week" not in fixed:
            w *= 5 / 7 if meta["day_of_week"] == "weekday" else 2 / 7
        if "sun_phase" not in fixed:
            w *= _SUN_GIVEN_TIME[meta["time_of_day"]].get(meta["sun_phase"], 0.0)
        if "weather" not in fixed:
            w *= _WEATHER[meta["weather"]]
        if "outdoor_temp" not in fixed:
            w *= _TEMP_GIVEN_WEATHER[meta["weather"]].get(meta["outdoor_temp"], 0.0)
        if w > 0:
            weights[key] = w
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()} if total else {}


def meta_distribution(triggers: Mapping[str, str] | Triggers) -> dict[MetaKey, float]:
    """The exact distribution of ``sample_meta(rng, triggers)`` (metas with probability > 0).

    Unfixed fields are drawn as the generator draws them and incoherent metas
    are rejected, so ``{"sun_phase": "before_sunrise"}`` gives morning and night
    half each (not in proportion to how often each shows that phase).
    Empty for an unsatisfiable trigger set.

    >>> d = meta_distribution({"sun_phase": "before_sunrise"})
    >>> round(sum(p for k, p in d.items() if k[0] == "morning"), 6)
    0.5
    >>> meta_distribution({"time_of_day": "afternoon", "sun_phase": "after_sunset"})
    {}
    """
    return dict(_meta_distribution(as_triggers(triggers)))


@lru_cache(maxsize=None)
def _session_distribution(triggers: Triggers, others: frozenset, p_ambiguous: float,
                          tries: int) -> dict[MetaKey, float]:
    base = _meta_distribution(triggers)
    if not others or not base:
        return base
    bad = {k for k in base if any(all(k[FIELDS.index(f)] == v for f, v in t) for t in others)}
    q = sum(base[k] for k in bad)
    if q >= 1.0 - 1e-12:  # every draw matches another routine: the last one is kept
        return base
    # a meta that avoids the others is kept at the first such draw; one that does not is kept
    # only as the last of ``tries`` draws that all failed
    kept_ok = (1.0 - q ** tries) / (1.0 - q)
    kept_bad = q ** (tries - 1)
    return {k: p * ((1.0 - p_ambiguous) * (kept_bad if k in bad else kept_ok) + p_ambiguous)
            for k, p in base.items()}


def session_distribution(
    triggers: Mapping[str, str] | Triggers, others: Iterable[Mapping[str, str] | Triggers] = (), *,
    p_ambiguous: float = 0.0, tries: int = TRIES,
) -> dict[MetaKey, float]:
    """The meta distribution of a routine session with enacted ``triggers``, avoiding ``others``.

    As ``_routine_session``: with probability ``1 - p_ambiguous`` the meta is
    drawn up to ``tries`` times until it satisfies none of the ``others``
    (the triggers of the routines not enacted; the last draw is kept when all
    fail), else drawn once. Without ``others`` this is :func:`meta_distribution`.

    >>> d = session_distribution({"time_of_day": "morning"}, [{"day_of_week": "weekday"}], p_ambiguous=0.0)
    >>> round(sum(p for k, p in d.items() if k[1] == "weekday"), 6)   # only when 50 draws in a row fail
    0.0
    >>> round(sum(d.values()), 12)
    1.0
    """
    return dict(_session_distribution(as_triggers(triggers), frozenset(as_triggers(t) for t in others),
                                      float(p_ambiguous), int(tries)))


def trigger_prior(config: Any, samples: int, *, label: str = "edgewise-ceiling-prior") -> dict[Triggers, float]:
    """Prior over one routine's trigger set: the generator's routines of ``samples`` users, counted.

    Each user is :func:`~edgerec_bench.datasets.edgewise_world.make_routines` with
    ``config`` (a SynthConfig) and a seed of its own (``label`` and the user
    number; never a dataset seed); every routine counts once.
    Every coherent trigger set of the allowed sizes (the generator can make any)
    gets :data:`PSEUDO_COUNT` more. Returns probabilities.

    >>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
    >>> prior = trigger_prior(SynthConfig(), 50)
    >>> round(sum(prior.values()), 9), min(prior.values()) > 0
    (1.0, True)
    >>> prior[as_triggers({"time_of_day": "morning"})] > prior[as_triggers({"outdoor_temp": "hot"})]
    True
    """
    if samples < 1:
        raise InputError(f"prior samples must be >= 1, got {samples}")
    low, high = config.triggers_per_routine
    counts: Counter = Counter()
    for i in range(samples):
        rng = random.Random(f"{label}:{i}")
        for routine in make_routines(rng, config):
            counts[as_triggers(routine["triggers"])] += 1
    for size in range(low, high + 1):
        for names in itertools.combinations(FIELDS, size):
            for values in itertools.product(*(META_FIELDS[f] for f in names)):
                triggers = as_triggers(zip(names, values))
                if _meta_distribution(triggers):
                    counts[triggers] += PSEUDO_COUNT
    total = sum(counts.values())
    return {t: c / total for t, c in counts.items()}


@lru_cache(maxsize=None)
def _value_marginals() -> dict[Triggers, float]:
    """P(the unconditioned meta shows these values), for every set of 1-5 field values."""
    out: Counter = Counter()
    for key, p in _meta_distribution(frozenset()).items():
        pairs = list(zip(FIELDS, key))
        for size in range(1, len(FIELDS) + 1):
            for chosen in itertools.combinations(pairs, size):
                out[frozenset(chosen)] += p
    return dict(out)


@lru_cache(maxsize=None)
def _name_set_probability(names: frozenset) -> float:
    """P that drawing ``len(names)`` fields by ``_TRIGGER_WEIGHTS`` without replacement gives ``names``."""
    total = 0.0
    for order in itertools.permutations(names):
        left, p = sum(_TRIGGER_WEIGHTS.values()), 1.0
        for name in order:
            p *= _TRIGGER_WEIGHTS[name] / left
            left -= _TRIGGER_WEIGHTS[name]
        total += p
    return total


def _fresh_proposal(triggers: Triggers, low: int, high: int) -> float:
    """P that ``_new_triggers``' fresh branch (no copy) proposes ``triggers``."""
    if not low <= len(triggers) <= high:
        return 0.0
    names = frozenset(f for f, _ in triggers)
    return (1.0 / (high - low + 1)) * _name_set_probability(names) * _value_marginals().get(triggers, 0.0)


@lru_cache(maxsize=None)
def _fresh_proposals(low: int, high: int) -> dict[Triggers, float]:
    """Every trigger set the fresh branch can propose, with its probability."""
    out = {}
    for triggers in _value_marginals():
        p = _fresh_proposal(triggers, low, high)
        if p > 0:
            out[triggers] = p
    return out


def _copies(base: Triggers) -> list[tuple[Triggers, float]]:
    """The copy branch from one base: each one-value change and its probability."""
    out = []
    for f, v in sorted(base):
        options = [o for o in META_FIELDS[f] if o != v]
        for o in options:
            out.append((base - {(f, v)} | {(f, o)}, 1.0 / (len(base) * len(options))))
    return out


def _nests(a: Triggers, b: Triggers) -> bool:
    return a <= b or b <= a


@lru_cache(maxsize=None)
def _proposals(existing: frozenset, low: int, high: int, p_overlap: float) -> dict[Triggers, float]:
    """``_new_triggers``' accepted distribution given the earlier routines' trigger sets ``existing``."""
    bases = [t for t in existing if len(t) >= 2]
    copy = p_overlap if bases else 0.0
    q: Counter = Counter()
    if copy < 1.0:
        for triggers, p in _fresh_proposals(low, high).items():
            q[triggers] += (1.0 - copy) * p
    for base in bases:
        for triggers, p in _copies(base):
            q[triggers] += copy * p / len(bases)
    valid = {t: p for t, p in q.items() if low <= len(t) <= high and not any(_nests(t, e) for e in existing)
             and _meta_distribution(t)}
    total = sum(valid.values())
    return {t: p / total for t, p in valid.items()} if total else {}


def routine_step_probability(triggers: Mapping[str, str] | Triggers,
                             existing: Iterable[Mapping[str, str] | Triggers], config: Any) -> float:
    """P that ``make_routines`` gives its next routine ``triggers``, after routines with ``existing`` triggers.

    A proposal (a copy of an earlier routine of 2+ triggers with one value
    changed, with probability ``p_overlap_triggers``, else a fresh draw) is
    redrawn until it nests with no earlier set and can hold; so this is the
    proposal's probability among the valid ones.

    >>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
    >>> night = as_triggers({"time_of_day": "night"})
    >>> routine_step_probability(night, [{"time_of_day": "night", "weather": "rainy"}], SynthConfig())
    0.0
    >>> copy = {"time_of_day": "night", "weather": "sunny"}
    >>> routine_step_probability(copy, [{"time_of_day": "night", "weather": "rainy"}], SynthConfig()) > 0.5 / 2 / 3   # copied (0.5), weather changed (1/2) to sunny (1/3)
    True
    """
    low, high = config.triggers_per_routine
    return _proposals(frozenset(as_triggers(t) for t in existing), low, high,
                      float(config.p_overlap_triggers)).get(as_triggers(triggers), 0.0)


def routines_probability(sets: Sequence[Mapping[str, str] | Triggers], config: Any) -> float:
    """P that ``make_routines`` gives these trigger sets, in any order (up to the factor of their number).

    The sum over every order of the product of :func:`routine_step_probability`,
    over the subsets drawn so far.

    >>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
    >>> a, b = {"time_of_day": "night"}, {"weather": "rainy"}
    >>> both = routines_probability([a, b], SynthConfig())
    >>> first_a = routine_step_probability(a, [], SynthConfig()) * routine_step_probability(b, [a], SynthConfig())
    >>> first_b = routine_step_probability(b, [], SynthConfig()) * routine_step_probability(a, [b], SynthConfig())
    >>> math.isclose(both, first_a + first_b)
    True
    """
    items = [as_triggers(t) for t in sets]
    drawn: dict[frozenset, float] = {frozenset(): 1.0}  # ways to draw exactly these indexes first
    for size in range(1, len(items) + 1):
        for chosen in itertools.combinations(range(len(items)), size):
            subset = frozenset(chosen)
            drawn[subset] = sum(
                drawn[subset - {last}] * routine_step_probability(items[last], [items[i] for i in subset - {last}],
                                                                  config)
                for last in subset if drawn[subset - {last}] > 0.0)
    return drawn[frozenset(range(len(items)))]


def conditional_prior(routines: Sequence[Mapping[str, str] | Triggers], index: int,
                      candidates: Iterable[Triggers], config: Any) -> dict[Triggers, float]:
    """P(routine ``index`` has trigger set T | the other routines' trigger sets), up to a constant.

    ``make_routines`` draws each routine given the earlier ones (no nesting;
    copies of an earlier set with one value changed), so the other sets say a
    lot about this one. The order they were drawn in is not assumed known: it
    is summed over (:func:`routines_probability`). Candidates of probability
    zero are left out.

    >>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
    >>> rainy_night = {"time_of_day": "night", "weather": "rainy"}
    >>> prior = conditional_prior([{"day_of_week": "weekend"}, rainy_night], 0,
    ...                           [as_triggers({"time_of_day": "night"}), as_triggers({"weather": "sunny"})],
    ...                           SynthConfig())
    >>> [dict(t) for t in prior]   # "night" alone would nest with the other routine's set
    [{'weather': 'sunny'}]
    """
    others = [as_triggers(t) for i, t in enumerate(routines) if i != index]
    out = {}
    for candidate in candidates:
        p = routines_probability([*others, candidate], config)
        if p > 0.0:
            out[candidate] = p
    return out


class GroupSession(NamedTuple):
    """One session of a routine's group: its meta, the triggers of a second routine it enacts too
    (``partners``), and the triggers of the routines it does not enact (``others``)."""

    meta: Mapping[str, str]
    partners: tuple[Triggers, ...] = ()
    others: tuple[Triggers, ...] = ()


def group_sessions(
    metas: Sequence[Mapping[str, str]], applied: Sequence[Sequence[int]], routines: Sequence[Mapping[str, Any]],
    routine: int, *, know_others: bool,
) -> list[GroupSession]:
    """The sessions enacting ``routine`` (by ``applied``, the oracle grouping), as :class:`GroupSession`.

    With ``know_others`` (variant b) each carries its partners' and the other
    routines' true triggers; without (variant a) only its meta.

    >>> routines = [{"triggers": {"weather": "rainy"}}, {"triggers": {"time_of_day": "night"}}]
    >>> metas = [{"weather": "rainy"}, {"time_of_day": "night"}, {"weather": "rainy", "time_of_day": "night"}]
    >>> [len(s.partners) for s in group_sessions(metas, [[0], [1], [0, 1]], routines, 0, know_others=True)]
    [0, 1]
    """
    out = []
    for meta, enacted in zip(metas, applied):
        if routine not in enacted:
            continue
        if not know_others:
            out.append(GroupSession(meta))
            continue
        partners = tuple(as_triggers(routines[j]["triggers"]) for j in enacted if j != routine)
        others = tuple(as_triggers(r["triggers"]) for j, r in enumerate(routines) if j not in enacted)
        out.append(GroupSession(meta, partners, others))
    return out


def _merged(triggers: Triggers, partners: Iterable[Triggers]) -> Triggers | None:
    merged = dict(triggers)
    for partner in partners:
        for f, v in partner:
            if merged.setdefault(f, v) != v:
                return None
    return as_triggers(merged)


def group_log_likelihood(sessions: Sequence[GroupSession], triggers: Triggers, *, p_ambiguous: float = 0.0,
                         tries: int = TRIES) -> float:
    """Log probability of the sessions' metas if the routine's triggers were ``triggers`` (-inf if impossible).

    >>> weekday = [GroupSession({"time_of_day": "morning", "day_of_week": "weekday", "sun_phase": "daylight",
    ...                          "weather": "sunny", "outdoor_temp": "mild"})] * 8
    >>> a = group_log_likelihood(weekday, as_triggers({"time_of_day": "morning", "day_of_week": "weekday"}))
    >>> b = group_log_likelihood(weekday, as_triggers({"time_of_day": "morning"}))
    >>> round(math.exp(a - b), 6) == round((7 / 5) ** 8, 6)
    True
    """
    total = 0.0
    for session in sessions:
        enacted = _merged(triggers, session.partners) if session.partners else triggers
        if enacted is None:
            return -math.inf
        p = _session_distribution(enacted, frozenset(session.others), float(p_ambiguous), int(tries)).get(
            _key(session.meta), 0.0)
        if p <= 0.0:
            return -math.inf
        total += math.log(p)
    return total


def score_candidates(sessions: Sequence[GroupSession], prior: Mapping[Triggers, float], *,
                     p_ambiguous: float = 0.0, tries: int = TRIES) -> dict[Triggers, tuple[float, float]]:
    """Every trigger set of nonzero prior that all the sessions satisfy: ``{T: (log prior, log likelihood)}``.

    The generator puts no routine session outside its routine's triggers (even
    an ambiguous meta, or one of two routines enacted at once, satisfies them),
    so a candidate must hold in every session. Candidates of likelihood zero are left out.

    >>> prior = {as_triggers({"weather": "rainy"}): 0.5, as_triggers({"time_of_day": "night"}): 0.5}
    >>> s = [GroupSession({"time_of_day": "night", "day_of_week": "weekend", "sun_phase": "after_sunset",
    ...                    "weather": "sunny", "outdoor_temp": "warm"})]
    >>> [dict(t) for t in score_candidates(s, prior)]
    [{'time_of_day': 'night'}]
    """
    if not sessions:
        return {}
    common = set(sessions[0].meta.items())
    for session in sessions[1:]:
        common &= set(session.meta.items())
    out = {}
    for triggers, p in prior.items():
        if p > 0 and triggers <= common:
            ll = group_log_likelihood(sessions, triggers, p_ambiguous=p_ambiguous, tries=tries)
            if ll > -math.inf:
                out[triggers] = (math.log(p), ll)
    return out


def _order(triggers: Triggers) -> tuple:
    return (len(triggers), sorted(triggers))


def map_choice(scores: Mapping[Triggers, tuple[float, float]]) -> tuple[Triggers | None, float]:
    """The MAP trigger set and its posterior probability (ties: fewer triggers, then by name).

    >>> t1, t2 = as_triggers({"weather": "rainy"}), as_triggers({"weather": "rainy", "time_of_day": "night"})
    >>> best, post = map_choice({t1: (math.log(0.2), -3.0), t2: (math.log(0.1), -3.0)})
    >>> dict(best), round(post, 4)
    ({'weather': 'rainy'}, 0.6667)
    """
    if not scores:
        return None, 0.0
    logs = {t: lp + ll for t, (lp, ll) in scores.items()}
    top = max(logs.values())
    best = min((t for t, v in logs.items() if v == top), key=_order)
    return best, 1.0 / sum(math.exp(v - top) for v in logs.values())


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _miner_choices(sessions: Sequence[Mapping[str, Any]], actions: Sequence[Mapping[str, Any]],
                   groups: Sequence[Sequence[int]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The miner's triggers for each oracle group, as ``mine_routines`` chooses them, without and with
    its last step (``drop_excluded_triggers`` over the groups that got a trigger)."""
    from edgerec.profile.mining import MinedRoutine, MiningConfig, drop_excluded_triggers, trigger_choice
    from edgerec.profile.mining_model import field_order
    from edgerec.profile.reconstruct import mining_sessions

    mining = mining_sessions(sessions, actions)
    config = MiningConfig()  # what routines_from_actions uses
    # as mine_routines: the first trigger's bar from the number of distinct item sets and fields
    questions = max(1, len({s.items for s in mining if s.items}) * len(field_order(mining)))
    tested = replace(config, first_penalty=math.log(questions / config.expected_triggers))
    chosen = [trigger_choice(mining, group, tested).triggers if group else {} for group in groups]
    mined = [MinedRoutine(t, frozenset(), len(g), tuple(g)) for t, g in zip(chosen, groups) if t]
    if config.drop_excluded:
        mined = drop_excluded_triggers(mined, mining)
    after = iter(mined)
    dropped = [dict(next(after).triggers) if t else {} for t in chosen]
    return chosen, dropped


def _tally(counts: dict[str, Any], scores: Mapping[Triggers, tuple[float, float]], truth: Triggers) -> None:
    """Count one routine's MAP choice: right or not, its posterior, and whether only the prior chose it."""
    best, posterior = map_choice(scores)
    counts["expected"] += posterior
    if best == truth:
        counts["exact"] += 1
        return
    counts["errors"] += 1
    if best is not None and truth in scores and _same(scores[best][1], scores[truth][1]):
        counts["indistinguishable"] += 1


def trigger_ceiling(
    sizes: Sequence[int],
    *,
    users: int,
    seed: int,
    difficulty: str = "normal",
    samples: int = 20000,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """How often the Bayes-optimal (MAP) trigger set is the true one, per history length N, beside the miner.

    Users are those of ``edgerec eval edgewise-curve`` (``synthesize_user`` with
    the difficulty's SynthConfig, one history of ``max(sizes)`` sessions). For
    each N and each routine with at least one session among the first N, the
    group is its sessions there (by ``applied_routines``). ``samples`` users
    make the prior of (a) and (b) (:func:`trigger_prior`); (c) uses
    :func:`conditional_prior`. Per N and variant: ``exact`` (share
    of routines whose MAP is the truth), ``expected`` (mean posterior of the MAP:
    the same quantity as the model sees it), ``errors`` and ``indistinguishable``
    (errors whose group has the same likelihood under the MAP as under the
    truth, so only the prior chose). ``miner``: the share where
    :func:`edgerec.profile.mining.trigger_choice` (settings of ``mine_routines``,
    the user's other first-N sessions as the rest) gives the truth, and with the
    miner's ``drop_excluded_triggers`` step after it. ``progress(1)`` per user.
    """
    from edgerec_bench.datasets.edgewise_synth import SynthConfig, synthesize_user
    from edgerec_bench.eval.edgewise_curve import history_sizes

    sizes = history_sizes(sizes, users)
    config = SynthConfig.for_difficulty(difficulty)
    prior = trigger_prior(config, samples)
    variants = ("a", "b", "c")
    tallies = {n: {"routines": 0, "without_sessions": 0, "miner": 0, "miner_drop_excluded": 0,
                   **{v: {"exact": 0, "expected": 0.0, "errors": 0, "indistinguishable": 0} for v in variants}}
               for n in sizes}
    for index in range(users):
        user, traces = synthesize_user(index, sessions=sizes[-1], seed=seed, config=config)
        routines = user.routines or []
        for n in sizes:
            metas = [s["meta"] for s in user.sessions[:n]]
            applied = user.applied[:n]
            groups = [[i for i, enacted in enumerate(applied) if r in enacted] for r in range(len(routines))]
            chosen, dropped = _miner_choices(user.sessions[:n], [t.actions for t in traces[:n]], groups)
            tally = tallies[n]
            for r, routine in enumerate(routines):
                if not groups[r]:
                    tally["without_sessions"] += 1
                    continue
                truth = as_triggers(routine["triggers"])
                tally["routines"] += 1
                tally["miner"] += as_triggers(chosen[r]) == truth
                tally["miner_drop_excluded"] += as_triggers(dropped[r]) == truth
                group_a = group_sessions(metas, applied, routines, r, know_others=False)
                group_b = group_sessions(metas, applied, routines, r, know_others=True)
                scores_b = score_candidates(group_b, prior, p_ambiguous=config.p_ambiguous_meta)
                conditional = conditional_prior([t["triggers"] for t in routines], r, scores_b, config)
                scored = {
                    "a": score_candidates(group_a, prior),
                    "b": scores_b,
                    "c": {t: (math.log(p), scores_b[t][1]) for t, p in conditional.items()},
                }
                for variant, scores in scored.items():
                    _tally(tally[variant], scores, truth)
        if progress:
            progress(1)
    rows = []
    for n in sizes:
        t = tallies[n]
        count = t["routines"]
        row: dict[str, Any] = {"sessions": n, "routines": count, "routines_without_sessions": t["without_sessions"]}
        for variant in variants:
            c = t[variant]
            row[f"bayes_{variant}"] = {"exact": round(c["exact"] / count, 4) if count else 0.0,
                                       "expected": round(c["expected"] / count, 4) if count else 0.0,
                                       "errors": c["errors"], "indistinguishable": c["indistinguishable"]}
        row["miner"] = {"exact": round(t["miner"] / count, 4) if count else 0.0,
                        "exact_drop_excluded": round(t["miner_drop_excluded"] / count, 4) if count else 0.0}
        rows.append(row)
    return {"users": users, "seed": seed, "difficulty": difficulty, "prior_samples": samples,
            "prior_trigger_sets": len(prior), "grouping": "oracle (applied_routines), first N sessions per user",
            "sizes": rows}
