"""The spectral DP catalog: L2-weighted contributions, the domain, low rank, exact unlearning."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.privacy.catalog import CatalogArtifact, ReleaseOptions, build_catalog
from edgerec.privacy.contributions import Bounds, count_pairs
from edgerec.privacy.data import Histories
from edgerec.privacy.release import text_neighbours
from edgerec.privacy.spectral import UNIT, choose_domain, l2_units, low_rank, top_eigenpairs, weighted_contribution

BOUNDS = Bounds(window=2)
OPTIONS = ReleaseOptions(top_n=4, domain=8, rank=3)


def _histories(seed: int, users: int = 14, items: int = 15) -> Histories:
    rng = np.random.default_rng(seed)
    seqs = [rng.integers(0, items, size=rng.integers(1, 14)) for _ in range(users)]
    return Histories.from_arrays([f"u{i}" for i in range(users)], [f"i{j}" for j in range(items)], seqs)


def _noise(seed: int, n: int) -> dict[str, np.ndarray]:
    """Integer noise shaped like the state (tests only: the builder draws OpenDP's)."""
    rng = np.random.default_rng(seed)
    out = {"popularity": rng.integers(-UNIT, UNIT, n)}
    for s in ("cooccurrence", "sequential"):
        upper = np.triu(rng.integers(-UNIT, UNIT, (n, n)), 1)
        out[s] = upper + upper.T
    return out


def _same(a: CatalogArtifact, b: CatalogArtifact) -> None:
    assert a.user_ids == b.user_ids
    assert np.array_equal(a.domain, b.domain)
    assert np.array_equal(a.popularity, b.popularity)
    for signal in ("cooccurrence", "sequential"):
        assert np.array_equal(a.state[signal], b.state[signal])
        for part in ("indptr", "indices", "values"):
            assert np.array_equal(getattr(a.neighbours[signal], part), getattr(b.neighbours[signal], part))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=0, max_size=120), st.integers(1, 6), st.floats(0.3, 1.0))
def test_one_persons_contribution_never_exceeds_unit_l2(seq, window, decay):
    domain = np.zeros(41, dtype=bool)
    domain[::2] = True
    c = weighted_contribution(np.array(seq, dtype=np.int64), domain, window=window, decay=decay)
    for kind in ("items", "pairs", "transitions"):
        assert l2_units(c.weights(kind)) <= UNIT
        assert (c.weights(kind) >= 0).all()
    assert domain[c.pairs.ravel()].all() and domain[c.transitions.ravel()].all()
    assert len({tuple(p) for p in c.transitions.tolist()}) == len(c.transitions)
    assert (c.pairs[:, 0] < c.pairs[:, 1]).all() and (c.transitions[:, 0] < c.transitions[:, 1]).all()
    k = len(set(seq) & set(np.flatnonzero(domain).tolist()))
    assert len(c.pairs) == k * (k - 1) // 2  # every pair of the domain items, not a truncated few


def test_longer_histories_spread_the_same_norm_over_more_pairs():
    everything = np.ones(60, dtype=bool)
    short, long = (weighted_contribution(np.arange(m), everything) for m in (5, 50))
    assert len(long.pairs) > 100 * len(short.pairs) / 10
    assert l2_units(short.pair_w) == pytest.approx(UNIT, rel=1e-3) and l2_units(long.pair_w) == pytest.approx(UNIT, rel=1e-2)
    assert long.pair_w.max() < short.pair_w.min()


def test_domain_is_the_top_of_the_released_popularity_ties_to_the_lower_row():
    assert choose_domain(np.array([5, 9, 9, 1, 7]), 3).tolist() == [1, 2, 4]
    assert choose_domain(np.array([2, 2, 2]), 2).tolist() == [0, 1]


def test_low_rank_keeps_a_planted_structure_and_drops_isotropic_noise():
    rng = np.random.default_rng(0)
    v = np.zeros((60, 2))
    v[:30, 0], v[30:, 1] = 1, 1
    signal = 40 * v @ v.T
    upper = np.triu(rng.normal(0, 3, (60, 60)), 1)
    noisy = signal + upper + upper.T
    off = ~np.eye(60, dtype=bool)
    err_raw = np.abs(noisy - signal)[off].mean()
    err_low = np.abs(low_rank(noisy, 2) - signal)[off].mean()
    assert err_low < err_raw / 3
    assert np.allclose(np.diag(low_rank(noisy, 2)), 0)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 13))
def test_forget_equals_a_build_without_the_user_with_the_same_noise_and_domain(seed, who):
    h = _histories(seed)
    noise = _noise(seed, h.n_items)
    art = build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS, noise=noise)
    assert len(art.domain) == 8 < h.n_items
    user = h.user_ids[who]
    gave_pairs = len(art.contributions[user].transitions) > 0
    receipt = art.forget_user(user)
    assert receipt.exact and receipt.domain_drift >= 0
    assert receipt.rows_recomputed == (8 if gave_pairs else 0)
    assert ("sequential" in receipt.signals) == gave_pairs
    again = build_catalog(h.without(user), epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS, noise=noise,
                          domain=art.domain)
    _same(art, again)
    assert np.array_equal(art.noise()["sequential"], noise["sequential"])  # the state minus the rest is the noise


