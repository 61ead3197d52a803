"""The EventStore contract: logging, reading, documents, forgetting, key rotation."""

import pytest

from edgerec.errors import InputError, StoreError, UnknownUserError, WrongKeyError
from edgerec.store import Event, EventStore
from edgerec.store.crypto import ScryptParams
from helpers import KEY

FAST = ScryptParams(n=2**12)


def fill(store):
    store.log_many([
        {"user": "alice", "type": "play", "ts": "2026-01-01T08:00:00Z", "item": "jazz-1", "context": {"tod": "morning"}},
        {"user": "alice", "type": "skip", "ts": "2026-01-02T08:00:00Z", "item": "rock-1"},
        {"user": "alice", "type": "play", "ts": "2026-01-03T20:00:00Z", "item": "jazz-2", "text": "more like this"},
        {"user": "bob", "type": "play", "ts": "2026-01-01T09:00:00Z", "item": "jazz-1"},
        {"user": "bob", "type": "click", "ts": "2026-01-05T09:00:00Z", "item": "news-1"},
    ])


def test_events_are_ordered_and_filterable(store):
    fill(store)
    assert [e.item for e in store.events(user="alice")] == ["jazz-1", "rock-1", "jazz-2"]
    assert [e.user for e in store.events(item="jazz-1")] == ["alice", "bob"]
    assert [e.item for e in store.events(type="play", user="alice")] == ["jazz-1", "jazz-2"]
    assert [e.item for e in store.events(since="2026-01-02T00:00:00Z", until="2026-01-05T09:00:00Z")] == [
        "rock-1", "jazz-2"]
    assert store.users() == ["alice", "bob"]
    assert store.count() == 5 and store.count("bob") == 2
    first = next(store.events(user="alice"))
    assert first.context == {"tod": "morning"} and first.id is not None
    assert first.ts.isoformat() == "2026-01-01T08:00:00+00:00"


def test_log_returns_row_ids_and_defaults_ts_to_now(store):
    a = store.log("u", "open")
    b = store.log("u", "open")
    assert b > a
    (e1, e2) = list(store.events(user="u"))
    assert e1.ts.tzinfo is not None and e1.ts <= e2.ts


def test_unknown_user_is_a_clear_error(store):
    fill(store)
    for call in (lambda: list(store.events(user="carol")), lambda: list(store.export("carol")),
                 lambda: store.forget(user="carol")):
        with pytest.raises(UnknownUserError, match="carol"):
            call()


def test_bad_event_in_a_batch_writes_nothing(store):
    fill(store)
    batch = [{"user": "alice", "type": "play", "ts": "2026-02-01T00:00:00Z"}] * 5 + [
        {"user": "alice", "type": "play", "ts": "not a time"}]
    with pytest.raises(InputError, match="bad timestamp"):
        store.log_many(batch, batch_size=2)
    with pytest.raises(InputError):
        store.log("alice", "play", context={"x": float("nan")})
    assert store.count() == 5


def test_export_yields_the_users_events_only(store):
    fill(store)
    rows = list(store.export("bob"))
    assert [r["item"] for r in rows] == ["jazz-1", "news-1"]
    assert set(rows[0]) == {"user", "type", "ts", "item", "context", "text"}


def test_forget_user_removes_events_docs_and_key(store):
    fill(store)
    store.put_doc("alice", "profile", {"summary": "likes jazz"})
    store.put_doc("alice", "notes", {"text": "written by alice"}, derived=False)
    receipt = store.forget(user="alice")
    assert (receipt.events, receipt.documents, receipt.keys_destroyed) == (3, 2, 1)
    assert store.users() == ["bob"]
    assert store.get_doc("alice", "profile") is None
    with pytest.raises(UnknownUserError):
        store.count("alice")
    # alice can come back as a new subject with a fresh key and no history
    store.log("alice", "play", item="x")
    assert [e.item for e in store.events(user="alice")] == ["x"]


def test_forget_item_for_one_user_and_for_everyone(store):
    fill(store)
    store.put_doc("alice", "profile", {"summary": "derived"})
    store.put_doc("alice", "edits", {"text": "mine"}, derived=False)
    store.put_doc("bob", "profile", {"summary": "bob's"})
    r = store.forget(user="alice", item="jazz-1")
    assert r.events == 1 and r.keys_destroyed == 0
    assert [e.user for e in store.events(item="jazz-1")] == ["bob"]
    # derived documents of the affected user are dropped, the user's own edits and other users' kept
    assert store.get_doc("alice", "profile") is None
    assert store.get_doc("alice", "edits") == {"text": "mine"}
    assert store.get_doc("bob", "profile") == {"summary": "bob's"}
    store.forget(item="jazz-1")
    assert list(store.events(item="jazz-1")) == []
    assert store.get_doc("bob", "profile") is None


