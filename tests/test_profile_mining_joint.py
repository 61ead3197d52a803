"""The joint trigger choice: context rates, the chance a trigger set holds, and the whole-set decision."""

import math
import random

from hypothesis import given, settings, strategies as st

from edgerec.profile.mining import MiningConfig, MiningSession, mine_routines, trigger_choice
from edgerec.profile.mining_joint import context_model, joint_triggers, satisfies, trigger_probability
from edgerec.profile.mining_model import CALENDAR_RATES, CONTEXT_DEPENDENCIES

TIMES = ["morning", "afternoon", "evening", "night"]
WEATHER = ["sunny", "cloudy", "rainy", "snowy"]
SUN = {"morning": ["before_sunrise", "daylight"], "afternoon": ["daylight"], "evening": ["daylight", "after_sunset"],
       "night": ["after_sunset", "before_sunrise"]}
FIELDS = ["time_of_day", "day_of_week", "sun_phase", "weather"]
JOINT = {"share": 0.7, "noise": 0.05, "penalty": 1.5, "first_penalty": 3.0, "max_triggers": 3,
         "dependencies": CONTEXT_DEPENDENCIES, "base_rates": CALENDAR_RATES}


def meta(rng, **fixed):
    m = {"time_of_day": rng.choice(TIMES), "day_of_week": "weekday" if rng.random() < 5 / 7 else "weekend",
         "weather": rng.choice(WEATHER)}
    m.update({k: v for k, v in fixed.items() if k != "sun_phase"})
    m["sun_phase"] = fixed.get("sun_phase", rng.choice(SUN[m["time_of_day"]]))
    return {k: m[k] for k in FIELDS}


def test_rates_are_counted_with_one_pseudo_session_per_value():
    model = context_model([{"w": "sun"}] * 3 + [{"w": "rain"}], ["w"])
    assert model["w"][1][None] == {"rain": 2 / 6, "sun": 4 / 6}


def test_a_dependent_field_is_counted_per_value_of_its_parent():
    metas = [{"t": "pm", "s": "day"}] * 4 + [{"t": "am", "s": "day"}, {"t": "am", "s": "dark"}]
    model = context_model(metas, ["t", "s"], dependencies={"s": "t"})
    assert model["s"][0] == "t"
    assert model["s"][1]["pm"] == {"dark": 1 / 6, "day": 5 / 6}
    # the chance of "day" sums over the times: P(pm) P(day | pm) + P(am) P(day | am)
    assert math.isclose(trigger_probability({"s": "day"}, model), 5 / 8 * 5 / 6 + 3 / 8 * 2 / 4)


def test_known_rates_replace_counting():
    model = context_model([{"day_of_week": "weekday"}] * 20, ["day_of_week"], base_rates=CALENDAR_RATES)
    assert math.isclose(trigger_probability({"day_of_week": "weekday"}, model), 5 / 7)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from("xyz")), min_size=1, max_size=30), st.data())
def test_trigger_probabilities_are_probabilities(rows, data):
    """Every value seen has a positive chance, a set holds no more often than its part, and the values sum to 1."""
    metas = [{"f": a, "g": b} for a, b in rows]
    f, g = data.draw(st.sampled_from(rows))
    for deps in (None, {"g": "f"}):
        model = context_model(metas, ["f", "g"], dependencies=deps)
        both = trigger_probability({"f": f, "g": g}, model)
        one = trigger_probability({"f": f}, model)
        assert 0.0 < both <= one <= 1.0
        assert math.isclose(sum(trigger_probability({"f": v}, model) for v in model["f"][2]), 1.0)


def test_a_routine_with_two_triggers_is_found_whole():
    rng = random.Random(3)
    group = [meta(rng, time_of_day="evening", weather="rainy") for _ in range(10)]
    others = [meta(rng) for _ in range(60)]
    choice = joint_triggers(group, others, FIELDS, **JOINT)
    assert choice.triggers == {"time_of_day": "evening", "weather": "rainy"}
    assert 0.5 < choice.confidence <= 1.0


def test_an_implied_value_is_not_added():
    """Every afternoon is daylight: "daylight" explains nothing "afternoon" does not."""
    rng = random.Random(4)
    group = [meta(rng, time_of_day="afternoon", weather="snowy") for _ in range(12)]
    others = [meta(rng) for _ in range(60)]
    assert joint_triggers(group, others, FIELDS, **JOINT).triggers == {"time_of_day": "afternoon", "weather": "snowy"}


def test_common_values_shared_by_a_few_sessions_are_no_routine():
    """Three weekday daylight sessions: values most sessions show, however many sets of them are tried."""
    rng = random.Random(5)
    group = [meta(rng, time_of_day=t, day_of_week="weekday", sun_phase="daylight", weather=w)
             for t, w in (("morning", "sunny"), ("afternoon", "rainy"), ("evening", "cloudy"))]
    others = [meta(rng) for _ in range(150)]
    assert joint_triggers(group, others, FIELDS, **{**JOINT, "first_penalty": math.log(150)}).triggers == {}
    # the same three sessions on a rare shared value are evidence
    snowy = [{**m, "weather": "snowy", "time_of_day": "night", "sun_phase": "after_sunset"} for m in group] * 2
    assert joint_triggers(snowy, others, FIELDS, **JOINT).triggers


def test_at_most_max_triggers_values():
    rng = random.Random(6)
    group = [meta(rng, time_of_day="night", day_of_week="weekend", weather="snowy", sun_phase="after_sunset")
             for _ in range(15)]
    others = [meta(rng) for _ in range(80)]
    assert len(joint_triggers(group, others, FIELDS, **JOINT).triggers) <= 3
    assert len(joint_triggers(group, others, FIELDS, **{**JOINT, "max_triggers": 1}).triggers) == 1


def test_the_miner_keeps_the_joint_set_only_when_every_session_shows_it():
    rng = random.Random(7)
    group = [meta(rng, time_of_day="evening", weather="rainy") for _ in range(10)]
    stray = [meta(rng, time_of_day="morning", weather="sunny")]
    others = [meta(rng) for _ in range(60)]
    sessions = [MiningSession(m, frozenset()) for m in group + stray + others]
    whole = trigger_choice(sessions, range(10))
    assert whole.triggers == {"time_of_day": "evening", "weather": "rainy"} and len(whole.posteriors) == 1
    with_stray = trigger_choice(sessions, range(11))  # a session missing the set: the greedy choice decides
    greedy = trigger_choice(sessions, range(11), MiningConfig(joint=False))
    assert with_stray == greedy and not all(satisfies(m, with_stray.triggers) for m in group + stray)


def test_the_joint_choice_can_be_switched_off():
    rng = random.Random(8)
    items = frozenset({("lights.brightness", 30)})
    sessions = [MiningSession(meta(rng, time_of_day="night", weather="cloudy"), items) for _ in range(12)]
    sessions += [MiningSession(meta(rng), frozenset({("tv.volume", rng.randrange(100))})) for _ in range(60)]
    on, off = mine_routines(sessions), mine_routines(sessions, MiningConfig(joint=False))
    assert [r.items for r in on] == [items] and [r.items for r in off] == [items]
    assert on[0].triggers == {"time_of_day": "night", "weather": "cloudy"}
