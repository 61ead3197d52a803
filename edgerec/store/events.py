"""``EventStore``: the encrypted, forgettable event log of one device.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "events.db")
>>> with EventStore.create(path, key=bytes(32), timezone="Europe/Paris") as store:
...     _ = store.log("alice", "play", item="song-1", ts="2026-01-01T08:00:00Z", context={"vol": 3})
...     [e.item for e in store.events(user="alice")], store.timezone
(['song-1'], 'Europe/Paris')
>>> with EventStore.open(path, key=bytes(32)) as store:
...     store.forget(user="alice").events
1

The store has three layers: :mod:`~edgerec.store.keys` (derive, wrap, rotate),
:mod:`~edgerec.store.db` (the SQLite file: connect, retry, checks, errors), and
this thin class, which encrypts events and hands documents and forgetting to
:mod:`~edgerec.store.documents` and :mod:`~edgerec.store.forgetting`.

Each subject (the app's user id) has its own random data key, wrapped by a
key-encryption key derived from the passphrase (scrypt) or a key file (HKDF).
Every event payload (user, type, item, context, text) is AES-256-GCM encrypted
under the subject's key with associated data binding it to its row id, subject,
timestamp and index tags. Lookups by user, type and item go through keyed HMAC
blind indexes. Timestamps are stored in UTC; the store's time zone (sealed in
its settings) says how to read them as local time (:mod:`edgerec.timectx`).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from edgerec import timectx
from edgerec.errors import InputError, IntegrityError
from edgerec.store import crypto, forgetting
from edgerec.store.db import Database
from edgerec.store.documents import Documents
from edgerec.store.event import RESERVED_USER_PREFIX, Event, encode_payload, micros_to_ts, parse_ts, ts_to_micros
from edgerec.store.forgetting import ForgetReceipt
from edgerec.store.keys import KeyRing, new_kek
from edgerec.store.schema import FORMAT_NAME, FORMAT_VERSION
from edgerec.store.subjects import Subjects

__all__ = ["EventStore", "ForgetReceipt"]

#: Time zone of a store made before stores recorded one: what its contexts were read in.
LEGACY_TIMEZONE = "UTC"


class EventStore:
    """An encrypted SQLite event store. Use :meth:`create` or :meth:`open`, not the constructor.

    Give either ``passphrase`` (a string; scrypt-derived key) or ``key`` (32 raw
    bytes, e.g. read from a key file). The store is safe to append to from several
    processes at once (WAL mode, busy timeout and retries).
    """

    def __init__(self, db: Database, keys: KeyRing, settings: dict):
        self.path = db.path
        self._db = db
        self._keys = keys
        self._settings = settings
        self._subjects = Subjects(db, keys)
        self._docs = Documents(db, keys, self._subjects)
        self._event_prefix = keys.aad("event")
        # a subject created in a rolled-back transaction must not stay cached
        db.on_rollback = self._subjects.clear

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        *,
        passphrase: str | None = None,
        key: bytes | None = None,
        scrypt: crypto.ScryptParams = crypto.ScryptParams(),
        timezone: str | None = None,
    ) -> "EventStore":
        """Create a new, empty store at ``path`` (which must not exist).

        ``timezone`` is the IANA zone the store's events are read in (time of day,
        weekday); None means the system's (:func:`edgerec.timectx.system_timezone`).
        """
        tz = timectx.system_timezone() if timezone is None else timectx.check_timezone(timezone)
        store_id = secrets.token_bytes(16)
        keys = KeyRing.new(*new_kek(passphrase, key, scrypt), store_id=store_id)
        settings = {"timezone": tz}
        meta = {
            "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION, "store_id": store_id.hex()},
            "kdf": keys.kdf,
            "keys": keys.key_meta(),
            "settings": keys.seal_settings(settings),
        }
        return cls(Database.create(Path(path), meta), keys, settings)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        *,
        passphrase: str | None = None,
        key: bytes | None = None,
    ) -> "EventStore":
        """Open an existing store; the file is not modified if the key is wrong."""
        db = Database.open(Path(path))
        try:
            meta = db.meta()
            keys = KeyRing.unlock(meta, passphrase=passphrase, key=key, where=db.path)
            settings = keys.open_settings(meta.get("settings"))
            db.configure()
            return cls(db, keys, settings)
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        """Close the underlying connection."""
        self._db.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ settings
    @property
    def timezone(self) -> str:
        """The IANA time zone in which this store's UTC timestamps are read as local time."""
        return self._settings.get("timezone", LEGACY_TIMEZONE)

    def set_timezone(self, tz: str) -> str:
        """Record a new IANA time zone (validated); returns it. Events are not changed."""
        tz = timectx.check_timezone(tz)
        settings = {**self._settings, "timezone": tz}
        self._db.write(lambda: self._db.put_meta({"settings": self._keys.seal_settings(settings)}))
        self._settings = settings
        return tz

    # ------------------------------------------------------------------ writing
    def _insert_batch(self, batch: list[tuple[Event, bytes]]) -> list[int]:
        """Encrypt and insert one batch inside the caller's transaction (the hot path of imports)."""
        conn = self._db.conn
        row = conn.execute(
            "SELECT max(COALESCE((SELECT max(id) FROM events), 0),"
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0))"
        ).fetchone()
        next_id = row[0] + 1
        subjects = {u: self._subjects.get_or_create(u) for u in dict.fromkeys(e.user for e, _ in batch)}
        prefix, tag, aad_of, to_micros = self._event_prefix, self._keys.tag, crypto.event_aad, ts_to_micros
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
        conn.executemany(
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
        return self._db.write(lambda: self._insert_batch(prepared))[0]

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
            self._db.write(lambda: self._insert_batch(batch))
            if progress is not None:
                progress(len(batch))
        return len(checked)

    # ------------------------------------------------------------------ reading
    def _decrypt_event(self, row) -> Event:
        row_id, sid, ts, type_tag, item_tag, payload = row
        subject = self._subjects.by_id(sid)
        aad = crypto.event_aad(self._event_prefix, row_id, ts, subject.tag, type_tag, item_tag)
        try:
            data = json.loads(crypto.open_sealed(subject.aead, payload, aad))
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
            args.append(self._subjects.require(user).id)
        if since is not None:
            where.append("ts >= ?")
            args.append(ts_to_micros(parse_ts(since)))
        if until is not None:
            where.append("ts < ?")
            args.append(ts_to_micros(parse_ts(until)))
        if type is not None:
            where.append("type_tag = ?")
            args.append(self._keys.tag("type", type))
        if item is not None:
            where.append("item_tag = ?")
            args.append(self._keys.tag("item", item))
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
        sql = f"SELECT id, subject, ts, type_tag, item_tag, payload FROM events{where} ORDER BY ts, id"
        for row in self._db.iterate(sql, args):
            yield self._decrypt_event(row)

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
        return self._db.rows(f"SELECT count(*) FROM events{sql}", args).fetchone()[0]

    def users(self) -> list[str]:
        """Every user id known to the store (decrypted), sorted; edgerec's own reserved subjects are not users."""
        return sorted(s.user for s in self._subjects.all() if not s.user.startswith(RESERVED_USER_PREFIX))

    def export(self, user: str) -> Iterator[dict]:
        """Everything stored for ``user`` as JSON-friendly dicts (data portability)."""
        self._subjects.require(user)
        for event in self.events(user=user):
            yield event.to_dict()

    # ------------------------------------------------------------------ documents
    def put_doc(self, user: str, name: str, data: dict, *, derived: bool = True) -> None:
        """Store a small encrypted JSON document for ``user`` (a profile, routines, a cache).

        ``derived=True`` marks it as computed from the user's events: it is deleted
        whenever any of those events are forgotten, so it can never outlive them.
        Documents the user wrote themselves (``derived=False``) go only when the
        user is forgotten.
        """
        self._docs.put(user, name, data, derived=derived)

    def get_doc(self, user: str, name: str) -> dict | None:
        """The document ``name`` of ``user``, or None if there is none."""
        return self._docs.get(user, name)

    def delete_doc(self, user: str, name: str) -> bool:
        """Delete one document; returns whether it existed."""
        return self._docs.delete(user, name)

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
        return forgetting.forget(self._db, self._keys, self._subjects, user=user, item=item, before=before)

    def receipts(self) -> list[ForgetReceipt]:
        """Every forget receipt, oldest first."""
        return forgetting.receipts(self._db)

    def _scrub(self) -> None:
        self._db.scrub()

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
        kdf, new_kek_bytes = new_kek(passphrase, key, scrypt)

        def write():
            rows = self._db.conn.execute("SELECT id, tag, wrapped_key FROM subjects").fetchall()
            ring, updates = self._keys.rotated(kdf, new_kek_bytes, rows)
            self._db.conn.executemany("UPDATE subjects SET wrapped_key = ? WHERE id = ?", updates)
            self._db.put_meta({"keys": ring.key_meta(), "kdf": kdf})
            return ring, len(updates)

        ring, count = self._db.write(write)
        self._keys.adopt(ring)
        self._db.scrub()
        return count

    def verify(self, progress: Callable[[int], None] | None = None) -> dict:
        """Check SQLite's structure and authenticate every stored ciphertext.

        Raises :class:`IntegrityError` naming the first bad row; returns counts otherwise.
        """
        self._db.quick_check()
        users = self.users()
        n = 0
        for n, _ in enumerate(self._iter_events("", []), start=1):
            if progress is not None and n % 1000 == 0:
                progress(1000)
        documents = self._docs.verify()
        return {"users": len(users), "events": n, "documents": documents}

    def stats(self) -> dict:
        """Counts, sizes and the time zone; nothing decrypted beyond the number of users."""
        db = self._db
        first, last = db.rows("SELECT min(ts), max(ts) FROM events").fetchone()
        return {
            "path": str(self.path),
            "format_version": FORMAT_VERSION,
            "kdf": self._keys.kdf["kind"],
            "timezone": self.timezone,
            "users": len(self.users()),
            "events": db.count("events"),
            "documents": db.count("docs"),
            "forget_receipts": db.count("receipts"),
            "first_event": micros_to_ts(first).isoformat() if first is not None else None,
            "last_event": micros_to_ts(last).isoformat() if last is not None else None,
            "file_bytes": db.file_bytes(),
        }
