"""The ranker's contract on toy catalogs where the right answer is known."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from edgerec.errors import InputError, UnknownUserError
from edgerec.rank import Catalog, Interaction, Ranker, RankerConfig, UserHistory

TEXT_ONLY = RankerConfig(sequential=0.0, cooccurrence=0.0, popularity=0.0, half_life_events=None)


def _cluster(rng, axis: int, n: int, dim: int = 16, noise: float = 0.15) -> np.ndarray:
    v = np.zeros((n, dim), np.float32)
    v[:, axis] = 1.0
    v += noise * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _history(*pairs, start=0.0):
    return UserHistory.from_interactions(Interaction(item, s, start + n) for n, (item, s) in enumerate(pairs))


@pytest.fixture
def checker_board():
    """Two groups of ten items; people consume within one group only; text agrees."""
    rng = np.random.default_rng(0)
    ids = [f"a{i}" for i in range(10)] + [f"b{i}" for i in range(10)]
    emb = np.vstack([_cluster(rng, 0, 10), _cluster(rng, 1, 10)])
    sequences = []
    for _ in range(30):
        group = rng.integers(0, 2)
        sequences.append(rng.permutation(10)[:6] + 10 * group)
    return Catalog.from_sequences(ids, sequences, embeddings=emb, window=3)


@pytest.mark.parametrize("liked, group", [(("a0", "a1", "a2"), "a"), (("b4", "b7"), "b")])
def test_checker_board_recommends_own_group(checker_board, liked, group):
    history = _history(*[(i, 1.0) for i in liked])
    candidates = [i for i in checker_board.ids if i not in liked]
    top = Ranker(checker_board).rank(history, candidates, k=5)
    assert [r.id[0] for r in top] == [group] * 5
    assert [r.score for r in top] == sorted((r.score for r in top), reverse=True)
    assert all(r.reason in liked for r in top)


def test_rank_returns_every_candidate_once_and_k_caps(checker_board):
    history = _history(("a0", 1.0))
    everything = Ranker(checker_board).rank(history, checker_board.ids, k=100)
    assert sorted(r.id for r in everything) == sorted(checker_board.ids)
    assert len(Ranker(checker_board).rank(history, ["a1", "b1"], k=1)) == 1
    with pytest.raises(InputError):
        Ranker(checker_board).rank(history, ["a1"], k=0)


def test_reasons_point_to_the_supporting_past_item(checker_board):
    history = _history(("a0", 1.0), ("b0", 1.0))
    results = {r.id: r.reason for r in Ranker(checker_board, TEXT_ONLY).rank(history, ["a5", "b5"], k=2)}
    assert results == {"a5": "a0", "b5": "b0"}
    results = {r.id: r.reason for r in Ranker(checker_board).rank(history, ["a5", "b5"], k=2)}
    assert results == {"a5": "a0", "b5": "b0"}


def test_unknown_candidates_and_empty_history_do_not_crash(checker_board):
    ranked = Ranker(checker_board).rank(UserHistory.empty(), ["a1", "zzz"], k=2)
    assert [r.reason for r in ranked] == [None, None]
    assert ranked[-1].id == "zzz"  # unknown to the catalog: no evidence at all


def test_negative_feedback_pushes_a_disliked_cluster_down():
    rng = np.random.default_rng(1)
    liked = _cluster(rng, 0, 3)
    disliked = _cluster(rng, 1, 6)
    neutral = _cluster(rng, 2, 5)
    ids = [f"l{i}" for i in range(3)] + [f"d{i}" for i in range(6)] + [f"n{i}" for i in range(5)]
    ranker = Ranker(Catalog(ids, embeddings=np.vstack([liked, disliked, neutral])), TEXT_ONLY)
    candidates = [f"d{i}" for i in range(1, 6)] + [f"n{i}" for i in range(5)]
    plain = ranker.rank(_history(("l0", 1.0)), candidates, k=10)
    after = ranker.rank(_history(("l0", 1.0), ("d0", -1.0)), candidates, k=10)
    mean_pos = lambda ranked, p: np.mean([n for n, r in enumerate(ranked) if r.id.startswith(p)])  # noqa: E731
    assert [r.id[0] for r in after] == ["n"] * 5 + ["d"] * 5
    assert mean_pos(after, "d") > mean_pos(plain, "d")
    # the disliked item is never given as a reason
    assert {r.reason for r in after} <= {"l0", None}


def test_multi_interest_keeps_both_interests_in_top_k():
    rng = np.random.default_rng(2)
    jazz, horror, other = _cluster(rng, 0, 16), _cluster(rng, 1, 14), _cluster(rng, 2, 10)
    ids = [f"jazz{i}" for i in range(16)] + [f"horror{i}" for i in range(14)] + [f"other{i}" for i in range(10)]
    catalog = Catalog(ids, embeddings=np.vstack([jazz, horror, other]))
    history = _history(*[(f"jazz{i}", 1.0) for i in range(6)], *[(f"horror{i}", 1.0) for i in range(4)])
    candidates = [f"jazz{i}" for i in range(6, 16)] + [f"horror{i}" for i in range(4, 14)] + [f"other{i}" for i in range(10)]
    top = {r.id.rstrip("0123456789") for r in Ranker(catalog, TEXT_ONLY).rank(history, candidates, k=6)}
    assert top == {"jazz", "horror"}
    # one mean vector leans to the larger interest and drops the other one
    single = Ranker(catalog, TEXT_ONLY.but(max_interests=1)).rank(history, candidates, k=6)
    assert {r.id.rstrip("0123456789") for r in single} == {"jazz"}


def test_recency_favours_what_was_liked_last(checker_board):
    history = _history(("a0", 1.0), ("a1", 1.0), ("b0", 1.0))
    top = Ranker(checker_board, RankerConfig(half_life_events=1.0)).rank(history, ["a5", "b5"], k=1)
    assert top[0].id == "b5"
    flat = Ranker(checker_board, RankerConfig(half_life_events=None)).rank(history, ["a5", "b5"], k=1)
    assert flat[0].id == "a5"


def test_context_prefers_items_liked_in_the_same_context(checker_board):
    evening = {"time_of_day": "evening", "day_of_week": "weekday"}
    morning = {"time_of_day": "morning", "day_of_week": "weekend"}
    history = UserHistory.from_interactions(
        [Interaction("a0", 1.0, 1.0, evening), Interaction("b0", 1.0, 2.0, morning)]
    )
    ranker = Ranker(checker_board, RankerConfig(half_life_events=None, context_boost=2.0))
    assert ranker.rank(history, ["a5", "b5"], k=1, context={"time_of_day": "evening"})[0].id == "a5"
    assert ranker.rank(history, ["a5", "b5"], k=1, context={"time_of_day": "morning"})[0].id == "b5"
    when = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)  # a Monday evening
    assert ranker.rank(history, ["a5", "b5"], k=1, context=when)[0].id == "a5"


def test_user_id_needs_a_history_source(checker_board):
    with pytest.raises(InputError):
        Ranker(checker_board).rank("alice", ["a1"])
    histories = {"alice": _history(("a0", 1.0))}
    ranker = Ranker(checker_board, history_of=lambda u: histories.get(u, UserHistory.empty()))
    assert ranker.rank("alice", ["a1", "b1"], k=1)[0].id == "a1"
    with pytest.raises(UnknownUserError):
        ranker.rank("bob", ["a1"])


def test_rank_many_matches_rank(checker_board):
    users = [_history(("a0", 1.0)), _history(("b0", 1.0))]
    cands = [["a1", "b1"], ["a2", "b2", "b3"]]
    ranker = Ranker(checker_board)
    assert ranker.rank_many(users, cands, k=2) == [ranker.rank(u, c, k=2) for u, c in zip(users, cands)]


def test_score_accepts_ids_or_rows(checker_board):
    ranker = Ranker(checker_board)
    history = _history(("a0", 1.0), ("b3", -1.0))
    rows = checker_board.rows(["a4", "b4"])
    assert np.allclose(ranker.score(history, ["a4", "b4"]), ranker.score(history, rows))
    assert ranker.features(history, ["a4", "b4"]).shape == (2, 5)


def test_large_candidate_set_uses_full_catalog_path(checker_board):
    # more than a quarter of the catalog: scored against the whole catalog, then indexed
    history = _history(("a0", 1.0))
    ranker = Ranker(checker_board)
    small = ranker.score(history, ["a1", "b1"])
    big = ranker.score(history, checker_board.ids)
    assert np.allclose(small, big[[1, 11]])


def test_rank_accepts_catalog_rows(checker_board):
    history = _history(("a0", 1.0))
    by_id = Ranker(checker_board).rank(history, ["a1", "b1", "a2"], k=3)
    by_row = Ranker(checker_board).rank(history, checker_board.rows(["a1", "b1", "a2"]), k=3)
    assert by_id == by_row


def test_reduced_catalog_keeps_the_ranking_of_a_clear_case(checker_board):
    history = _history(("a0", 1.0), ("a1", 1.0))
    reduced = checker_board.reduced(4)
    assert reduced.embeddings.shape == (20, 4)
    top = Ranker(reduced, TEXT_ONLY).rank(history, [i for i in checker_board.ids if i not in ("a0", "a1")], k=5)
    assert {r.id[0] for r in top} == {"a"}
