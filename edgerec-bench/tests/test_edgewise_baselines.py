"""Floor baselines for EdgeWisePersona scoring."""

from __future__ import annotations

import pytest

from edgerec_bench.datasets.edgewise_synth import synthesize_user
from edgerec.errors import InputError
from edgerec_bench.eval.edgewise_baselines import BASELINES, predict
from edgerec_bench.eval.edgewise_metrics import score_users


def _meta(tod, dow="weekday"):
    return {"session_id": 0, "meta": {"time_of_day": tod, "day_of_week": dow}, "messages": []}


def test_modal_and_top_times_hand_computed():
    sessions = [_meta("night"), _meta("morning", "weekend"), _meta("night", "weekend"), _meta("evening", "weekend")]
    assert predict("modal_meta", sessions) == [
        {"triggers": {"time_of_day": "night", "day_of_week": "weekend"}, "actions": {}}
    ]
    assert [r["triggers"]["time_of_day"] for r in predict("top_times", sessions)] == ["night", "morning", "evening"]
    assert predict("empty", sessions) == [] and predict("modal_meta", []) == []


def test_unknown_baseline():
    with pytest.raises(InputError, match="unknown baseline"):
        predict("oracle", [])


def test_baselines_stay_near_the_floor_on_synthetic_data():
    users = [synthesize_user(i, sessions=120, seed=21)[0] for i in range(3)]
    truth = [u.routines for u in users]
    for name in BASELINES:
        scores = score_users(truth, [predict(name, u.sessions) for u in users])
        assert scores["acc.actions_exact"] == 0.0  # they never predict an action
        assert scores["acc.routine_exact"] == 0.0
        assert scores["jaccard.flattened"] < 0.35
    empty = score_users(truth, [[] for _ in users])
    assert empty["len_diff.avg"] == pytest.approx(sum(map(len, truth)) / len(truth))
