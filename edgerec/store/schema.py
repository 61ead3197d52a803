"""The store's tables. Everything a user logged lives only inside ``payload`` / ``name`` ciphertexts.

Plaintext columns (what a copy of the file reveals without the key):

=========  ==========================================================================
meta       format name/version, a random store id, scrypt parameters and salt,
           the wrapped index key, a key-check ciphertext, and ``settings``: a
           ciphertext holding the store's time zone (absent in stores made before it)
subjects   row id; ``tag`` (HMAC of the user id); the wrapped data key; encrypted name
events     row id; subject row id; timestamp (microseconds UTC); ``type_tag`` and
           ``item_tag`` (HMACs of event type and item id); ciphertext length
docs       subject row id; ``name_tag`` (HMAC of the document name); whether it is
           derived from events; ciphertext length
receipts   forget time, which kinds of scope were used, counts, and deleted documents
           per kind (profile, ranker head, queued reports...; no identifiers)
=========  ==========================================================================
"""

from __future__ import annotations

import sqlite3

FORMAT_NAME = "edgerec-store"
FORMAT_VERSION = 1

#: Every table of the store.
TABLES = ("meta", "subjects", "events", "docs", "receipts")

SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE subjects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tag         BLOB NOT NULL UNIQUE,
    wrapped_key BLOB NOT NULL,
    name        BLOB NOT NULL
);
CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    subject  INTEGER NOT NULL,
    ts       INTEGER NOT NULL,
    type_tag BLOB NOT NULL,
    item_tag BLOB,
    payload  BLOB NOT NULL
);
CREATE INDEX events_subject_ts ON events(subject, ts);
CREATE INDEX events_item ON events(item_tag);
CREATE TABLE docs (
    subject  INTEGER NOT NULL,
    name_tag BLOB NOT NULL,
    derived  INTEGER NOT NULL DEFAULT 1,
    payload  BLOB NOT NULL,
    PRIMARY KEY (subject, name_tag)
);
CREATE TABLE receipts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    scope          TEXT NOT NULL,
    events         INTEGER NOT NULL,
    documents      INTEGER NOT NULL,
    keys_destroyed INTEGER NOT NULL,
    artifacts      TEXT
);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table and index (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
