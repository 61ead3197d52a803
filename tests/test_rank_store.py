"""The ranker fed from the encrypted store: event mapping, forgetting, candidates file."""

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from edgerec.errors import InputError, UnknownUserError
from edgerec.rank import Catalog, Ranker, RankerConfig
from edgerec.rank.candidates import rank_for_user, read_candidates
from edgerec.rank.signals import event_strength, history_from_store, rating_strength
from edgerec.store import EventStore

KEY = bytes(range(32))
T0 = datetime(2026, 11, 2, 19, 0, tzinfo=timezone.utc)
NOW = {"time_of_day": "evening", "day_of_week": "weekday"}


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGEREC_HOME", str(tmp_path / "home"))


def _catalog() -> Catalog:
    rng = np.random.default_rng(3)
    ids = [f"{g}{i}" for g in "abc" for i in range(8)]
    emb = np.zeros((24, 12), np.float32)
    for n, _ in enumerate(ids):
        emb[n, n // 8] = 1.0
    emb += 0.2 * rng.standard_normal(emb.shape).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    sequences = [rng.permutation(8)[:5] + 8 * rng.integers(0, 3) for _ in range(40)]
    return Catalog.from_sequences(ids, sequences, embeddings=emb, window=3)


EVENTS = [
    ("alice", "play", "a0", 0, None),
    ("alice", "like", "b1", 1, None),
    ("alice", "tv_on", None, 2, None),
    ("alice", "play", "a2", 3, None),
    ("alice", "dismiss", "c0", 4, None),
    ("alice", "rate", "b3", 5, {"rating": 5}),
    ("alice", "skip", "c1", 6, None),
    ("bob", "play", "c5", 1, None),
]


def _fill(store, rows):
    for user, type_, item, hours, ctx in rows:
        store.log(user, type_, item=item, ts=T0 + timedelta(hours=hours), context=ctx)


def _ranking(store, user="alice"):
    ranker = Ranker(_catalog(), history_of=lambda u: history_from_store(store, u))
    cands = [f"{g}{i}" for g in "abc" for i in range(4, 8)]
    return ranker.rank(user, cands, k=12, context=NOW)


def test_event_mapping_from_store(tmp_path):
    with EventStore.create(tmp_path / "s.db", key=KEY) as store:
        _fill(store, EVENTS)
        history = history_from_store(store, "alice")
    assert history.items == ("a0", "b1", "a2", "c0", "b3", "c1")
    assert history.strength.tolist() == [1.0, 2.0, 1.0, -1.0, 1.0, -0.5]
    assert history.contexts[0] == {"time_of_day": "evening", "day_of_week": "weekday"}
    assert event_strength("Dislike") == -2.0 and event_strength("rate", {"rating": 3.5}) == 0.5


def test_one_rating_rule_for_events_and_arrays():
    # The MovieLens evaluation scores whole arrays of ratings; the store's rate events one at a time.
    stars = np.arange(0.5, 5.5, 0.5, dtype=np.float32)
    expected = [-1.0] * 5 + [0.5, 0.5] + [1.0] * 3
    assert rating_strength(stars).tolist() == expected
    assert [event_strength("play", {"rating": float(r)}) for r in stars] == expected


@pytest.mark.parametrize(
    "scope, kept",
    [
        ({"user": "alice", "item": "b1"}, lambda r: r[2] != "b1"),
        ({"user": "alice", "before": T0 + timedelta(hours=3)}, lambda r: r[3] >= 3),
    ],
)
def test_forgetting_ranks_as_if_the_events_never_happened(tmp_path, scope, kept):
    with EventStore.create(tmp_path / "full.db", key=KEY) as full:
        _fill(full, EVENTS)
        before = _ranking(full)
        full.forget(**scope)
        after = _ranking(full)
    with EventStore.create(tmp_path / "never.db", key=KEY) as never:
        _fill(never, [r for r in EVENTS if r[0] != "alice" or kept(r)])
        expected = _ranking(never)
    assert after == expected
    assert after != before


def test_forgetting_the_whole_user_makes_them_unknown(tmp_path):
    with EventStore.create(tmp_path / "s.db", key=KEY) as store:
        _fill(store, EVENTS)
        store.forget(user="alice")
        with pytest.raises(UnknownUserError):
            _ranking(store)
        assert _ranking(store, "bob")[0].reason == "c5"


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_read_candidates_errors(tmp_path):
    good = _write(tmp_path / "c.jsonl", [{"id": 1, "text": "one"}, {"id": "2", "text": "two"}])
    assert read_candidates(good) == [("1", "one"), ("2", "two")]
    with pytest.raises(InputError, match="does not exist"):
        read_candidates(tmp_path / "missing.jsonl")
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "text": "x"}\n{nope\n')
    with pytest.raises(InputError, match=":2: bad JSON"):
        read_candidates(tmp_path / "bad.jsonl")
    with pytest.raises(InputError, match=":1: expected"):
        read_candidates(_write(tmp_path / "notext.jsonl", [{"id": 1}]))
    with pytest.raises(InputError, match="duplicate"):
        read_candidates(_write(tmp_path / "dup.jsonl", [{"id": 1, "text": "a"}, {"id": 1, "text": "b"}]))


def test_rank_for_user_embeds_history_items_outside_the_candidates(tmp_path):
    """Liked items not in the candidate file are embedded from their event text, never cached."""
    axis = {"jazz": 0, "horror": 1, "cooking": 2}

    def fake_vectors(texts):  # deterministic stand-in embedding: one axis per topic word
        out = np.full((len(texts), 3), 0.05, np.float32)
        for n, t in enumerate(texts):
            for word, a in axis.items():
                if word in t:
                    out[n, a] = 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    private_calls = []

    def private(texts):
        private_calls.append(list(texts))
        return fake_vectors(texts)

    with EventStore.create(tmp_path / "s.db", key=KEY) as store:
        store.log("u", "play", item="old-1", ts=T0, text="late night jazz trio")
        store.log("u", "dismiss", item="old-2", ts=T0 + timedelta(hours=1), text="horror marathon")
        events = list(store.events(user="u"))
    cands = [("x1", "cooking show"), ("x2", "horror film"), ("x3", "jazz concert")]
    ranked = rank_for_user(events, "u", cands, embed_catalog=fake_vectors, embed_private=private, k=3, context=NOW)
    assert [r.id for r in ranked] == ["x3", "x1", "x2"]
    assert ranked[0].reason == "old-1"
    assert private_calls == [["late night jazz trio", "horror marathon"]]
    with pytest.raises(UnknownUserError):
        rank_for_user([], "nobody", cands, embed_catalog=fake_vectors, embed_private=private)
