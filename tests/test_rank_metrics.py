"""Ranking metrics against answers computed by hand."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgerec.errors import InputError
from edgerec.rank.metrics import hit_rate_at_k, mrr, ndcg_at_k, ranking_metrics


def test_ndcg_single_relevant_at_each_position():
    ranked = [["a", "b", "c", "d"]]
    assert ndcg_at_k(ranked, ["a"], k=4) == 1.0
    assert ndcg_at_k(ranked, ["b"], k=4) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(ranked, ["d"], k=4) == pytest.approx(1 / math.log2(5))  # = 0.4306...
    assert ndcg_at_k(ranked, ["d"], k=3) == 0.0


def test_ndcg_two_relevant_items_by_hand():
    # relevant at ranks 1 and 3: DCG = 1 + 1/2 = 1.5; ideal = 1 + 1/log2(3) = 1.6309...
    got = ndcg_at_k([["a", "x", "b", "y"]], [{"a", "b"}], k=4)
    assert got == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # k=2 cuts b away: DCG = 1; ideal for two relevant in two slots is the same 1.6309
    assert ndcg_at_k([["a", "x", "b"]], [{"a", "b"}], k=2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_mean_over_users():
    ranked = [["a", "b"], ["c", "d"], ["e", "f"]]
    assert hit_rate_at_k(ranked, ["a", "d", "z"], k=2) == pytest.approx(2 / 3)
    assert hit_rate_at_k(ranked, ["a", "d", "z"], k=1) == pytest.approx(1 / 3)
    assert mrr(ranked, ["a", "d", "z"]) == pytest.approx((1 + 0.5 + 0) / 3)
    assert ndcg_at_k(ranked, ["a", "d", "z"], k=2) == pytest.approx((1 + 1 / math.log2(3)) / 3)


def test_mrr_uses_first_relevant_and_cutoff():
    assert mrr([["x", "a", "b"]], [{"a", "b"}]) == 0.5
    assert mrr([["x", "y", "a"]], ["a"], k=2) == 0.0


def test_ranking_metrics_keys_and_values():
    got = ranking_metrics([["x", "a"], ["b", "y"]], ["a", "b"], k=1)
    assert got == {"ndcg@1": 0.5, "hr@1": 0.5, "mrr": 0.75}


def test_mismatched_lengths_and_bad_k_are_input_errors():
    with pytest.raises(InputError):
        ndcg_at_k([["a"]], ["a", "b"])
    with pytest.raises(InputError):
        hit_rate_at_k([["a"]], ["a"], k=0)
    with pytest.raises(InputError):
        mrr([], [])


@given(st.lists(st.integers(0, 30), min_size=1, max_size=30, unique=True), st.integers(0, 40), st.integers(1, 40))
def test_metrics_are_bounded_and_consistent(items, target, k):
    ranked, rel = [items], [target]
    nd, hr, rr = ndcg_at_k(ranked, rel, k), hit_rate_at_k(ranked, rel, k), mrr(ranked, rel, k)
    assert 0.0 <= nd <= hr <= 1.0
    assert 0.0 <= rr <= hr
    assert (hr == 1.0) == (target in items[:k])
