"""Security properties of the file: confidentiality, integrity, clean forgetting, safe failure."""

import shutil
import sqlite3

import pytest

from edgerec.errors import IntegrityError, NotAStoreError, WrongKeyError
from edgerec.store import EventStore
from helpers import KEY, store_files

SECRETS = {
    "user": "alice.secret-user-7731",
    "item": "item-secret-xyz-4242",
    "type": "purchase-secret-type",
    "text": "my very private diary line 9981",
    "context_key": "context-key-secret-55",
    "context_value": "context-value-secret-66",
}


def log_secrets(store, n=50):
    for i in range(n):
        store.log(SECRETS["user"], SECRETS["type"], ts=f"2026-01-01T00:00:{i % 60:02d}Z", item=SECRETS["item"],
                  context={SECRETS["context_key"]: SECRETS["context_value"], "i": i}, text=SECRETS["text"])


def assert_no_plaintext(files: dict[str, bytes]):
    assert files, "no files to inspect"
    for name, data in files.items():
        for label, secret in SECRETS.items():
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in data, f"{label} found in plaintext in {name}"


def test_nothing_logged_appears_in_db_wal_or_journal(db_path):
    store = EventStore.create(db_path, passphrase="pw")
    log_secrets(store)
    store.put_doc(SECRETS["user"], "profile", {"summary": SECRETS["text"]})
    # while open: the WAL holds the recent pages
    files = store_files(db_path)
    assert "-wal" in files and len(files["-wal"]) > 0
    assert_no_plaintext(files)
    store.close()
    assert_no_plaintext(store_files(db_path))
    # in rollback-journal mode too (an adversary may copy a hot journal)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    with EventStore.open(db_path, passphrase="pw") as s:
        s.log(SECRETS["user"], SECRETS["type"], item=SECRETS["item"], text=SECRETS["text"])
    assert_no_plaintext(store_files(db_path))


def test_the_detector_would_see_plaintext(tmp_path):
    """Guard against a vacuous check: the same scan finds the secrets in a plain SQLite file."""
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE t (a TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (SECRETS["text"],))
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError):
        assert_no_plaintext(store_files(tmp_path / "plain.db"))


def _payloads(db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT id, payload FROM events ORDER BY id").fetchall()
    conn.close()
    return rows


def _tamper(db_path, sql, args=()):
    conn = sqlite3.connect(db_path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_modified_ciphertext_raises_integrity_error_naming_the_row(db_path):
    with EventStore.create(db_path, key=KEY) as s:
        log_secrets(s, n=5)
    row_id, payload = _payloads(db_path)[2]
    flipped = payload[:-3] + bytes([payload[-3] ^ 0x01]) + payload[-2:]
    _tamper(db_path, "UPDATE events SET payload = ? WHERE id = ?", (flipped, row_id))
    with EventStore.open(db_path, key=KEY) as s:
        with pytest.raises(IntegrityError, match=f"event row {row_id} ") as info:
            list(s.events())
        assert info.value.row == row_id
        with pytest.raises(IntegrityError, match=f"row {row_id}"):
            s.verify()


def test_swapped_ciphertexts_are_detected(db_path):
    with EventStore.create(db_path, key=KEY) as s:
        log_secrets(s, n=4)
    (a, pa), (b, pb) = _payloads(db_path)[:2]
    _tamper(db_path, "UPDATE events SET payload = ? WHERE id = ?", (pb, a))
    _tamper(db_path, "UPDATE events SET payload = ? WHERE id = ?", (pa, b))
    with EventStore.open(db_path, key=KEY) as s, pytest.raises(IntegrityError, match=f"event row {a} "):
        list(s.events())


def test_edited_plaintext_columns_are_detected(db_path):
    with EventStore.create(db_path, key=KEY) as s:
        log_secrets(s, n=3)
        s.log("bob", "play", item="x")
    _tamper(db_path, "UPDATE events SET ts = ts + 1000000 WHERE id = 1")
    with EventStore.open(db_path, key=KEY) as s, pytest.raises(IntegrityError, match="row 1 "):
        list(s.events())
    # moving a row to another subject
    _tamper(db_path, "UPDATE events SET ts = ts - 1000000 WHERE id = 1")
    _tamper(db_path, "UPDATE events SET subject = (SELECT max(id) FROM subjects) WHERE id = 2")
    with EventStore.open(db_path, key=KEY) as s, pytest.raises(IntegrityError, match="row 2 "):
        list(s.events())


def test_wrong_key_fails_cleanly_and_leaves_the_file_untouched(db_path, tmp_path):
    with EventStore.create(db_path, passphrase="right") as s:
        log_secrets(s, n=3)
    before = db_path.read_bytes()
    with pytest.raises(WrongKeyError, match="wrong passphrase"):
        EventStore.open(db_path, passphrase="wrong")
    with pytest.raises(WrongKeyError):
        EventStore.open(db_path, key=KEY)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("content", [b"hello, not a database\n" * 10, b""])
def test_non_store_files_are_refused_untouched(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(NotAStoreError):
        EventStore.open(path, key=KEY)
    assert path.read_bytes() == content


def test_other_sqlite_databases_are_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAStoreError, match="not an edgerec store"):
        EventStore.open(path, key=KEY)
    assert path.read_bytes() == before


def test_truncated_file_is_detected(db_path):
    with EventStore.create(db_path, key=KEY) as s:
        log_secrets(s, n=400)
        s._scrub()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntegrityError, match="truncated"):
        EventStore.open(db_path, key=KEY)


def test_forgotten_user_leaves_nothing_in_a_copy_of_the_files(db_path, tmp_path):
    store = EventStore.create(db_path, passphrase="pw")
    log_secrets(store, n=200)
    store.log("bob", "play", item="kept")
    store.put_doc(SECRETS["user"], "profile", {"summary": "x"})
    conn = sqlite3.connect(db_path)
    alice_blobs = [r[0] for r in conn.execute(
        "SELECT payload FROM events WHERE subject = (SELECT min(id) FROM subjects)")]
    alice_key = conn.execute("SELECT wrapped_key, tag, name FROM subjects ORDER BY id LIMIT 1").fetchone()
    conn.close()
    needles = [b[12:40] for b in alice_blobs] + [bytes(k) for k in alice_key]
    everything = b"".join(store_files(db_path).values())
    assert all(n in everything for n in needles[:5] + needles[-3:]), "needles must be findable before forget"

    store.forget(user=SECRETS["user"])
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal", "-shm", "-journal"):
        src = db_path.with_name(db_path.name + suffix)
        if src.exists():
            shutil.copy(src, copy / src.name)
    everything = b"".join(store_files(copy / db_path.name).values())
    leaked = [i for i, n in enumerate(needles) if n in everything]
    assert leaked == [], f"{len(leaked)} ciphertext fragments of the forgotten user remain"
    store.close()
    # even with the passphrase, the copy holds nothing of the user
    with EventStore.open(copy / db_path.name, passphrase="pw") as s:
        assert s.users() == ["bob"]
        assert [e.item for e in s.events()] == ["kept"]
        assert s.get_doc(SECRETS["user"], "profile") is None
