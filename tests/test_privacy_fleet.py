"""The simulated local-DP fleet: exact truths, estimates near them, resampling, workers, figures."""

import math

import numpy as np
import pytest

from edgerec.errors import InputError
from edgerec.privacy.fleet import estimation_error, simulate_fleet, spearman, top_k_overlap
from helpers import requires
from edgerec.privacy.ldp import flip_probability

pytestmark = requires("opendp")  # the local randomizer is OpenDP's

# 4 kinds of users over 12 items: items 0 and 1 together are the common taste
POPULATION = [[0, 1, 5]] * 40 + [[1, 0, 7, 9]] * 30 + [[2, 3]] * 20 + [[11]] * 10


def _sd(devices, epsilon, bound):
    f = flip_probability(epsilon, bound)
    return math.sqrt(devices * (f / 2) * (1 - f / 2)) / (1 - f)


def test_fleet_estimates_are_near_the_exact_counts():
    seen = []
    r = simulate_fleet(POPULATION, 12, devices=2000, epsilon=10.0, item_bound=3, pair_bound=3, top_items=5,
                       seed=7, progress=seen.append)
    assert sum(seen) == 2 * 2000
    # exact truths: devices are the 100 users resampled, and each counts its bounded items
    assert r.true_popularity[9] == 0 and r.all_popularity[9] > 0  # item 9 is 4th: beyond the bound
    assert r.true_popularity.sum() == r.all_popularity.sum() - r.all_popularity[9]
    assert r.true_popularity[0] == r.true_popularity[1] > r.true_popularity[2] > 0
    sd_items = _sd(2000, 5.0, 3)
    assert np.all(np.abs(r.popularity - r.true_popularity) < 6 * sd_items)
    assert set(r.top[:2].tolist()) == {0, 1}
    a, b = (list(r.top).index(0), list(r.top).index(1))
    assert r.true_pairs[a, b] == r.true_popularity[0]  # everyone holding 0 holds 1 too
    sd_pairs = _sd(2000, 5.0, 3)
    assert abs(r.pairs[a, b] - r.true_pairs[a, b]) < 6 * sd_pairs
    assert np.allclose(r.pairs, r.pairs.T)
    m = r.metrics(k=3)
    assert m["devices"] == 2000 and m["top_items"] == 5 and m["total_s"] > 0 and m["devices_per_s"] > 0
    assert m["devices_randomize_summed_s"] > 0 and m["aggregate_summed_s"] > 0
    assert m["popularity_top50_overlap"] >= 2 / 3 and m["popularity_top50_overlap_bounded"] >= 2 / 3
    assert m["popularity_rel_l1"] < 1.0


def test_small_fleets_use_distinct_users_and_seed_fixes_who():
    a = simulate_fleet(POPULATION, 12, devices=100, epsilon=1.0, item_bound=3, top_items=4, seed=3)
    assert a.all_popularity.tolist() == np.bincount(sum(POPULATION, []), minlength=12).tolist()
    b = simulate_fleet(POPULATION, 12, devices=60, epsilon=1.0, item_bound=3, top_items=4, seed=3)
    c = simulate_fleet(POPULATION, 12, devices=60, epsilon=1.0, item_bound=3, top_items=4, seed=3)
    assert b.true_popularity.tolist() == c.true_popularity.tolist()


def test_workers_give_the_same_truths_and_estimates_of_the_same_quality():
    one = simulate_fleet(POPULATION, 12, devices=1500, epsilon=10.0, item_bound=3, top_items=4, seed=1, chunk=400)
    seen = []
    two = simulate_fleet(POPULATION, 12, devices=1500, epsilon=10.0, item_bound=3, top_items=4, seed=1, chunk=400,
                         workers=2, progress=seen.append)
    assert seen.count(400) == 6 and sum(seen) == 3000  # 4 chunks a round, the last one short
    assert one.true_popularity.tolist() == two.true_popularity.tolist()
    assert np.all(np.abs(two.popularity - two.true_popularity) < 6 * _sd(1500, 5.0, 3))


def test_fleet_rejects_bad_settings():
    with pytest.raises(InputError):
        simulate_fleet([], 3, devices=10, epsilon=1.0)
    with pytest.raises(InputError):
        simulate_fleet(POPULATION, 12, devices=10, epsilon=1.0, pair_share=1.0)
    with pytest.raises(InputError):
        simulate_fleet(POPULATION, 1, devices=10, epsilon=1.0)


def test_error_measures():
    t = np.array([5.0, 3.0, 1.0, 0.0])
    assert estimation_error(t, t) == 0.0 and top_k_overlap(t, t, 2) == 1.0 and spearman(t, t) == pytest.approx(1.0)
    assert spearman(t, -t) == pytest.approx(-1.0) and spearman(t, np.ones(4)) == 0.0