def test_forget_before_a_time(store):
    fill(store)
    r = store.forget(user="alice", before="2026-01-03T00:00:00Z")
    assert r.events == 2
    assert [e.item for e in store.events(user="alice")] == ["jazz-2"]
    assert store.count("bob") == 2
    store.forget(before="2026-01-04T00:00:00Z")
    assert [e.item for e in store.events()] == ["news-1"]


def test_forget_needs_a_scope(store):
    with pytest.raises(InputError, match="scope"):
        store.forget()


def test_receipts_hold_counts_and_no_identifiers(store):
    fill(store)
    store.forget(user="alice", item="jazz-1")
    store.forget(user="bob")
    receipts = store.receipts()
    assert [(r.scope["user"], r.scope["item"], r.events) for r in receipts] == [(True, True, 1), (True, False, 2)]
    flat = repr([r.to_dict() for r in receipts])
    for secret in ("alice", "bob", "jazz-1"):
        assert secret not in flat


def test_documents_round_trip_and_replace(store):
    assert store.get_doc("alice", "profile") is None
    store.put_doc("alice", "profile", {"routines": [1, 2], "nl": "ünïcode"})
    store.put_doc("alice", "profile", {"routines": [3]})
    assert store.get_doc("alice", "profile") == {"routines": [3]}
    assert store.delete_doc("alice", "profile") is True
    assert store.get_doc("alice", "profile") is None
    with pytest.raises(InputError):
        store.put_doc("alice", "x", ["not", "a", "dict"])


def test_passphrase_store_and_rotation(db_path):
    with EventStore.create(db_path, passphrase="old pw", scrypt=FAST) as s:
        fill(s)
    with pytest.raises(WrongKeyError):
        EventStore.open(db_path, passphrase="wrong")
    with EventStore.open(db_path, passphrase="old pw") as s:
        assert s.rotate_key(passphrase="new pw", scrypt=FAST) == 2
    with pytest.raises(WrongKeyError):
        EventStore.open(db_path, passphrase="old pw")
    with EventStore.open(db_path, passphrase="new pw") as s:
        assert s.count() == 5 and s.users() == ["alice", "bob"]
        s.rotate_key(key=KEY)
    with pytest.raises(WrongKeyError, match="key file"):
        EventStore.open(db_path, passphrase="new pw")
    with EventStore.open(db_path, key=KEY) as s:
        assert [e.item for e in s.events(user="bob")] == ["jazz-1", "news-1"]
        assert s.verify() == {"users": 2, "events": 5, "documents": 0}


def test_create_refuses_existing_file_and_bad_credentials(db_path, tmp_path):
    db_path.write_text("x")
    with pytest.raises(StoreError, match="already exists"):
        EventStore.create(db_path, key=KEY)
    with pytest.raises(InputError, match="exactly one"):
        EventStore.create(tmp_path / "new.db")
    with pytest.raises(InputError, match="32"):
        EventStore.create(tmp_path / "new.db", key=b"short")
    with pytest.raises(StoreError, match="no store"):
        EventStore.open(tmp_path / "missing.db", key=KEY)
    assert not (tmp_path / "new.db").exists()


def test_events_accept_event_objects(store):
    e = Event.create("zoe", "play", ts="2026-03-03T03:03:03Z", item="a")
    store.log_many([e])
    (got,) = store.events(user="zoe")
    assert (got.user, got.type, got.ts, got.item) == (e.user, e.type, e.ts, e.item)


def test_reserved_subjects_are_not_users_and_no_event_can_name_one(store):
    from edgerec.errors import InputError
    from edgerec.store.event import RESERVED_USER_PREFIX

    store.log("ann", "play", item="x")
    store.put_doc(RESERVED_USER_PREFIX + "privacy", "ledger", {"entries": []}, derived=False)
    assert store.users() == ["ann"]
    for bad in ({"user": RESERVED_USER_PREFIX + "privacy", "type": "play"},
                {"user": RESERVED_USER_PREFIX + "x", "type": "play", "text": "t"}):
        with pytest.raises(InputError, match="reserved"):
            store.log_many([bad])
