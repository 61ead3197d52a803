"""Local-DP reports: the mechanism's epsilon (OpenDP's map), unbiased aggregation, pairs, domains."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from edgerec.errors import InputError
from helpers import requires
from edgerec.privacy.ldp import (Aggregator, ItemDomain, Randomizer, Report, bounded, estimate_counts,
                                 flip_probability, make_report, pack, pair_domain_size, pair_index,
                                 pair_matrix, pairs_among, unpack)

pytestmark = requires("opendp")  # the local randomizer is OpenDP's


@given(st.floats(0.05, 20.0), st.integers(1, 64))
@settings(max_examples=60, deadline=None)
def test_opendp_privacy_map_never_exceeds_the_epsilon_asked(epsilon, bound):
    rr = Randomizer.create(epsilon, 16, bound)
    assert rr.privacy_loss() <= epsilon
    # and it is not needlessly noisy: the flip was only nudged by float rounding
    assert rr.privacy_loss() > epsilon * (1 - 1e-6)
    assert math.isclose(rr.flip, flip_probability(epsilon, bound), rel_tol=1e-9)


@given(st.lists(st.integers(0, 199), unique=True, max_size=40))
def test_pack_round_trips(indices):
    assert unpack(pack(indices, 200), 200) == sorted(indices)


def test_pack_rejects_out_of_domain():
    with pytest.raises(InputError):
        pack([200], 200)


def test_bound_keeps_most_recent_distinct():
    assert bounded([4, 4, 7, 1, 9], 3) == [4, 7, 1]


def test_report_is_json_round_trip_and_validated():
    rep = make_report([3, 1, 4], epsilon=2.0, domain_size=30, bound=3)
    again = Report.from_dict(rep.to_dict())
    assert again == rep
    assert all(0 <= i < 30 for i in rep.payload)
    bad = {**rep.to_dict(), "payload": [31]}
    with pytest.raises(InputError):
        Report.from_dict(bad)
    with pytest.raises(InputError):
        Report.from_dict({"mechanism": "rr_bitvec"})


def test_randomizer_refuses_more_items_than_its_bound():
    rr = Randomizer.create(1.0, 10, 2)
    with pytest.raises(InputError):
        rr.randomize([1, 2, 3])


def test_aggregate_is_unbiased_within_a_few_standard_deviations():
    # 3000 devices: 2000 hold {0, 1}, 1000 hold {1, 2}; item 3 nobody holds
    eps, bound, d, n = 4.0, 2, 8, 3000
    rr = Randomizer.create(eps, d, bound)
    agg = Aggregator(d, rr.flip, chunk=700)  # several chunks: debiasing must add up across them
    for k in range(n):
        agg.add(rr.randomize([0, 1] if k < 2000 else [1, 2]))
    est = agg.estimate()
    f = rr.flip
    sd = math.sqrt(n * (f / 2) * (1 - f / 2)) / (1 - f)
    truth = np.array([2000, 3000, 1000, 0, 0, 0, 0, 0])
    assert agg.n == n
    assert np.all(np.abs(est - truth) < 6 * sd), (est, sd)


def test_estimate_counts_from_reports_matches_truth_and_rejects_mixtures():
    reps = [make_report([5, 2], epsilon=6.0, domain_size=12, bound=2) for _ in range(800)]
    est = estimate_counts([r.to_dict() for r in reps])
    assert est.shape == (12,)
    f = reps[0].flip
    sd = math.sqrt(800 * (f / 2) * (1 - f / 2)) / (1 - f)
    assert abs(est[5] - 800) < 6 * sd and abs(est[2] - 800) < 6 * sd and abs(est[0]) < 6 * sd
    other = make_report([1], epsilon=1.0, domain_size=12, bound=2)
    with pytest.raises(InputError):
        estimate_counts(reps[:3] + [other])
    with pytest.raises(InputError):
        estimate_counts([])


def test_pair_numbering_is_a_bijection_and_matrix_symmetric():
    t = 7
    seen = sorted(pair_index(a, b, t) for a in range(t) for b in range(a + 1, t))
    assert seen == list(range(pair_domain_size(t)))
    assert pair_index(4, 2, t) == pair_index(2, 4, t)
    m = pair_matrix(np.arange(pair_domain_size(t), dtype=float), t)
    assert np.allclose(m, m.T) and np.all(np.diag(m) == 0) and m[2, 4] == pair_index(2, 4, t)
    with pytest.raises(InputError):
        pair_index(3, 3, t)


def test_pairs_among_takes_recent_pairs_first_and_respects_bound():
    t = 10
    got = pairs_among([9, 1, 5, 1, 7], 3, t)
    assert got == [pair_index(9, 1, t), pair_index(9, 5, t), pair_index(1, 5, t)]
    assert len(pairs_among(list(range(10)), 100, t)) == 45
    assert pairs_among([4], 5, t) == []


def test_item_domains():
    ids = ItemDomain.from_ids(["x", "y", "z"])
    assert [ids.index(i) for i in "xyzq"] == [0, 1, 2, None]
    assert ids.describe()["items"] == 3 and "x" not in str(ids.describe())
    hashed = ItemDomain.hashed(32)
    assert all(0 <= hashed.index(f"item-{n}") < 32 for n in range(100))
    with pytest.raises(InputError):
        ItemDomain.from_ids(["a", "a"])
