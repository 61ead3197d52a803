"""Forgetting reaches every derived artifact: profile (and its extraction cache), the user's text,
a kept ranker head, queued local-DP reports; private text never enters the embedding cache.

Forensic check: canaries are planted in every artifact kind, shown to be there (decrypted) before
the forget, then searched for afterwards in every file under the store's folder and EDGEREC_HOME,
as raw bytes and, with the key, in every decrypted event, user id and document.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from edgerec.privacy.ldp import ItemDomain
from edgerec.privacy.reports import QUEUE_DOC, queue_report, queued_reports
from edgerec.profile.builder import PROFILE_DOC, ProfileBuilder
from edgerec.profile.sessions import user_events
from edgerec.rank import Catalog, Ranker
from edgerec.rank.head import train_head
from edgerec.rank.signals import history_from_store
from edgerec.store import EventStore, crypto
from helpers import KEY, requires

pytestmark = requires("opendp")  # the local randomizer is OpenDP's

USER = "cnry-user-91f3c"
ITEM = "cnry-item-5be0d"
TEXT = "cnry-text-zq8xw my sister's garden on Elm Road"
CTX = "cnry-ctx-4kd9p"
NOTE = "cnry-note-77hqa I like it quiet"
HEAD_DOC = "rank-head"
SESSION = 7391046
MONDAY = datetime(2026, 11, 2, 7, 30, tzinfo=timezone.utc)


def _catalog() -> Catalog:
    rng = np.random.default_rng(5)
    ids = [f"m{i}" for i in range(12)] + [ITEM]
    emb = rng.standard_normal((len(ids), 8)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return Catalog(ids, embeddings=emb)


def _plant(store: EventStore) -> dict[str, str]:
    """Fill every artifact kind for USER (and a little for a bystander); returns the canaries to look for."""
    for day in range(28):  # a weekday-morning habit: an app routine naming ITEM lands in the profile
        ts = MONDAY + timedelta(days=day)
        store.log(USER, "play", item=f"m{8 + day % 4}", ts=ts + timedelta(hours=12))  # evenings: something else
        if ts.weekday() >= 5:
            continue
        store.log(USER, "play", item=ITEM, ts=ts, context={"room": CTX}, text=TEXT)
        store.log(USER, "play", item=f"m{day % 4}", ts=ts + timedelta(hours=6))  # feedback for the ranker head
        store.log(USER, "dismiss", item=f"m{4 + day % 4}", ts=ts + timedelta(hours=6, minutes=2))
    store.log("bob", "play", item="m1", ts=MONDAY)
    # one dialogue session: its extraction is cached inside the profile, keyed by the session id
    session = {"session_id": SESSION, "meta": {"time_of_day": "evening"},
               "messages": [{"role": "user", "text": "Set the heater to 4."}]}
    store.log_many(user_events(USER, [session], start=MONDAY))
    builder = ProfileBuilder(store)
    builder.rebuild(USER)
    builder.rebuild("bob")
    builder.edit(USER, NOTE)
    head = train_head(Ranker(_catalog()), history_from_store(store, USER))
    assert head is not None
    store.put_doc(USER, HEAD_DOC, {"head": head.to_dict()})
    profile = store.get_doc(USER, PROFILE_DOC)
    assert ITEM in json.dumps(profile), "the app routine names the canary item"
    assert list(profile["cache"]) == [str(SESSION)], "the extraction cache holds the session"
    entry = queue_report(store, USER, epsilon=2.0, domain=ItemDomain.from_ids(_catalog().ids), bound=5)
    weight = json.dumps(store.get_doc(USER, HEAD_DOC)["head"]["weights"][0])
    return {"user": USER, "item": ITEM, "text": TEXT, "context": CTX, "note": NOTE,
            "report id": entry["id"], "head weight": weight, "extraction cache key": f'"{SESSION}"'}


def _decrypted(store: EventStore) -> str:
    """Everything the key opens: user ids, every event, and every document of every user."""
    parts = [json.dumps(store.users())]
    parts += [json.dumps(e.to_dict()) for e in store.events()]
    keys, subjects = store._keys, store._subjects
    for sid, name_tag, payload in store._db.rows("SELECT subject, name_tag, payload FROM docs").fetchall():
        subject = subjects.by_id(sid)
        parts.append(crypto.open_sealed(subject.aead, payload, keys.aad("doc", subject.tag, name_tag)).decode())
    return "\n".join(parts)


def _raw_hits(roots: list[Path], needles: dict[str, bytes]) -> list[str]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                hits += [f"{name} in {path}" for name, needle in needles.items() if needle in data]
    return hits


def test_forgetting_a_user_leaves_no_canary_in_any_file_or_artifact(tmp_path, edgerec_home):
    db = tmp_path / "store" / "events.db"
    db.parent.mkdir()
    edgerec_home.mkdir(parents=True, exist_ok=True)
    with EventStore.create(db, key=KEY) as store:
        canaries = _plant(store)
        before = _decrypted(store)
        missing = [name for name, value in canaries.items() if value not in before]
        assert not missing, f"canaries not planted: {missing}"  # the search below can fail
        tags = {"user tag": store._keys.tag("user", USER), "item tag": store._keys.tag("item", ITEM)}
        raw_needles = {**{n: v.encode() for n, v in canaries.items()}, **tags}
        assert not _raw_hits([db.parent, edgerec_home], {n: v.encode() for n, v in canaries.items()})
        assert _raw_hits([db.parent], tags), "the blind tags are in the file before the forget"
        receipt = store.forget(user=USER)
    assert receipt.artifacts == {"profile": 1, "user_text": 1, "ranker_head": 1, "ldp_reports": 1, "other": 0}
    assert receipt.documents == 4 and receipt.keys_destroyed == 1
    assert "cnry" not in json.dumps(receipt.to_dict())  # counts only, no ids

    assert _raw_hits([db.parent, edgerec_home], raw_needles) == []
    with EventStore.open(db, key=KEY) as store:
        after = _decrypted(store)
        assert [name for name, value in canaries.items() if value in after] == []
        assert store.users() == ["bob"] and store.get_doc("bob", PROFILE_DOC) is not None
        assert store.receipts()[-1].artifacts == receipt.artifacts


def test_forgetting_an_item_drops_every_derived_artifact_but_keeps_the_users_own_text(tmp_path):
    db = tmp_path / "events.db"
    with EventStore.create(db, key=KEY) as store:
        canaries = _plant(store)
        receipt = store.forget(item=ITEM)
        assert receipt.artifacts == {"profile": 1, "user_text": 0, "ranker_head": 1, "ldp_reports": 1, "other": 0}
        assert store.get_doc(USER, PROFILE_DOC) is None and store.get_doc(USER, QUEUE_DOC) is None
        assert queued_reports(store, USER) == []
        assert store.get_doc(USER, "profile.user_text")["text"] == NOTE  # written by the person, not derived
        after = _decrypted(store)
    for name in ("item", "text", "context", "report id", "head weight"):
        assert canaries[name] not in after, name
    assert _raw_hits([tmp_path], {"item": ITEM.encode(), "text": TEXT.encode()}) == []


def test_receipts_of_stores_made_before_artifact_counts_still_read(tmp_path):
    db = tmp_path / "events.db"
    with EventStore.create(db, key=KEY) as store:
        store.log("ann", "play", item="x")
        conn = store._db.conn
        # the receipts table as stores made it before this column existed
        store._db.write(lambda: (conn.execute("DROP TABLE receipts"), conn.execute(
            "CREATE TABLE receipts (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, scope TEXT NOT NULL,"
            " events INTEGER NOT NULL, documents INTEGER NOT NULL, keys_destroyed INTEGER NOT NULL)"),
            conn.execute("INSERT INTO receipts(at, scope, events, documents, keys_destroyed)"
                         " VALUES (0, '{}', 3, 0, 0)")))
        assert store.receipts()[0].artifacts is None
        receipt = store.forget(user="ann")
        assert [r.artifacts for r in store.receipts()] == [None, receipt.artifacts]


@pytest.mark.slow
@requires("onnxruntime", "tokenizers")
def test_private_text_never_reaches_the_embedding_cache(tmp_path, edgerec_home, exported_embedder):
    from edgerec.models.embed_cache import EmbeddingCache, default_cache_path, text_key
    from edgerec.rank.candidates import rank_from_store

    models = edgerec_home / "models"
    models.mkdir(parents=True)
    (models / exported_embedder.name).symlink_to(exported_embedder, target_is_directory=True)
    with EventStore.create(tmp_path / "events.db", key=KEY) as store:
        # a liked item that is not a candidate: its text (the user's) is embedded, privately
        store.log(USER, "like", item=ITEM, text=TEXT, ts=MONDAY)
        store.log(USER, "play", item="c1", ts=MONDAY + timedelta(minutes=1))
        candidates = [("c1", "Calm jazz for a rainy evening."), ("c2", "Loud horror film marathon.")]
        ranked = rank_from_store(store, USER, candidates, k=2)
    assert {r.id for r in ranked} == {"c1", "c2"}
    cache_file = default_cache_path()
    assert cache_file.is_file()
    from edgerec.models.embed import default_embedder

    with EmbeddingCache(default_embedder(), cache_file) as cache:
        model_id = cache.model_id
        assert len(cache) == 2  # the two catalog texts, and nothing else
    needles = {"text": TEXT.encode(), "text key": text_key(model_id, TEXT).encode()}
    assert _raw_hits([edgerec_home, tmp_path], needles) == []
    # the catalog texts themselves are cached (by key), so the search above could have found one
    assert _raw_hits([edgerec_home], {"catalog key": text_key(model_id, candidates[0][1]).encode()})
