"""Routines v2: the Bayesian trigger scores, pooled partial sessions, confidence, and incremental mining."""

import math
import random

from hypothesis import given, settings, strategies as st

from edgerec.profile.mining import (
    MinedRoutine,
    MiningSession,
    RoutineMiner,
    candidate_patterns,
    drop_excluded_triggers,
    mine_routines,
    trigger_choice,
)
from edgerec.profile.mining_model import CALENDAR_RATES, MiningConfig
from edgerec.profile.mining_triggers import beta_belief, choose_triggers, decision_posterior, trigger_log_odds
from edgerec.profile.reconstruct import routine_dict

TIMES = ["morning", "afternoon", "evening", "night"]
WEATHER = ["sunny", "cloudy", "rainy", "snowy"]
SUN = {"morning": "daylight", "afternoon": "daylight", "evening": "after_sunset", "night": "after_sunset"}
COFFEE = frozenset({("ac.mode", "heat"), ("ac.temperature", 23), ("lights.color", "warm")})
MOVIE = frozenset({("tv.volume", 30), ("lights.brightness", 20)})
CHOSEN = {"share": 0.7, "noise": 0.05, "penalty": 1.0, "first_penalty": 3.0, "prior_weight": 8.0}


def meta(rng, day=None, **fixed):
    """A context; ``day`` (a session number) spreads the days of routine sessions 5:2 over the week."""
    weekday = rng.random() < 5 / 7 if day is None else day % 7 < 5
    m = {"time_of_day": rng.choice(TIMES), "day_of_week": "weekday" if weekday else "weekend",
         "weather": rng.choice(WEATHER)}
    m.update(fixed)
    m["sun_phase"] = SUN[m["time_of_day"]]
    return m


def noise(rng):
    """A spontaneous session: one or two random volumes at a random time."""
    items = {("speaker.volume", rng.randrange(0, 101)), ("tv.brightness", rng.randrange(0, 101))}
    return MiningSession(meta(rng), frozenset(rng.sample(sorted(items), rng.randint(1, 2))))


def found(sessions):
    return {r.items: r.triggers for r in mine_routines(sessions)}


# --- the pure scores ----------------------------------------------------------

def test_log_odds_without_sessions_is_zero_and_grows_with_each_hit():
    assert abs(trigger_log_odds(0, 0, 25, 75, 0.05)) < 1e-12
    odds = [trigger_log_odds(k, k, 25, 75, 0.05) for k in range(1, 8)]
    assert all(b > a for a, b in zip(odds, odds[1:]))


def test_log_odds_approach_the_known_rate_formula_when_the_rate_is_sure():
    # with a Beta belief of huge weight the background rate is known: k log((1 - noise) / r) + ...
    k, n, r, eps = 6, 8, 0.3, 0.05
    known = k * math.log((1 - eps) / r) + (n - k) * math.log(eps / (1 - r))
    assert abs(trigger_log_odds(k, n, r * 1e7, (1 - r) * 1e7, eps) - known) < 1e-4


def test_a_rare_value_needs_fewer_sessions_than_a_common_one():
    snowy = trigger_log_odds(5, 5, 15, 85, 0.05)     # seen in 15% of other sessions
    weekday = trigger_log_odds(5, 5, 71, 29, 0.05)   # seen in 71%
    assert snowy > 5 > weekday > 0


def test_a_rate_read_from_few_sessions_is_trusted_less():
    # the same 3-in-10 rate; from 10 sessions a group of 8 hits is less surprising than from 1000
    assert trigger_log_odds(8, 8, 3, 7, 0.05) < trigger_log_odds(8, 8, 300, 700, 0.05)


def test_a_miss_costs_evidence():
    assert trigger_log_odds(7, 8, 25, 75, 0.05) < trigger_log_odds(7, 7, 25, 75, 0.05)


def test_beta_belief_moves_from_the_prior_to_the_data():
    def mean(belief):
        return belief[0] / (belief[0] + belief[1])
    assert mean(beta_belief(0, 0, 0.4, 8)) == 0.4
    assert mean(beta_belief(10, 10, 0.4, 8)) > 0.4
    assert abs(mean(beta_belief(1000, 1000, 0.4, 8)) - 1.0) < 0.01
    assert sum(beta_belief(7, 20, 0.3, 8)) == 28   # the sessions plus the pseudo-sessions


def test_decision_posterior_is_a_symmetric_probability():
    for x in (-30.0, -2.0, 0.0, 0.5, 40.0):
        p = decision_posterior(x, 0.0)
        assert 0.0 <= p <= 1.0
        assert abs(p + decision_posterior(-x, 0.0) - 1.0) < 1e-12
    assert decision_posterior(5.0, 1.0) > decision_posterior(5.0, 3.0)


