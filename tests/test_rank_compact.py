"""Large catalogs score on a compact PCA copy of their embeddings; the results must match the full ones."""

import numpy as np
import pytest

from edgerec.rank import Catalog, Interaction, Ranker, RankerConfig, UserHistory
from edgerec.rank.catalog import COMPACT_ABOVE, COMPACT_DIMS, pca_basis, reduce_dimensions

TEXT_ONLY = RankerConfig(sequential=0.0, cooccurrence=0.0, popularity=0.0, half_life_events=None)


def _topic_catalog(n_items=600, dim=48, n_topics=6, signal_dims=12, seed=0, **options) -> Catalog:
    """Items in a few topics; most of the variance lies in ``signal_dims`` directions, as with text embeddings."""
    rng = np.random.default_rng(seed)
    topics = np.zeros((n_topics, dim), np.float32)
    topics[:, :signal_dims] = rng.standard_normal((n_topics, signal_dims))
    topic_of = rng.integers(0, n_topics, n_items)
    emb = topics[topic_of] + 0.3 * rng.standard_normal((n_items, dim)).astype(np.float32) * np.r_[
        np.ones(signal_dims), 0.2 * np.ones(dim - signal_dims)
    ].astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    ids = [f"t{t}-{i}" for i, t in enumerate(topic_of)]
    sequences = [rng.choice(np.flatnonzero(topic_of == t), 6, replace=False) for t in rng.integers(0, n_topics, 200)]
    return Catalog.from_sequences(ids, sequences, embeddings=emb, top_n=20, **options)


def _user(catalog: Catalog, seed=1) -> UserHistory:
    rng = np.random.default_rng(seed)
    past = rng.choice(len(catalog), 20, replace=False)
    return UserHistory.from_interactions(
        Interaction(catalog.ids[r], -1.0 if n % 4 == 3 else 1.0, float(n)) for n, r in enumerate(past)
    )


def test_compact_copy_only_above_the_threshold():
    emb = np.random.default_rng(0).standard_normal((11, 8)).astype(np.float32)
    ids = [str(i) for i in range(11)]
    assert Catalog(ids, emb, compact_above=11, compact_dims=4).compact is None
    above = Catalog(ids, emb, compact_above=10, compact_dims=4)
    assert above.compact.shape == (11, 4) and above.scoring is above.compact
    assert above.embeddings.shape == (11, 8)  # the full vectors are kept
    assert np.allclose(np.linalg.norm(above.compact, axis=1), 1.0, atol=1e-5)
    assert Catalog(ids, emb, compact_above=None, compact_dims=4).compact is None
    assert Catalog(ids, emb, compact_above=0, compact_dims=8).compact is None  # nothing to reduce
    assert Catalog(ids, compact_above=0).scoring is None  # no embeddings at all
    assert above.but(compact_above=None).compact is None


def test_default_threshold_and_dims():
    assert (COMPACT_ABOVE, COMPACT_DIMS) == (5_000, 128)
    emb = np.eye(COMPACT_DIMS + 1, dtype=np.float32)
    assert Catalog([str(i) for i in range(len(emb))], emb).compact is None  # far below the default threshold


def test_pca_basis_is_orthonormal_and_finds_the_signal_subspace():
    rng = np.random.default_rng(3)
    x = np.zeros((500, 10), np.float32)
    x[:, :3] = rng.standard_normal((500, 3)) * [5.0, 3.0, 2.0]
    x += 0.01 * rng.standard_normal((500, 10)).astype(np.float32)
    basis = pca_basis(x, 3)
    assert np.allclose(basis.T @ basis, np.eye(3), atol=1e-5)
    assert np.abs(basis[3:]).max() < 0.05  # the three high-variance directions span the basis
    assert reduce_dimensions(x, 3).shape == (500, 3)


def test_compact_scores_agree_with_full_scores_on_a_toy_catalog():
    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    full = catalog.but(compact_above=None)
    assert catalog.compact is not None and full.compact is None
    user = _user(catalog)
    cands = catalog.ids
    fast, exact = Ranker(catalog, TEXT_ONLY), Ranker(full, TEXT_ONLY)
    text_c = fast.features(user, cands, compact=True)[:, 2]
    text_f = exact.features(user, cands)[:, 2]
    assert np.corrcoef(np.argsort(np.argsort(text_c)), np.argsort(np.argsort(text_f)))[0, 1] > 0.95
    assert np.abs(text_c - text_f).max() < 0.15


@pytest.mark.parametrize("config", [RankerConfig(), TEXT_ONLY])
def test_rank_on_a_compact_catalog_returns_the_full_top_k(config):
    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    full = catalog.but(compact_above=None)
    user = _user(catalog)
    fast = Ranker(catalog, config.but(rescore_top=50)).rank(user, catalog.ids, k=10)
    exact = Ranker(full, config).rank(user, catalog.ids, k=10)
    assert [r.id for r in fast] == [r.id for r in exact]
    assert np.allclose([r.score for r in fast], [r.score for r in exact])  # re-scored with the full vectors
    assert [r.reason for r in fast] == [r.reason for r in exact]