def test_only_domain_items_have_neighbours_and_popularity_is_in_people():
    h = _histories(5)
    art = build_catalog(h, epsilon=4.0, bounds=BOUNDS, options=OPTIONS, noise={k: v * 0 for k, v in _noise(0, 15).items()})
    outside = np.setdiff1d(np.arange(h.n_items), art.domain)
    for nb in art.neighbours.values():
        assert (np.diff(nb.indptr)[outside] == 0).all()
        assert np.isin(nb.indices, art.domain).all()
    one_person = np.zeros(h.n_items)
    for seq in h.sequences:
        items = np.unique(seq)
        one_person[items] += 1 / np.sqrt(len(items))
    assert np.allclose(art.popularity, one_person, atol=len(h) / UNIT)


def test_private_spectral_build_ledger_save_load_and_forget(tmp_path):
    h = _histories(3)
    art = build_catalog(h, epsilon=1.0, bounds=BOUNDS, options=OPTIONS)
    m = art.manifest
    assert m["method"] == "spectral" and m["release"]["domain"] == 8 and m["release"]["rank"] == 3
    assert all(e["sensitivity"] == UNIT for e in m["ledger"])
    eps, _ = art.ledger.total()
    assert 0.95 < eps <= 1.0 + 1e-6
    again = CatalogArtifact.load(art.save(tmp_path / "cat"))
    _same(art, again)
    assert again.contributions["u1"].weighted
    art.forget_user("u1")
    again.forget_user("u1")
    _same(art, again)
    outside = np.setdiff1d(np.arange(15), art.domain)
    assert not again.noise()["cooccurrence"][outside].any()  # noise is drawn for the domain's pairs only


def test_default_domain_and_rank_follow_epsilon():
    assert ReleaseOptions().resolved(8.0).domain == 300 and ReleaseOptions().resolved(8.0).rank == 24
    small = ReleaseOptions().resolved(0.5)
    assert small.domain == 75 and small.rank == 6
    assert ReleaseOptions(domain=20, rank=2).resolved(8.0).domain == 20


def test_counts_are_exact_integer_sums_of_the_weights():
    h = _histories(7)
    mask = np.ones(h.n_items, dtype=bool)
    parts = [weighted_contribution(s, mask, window=2) for s in h.sequences]
    counts = count_pairs(parts, h.n_items, "pairs")
    ref = np.zeros((h.n_items, h.n_items), dtype=np.int64)
    for p in parts:
        for (a, b), w in zip(p.pairs.tolist(), p.pair_w.tolist()):
            ref[a, b] += w
            ref[b, a] += w
    assert np.array_equal(counts, ref)


def test_forgetting_a_user_without_domain_pairs_changes_popularity_only():
    h = _histories(11)
    seqs = h.sequences + [np.array([14])]  # one item: no pairs, no transitions
    h = Histories.from_arrays(h.user_ids + ["solo"], h.item_ids, seqs)
    noise = _noise(2, h.n_items)
    art = build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS, noise=noise)
    before = {s: (nb.indptr.copy(), nb.indices.copy(), nb.values.copy()) for s, nb in art.neighbours.items()}
    receipt = art.forget_user("solo")
    assert receipt.signals == ("popularity",) and receipt.rows_recomputed == 0
    for signal, arrays in before.items():
        assert all(np.array_equal(a, getattr(art.neighbours[signal], p))
                   for a, p in zip(arrays, ("indptr", "indices", "values")))
    _same(art, build_catalog(h.without("solo"), epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS,
                             noise=noise, domain=art.domain))


def test_top_eigenpairs_match_a_full_decomposition():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(40, 40))
    a = a + a.T
    values, vectors = top_eigenpairs(a, 5)
    full = np.linalg.eigvalsh(a)[::-1][:5]
    assert np.allclose(values, full)
    assert np.allclose(a @ vectors, vectors * values)
    w, v = np.linalg.eigh(a)
    positive = (v[:, w > 0] * w[w > 0]) @ v[:, w > 0].T
    np.fill_diagonal(positive, 0.0)
    assert np.allclose(low_rank(a, 40), positive)  # the rank caps the positive pairs kept, negative ones never count


def test_cooccurrence_from_text_spends_nothing_on_it_and_forgetting_stays_exact():
    h = _histories(6)
    emb = np.random.default_rng(6).normal(size=(h.n_items, 8))
    noise = _noise(6, h.n_items)
    art = build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS, noise=noise, text_embeddings=emb)
    dp = build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=replace(OPTIONS, cooccurrence="dp"),
                       noise=noise, text_embeddings=emb)
    assert art.manifest["cooccurrence_source"] == "text" and dp.manifest["cooccurrence_source"] == "dp"
    assert [e["released"] for e in art.manifest["ledger"]] == ["noisy item popularity", "noisy item-transition counts"]
    assert art.ledger.total()[0] == pytest.approx(dp.ledger.total()[0], rel=1e-6)  # the same epsilon, split two ways
    assert art.manifest["noise"]["sequential"]["scale"] < dp.manifest["noise"]["sequential"]["scale"]
    assert not any(len(c.pairs) for c in art.contributions.values()) and not art.state["cooccurrence"].any()
    text = text_neighbours(emb, OPTIONS.top_n)
    for part in ("indptr", "indices", "values"):
        assert np.array_equal(getattr(art.neighbours["cooccurrence"], part), getattr(text, part))
    receipt = art.forget_user("u2")
    assert "cooccurrence" not in receipt.signals
    assert np.array_equal(art.neighbours["cooccurrence"].indices, text.indices)
    _same(art, build_catalog(h.without("u2"), epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=OPTIONS, noise=noise,
                             text_embeddings=emb, domain=art.domain))
