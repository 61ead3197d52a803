"""Fleet engines and seeded simulation noise: the same devices send the same answers on every engine,
the seeded randomizer is OpenDP's mechanism, and the aggregator's estimates are unbiased."""

import math
import sys

import numpy as np
import pytest

from edgerec.errors import InputError, MissingExtraError
from edgerec.privacy.fleet import estimate_sd, open_engine, simulate_fleet, simulated_answer
from edgerec.privacy.ldp import Aggregator, Randomizer, flip_probability, pack, unpack
from helpers import requires

pytestmark = requires("opendp")

# 4 kinds of users over 12 items (the same population as tests/test_privacy_fleet.py)
POPULATION = [[0, 1, 5]] * 40 + [[1, 0, 7, 9]] * 30 + [[2, 3]] * 20 + [[11]] * 10
SETTINGS = dict(devices=900, epsilon=6.0, item_bound=3, pair_bound=3, top_items=5, seed=4, noise_seed=11, chunk=200)


def _same(a, b):
    assert np.array_equal(a.popularity, b.popularity) and np.array_equal(a.top, b.top)
    assert np.array_equal(a.pairs, b.pairs) and np.array_equal(a.true_pairs, b.true_pairs)


def test_seeded_noise_is_the_same_on_every_local_engine_and_chunking():
    one = simulate_fleet(POPULATION, 12, **SETTINGS)
    two = simulate_fleet(POPULATION, 12, workers=2, **SETTINGS)
    _same(one, two)
    assert one.noise == "seeded" and one.engine == "inprocess" and one.metrics()["noise"] == "seeded"
    # chunking changes only the order of float additions, never a device's answer
    other_chunks = simulate_fleet(POPULATION, 12, **{**SETTINGS, "chunk": 333})
    assert np.allclose(one.popularity, other_chunks.popularity, rtol=0, atol=1e-9)
    moved = simulate_fleet(POPULATION, 12, **{**SETTINGS, "noise_seed": 12})
    assert not np.array_equal(one.popularity, moved.popularity)  # the seed is what fixes the noise


@pytest.mark.slow
@requires("ray")
def test_ray_engine_equals_in_process_for_the_same_seeds():
    import ray

    from edgerec.privacy.fleet_ray import RayEngine

    local = simulate_fleet(POPULATION, 12, workers=2, **SETTINGS)
    seen = []
    with RayEngine(2):  # one local runtime for both fleets: each simulate_fleet finds it running and keeps it
        on_ray = simulate_fleet(POPULATION, 12, workers=2, engine="ray", progress=seen.append, **SETTINGS)
        # OpenDP's unseeded noise on Ray: the same devices and truths, estimates within the noise
        fresh = simulate_fleet(POPULATION, 12, **{**SETTINGS, "noise_seed": None}, engine="ray", workers=2)
        assert ray.is_initialized()
    assert not ray.is_initialized()  # the engine that started the runtime stopped it
    _same(local, on_ray)
    assert on_ray.engine == "ray" and sum(seen) == 2 * SETTINGS["devices"]
    assert fresh.noise == "opendp" and np.array_equal(fresh.true_popularity, local.true_popularity)
    assert np.all(np.abs(fresh.popularity - fresh.true_popularity) < 6 * estimate_sd(900, 3.0, 3))


def test_simulated_answer_is_openDP_randomized_response():
    """Per-bit frequencies of the seeded randomizer and of OpenDP's, against 1 - f/2 (held) and f/2 (not held)."""
    domain, held, draws = 48, [3, 17, 40], 1500
    rr = Randomizer.create(2.0, domain, bound=3)
    rng = np.random.default_rng(5)
    seeded = np.zeros(domain)
    opendp = np.zeros(domain)
    for _ in range(draws):
        seeded[unpack(simulated_answer(held, domain, rr.flip, rng), domain)] += 1
        opendp[unpack(rr.randomize(held), domain)] += 1
    expect = np.full(domain, rr.flip / 2)
    expect[held] = 1 - rr.flip / 2
    sd = np.sqrt(expect * (1 - expect) / draws)
    for freq in (seeded / draws, opendp / draws):
        assert np.all(np.abs(freq - expect) < 5 * sd)
    # pooled over the bits it does not hold, each is within a fraction of a percent of f/2
    free = np.setdiff1d(np.arange(domain), held)
    assert abs((seeded / draws)[free].mean() - rr.flip / 2) < 5 * math.sqrt(rr.flip / 2 / (draws * len(free)))


def test_estimates_are_unbiased_on_a_known_distribution():
    """Averaged over 40 noise seeds, every item's estimate is within 4 of its standard errors of the truth."""
    truth_items = np.bincount([i for u in POPULATION for i in u[:2]], minlength=12).astype(float)
    domain, eps, bound, runs = 12, 2.0, 2, 40
    rr = Randomizer.create(eps, domain, bound)
    estimates = []
    for run in range(runs):
        agg = Aggregator(domain, rr.flip)
        for d, items in enumerate(POPULATION):
            agg.add(simulated_answer(items[:2], domain, rr.flip, np.random.default_rng([run, d])))
        estimates.append(agg.estimate())
    estimates = np.array(estimates)
    sd = estimate_sd(len(POPULATION), eps, bound)
    assert np.all(np.abs(estimates.mean(axis=0) - truth_items) < 4 * sd / math.sqrt(runs))
    # and the spread is the one estimate_sd states
    assert 0.7 * sd < estimates.std(axis=0, ddof=1).mean() < 1.3 * sd


def test_estimate_sd_formula():
    f = flip_probability(3.0, 4)
    assert estimate_sd(250, 3.0, 4) == pytest.approx(math.sqrt(250 * (f / 2) * (1 - f / 2)) / (1 - f))
    assert estimate_sd(1000, 3.0, 4) == pytest.approx(2 * estimate_sd(250, 3.0, 4))


def test_simulated_answer_keeps_bits_when_flip_is_tiny():
    rng = np.random.default_rng(0)
    assert unpack(simulated_answer([0, 5, 63], 64, 1e-12, rng), 64) == [0, 5, 63]
    assert simulated_answer([], 10, 1e-12, rng) == pack([], 10)


def test_unknown_engine_and_missing_ray_are_clear_errors(monkeypatch):
    with pytest.raises(InputError, match="unknown fleet engine"):
        simulate_fleet(POPULATION, 12, devices=10, epsilon=1.0, engine="spark")
    with pytest.raises(InputError):
        open_engine("spark", 2)
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the extra looks like
    with pytest.raises(MissingExtraError, match=r"pip install 'edgerec\[ray\]'"):
        simulate_fleet(POPULATION, 12, devices=10, epsilon=1.0, top_items=4, engine="ray")