def test_an_implied_value_is_not_a_trigger():
    rng = random.Random(1)
    group = [meta(rng, i, time_of_day="afternoon", weather="snowy") for i in range(12)]
    others = [meta(rng) for _ in range(60)]
    choice = choose_triggers(group, others, ["time_of_day", "day_of_week", "weather", "sun_phase"], **CHOSEN)
    assert choice.triggers == {"time_of_day": "afternoon", "weather": "snowy"}   # not also "daylight"
    assert 0.0 < choice.confidence <= 1.0 and len(choice.posteriors) >= 2


def test_a_stray_session_in_the_group_does_not_add_a_trigger():
    """One session of the group misses every trigger (a wrongly grouped one): it says nothing about the rest."""
    rng = random.Random(2)
    group = [meta(rng, time_of_day="evening", day_of_week="weekend") for _ in range(30)]
    group.append({"time_of_day": "morning", "day_of_week": "weekday", "weather": "sunny", "sun_phase": "daylight"})
    others = [meta(rng) for _ in range(100)]
    choice = choose_triggers(group, others, ["time_of_day", "day_of_week", "weather", "sun_phase"], **CHOSEN)
    assert choice.triggers == {"time_of_day": "evening", "day_of_week": "weekend"}


def _weekday_routine_among_weekday_routines(n):
    """``n`` weekday evenings, against 4 other weekday evenings and a weekday morning routine (30 of 36 mornings)."""
    group = [{"time_of_day": "evening", "day_of_week": "weekday"}] * n
    others = ([{"time_of_day": "evening", "day_of_week": "weekday"}] * 4
              + [{"time_of_day": "morning", "day_of_week": "weekday"}] * 30
              + [{"time_of_day": "morning", "day_of_week": "weekend"}] * 6)
    return group, others


def test_the_calendar_rate_keeps_another_weekday_routine_from_hiding_a_weekday_trigger():
    """Read from the other sessions, weekday looks common (another routine runs on weekdays); the calendar says 5 in 7."""
    group, others = _weekday_routine_among_weekday_routines(10)
    fields = ["time_of_day", "day_of_week"]
    assert choose_triggers(group, others, fields, **CHOSEN).triggers == {"time_of_day": "evening"}
    with_calendar = choose_triggers(group, others, fields, base_rates=CALENDAR_RATES, **CHOSEN)
    assert with_calendar.triggers == {"time_of_day": "evening", "day_of_week": "weekday"}
    # the miner's default uses the calendar
    sessions = [MiningSession(m, frozenset()) for m in group + others]
    assert trigger_choice(sessions, range(10)).triggers == with_calendar.triggers
    assert trigger_choice(sessions, range(10), MiningConfig(base_rates=None)).triggers == {"time_of_day": "evening"}


def test_the_miner_settings_stay_hashable_and_comparable():
    assert hash(MiningConfig()) == hash(MiningConfig())
    assert MiningConfig() == MiningConfig() and MiningConfig(base_rates=None) != MiningConfig()


def test_the_calendar_rate_still_needs_the_evidence():
    """Three weekend evenings in the group: weekday is no trigger, whatever its known rate."""
    group, others = _weekday_routine_among_weekday_routines(10)
    group = group[:7] + [{"time_of_day": "evening", "day_of_week": "weekend"}] * 3
    choice = choose_triggers(group, others, ["time_of_day", "day_of_week"], base_rates=CALENDAR_RATES, **CHOSEN)
    assert choice.triggers == {"time_of_day": "evening"}
    # and too few sessions are not enough either
    few, others = _weekday_routine_among_weekday_routines(4)
    assert "day_of_week" not in choose_triggers(few, others, ["time_of_day", "day_of_week"],
                                                base_rates=CALENDAR_RATES, **CHOSEN).triggers


def test_no_trigger_means_no_confidence():
    sessions = [MiningSession({"w": w}, frozenset()) for w in ["a", "b"] * 10]
    choice = trigger_choice(sessions, range(0, 20, 2))
    assert choice.triggers == {"w": "a"}
    assert trigger_choice(sessions, [0, 1, 2, 3]).confidence == 0.0


# --- the four phenomena -------------------------------------------------------

def test_partial_sessions_are_pooled_into_the_routine():
    """Only 2 of 9 coffee sessions ask for all three settings; the rest leave one out."""
    rng = random.Random(3)
    parts = [COFFEE - {item} for item in sorted(COFFEE, key=repr)] * 2 + [COFFEE - {min(COFFEE, key=repr)}]
    sessions = [MiningSession(meta(rng, i, time_of_day="morning"), items)
                for i, items in enumerate([COFFEE, COFFEE] + parts)]
    sessions += [noise(rng) for _ in range(25)]
    rng.shuffle(sessions)
    assert found(sessions).get(COFFEE) == {"time_of_day": "morning"}
    assert COFFEE in {p for p, _ in candidate_patterns(sessions)}


