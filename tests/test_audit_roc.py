"""The pure audit metrics: ROC, AUC, TPR at low FPR, Clopper-Pearson, and the empirical ε lower bound."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from edgerec.audit.roc import attack_metrics, auc, clopper_pearson, epsilon_lower_bound, roc_points, tpr_at_fpr
from edgerec.errors import InputError

scored = st.integers(4, 60).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 6), min_size=n, max_size=n),  # few distinct values: many ties
    st.lists(st.booleans(), min_size=n, max_size=n),
)).filter(lambda t: any(t[1]) and not all(t[1]))


@given(scored)
@settings(max_examples=150, deadline=None)
def test_auc_and_roc_agree_with_sklearn(case):
    scores, labels = np.array(case[0], dtype=float), np.array(case[1])
    assert auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))
    fpr, tpr = roc_points(scores, labels)
    ref_fpr, ref_tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    assert np.allclose(fpr, ref_fpr) and np.allclose(tpr, ref_tpr)
    assert (np.diff(fpr) >= 0).all() and (np.diff(tpr) >= 0).all()


def test_auc_extremes_and_bad_input():
    labels = np.array([True, True, False, False])
    assert auc([4, 3, 2, 1], labels) == 1.0
    assert auc([1, 2, 3, 4], labels) == 0.0
    with pytest.raises(InputError, match="both members and non-members"):
        auc([1, 2], [True, True])
    with pytest.raises(InputError, match="2 scores but 3 labels"):
        auc([1, 2], [True, False, True])
    with pytest.raises(InputError, match="finite"):
        auc([1, float("nan")], [True, False])


def test_tpr_at_fpr_reads_the_best_threshold_within_the_budget():
    fpr, tpr = [0.0, 0.0, 0.005, 0.02, 1.0], [0.0, 0.3, 0.5, 0.8, 1.0]
    assert tpr_at_fpr(fpr, tpr, 0.001) == 0.3
    assert tpr_at_fpr(fpr, tpr, 0.01) == 0.5
    assert tpr_at_fpr(fpr, tpr, 0.5) == 0.8


@given(st.integers(0, 200), st.integers(1, 200))
@settings(max_examples=100, deadline=None)
def test_clopper_pearson_brackets_the_rate_and_matches_scipy(k, n):
    k = min(k, n)
    lo, hi = clopper_pearson(k, n, 0.025)
    assert 0 <= lo <= k / n <= hi <= 1
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert float(lo) == pytest.approx(ci.low, abs=1e-9) and float(hi) == pytest.approx(ci.high, abs=1e-9)


def randomized_response(epsilon: float, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """An ε-DP mechanism on one bit: members say 1 with prob e^ε/(1+e^ε), non-members with 1/(1+e^ε)."""
    labels = np.arange(2 * n) < n
    p = math.exp(epsilon) / (1 + math.exp(epsilon))
    says = np.where(labels, rng.random(2 * n) < p, rng.random(2 * n) < 1 - p)
    return says.astype(float) + 0.01 * rng.random(2 * n), labels  # jitter: many thresholds, as real scores have


@pytest.mark.parametrize("epsilon", [0.5, 1.0, 2.0])
def test_the_lower_bound_never_exceeds_the_true_epsilon_and_is_not_vacuous(epsilon):
    rng = np.random.default_rng(7)
    for _ in range(20):
        scores, labels = randomized_response(epsilon, 2000, rng)
        bound = epsilon_lower_bound(scores, labels)
        assert bound <= epsilon
    assert bound > 0.4 * epsilon  # a good attack on an exactly-ε mechanism proves a good part of ε


def test_a_larger_delta_only_lowers_the_bound():
    scores, labels = randomized_response(2.0, 1000, np.random.default_rng(3))
    bounds = [epsilon_lower_bound(scores, labels, delta=d) for d in (0.0, 0.01, 0.1)]
    assert bounds[0] >= bounds[1] >= bounds[2] and bounds[0] > bounds[2]


def test_attack_metrics_keys():
    m = attack_metrics([0.9, 0.1, 0.8, 0.3], [True, False, True, False], epsilon=1.0, delta=1e-3)
    assert {"auc", "tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr", "epsilon", "epsilon_lower_bound", "members",
            "non_members"} <= m.keys()
    assert m["epsilon"] == 1.0 and m["delta"] == 1e-3 and m["members"] == 2
