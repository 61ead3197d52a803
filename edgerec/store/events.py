"""``EventStore``: the encrypted, forgettable event log of one device.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "events.db")
>>> with EventStore.create(path, key=bytes(32)) as store:
...     _ = store.log("alice", "play", item="song-1", ts="2026-01-01T08:00:00Z", context={"vol": 3})
...     [e.item for e in store.events(user="alice")]
['song-1']
>>> with EventStore.open(path, key=bytes(32)) as store:
...     store.forget(user="alice").events
1

What is stored, and how, is described in the README's security section and in
``schema.py``. In short: each subject (the app's user id) has its own random
data key, wrapped by a key-encryption key derived from the passphrase (scrypt)
or a key file (HKDF). Every event payload (user, type, item, context, text) is
AES-256-GCM encrypted under the subject's key with associated data binding it
to its row id, subject, timestamp and index tags. Lookups by user, type and item
go through keyed HMAC blind indexes.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import sqlite_utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from edgerec.errors import (
    InputError,
    IntegrityError,
    NotAStoreError,
    StoreError,
    UnknownUserError,
    WrongKeyError,
)
from edgerec.store import crypto
from edgerec.store.event import Event, encode_payload, micros_to_ts, parse_ts, ts_to_micros
from edgerec.store.schema import FORMAT_NAME, FORMAT_VERSION, create_schema

__all__ = ["EventStore", "ForgetReceipt"]

_BUSY_TIMEOUT_MS = 30_000
_LOCK_RETRIES = 20
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


@dataclass(frozen=True)
class ForgetReceipt:
    """What a forget removed: its scope, when, and how many rows. Never any content.

    The scope records which kinds of filter were used (``user``, ``item``,
    ``before``) but not the user or item identifiers themselves, so a receipt
    left in the file reveals nothing about whom or what was forgotten.
    """

    id: int
    at: datetime
    scope: dict
    events: int
    documents: int
    keys_destroyed: int

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "scope": self.scope,
            "events": self.events,
            "documents": self.documents,
            "keys_destroyed": self.keys_destroyed,
        }


@dataclass
class _Subject:
    id: int
    tag: bytes
    user: str
    aead: AESGCM = field(repr=False)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


class EventStore:
    """An encrypted SQLite event store. Use :meth:`create` or :meth:`open`, not the constructor.

    Give either ``passphrase`` (a string; scrypt-derived key) or ``key`` (32 raw
    bytes, e.g. read from a key file). The store is safe to append to from several
    processes at once (WAL mode, busy timeout and retries).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, kek: bytes, meta: dict):
        self.path = path
        self._conn = conn
        self._db = sqlite_utils.Database(conn)
        self._kek = kek
        self._store_id = bytes.fromhex(meta["format"]["store_id"])
        self._event_prefix = crypto.make_aad(self._store_id, "event")
        self._kdf = meta["kdf"]
        self._index_key = self._unwrap(_unb64(meta["keys"]["index"]), "index-key")
        self._subjects: dict[int, _Subject] = {}
        self._tags: dict[str, dict[str, bytes]] = {}

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        *,
        passphrase: str | None = None,
        key: bytes | None = None,
        scrypt: crypto.ScryptParams = crypto.ScryptParams(),
    ) -> "EventStore":
        """Create a new, empty store at ``path`` (which must not exist)."""
        path = Path(path)
        if path.exists():
            raise StoreError(f"a file already exists at {path}; refusing to overwrite it")
        if not path.parent.exists():
            raise StoreError(f"directory {path.parent} does not exist")
        kdf, kek = _new_kek(passphrase, key, scrypt)
        store_id = os.urandom(16)
        meta = {
            "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION, "store_id": store_id.hex()},
            "kdf": kdf,
            "keys": {
                "check": _b64(crypto.seal(kek, b"edgerec", crypto.make_aad(store_id, "check"))),
                "index": _b64(crypto.wrap_key(kek, crypto.new_key(), crypto.make_aad(store_id, "index-key"))),
            },
        }
        conn = _connect(path, create=True)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            _configure(conn)
            conn.execute("BEGIN IMMEDIATE")
            create_schema(conn)
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in meta.items()],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return cls(path, conn, kek, meta)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        *,
        passphrase: str | None = None,
        key: bytes | None = None,
    ) -> "EventStore":
        """Open an existing store; the file is not modified if the key is wrong."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"no store at {path}; create one with: edgerec init --db {path}")
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not an edgerec store")
        _check_not_truncated(path)
        conn = _connect(path, create=False)
        try:
            meta = _read_meta(conn, path)
            kek = _derive_kek(meta["kdf"], passphrase, key)
            store_id = bytes.fromhex(meta["format"]["store_id"])
            try:
                crypto.open_sealed(kek, _unb64(meta["keys"]["check"]), crypto.make_aad(store_id, "check"))
            except crypto.AuthenticationFailed:
                what = "key file" if meta["kdf"]["kind"] == "keyfile" else "passphrase"
                raise WrongKeyError(f"wrong {what} for {path}") from None
            _configure(conn)
            return cls(path, conn, kek, meta)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Close the underlying connection."""
        self._conn.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ keys
    def _unwrap(self, wrapped: bytes, *aad_parts) -> bytes:
        try:
            return crypto.unwrap_key(self._kek, wrapped, crypto.make_aad(self._store_id, *aad_parts))
        except crypto.AuthenticationFailed:
            raise IntegrityError(f"wrapped key {aad_parts[0]!r} failed authentication") from None

    def _tag(self, domain: str, value: str) -> bytes:
        tags = self._tags.get(domain)
        if tags is None:
            tags = self._tags[domain] = {}
        tag = tags.get(value)
        if tag is None:
            if len(tags) > 100_000:
                tags.clear()
            tag = tags[value] = crypto.blind_index(self._index_key, domain, value)
        return tag

    def _subject_from_row(self, row) -> _Subject:
        sid, tag, wrapped, name = row
        dek = self._unwrap(wrapped, "subject-key", tag)
        try:
            user = crypto.open_sealed(dek, name, crypto.make_aad(self._store_id, "subject-name", tag)).decode()
        except crypto.AuthenticationFailed:
            raise IntegrityError(f"subject row {sid} failed authentication", table="subjects", row=sid) from None
        return _Subject(sid, tag, user, AESGCM(dek))

    def _subject_by_id(self, sid: int) -> _Subject:
        subject = self._subjects.get(sid)
        if subject is None:
            row = self._conn.execute(
                "SELECT id, tag, wrapped_key, name FROM subjects WHERE id = ?", (sid,)
            ).fetchone()
            if row is None:
                raise IntegrityError(f"event refers to missing subject {sid}", table="subjects", row=sid)
            subject = self._subjects[sid] = self._subject_from_row(row)
        return subject

    def _find_subject(self, user: str) -> _Subject | None:
        tag = self._tag("user", user)
        row = self._conn.execute(
            "SELECT id, tag, wrapped_key, name FROM subjects WHERE tag = ?", (tag,)
        ).fetchone()
        if row is None:
            return None
        cached = self._subjects.get(row[0])
        if cached is not None and cached.tag == tag:
            return cached
        subject = self._subjects[row[0]] = self._subject_from_row(row)
        return subject

    def _require_subject(self, user: str) -> _Subject:
        if not isinstance(user, str) or not user:
            raise InputError("a user id is required")
        subject = self._find_subject(user)
        if subject is None:
            raise UnknownUserError(user)
        return subject

    def _get_or_create_subject(self, user: str) -> _Subject:
        """Inside a write transaction: the subject for ``user``, creating its data key if new."""
        subject = self._find_subject(user)
        if subject is not None:
            return subject
        tag = self._tag("user", user)
        dek = crypto.new_key()
        wrapped = crypto.wrap_key(self._kek, dek, crypto.make_aad(self._store_id, "subject-key", tag))
        name = crypto.seal(dek, user.encode("utf-8"), crypto.make_aad(self._store_id, "subject-name", tag))
        cur = self._conn.execute(
            "INSERT INTO subjects(tag, wrapped_key, name) VALUES (?, ?, ?)", (tag, wrapped, name)
        )
        subject = self._subjects[cur.lastrowid] = _Subject(cur.lastrowid, tag, user, AESGCM(dek))
        return subject

    # ------------------------------------------------------------------ writing
    def _write(self, fn: Callable[[], object]):
        """Run ``fn`` in one IMMEDIATE transaction, retrying while another writer holds the lock."""
        delay = 0.01
        for attempt in range(_LOCK_RETRIES):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                raise _db_error(exc, self.path) from None
            try:
                result = fn()
                self._conn.execute("COMMIT")
                return result
            except BaseException as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                # a subject created in the failed transaction must not stay cached
                self._subjects.clear()
                if isinstance(exc, sqlite3.DatabaseError):
                    raise _db_error(exc, self.path) from None
                raise
        raise StoreError(f"{self.path} is locked by another writer; gave up after {_LOCK_RETRIES} retries")

    def _event_aad(self, row_id: int, subject: _Subject, ts: int, type_tag: bytes, item_tag: bytes | None):
        return crypto.event_aad(self._event_prefix, row_id, ts, subject.tag, type_tag, item_tag)

    def _insert_batch(self, batch: list[tuple[Event, bytes]]) -> list[int]:
        """Encrypt and insert one batch inside the caller's transaction (the hot path of imports)."""
        row = self._conn.execute(
            "SELECT max(COALESCE((SELECT max(id) FROM events), 0),"
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0))"
        ).fetchone()
        next_id = row[0] + 1
        subjects = {u: self._get_or_create_subject(u) for u in dict.fromkeys(e.user for e, _ in batch)}
        prefix, tag, aad_of, to_micros = self._event_prefix, self._tag, crypto.event_aad, ts_to_micros
        nonces = crypto.random_nonces(len(batch))
        rows = []
        for offset, (e, payload) in enumerate(batch):
            subject = subjects[e.user]
            row_id, ts = next_id + offset, to_micros(e.ts)
            type_tag = tag("type", e.type)
            item_tag = None if e.item is None else tag("item", e.item)
            aad = aad_of(prefix, row_id, ts, subject.tag, type_tag, item_tag)
            nonce = nonces[offset]
            rows.append((row_id, subject.id, ts, type_tag, item_tag, nonce + subject.aead.encrypt(nonce, payload, aad)))
        self._conn.executemany(
            "INSERT INTO events(id, subject, ts, type_tag, item_tag, payload) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        return [r[0] for r in rows]

    def log(
        self,
        user: str,
        type: str,
        *,
        ts: str | datetime | None = None,
        item: str | None = None,
        context: Mapping | str | None = None,
        text: str | None = None,
    ) -> int:
        """Validate and store one event; returns its row id. ``ts=None`` means now (UTC)."""
        event = Event.create(user, type, ts=ts, item=item, context=context, text=text)
        prepared = [(event, encode_payload(event))]
        return self._write(lambda: self._insert_batch(prepared))[0]

    def log_many(
        self,
        events: Iterable[Event | Mapping],
        *,
        batch_size: int = 1000,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Validate every event first, then store them in transactions of ``batch_size``.

        Nothing is written if any event is invalid. A crash mid-way keeps every batch
        already committed. ``progress(n)`` is called after each batch with its size.
        Returns the number of events stored.
        """
        if batch_size < 1:
            raise InputError("batch_size must be at least 1")
        checked = []
        for e in events:
            e = e if isinstance(e, Event) else Event.from_dict(e)
            checked.append((e, encode_payload(e)))
        for start in range(0, len(checked), batch_size):
            batch = checked[start : start + batch_size]
            self._write(lambda: self._insert_batch(batch))
            if progress is not None:
                progress(len(batch))
        return len(checked)

    # ------------------------------------------------------------------ reading
    def _decrypt_event(self, row) -> Event:
        row_id, sid, ts, type_tag, item_tag, payload = row
        subject = self._subject_by_id(sid)
        try:
            plain = crypto.open_sealed(subject.aead, payload, self._event_aad(row_id, subject, ts, type_tag, item_tag))
            data = json.loads(plain)
        except (crypto.AuthenticationFailed, ValueError):
            raise IntegrityError(
                f"event row {row_id} failed authentication: its ciphertext was modified, moved or swapped",
                table="events",
                row=row_id,
            ) from None
        return Event(data["u"], data["t"], micros_to_ts(ts), data.get("i"), data.get("c"), data.get("x"), row_id)

    def _filters(self, user, since, until, type, item) -> tuple[str, list]:
        where, args = [], []
        if user is not None:
            where.append("subject = ?")
            args.append(self._require_subject(user).id)
        if since is not None:
            where.append("ts >= ?")
            args.append(ts_to_micros(parse_ts(since)))
        if until is not None:
            where.append("ts < ?")
            args.append(ts_to_micros(parse_ts(until)))
        if type is not None:
            where.append("type_tag = ?")
            args.append(self._tag("type", type))
        if item is not None:
            where.append("item_tag = ?")
            args.append(self._tag("item", item))
        return (" WHERE " + " AND ".join(where)) if where else "", args

    def events(
        self,
        user: str | None = None,
        *,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        type: str | None = None,
        item: str | None = None,
    ) -> Iterator[Event]:
        """Decrypted events matching every given filter, ordered by time then row id.

        ``since`` is inclusive, ``until`` exclusive. An unknown ``user`` raises
        :class:`UnknownUserError`; a tampered row raises :class:`IntegrityError`.
        """
        sql, args = self._filters(user, since, until, type, item)
        return self._iter_events(sql, args)

    def _iter_events(self, where: str, args: list) -> Iterator[Event]:
        try:
            cursor = self._conn.execute(
                f"SELECT id, subject, ts, type_tag, item_tag, payload FROM events{where} ORDER BY ts, id", args
            )
            for row in cursor:
                yield self._decrypt_event(row)
        except sqlite3.DatabaseError as exc:
            raise _db_error(exc, self.path) from None

    def count(
        self,
        user: str | None = None,
        *,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        type: str | None = None,
        item: str | None = None,
    ) -> int:
        """Number of stored events matching the same filters as :meth:`events`, without decrypting any."""
        sql, args = self._filters(user, since, until, type, item)
        return self._conn.execute(f"SELECT count(*) FROM events{sql}", args).fetchone()[0]

    def users(self) -> list[str]:
        """Every user id known to the store (decrypted), sorted."""
        rows = self._conn.execute("SELECT id, tag, wrapped_key, name FROM subjects").fetchall()
        names = []
        for row in rows:
            subject = self._subjects.get(row[0]) or self._subject_from_row(row)
            self._subjects[row[0]] = subject
            names.append(subject.user)
        return sorted(names)

    def export(self, user: str) -> Iterator[dict]:
        """Everything stored for ``user`` as JSON-friendly dicts (data portability)."""
        self._require_subject(user)
        for event in self.events(user=user):
            yield event.to_dict()

    # ------------------------------------------------------------------ documents
    def _doc_aad(self, subject: _Subject, name_tag: bytes) -> bytes:
        return crypto.make_aad(self._store_id, "doc", subject.tag, name_tag)

    def put_doc(self, user: str, name: str, data: dict, *, derived: bool = True) -> None:
        """Store a small encrypted JSON document for ``user`` (a profile, routines, a cache).

        ``derived=True`` marks it as computed from the user's events: it is deleted
        whenever any of those events are forgotten, so it can never outlive them.
        Documents the user wrote themselves (``derived=False``) go only when the
        user is forgotten.
        """
        if not isinstance(data, dict):
            raise InputError("a document must be a JSON object (dict)")
        try:
            raw = _dumps(data).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise InputError(f"document {name!r} is not JSON-serialisable: {exc}") from None

        def write():
            subject = self._get_or_create_subject(user)
            name_tag = self._tag("doc", name)
            blob = crypto.seal(subject.aead, raw, self._doc_aad(subject, name_tag))
            self._conn.execute(
                "INSERT OR REPLACE INTO docs(subject, name_tag, derived, payload) VALUES (?, ?, ?, ?)",
                (subject.id, name_tag, int(derived), blob),
            )

        self._write(write)

    def get_doc(self, user: str, name: str) -> dict | None:
        """The document ``name`` of ``user``, or None if there is none."""
        subject = self._find_subject(user)
        if subject is None:
            return None
        name_tag = self._tag("doc", name)
        row = self._conn.execute(
            "SELECT rowid, payload FROM docs WHERE subject = ? AND name_tag = ?", (subject.id, name_tag)
        ).fetchone()
        if row is None:
            return None
        try:
            return json.loads(crypto.open_sealed(subject.aead, row[1], self._doc_aad(subject, name_tag)))
        except (crypto.AuthenticationFailed, ValueError):
            raise IntegrityError(f"document row {row[0]} failed authentication", table="docs", row=row[0]) from None

    def delete_doc(self, user: str, name: str) -> bool:
        """Delete one document; returns whether it existed."""
        subject = self._find_subject(user)
        if subject is None:
            return False
        name_tag = self._tag("doc", name)
        deleted = self._write(
            lambda: self._conn.execute(
                "DELETE FROM docs WHERE subject = ? AND name_tag = ?", (subject.id, name_tag)
            ).rowcount
        )
        return bool(deleted)

    # ------------------------------------------------------------------ forgetting
    def forget(
        self,
        *,
        user: str | None = None,
        item: str | None = None,
        before: str | datetime | None = None,
    ) -> ForgetReceipt:
        """Delete a user, an item, a time range, or their intersection, unrecoverably.

        * ``user`` alone: every event and document of the user is deleted and the
          user's data key is destroyed (crypto-shredding).
        * with ``item`` and/or ``before`` (events strictly before that time): only
          the matching events go, and the derived documents of every affected user.

        Rows are deleted with ``secure_delete`` on, then the WAL is checkpointed and
        truncated and the file is VACUUMed, so no copy of the files taken afterwards
        holds the forgotten data. A receipt (scope, time, counts; no content) is kept.
        """
        if user is None and item is None and before is None:
            raise InputError("forget needs a scope: a user, an item and/or a time (before)")
        subject = self._require_subject(user) if user is not None else None
        where, args = [], []
        if subject is not None:
            where.append("subject = ?")
            args.append(subject.id)
        if item is not None:
            where.append("item_tag = ?")
            args.append(self._tag("item", item))
        if before is not None:
            where.append("ts < ?")
            args.append(ts_to_micros(parse_ts(before)))
        cond = " AND ".join(where)
        whole_user = subject is not None and item is None and before is None
        scope = {"user": user is not None, "item": item is not None,
                 "before": parse_ts(before).isoformat() if before is not None else None}

        def write():
            affected = [r[0] for r in self._conn.execute(f"SELECT DISTINCT subject FROM events WHERE {cond}", args)]
            n_events = self._conn.execute(f"DELETE FROM events WHERE {cond}", args).rowcount
            if whole_user:
                n_docs = self._conn.execute("DELETE FROM docs WHERE subject = ?", (subject.id,)).rowcount
                n_keys = self._conn.execute("DELETE FROM subjects WHERE id = ?", (subject.id,)).rowcount
            else:
                n_docs = 0
                for sid in affected:
                    n_docs += self._conn.execute(
                        "DELETE FROM docs WHERE subject = ? AND derived = 1", (sid,)
                    ).rowcount
                n_keys = 0
            at = datetime.now(timezone.utc)
            cur = self._conn.execute(
                "INSERT INTO receipts(at, scope, events, documents, keys_destroyed) VALUES (?, ?, ?, ?, ?)",
                (ts_to_micros(at), json.dumps(scope), n_events, n_docs, n_keys),
            )
            return ForgetReceipt(cur.lastrowid, at, scope, n_events, n_docs, n_keys)

        receipt = self._write(write)
        if whole_user:
            self._subjects.pop(subject.id, None)
        self._scrub()
        return receipt

    def _scrub(self) -> None:
        """Checkpoint and truncate the WAL, then VACUUM, so deleted pages leave no copy anywhere."""
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            raise _db_error(exc, self.path) from None

    def receipts(self) -> list[ForgetReceipt]:
        """Every forget receipt, oldest first."""
        rows = self._conn.execute(
            "SELECT id, at, scope, events, documents, keys_destroyed FROM receipts ORDER BY id"
        ).fetchall()
        return [ForgetReceipt(r[0], micros_to_ts(r[1]), json.loads(r[2]), r[3], r[4], r[5]) for r in rows]

    # ------------------------------------------------------------------ keys and health
    def rotate_key(
        self,
        *,
        passphrase: str | None = None,
        key: bytes | None = None,
        scrypt: crypto.ScryptParams = crypto.ScryptParams(),
    ) -> int:
        """Re-wrap every data key under a new passphrase or key file; events are not re-encrypted.

        Returns the number of subject keys re-wrapped. Old wrapped keys are
        overwritten (secure_delete, WAL truncation, VACUUM).
        """
        kdf, new_kek = _new_kek(passphrase, key, scrypt)

        def write():
            rows = self._conn.execute("SELECT id, tag, wrapped_key FROM subjects").fetchall()
            updates = []
            for sid, tag, wrapped in rows:
                dek = self._unwrap(wrapped, "subject-key", tag)
                aad = crypto.make_aad(self._store_id, "subject-key", tag)
                updates.append((crypto.wrap_key(new_kek, dek, aad), sid))
            self._conn.executemany("UPDATE subjects SET wrapped_key = ? WHERE id = ?", updates)
            keys = {
                "check": _b64(crypto.seal(new_kek, b"edgerec", crypto.make_aad(self._store_id, "check"))),
                "index": _b64(crypto.wrap_key(new_kek, self._index_key, crypto.make_aad(self._store_id, "index-key"))),
            }
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'keys'", (json.dumps(keys),))
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'kdf'", (json.dumps(kdf),))
            return len(updates)

        count = self._write(write)
        self._kek, self._kdf = new_kek, kdf
        self._scrub()
        return count

    def verify(self, progress: Callable[[int], None] | None = None) -> dict:
        """Check SQLite's structure and authenticate every stored ciphertext.

        Raises :class:`IntegrityError` naming the first bad row; returns counts otherwise.
        """
        try:
            result = self._conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _db_error(exc, self.path) from None
        if result != "ok":
            raise IntegrityError(f"{self.path} is corrupt: {result}")
        users = self.users()
        n = 0
        for n, _ in enumerate(self._iter_events("", []), start=1):
            if progress is not None and n % 1000 == 0:
                progress(1000)
        docs = self._conn.execute("SELECT rowid, subject, name_tag, payload FROM docs").fetchall()
        for rowid, sid, name_tag, payload in docs:
            subject = self._subject_by_id(sid)
            try:
                crypto.open_sealed(subject.aead, payload, self._doc_aad(subject, name_tag))
            except crypto.AuthenticationFailed:
                raise IntegrityError(f"document row {rowid} failed authentication", table="docs", row=rowid) from None
        return {"users": len(users), "events": n, "documents": len(docs)}

    def stats(self) -> dict:
        """Counts and sizes; nothing decrypted beyond the number of users."""
        db = self._db
        first, last = self._conn.execute("SELECT min(ts), max(ts) FROM events").fetchone()
        size = sum(
            Path(str(self.path) + s).stat().st_size
            for s in ("", "-wal")
            if Path(str(self.path) + s).exists()
        )
        return {
            "path": str(self.path),
            "format_version": FORMAT_VERSION,
            "kdf": self._kdf["kind"],
            "users": db["subjects"].count,
            "events": db["events"].count,
            "documents": db["docs"].count,
            "forget_receipts": db["receipts"].count,
            "first_event": micros_to_ts(first).isoformat() if first is not None else None,
            "last_event": micros_to_ts(last).isoformat() if last is not None else None,
            "file_bytes": size,
        }


# ---------------------------------------------------------------------- helpers
def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    uri = f"file:{path.resolve()}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    return conn


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-32768")  # 32 MiB: keeps the blind-index B-trees in memory on bulk import


def _check_not_truncated(path: Path) -> None:
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise NotAStoreError(f"{path} is not an edgerec store (not an SQLite database)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    expected = pages * page_size
    actual = path.stat().st_size
    if pages and actual < expected:
        raise IntegrityError(f"{path} is truncated: the header says {expected:,} bytes, the file has {actual:,}")


def _read_meta(conn: sqlite3.Connection, path: Path) -> dict:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" not in tables:
            raise NotAStoreError(f"{path} is an SQLite database but not an edgerec store")
        meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):
            raise StoreError(f"cannot read {path}: {exc}") from None
        raise NotAStoreError(f"{path} is not an edgerec store ({exc})") from None
    fmt = meta.get("format", {})
    if fmt.get("name") != FORMAT_NAME:
        raise NotAStoreError(f"{path} is an SQLite database but not an edgerec store")
    if fmt.get("version") != FORMAT_VERSION:
        raise StoreError(f"{path} has store format {fmt.get('version')}; this edgerec reads {FORMAT_VERSION}")
    return meta


def _new_kek(passphrase: str | None, key: bytes | None, scrypt: crypto.ScryptParams) -> tuple[dict, bytes]:
    salt = crypto.new_salt()
    if (passphrase is None) == (key is None):
        raise InputError("give exactly one of a passphrase or a 32-byte key")
    if key is not None:
        _check_key(key)
        return {"kind": "keyfile", "salt": salt.hex()}, crypto.derive_kek_from_key(key, salt)
    if not passphrase:
        raise InputError("the passphrase must not be empty")
    kdf = {"kind": "scrypt", "salt": salt.hex(), **scrypt.to_dict()}
    return kdf, crypto.derive_kek_from_passphrase(passphrase, salt, scrypt)


def _derive_kek(kdf: dict, passphrase: str | None, key: bytes | None) -> bytes:
    salt = bytes.fromhex(kdf["salt"])
    if kdf["kind"] == "keyfile":
        if key is None:
            raise WrongKeyError("this store is locked with a key file; pass --key-file")
        _check_key(key)
        return crypto.derive_kek_from_key(key, salt)
    if passphrase is None:
        if key is not None:
            raise WrongKeyError("this store is locked with a passphrase, not a key file")
        raise StoreError("a passphrase is needed: set EDGEREC_PASSPHRASE or pass --key-file")
    return crypto.derive_kek_from_passphrase(passphrase, salt, crypto.ScryptParams.from_dict(kdf))


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) != crypto.KEY_BYTES:
        raise InputError(f"a key must be exactly {crypto.KEY_BYTES} raw bytes")


def _db_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    text = str(exc)
    if "malformed" in text or "not a database" in text or "disk I/O" in text:
        return IntegrityError(f"{path} is corrupt or truncated: {text}")
    if "locked" in text or "busy" in text:
        return StoreError(f"{path} is busy (locked by another process): {text}")
    return StoreError(f"database error on {path}: {text}")
