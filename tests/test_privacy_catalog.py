"""The DP catalog (counts method): bounded contributions, ledger in the manifest, exact unlearning.

The spectral method (the default) has its own tests in test_privacy_spectral.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.errors import InputError
from edgerec.privacy.catalog import CatalogArtifact, ReleaseOptions, build_catalog, draw_noise, _noise_plan
from edgerec.privacy.contributions import Bounds, contribute
from edgerec.privacy.data import Histories
from edgerec.rank.catalog import Catalog

BOUNDS = Bounds(items_per_user=4, pair_items=3, transitions_per_user=3, window=2)


def _histories(seed: int, users: int = 12, items: int = 15) -> Histories:
    rng = np.random.default_rng(seed)
    seqs = [rng.integers(0, items, size=rng.integers(1, 10)) for _ in range(users)]
    return Histories.from_arrays([f"u{i}" for i in range(users)], [f"i{j}" for j in range(items)], seqs)


def _same(a: CatalogArtifact, b: CatalogArtifact) -> None:
    assert a.user_ids == b.user_ids
    assert np.array_equal(a.popularity, b.popularity) and a.popularity.dtype == b.popularity.dtype
    for signal in ("cooccurrence", "sequential"):
        x, y = a.neighbours[signal], b.neighbours[signal]
        for part in ("indptr", "indices", "values"):
            assert np.array_equal(getattr(x, part), getattr(y, part)), (signal, part)
        assert np.array_equal(a.state[signal], b.state[signal])


@pytest.mark.parametrize("prior,shrink", [(False, 0.0), (True, 0.0), (False, 1.0), (True, 0.5)])
def test_forget_equals_build_without_user_with_same_noise(prior, shrink):
    h = _histories(0)
    opts = ReleaseOptions(threshold=0.3, top_n=4, prior_weight=0.2 if prior else 0.0, prior_top=3, shrink=shrink,
                          method="counts")
    emb = np.random.default_rng(1).normal(size=(h.n_items, 8))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    noise = draw_noise(h.n_items, _noise_plan(2.0, 1e-3, BOUNDS, opts.shares))
    art = build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=opts, noise=noise, text_embeddings=emb)
    for user in ("u3", "u7"):
        receipt = art.forget_user(user)
        assert receipt.exact and receipt.items_touched > 0
        h = h.without(user)
        _same(art, build_catalog(h, epsilon=2.0, delta=1e-3, bounds=BOUNDS, options=opts, noise=noise,
                                 text_embeddings=emb))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 11), st.floats(0.0, 2.0), st.sampled_from([0.0, 1.0]))
def test_forget_is_exact_for_any_user_and_threshold(seed, who, threshold, shrink):
    h = _histories(seed)
    opts = ReleaseOptions(threshold=threshold, top_n=3, shrink=shrink, method="counts")
    rng = np.random.default_rng(seed)
    n = h.n_items
    noise = {"popularity": rng.integers(-3, 4, n)}
    for s in ("cooccurrence", "sequential"):
        upper = np.triu(rng.integers(-3, 4, (n, n)), 1)
        noise[s] = upper + upper.T
    art = build_catalog(h, epsilon=1.0, bounds=BOUNDS, options=opts, noise=noise)
    user = h.user_ids[who]
    art.forget_user(user)
    _same(art, build_catalog(h.without(user), epsilon=1.0, delta=1 / 12, bounds=BOUNDS, options=opts, noise=noise))


def test_contribution_bounds_hold():
    seq = np.arange(30) % 17
    c = contribute(seq, BOUNDS)
    assert len(c.items) <= BOUNDS.items_per_user and len(np.unique(c.items)) == len(c.items)
    assert len(c.pairs) <= BOUNDS.pairs_per_user and len({tuple(p) for p in c.pairs.tolist()}) == len(c.pairs)
    assert len(c.transitions) <= BOUNDS.transitions_per_user
    assert (c.pairs[:, 0] < c.pairs[:, 1]).all() and (c.transitions[:, 0] < c.transitions[:, 1]).all()


@pytest.mark.parametrize("cooccurrence", ["text", "dp"])
def test_private_build_records_its_ledger_within_budget(tmp_path, cooccurrence):
    h = _histories(3)
    art = build_catalog(h, epsilon=1.0, bounds=BOUNDS, options=ReleaseOptions(top_n=4, cooccurrence=cooccurrence))
    m = art.manifest
    assert m["private"] and m["delta"] == pytest.approx(1 / len(h))
    released = ["noisy item popularity", "noisy item-pair co-occurrence counts", "noisy item-transition counts"]
    if cooccurrence == "text":  # no embeddings here: the slot repeats the sequential neighbours, nothing is spent on it
        released.pop(1)
        assert m["cooccurrence_source"] == "sequential"
    assert [e["released"] for e in m["ledger"]] == released
    eps, delta = art.ledger.total()
    assert eps <= 1.0 + 1e-6 and eps > 0.95 and delta == m["delta"]
    again = CatalogArtifact.load(art.save(tmp_path / "cat"))
    _same(art, again)
    again.forget_user("u0")
    art.forget_user("u0")
    _same(art, again)
    with pytest.raises(InputError, match="not in this catalog"):
        art.forget_user("u0")


def test_non_private_build_matches_catalog_from_sequences(tmp_path):
    h = _histories(4)
    art = CatalogArtifact.load(build_catalog(h).save(tmp_path / "plain"))
    ref = Catalog.from_sequences(h.item_ids, h.sequences)
    got = art.to_rank_catalog()
    assert np.array_equal(got.popularity, ref.popularity.astype(np.float32))
    for signal in ("cooccurrence", "sequential"):
        for part in ("indptr", "indices", "values"):
            assert np.array_equal(getattr(getattr(got, signal), part), getattr(getattr(ref, signal), part))
    receipt = art.forget_user("u2")
    assert receipt.method == "rebuild"
    ref = Catalog.from_sequences(h.item_ids, h.without("u2").sequences)
    assert np.array_equal(art.to_rank_catalog().cooccurrence.values, ref.cooccurrence.values)