def test_an_extra_setting_does_not_join_the_routine():
    rng = random.Random(4)
    sessions = []
    for i in range(14):
        extra = {("speaker.volume", rng.randrange(0, 101))} if i % 3 == 0 else set()
        sessions.append(MiningSession(meta(rng, i, time_of_day="evening", weather="rainy"), MOVIE | extra))
    sessions += [noise(rng) for _ in range(30)]
    assert found(sessions) == {MOVIE: {"time_of_day": "evening", "weather": "rainy"}}


def test_routines_sharing_a_trigger_value_are_kept_apart():
    """Mornings when sunny: coffee; mornings when rainy: the movie settings. Same time of day, two routines."""
    rng = random.Random(5)
    sessions = [MiningSession(meta(rng, i, time_of_day="morning", weather="sunny"), COFFEE) for i in range(10)]
    sessions += [MiningSession(meta(rng, i, time_of_day="morning", weather="rainy"), MOVIE) for i in range(10)]
    sessions += [noise(rng) for _ in range(20)]
    rng.shuffle(sessions)
    assert found(sessions) == {COFFEE: {"time_of_day": "morning", "weather": "sunny"},
                               MOVIE: {"time_of_day": "morning", "weather": "rainy"}}


def test_a_routine_from_few_sessions_and_none_from_noise():
    rng = random.Random(6)
    sessions = [MiningSession(meta(rng, i, time_of_day="night"), MOVIE) for i in range(6)]
    sessions += [noise(rng) for _ in range(19)]
    rng.shuffle(sessions)
    assert found(sessions) == {MOVIE: {"time_of_day": "night"}}
    rng = random.Random(7)
    assert mine_routines([noise(rng) for _ in range(25)]) == []


def test_confidence_grows_with_the_evidence():
    def confidence(n):
        rng = random.Random(8)
        sessions = [MiningSession(meta(rng, i, weather="snowy"), COFFEE) for i in range(n)]
        sessions += [noise(rng) for _ in range(30)]
        (routine,) = mine_routines(sessions)
        return routine.confidence
    few, many = confidence(4), confidence(20)
    assert 0.0 < few < many <= 1.0


def test_a_value_that_only_avoids_another_routine_is_dropped():
    """Every coffee morning is a weekend one because weekdays belong to another routine: weekend is no trigger."""
    weekday = MinedRoutine({"day_of_week": "weekday"}, MOVIE, 40)
    coffee = MinedRoutine({"time_of_day": "morning", "day_of_week": "weekend"}, COFFEE, 12)
    sessions = [MiningSession({"time_of_day": t, "day_of_week": d}, frozenset())
                for t in TIMES for d in ("weekday", "weekend")]
    kept = drop_excluded_triggers([weekday, coffee], sessions)
    assert [r.triggers for r in kept] == [{"day_of_week": "weekday"}, {"time_of_day": "morning"}]
    # siblings stay: weekday mornings and weekend mornings are two routines, not an exclusion
    sibling = MinedRoutine({"time_of_day": "morning", "day_of_week": "weekday"}, MOVIE, 40)
    assert drop_excluded_triggers([sibling, coffee], sessions)[1].triggers == coffee.triggers


def test_routine_dict_carries_confidence_only_when_asked():
    routine = MinedRoutine({"weather": "snowy"}, COFFEE, 9, confidence=0.8)
    assert set(routine_dict(routine)) == {"triggers", "actions"}
    assert routine_dict(routine, confidence=True)["confidence"] == 0.8


# --- incremental == batch -----------------------------------------------------

ITEMS = [("tv.volume", 30), ("ac.mode", "heat"), ("lights.color", "warm"), ("speaker.volume", 10)]


@st.composite
def histories(draw):
    n = draw(st.integers(0, 60))
    rows = []
    for _ in range(n):
        context = {"time_of_day": draw(st.sampled_from(TIMES[:2])), "weather": draw(st.sampled_from(WEATHER[:2]))}
        rows.append(MiningSession(context, frozenset(draw(st.sets(st.sampled_from(ITEMS), max_size=2)))))
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=4)))
    return rows, cuts


@settings(max_examples=40, deadline=None)
@given(histories())
def test_incremental_mining_equals_a_batch_mine(history):
    rows, cuts = history
    miner = RoutineMiner()
    start = 0
    for cut in [*cuts, len(rows)]:
        miner.add(rows[start:cut])
        start = max(start, cut)
        assert miner.routines() == mine_routines(rows[:start]) if start else miner.routines() == []
        assert [r.confidence for r in miner.routines()] == [r.confidence for r in mine_routines(rows[:start])]
    assert len(miner) == len(rows)


def test_a_routine_appears_as_sessions_arrive():
    rng = random.Random(9)
    miner = RoutineMiner()
    miner.add([noise(rng) for _ in range(10)])
    assert miner.routines() == []
    miner.add([MiningSession(meta(rng, i, time_of_day="night"), MOVIE) for i in range(6)])
    assert [r.items for r in miner.routines()] == [MOVIE]
