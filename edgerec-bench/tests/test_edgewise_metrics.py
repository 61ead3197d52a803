"""EdgeWisePersona scoring: hand-computed cases and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgerec.errors import InputError
from edgerec_bench.eval.edgewise_metrics import (
    METRIC_KEYS,
    best_match,
    flatten,
    jaccard,
    score_user,
    score_users,
)

MORNING_HEAT = {
    "triggers": {"time_of_day": "morning", "outdoor_temp": "cold"},
    "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}},
}
EVENING_TV = {
    "triggers": {"time_of_day": "evening"},
    "actions": {"tv": {"input_source": "Netflix", "volume": 20}},
}


def test_flatten_drops_nulls_and_empty_devices():
    routine = {
        "triggers": {"time_of_day": "night", "weather": None},
        "actions": {"tv": None, "security": {"armed": True, "alarm_volume": None}, "ac": {}},
    }
    assert flatten(routine) == {("triggers.time_of_day", "night"), ("actions.security.armed", ("__bool__", True))}


def test_flatten_keeps_bool_apart_from_int():
    assert flatten({"a": True}) != flatten({"a": 1})
    assert flatten({"a": 0}) != flatten({"a": False})


def test_jaccard_hand_computed():
    assert jaccard({1, 2}, {2, 3, 4}) == pytest.approx(1 / 4)
    assert jaccard({1}, set()) == 0.0


def test_best_match_first_of_ties_and_empty():
    half_a = {"triggers": {"time_of_day": "morning"}, "actions": {}}
    half_b = {"triggers": {"outdoor_temp": "cold"}, "actions": {}}
    # each shares 1 of the 5 pairs of MORNING_HEAT
    assert best_match(MORNING_HEAT, [half_a, half_b]) == (0, 0.2)
    assert best_match(MORNING_HEAT, [half_b, half_a]) == (0, 0.2)
    assert best_match(MORNING_HEAT, []) == (None, 0.0)


def test_score_user_hand_computed():
    # Same triggers, one action value differs: 4 shared of 6 in the union.
    pred = {
        "triggers": {"time_of_day": "morning", "outdoor_temp": "cold"},
        "actions": {"ac": {"mode": "heat", "temperature": 24}, "lights": {"color": "warm"}},
    }
    # Exact actions, one extra trigger: 3 shared of 4.
    pred_tv = {"triggers": {"time_of_day": "evening", "weather": "rainy"}, "actions": EVENING_TV["actions"]}
    s = score_user([MORNING_HEAT, EVENING_TV], [pred, pred_tv, pred_tv])
    assert s == {
        "acc.routine_exact": 0.0,
        "acc.triggers_exact": 0.5,
        "acc.actions_exact": 0.5,
        "jaccard.flattened": pytest.approx((4 / 6 + 3 / 4) / 2),
        "len_diff.avg": 1.0,
    }


def test_score_user_empty_prediction_scores_zero():
    s = score_user([MORNING_HEAT, EVENING_TV], [])
    assert s == {
        "acc.routine_exact": 0.0,
        "acc.triggers_exact": 0.0,
        "acc.actions_exact": 0.0,
        "jaccard.flattened": 0.0,
        "len_diff.avg": 2.0,
    }


def test_score_user_null_fields_do_not_count():
    noisy = {
        "triggers": {**MORNING_HEAT["triggers"], "weather": None},
        "actions": {**MORNING_HEAT["actions"], "tv": None, "speaker": {}},
    }
    s = score_user([MORNING_HEAT], [noisy])
    assert s["acc.routine_exact"] == 1.0 and s["jaccard.flattened"] == 1.0


def test_score_users_pools_routines_and_averages_len_diff_over_users():
    # user 0: 1 routine exact; user 1: 3 routines, only one exact.
    truth = [[MORNING_HEAT], [MORNING_HEAT, EVENING_TV, {"triggers": {"weather": "snowy"}, "actions": {}}]]
    pred = [[MORNING_HEAT], [MORNING_HEAT]]
    s = score_users(truth, pred)
    assert set(s) == set(METRIC_KEYS)
    # pooled over 4 routines: exact for 2 of them (not 0.5*(1 + 1/3))
    assert s["acc.routine_exact"] == pytest.approx(2 / 4)
    assert s["len_diff.avg"] == pytest.approx((0 + 2) / 2)


def test_score_users_rejects_misaligned_and_empty_truth():
    with pytest.raises(InputError, match="2 users"):
        score_users([[MORNING_HEAT], [EVENING_TV]], [[]])
    with pytest.raises(InputError, match="nothing to score"):
        score_users([[], []], [[MORNING_HEAT], []])


# --- invariants -------------------------------------------------------------

META_VALUES = {
    "time_of_day": ["morning", "afternoon", "evening", "night"],
    "weather": ["sunny", "cloudy", "rainy", "snowy"],
    "day_of_week": ["weekday", "weekend"],
}
triggers_st = st.fixed_dictionaries(
    {}, optional={k: st.sampled_from(v) | st.none() for k, v in META_VALUES.items()}
)
actions_st = st.fixed_dictionaries(
    {},
    optional={
        "tv": st.fixed_dictionaries({}, optional={"volume": st.integers(0, 100), "input_source": st.sampled_from(["HDMI1", "Netflix"])}),
        "ac": st.fixed_dictionaries({}, optional={"temperature": st.integers(16, 30), "mode": st.sampled_from(["cool", "heat"])}),
        "security": st.fixed_dictionaries({}, optional={"armed": st.booleans()}),
    },
)
routine_st = st.fixed_dictionaries({"triggers": triggers_st, "actions": actions_st})
routines_st = st.lists(routine_st, max_size=5)


@given(st.lists(routines_st, min_size=1, max_size=4).filter(lambda users: any(users)))
def test_truth_against_itself_is_perfect(users):
    s = score_users(users, users)
    assert s == {
        "acc.routine_exact": 1.0,
        "acc.triggers_exact": 1.0,
        "acc.actions_exact": 1.0,
        "jaccard.flattened": 1.0,
        "len_diff.avg": 0.0,
    }


@given(routine_st, routine_st)
def test_jaccard_symmetric_and_bounded(a, b):
    fa, fb = flatten(a), flatten(b)
    assert jaccard(fa, fb) == jaccard(fb, fa)
    assert 0.0 <= jaccard(fa, fb) <= 1.0


@given(routines_st.filter(bool), routines_st, st.data())
def test_duplicate_prediction_never_lowers_jaccard(truth, pred, data):
    before = score_user(truth, pred)
    extra = data.draw(st.sampled_from(pred)) if pred else data.draw(routine_st)
    position = data.draw(st.integers(0, len(pred)))
    after = score_user(truth, pred[:position] + [extra] + pred[position:])
    assert after["jaccard.flattened"] >= before["jaccard.flattened"]


@given(routines_st.filter(bool), routines_st)
def test_all_routine_metrics_in_unit_interval(truth, pred):
    s = score_user(truth, pred)
    for key in METRIC_KEYS[:4]:
        assert 0.0 <= s[key] <= 1.0
    assert s["acc.routine_exact"] <= min(s["acc.triggers_exact"], s["acc.actions_exact"])
