"""Subjects: the users of a store, each with its own data key.

A subject row holds the blind tag of the user id, the user's data key wrapped by
the KEK, and the user id sealed under that data key. :class:`Subjects` finds,
creates and caches them; forgetting a user deletes the row and so the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from edgerec.errors import InputError, IntegrityError, UnknownUserError
from edgerec.store import crypto
from edgerec.store.db import Database
from edgerec.store.keys import KeyRing

__all__ = ["Subject", "Subjects"]

_COLUMNS = "SELECT id, tag, wrapped_key, name FROM subjects"


@dataclass
class Subject:
    """One unlocked user: row id, blind tag, user id and the AEAD of its data key."""

    id: int
    tag: bytes
    user: str
    aead: AESGCM = field(repr=False)


class Subjects:
    """Finds, creates and caches the subjects of one open store."""

    def __init__(self, db: Database, keys: KeyRing):
        self._db = db
        self._keys = keys
        self._cache: dict[int, Subject] = {}

    def _from_row(self, row) -> Subject:
        sid, tag, wrapped, name = row
        dek = self._keys.unwrap_subject_key(tag, wrapped)
        try:
            user = crypto.open_sealed(dek, name, self._keys.aad("subject-name", tag)).decode()
        except crypto.AuthenticationFailed:
            raise IntegrityError(f"subject row {sid} failed authentication", table="subjects", row=sid) from None
        return Subject(sid, tag, user, AESGCM(dek))

    def by_id(self, sid: int) -> Subject:
        """The subject with row id ``sid`` (an event or document refers to it)."""
        subject = self._cache.get(sid)
        if subject is None:
            row = self._db.rows(f"{_COLUMNS} WHERE id = ?", (sid,)).fetchone()
            if row is None:
                raise IntegrityError(f"event refers to missing subject {sid}", table="subjects", row=sid)
            subject = self._cache[sid] = self._from_row(row)
        return subject

    def find(self, user: str) -> Subject | None:
        """The subject of ``user``, or None when the store has never seen it."""
        tag = self._keys.tag("user", user)
        row = self._db.rows(f"{_COLUMNS} WHERE tag = ?", (tag,)).fetchone()
        if row is None:
            return None
        cached = self._cache.get(row[0])
        if cached is not None and cached.tag == tag:
            return cached
        subject = self._cache[row[0]] = self._from_row(row)
        return subject

    def require(self, user: str) -> Subject:
        """The subject of ``user``; :class:`UnknownUserError` if there is none."""
        if not isinstance(user, str) or not user:
            raise InputError("a user id is required")
        subject = self.find(user)
        if subject is None:
            raise UnknownUserError(user)
        return subject

    def get_or_create(self, user: str) -> Subject:
        """Inside a write transaction: the subject of ``user``, creating its data key if new."""
        subject = self.find(user)
        if subject is not None:
            return subject
        tag = self._keys.tag("user", user)
        dek, wrapped = self._keys.new_subject_key(tag)
        name = crypto.seal(dek, user.encode("utf-8"), self._keys.aad("subject-name", tag))
        cur = self._db.conn.execute(
            "INSERT INTO subjects(tag, wrapped_key, name) VALUES (?, ?, ?)", (tag, wrapped, name)
        )
        subject = self._cache[cur.lastrowid] = Subject(cur.lastrowid, tag, user, AESGCM(dek))
        return subject

    def all(self) -> list[Subject]:
        """Every subject of the store (each unlocked once, then cached)."""
        out = []
        for row in self._db.rows(_COLUMNS).fetchall():
            subject = self._cache.get(row[0]) or self._from_row(row)
            self._cache[row[0]] = subject
            out.append(subject)
        return out

    def drop(self, sid: int) -> None:
        """Forget the cached subject ``sid`` (after its row was deleted)."""
        self._cache.pop(sid, None)

    def clear(self) -> None:
        """Empty the cache (after a rolled-back write that may have created subjects)."""
        self._cache.clear()