def test_rescoring_is_what_separates_rank_from_the_compact_pass():
    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    user = _user(catalog)
    ranker = Ranker(catalog, TEXT_ONLY.but(rescore_top=0))
    compact_only = ranker.score(user, catalog.ids, compact=True)
    assert np.allclose(ranker.score(user, catalog.ids), compact_only)  # rescore_top=0: no re-scoring
    ranked = ranker.rank(user, catalog.ids, k=5)
    assert np.allclose([r.score for r in ranked], np.sort(compact_only)[::-1][:5])
    rescored = Ranker(catalog, TEXT_ONLY.but(rescore_top=40)).score(user, catalog.ids)
    exact = Ranker(catalog, TEXT_ONLY).score(user, catalog.ids, compact=False)
    changed = ~np.isclose(rescored, compact_only)
    assert 0 < changed.sum() <= 40 and np.allclose(rescored[changed], exact[changed])


def test_few_candidates_skip_the_compact_pass():
    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    user = _user(catalog)
    ranker = Ranker(catalog, RankerConfig(rescore_top=200))
    few = catalog.ids[:150]
    assert np.array_equal(ranker.score(user, few), ranker.score(user, few, compact=False))


def test_rows_look_up_mixed_and_missing_ids():
    catalog = Catalog(["a", "b", "7"])
    assert catalog.rows(["b", "a"]).tolist() == [1, 0]
    assert catalog.rows(["b", "zz", 7]).tolist() == [1, -1, 2]
    assert catalog.rows(["a"]).tolist() == [0] and catalog.rows([]).tolist() == []


def _exact_top(ranker: Ranker, user, cands, k):
    scores = ranker.score(user, cands, compact=False)
    order = np.lexsort((np.arange(len(cands)), -scores))[:k]
    return [cands[i] for i in order], scores[order]


def _assert_exact(ranked, ranker, user, cands, k):
    """Same scores as the exact top k; the same ids up to ties at the k-th score (``rank`` breaks those arbitrarily)."""
    ids, scores = _exact_top(ranker, user, cands, k)
    assert np.allclose([r.score for r in ranked], scores)
    sure = {i for i, s in zip(ids, scores) if s > scores[-1] + 1e-9}
    assert sure <= {r.id for r in ranked}


@pytest.mark.parametrize("scale", [1.0, 3.0])
@pytest.mark.parametrize("config", [RankerConfig(rescore_top=20), TEXT_ONLY.but(rescore_top=20), RankerConfig(rescore_top=20, aversion=-0.5)])
def test_pruned_rank_is_the_exact_top_k(config, scale):
    """rank() skips the text pass for candidates whose score bound cannot reach the top k: same result as exact.

    Full vectors only, so that the fallback (when the bound prunes too little) is exact as well.
    """
    catalog = _topic_catalog(compact_above=None)
    catalog = catalog.but(embeddings=catalog.embeddings * scale)  # the bound must hold for non-unit vectors too
    user = _user(catalog)
    ranker = Ranker(catalog, config)
    for k in (1, 10, 20):
        _assert_exact(ranker.rank(user, catalog.ids, k=k), ranker, user, catalog.ids, k)


def test_pruned_rank_with_a_learned_head_is_exact():
    from edgerec.rank.head import LogisticHead

    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    user = _user(catalog)
    head = LogisticHead(np.array([0.8, 0.2, 1.5, 0.1, -0.7]), bias=-0.3)
    ranker = Ranker(catalog, RankerConfig(rescore_top=20), head=head)
    _assert_exact(ranker.rank(user, catalog.ids, k=10), ranker, user, catalog.ids, 10)


def test_pruning_leaves_most_candidates_unscored_when_neighbours_decide():
    catalog = _topic_catalog(compact_above=100, compact_dims=12)
    user = _user(catalog)
    ranker = Ranker(catalog, RankerConfig(rescore_top=20))
    st = ranker._state(user, None)
    scores, _ = ranker._pruned(st, catalog.rows(catalog.ids), 10)
    assert np.isinf(scores).sum() > len(catalog) // 2
    assert ranker._pruned(st, catalog.rows(catalog.ids[:60]), 10) is None  # too few candidates: not tried
    assert ranker._pruned(st, catalog.rows(catalog.ids), 25) is None  # k above rescore_top: not tried


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FULL = _topic_catalog(compact_above=None)


@given(
    st.lists(st.tuples(st.integers(0, len(_FULL) - 1), st.sampled_from([-1.0, -0.5, 0.5, 1.0, 2.0])), min_size=1, max_size=15),
    st.integers(1, 20),
    st.sampled_from([1.0, 0.0]),
)
@settings(max_examples=40, deadline=None)
def test_pruned_rank_matches_exact_scores_for_any_history(events, k, context_boost):
    history = UserHistory.from_interactions(Interaction(_FULL.ids[r], s, float(n)) for n, (r, s) in enumerate(events))
    ranker = Ranker(_FULL, RankerConfig(rescore_top=20, context_boost=context_boost))
    _assert_exact(ranker.rank(history, _FULL.ids, k=k), ranker, history, _FULL.ids, k)


def test_candidate_pool_rows_are_remembered_but_never_stale():
    import numpy as np
    from edgerec.rank.catalog import Catalog

    ids = [f"i{n}" for n in range(600)]
    cat = Catalog(ids, embeddings=np.eye(600, 8, dtype=np.float32))
    pool = ids[::-1] + ["missing"]
    first = cat.rows(pool)
    assert first[0] == 599 and first[-1] == -1
    assert cat.rows(pool) is first  # same pool again: remembered
    assert not first.flags.writeable
    pool[0] = "i0"  # the app edits its list in place: a new key, a fresh look-up
    assert cat.rows(pool)[0] == 0
    for n in range(20):  # bounded
        cat.rows(ids[n:] + ids[:n])
    assert len(cat._pools) <= 8
