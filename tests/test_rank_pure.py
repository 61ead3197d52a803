"""Pure ranking maths against slow reference implementations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.rank.baselines import ItemKNN, popularity_scores
from edgerec.rank.cooccurrence import ItemNeighbours, pair_counts
from edgerec.rank.interests import context_weights, interest_centroids, recency_weights

sequences = st.lists(st.lists(st.integers(0, 7), min_size=0, max_size=9), min_size=1, max_size=8)


def _dense_pairs(seqs, n, window, decay):
    m = np.zeros((n, n))
    for seq in seqs:
        if window is None:
            u = sorted(set(seq))
            for a in u:
                for b in u:
                    if a != b:
                        m[a, b] += 1
            continue
        for i in range(len(seq)):
            for j in range(i + 1, min(len(seq), i + window + 1)):
                if seq[i] != seq[j]:
                    m[seq[i], seq[j]] += decay ** (j - i - 1)
                    m[seq[j], seq[i]] += decay ** (j - i - 1)
    return m


@given(sequences, st.sampled_from([None, 1, 3]), st.sampled_from([1.0, 0.5]))
@settings(max_examples=60, deadline=None)
def test_pair_counts_match_a_dense_loop(seqs, window, decay):
    rows, cols, vals = pair_counts([np.array(s, dtype=np.int64) for s in seqs], 8, window=window, decay=decay)
    got = np.zeros((8, 8))
    got[rows, cols] = vals
    assert np.allclose(got, _dense_pairs(seqs, 8, window, decay))


@given(sequences)
@settings(max_examples=60, deadline=None)
def test_item_knn_is_cosine_over_binary_user_vectors(seqs):
    x = np.zeros((len(seqs), 8))
    for u, seq in enumerate(seqs):
        x[u, seq] = 1.0
    norms = np.sqrt(x.sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.nan_to_num((x.T @ x) / np.outer(norms, norms))
    np.fill_diagonal(cos, 0.0)
    knn = ItemKNN.fit([np.array(s) for s in seqs], 8, neighbours=8)
    for u, seq in enumerate(seqs):
        expected = x[u] @ cos
        assert np.allclose(knn.scores(np.array(seq, dtype=np.int64)), expected)
    assert popularity_scores([np.array(s) for s in seqs], 8).tolist() == x.sum(axis=0).tolist()


def test_top_n_keeps_the_strongest_neighbours():
    nb = ItemNeighbours.from_coo(np.array([0, 0, 0, 1]), np.array([1, 2, 3, 0]), np.array([0.1, 0.9, 0.5, 0.3]), 4, top_n=2)
    assert nb.indices[nb.indptr[0]:nb.indptr[1]].tolist() == [2, 3]
    assert nb.similarity(0, 1) == 0.0 and nb.similarity(0, 2) == pytest.approx(0.9)
    contrib = nb.contributions(np.array([0, 1]), np.array([2.0, 1.0]), np.array([0, 2]))
    assert contrib.tolist() == [[0.0, pytest.approx(1.8)], [pytest.approx(0.3), 0.0]]


def test_recency_and_context_weights():
    assert recency_weights(np.zeros(0)).tolist() == []
    assert recency_weights(np.arange(4.0), half_life_events=None).tolist() == [1.0] * 4
    w = context_weights([{"time_of_day": "night", "day_of_week": "weekend"}], {"time_of_day": "night", "day_of_week": "weekday"}, boost=2.0)
    assert w.tolist() == [2.0]


@given(st.integers(1, 30), st.integers(1, 5), st.integers(0, 1000))
@settings(max_examples=40, deadline=None)
def test_interest_centroids_are_unit_and_shares_sum_to_one(n, max_k, seed):
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((n, 6)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    cents, shares, assign = interest_centroids(emb, rng.random(n) + 0.1, max_interests=max_k)
    assert 1 <= len(cents) <= max_k
    assert np.allclose(np.linalg.norm(cents, axis=1), 1.0, atol=1e-5)
    assert shares.sum() == pytest.approx(1.0) and (shares > 0).all()
    assert assign.min() >= 0 and assign.max() < len(cents)


@pytest.mark.parametrize("window", [None, 4])
def test_sparse_and_dense_pair_counting_agree(monkeypatch, window):
    import edgerec.rank.cooccurrence as co

    rng = np.random.default_rng(7)
    seqs = [rng.integers(0, 50, rng.integers(0, 40)) for _ in range(300)]
    dense = pair_counts(seqs, 50, window=window, decay=0.8)
    monkeypatch.setattr(co, "DENSE_CELLS", 0)
    monkeypatch.setattr(co, "FLUSH_PAIRS", 500)  # force many partial reductions
    sparse = pair_counts(seqs, 50, window=window, decay=0.8)
    for d, s in zip(dense, sparse):
        assert np.allclose(d, s)


def test_ranking_imports_no_heavy_runtime():
    import subprocess
    import sys

    code = (
        "import sys, edgerec.rank, edgerec.rank.candidates, edgerec.rank.metrics\n"
        "print(sorted(m for m in ('torch', 'onnxruntime', 'llama_cpp', 'opacus') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@given(
    sequences,
    st.lists(st.integers(0, 7), min_size=0, max_size=5),
    st.lists(st.integers(0, 7), min_size=0, max_size=6),
)
@settings(max_examples=60, deadline=None)
def test_contributions_match_a_loop_over_similarities(seqs, rows, targets):
    nb = ItemNeighbours.from_sequences([np.array(s, dtype=np.int64) for s in seqs], 8, window=2, top_n=3)
    weights = np.linspace(1.0, 2.0, len(rows))
    got = nb.contributions(np.array(rows, dtype=np.int64), weights, np.array(targets, dtype=np.int64))
    want = np.array([[weights[j] * nb.similarity(r, t) for t in targets] for j, r in enumerate(rows)]).reshape(len(rows), len(targets))
    assert got.shape == (len(rows), len(targets)) and np.allclose(got, want)
