"""Forgetting: delete a user, an item, a time range, or their intersection, for good.

* A whole user: every event and document goes, and the row holding the user's
  data key is deleted (crypto-shredding: any copy of the old ciphertexts is noise).
* An item and/or a time range: the matching events go, and every *derived*
  document of each affected user, so nothing computed from them survives.

Derived documents are every learned or cached artifact of a user: the profile
(routines, summary and the per-session extraction cache), a kept ranker head,
queued local-DP reports. The receipt counts the deleted documents by kind
(:mod:`edgerec.store.artifacts`). Embeddings of a user's own text are never
cached (:mod:`edgerec.models.embed_cache`), so there is nothing of them to delete.

Rows are deleted with ``secure_delete`` on, then the WAL is checkpointed and
truncated and the file VACUUMed. A :class:`ForgetReceipt` (scope kinds, time,
counts; no identifiers) is kept in the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from edgerec.errors import InputError
from edgerec.store.artifacts import count_kinds, empty_counts
from edgerec.store.db import Database
from edgerec.store.event import micros_to_ts, parse_ts, ts_to_micros
from edgerec.store.keys import KeyRing
from edgerec.store.subjects import Subjects

__all__ = ["ForgetReceipt", "forget", "receipts"]


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
    #: deleted documents per kind (profile, user_text, ranker_head, ldp_reports, other);
    #: None on receipts written before stores counted them
    artifacts: dict | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "scope": self.scope,
            "events": self.events,
            "documents": self.documents,
            "keys_destroyed": self.keys_destroyed,
            "artifacts": self.artifacts,
        }


def _has_artifacts_column(conn) -> bool:
    return any(row[1] == "artifacts" for row in conn.execute("PRAGMA table_info(receipts)"))


def _add_artifacts_column(conn) -> None:
    """Stores made before receipts counted artifacts get the column (inside the write)."""
    if not _has_artifacts_column(conn):
        conn.execute("ALTER TABLE receipts ADD COLUMN artifacts TEXT")


def forget(db: Database, keys: KeyRing, subjects: Subjects, *, user: str | None = None,
           item: str | None = None, before: str | datetime | None = None) -> ForgetReceipt:
    """Delete what the scope names, scrub the file, and return the receipt (see the module text)."""
    if user is None and item is None and before is None:
        raise InputError("forget needs a scope: a user, an item and/or a time (before)")
    subject = subjects.require(user) if user is not None else None
    where, args = [], []
    if subject is not None:
        where.append("subject = ?")
        args.append(subject.id)
    if item is not None:
        where.append("item_tag = ?")
        args.append(keys.tag("item", item))
    if before is not None:
        where.append("ts < ?")
        args.append(ts_to_micros(parse_ts(before)))
    cond = " AND ".join(where)
    whole_user = subject is not None and item is None and before is None
    scope = {"user": user is not None, "item": item is not None,
             "before": parse_ts(before).isoformat() if before is not None else None}
    conn = db.conn

    def write():
        affected = [r[0] for r in conn.execute(f"SELECT DISTINCT subject FROM events WHERE {cond}", args)]
        n_events = conn.execute(f"DELETE FROM events WHERE {cond}", args).rowcount
        tags: list[bytes] = []
        if whole_user:
            tags += [r[0] for r in conn.execute("SELECT name_tag FROM docs WHERE subject = ?", (subject.id,))]
            n_docs = conn.execute("DELETE FROM docs WHERE subject = ?", (subject.id,)).rowcount
            n_keys = conn.execute("DELETE FROM subjects WHERE id = ?", (subject.id,)).rowcount
        else:
            n_docs = 0
            for sid in affected:
                tags += [r[0] for r in conn.execute(
                    "SELECT name_tag FROM docs WHERE subject = ? AND derived = 1", (sid,))]
                n_docs += conn.execute("DELETE FROM docs WHERE subject = ? AND derived = 1", (sid,)).rowcount
            n_keys = 0
        kinds = count_kinds(tags, lambda name: keys.tag("doc", name)) if tags else empty_counts()
        at = datetime.now(timezone.utc)
        _add_artifacts_column(conn)
        cur = conn.execute(
            "INSERT INTO receipts(at, scope, events, documents, keys_destroyed, artifacts) VALUES (?, ?, ?, ?, ?, ?)",
            (ts_to_micros(at), json.dumps(scope), n_events, n_docs, n_keys, json.dumps(kinds)),
        )
        return ForgetReceipt(cur.lastrowid, at, scope, n_events, n_docs, n_keys, kinds)

    receipt = db.write(write)
    if whole_user:
        subjects.drop(subject.id)
    db.scrub()
    return receipt


def receipts(db: Database) -> list[ForgetReceipt]:
    """Every forget receipt, oldest first."""
    extra = ", artifacts" if _has_artifacts_column(db.conn) else ", NULL"
    rows = db.rows(f"SELECT id, at, scope, events, documents, keys_destroyed{extra} FROM receipts ORDER BY id").fetchall()
    return [ForgetReceipt(r[0], micros_to_ts(r[1]), json.loads(r[2]), r[3], r[4], r[5],
                          json.loads(r[6]) if r[6] is not None else None) for r in rows]
