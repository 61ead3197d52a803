"""Documents: small encrypted JSON objects kept per user (a profile, routines, a cache).

Each document is sealed under its user's data key, with associated data binding
it to the store, the user's tag and the blind tag of its name. A document marked
``derived`` was computed from the user's events and is deleted whenever any of
them is forgotten (see :mod:`edgerec.store.forgetting`).
"""

from __future__ import annotations

import json

from edgerec.errors import InputError, IntegrityError
from edgerec.store import crypto
from edgerec.store.db import Database
from edgerec.store.keys import KeyRing
from edgerec.store.subjects import Subject, Subjects

__all__ = ["Documents"]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


class Documents:
    """Put, get, delete and verify the documents of one open store."""

    def __init__(self, db: Database, keys: KeyRing, subjects: Subjects):
        self._db = db
        self._keys = keys
        self._subjects = subjects

    def _aad(self, subject: Subject, name_tag: bytes) -> bytes:
        return self._keys.aad("doc", subject.tag, name_tag)

    def put(self, user: str, name: str, data: dict, *, derived: bool = True) -> None:
        """Store (or replace) document ``name`` of ``user``; ``data`` must be a JSON object."""
        if not isinstance(data, dict):
            raise InputError("a document must be a JSON object (dict)")
        try:
            raw = _dumps(data).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise InputError(f"document {name!r} is not JSON-serialisable: {exc}") from None

        def write():
            subject = self._subjects.get_or_create(user)
            name_tag = self._keys.tag("doc", name)
            blob = crypto.seal(subject.aead, raw, self._aad(subject, name_tag))
            self._db.conn.execute(
                "INSERT OR REPLACE INTO docs(subject, name_tag, derived, payload) VALUES (?, ?, ?, ?)",
                (subject.id, name_tag, int(derived), blob),
            )

        self._db.write(write)

    def get(self, user: str, name: str) -> dict | None:
        """Document ``name`` of ``user``, or None if there is none."""
        subject = self._subjects.find(user)
        if subject is None:
            return None
        name_tag = self._keys.tag("doc", name)
        row = self._db.rows(
            "SELECT rowid, payload FROM docs WHERE subject = ? AND name_tag = ?", (subject.id, name_tag)
        ).fetchone()
        if row is None:
            return None
        try:
            return json.loads(crypto.open_sealed(subject.aead, row[1], self._aad(subject, name_tag)))
        except (crypto.AuthenticationFailed, ValueError):
            raise IntegrityError(f"document row {row[0]} failed authentication", table="docs", row=row[0]) from None

    def delete(self, user: str, name: str) -> bool:
        """Delete one document; returns whether it existed."""
        subject = self._subjects.find(user)
        if subject is None:
            return False
        name_tag = self._keys.tag("doc", name)
        deleted = self._db.write(
            lambda: self._db.conn.execute(
                "DELETE FROM docs WHERE subject = ? AND name_tag = ?", (subject.id, name_tag)
            ).rowcount
        )
        return bool(deleted)

    def verify(self) -> int:
        """Authenticate every document; returns how many there are, or raises naming the bad row."""
        rows = self._db.rows("SELECT rowid, subject, name_tag, payload FROM docs").fetchall()
        for rowid, sid, name_tag, payload in rows:
            subject = self._subjects.by_id(sid)
            try:
                crypto.open_sealed(subject.aead, payload, self._aad(subject, name_tag))
            except crypto.AuthenticationFailed:
                raise IntegrityError(f"document row {rowid} failed authentication", table="docs", row=rowid) from None
        return len(rows)
