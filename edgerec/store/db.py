"""The database layer of the event store: one SQLite file, opened safely.

:class:`Database` owns the connection. It knows nothing about keys or events:

* it refuses a file that is not an SQLite database, or whose header promises more
  pages than the file holds (a truncated copy), before SQLite touches it;
* it creates the tables and the plaintext ``meta`` rows in one transaction, and
  removes a half-created file if that fails;
* it runs each write in one ``BEGIN IMMEDIATE`` transaction, retrying while
  another process holds the write lock (WAL mode, busy timeout);
* it maps SQLite errors to the :mod:`edgerec.errors` hierarchy, so a corrupt file
  says so in one sentence instead of a traceback.

>>> import tempfile, os
>>> path = Path(tempfile.mkdtemp()) / "x.db"
>>> db = Database.create(path, {"format": {"name": FORMAT_NAME, "version": FORMAT_VERSION}})
>>> db.meta()["format"]["version"] == FORMAT_VERSION
True
>>> db.write(lambda: db.conn.execute("INSERT INTO receipts(at, scope, events, documents, keys_destroyed)"
...                                  " VALUES (0, '{}', 0, 0, 0)").rowcount)
1
>>> db.count("receipts")
1
>>> db.close()
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Callable, TypeVar

from edgerec.errors import IntegrityError, NotAStoreError, StoreError
from edgerec.store.schema import FORMAT_NAME, FORMAT_VERSION, TABLES, create_schema

__all__ = ["Database", "check_not_truncated", "db_error", "BUSY_TIMEOUT_MS", "LOCK_RETRIES"]

BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 20
_COMPANIONS = ("-wal", "-shm", "-journal")

T = TypeVar("T")


class Database:
    """An open store file: the connection, its path, and safe transactions.

    Use :meth:`create` or :meth:`open`. ``on_rollback`` (settable) is called after
    a failed write is rolled back, so callers can drop caches of rows that the
    transaction had created.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.on_rollback: Callable[[], None] | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: Path, meta: dict) -> "Database":
        """Create ``path`` with every table and the given ``meta`` rows (JSON values)."""
        path = Path(path)
        if path.exists():
            raise StoreError(f"a file already exists at {path}; refusing to overwrite it")
        if not path.parent.exists():
            raise StoreError(f"directory {path.parent} does not exist")
        conn = _connect(path, create=True)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            _configure(conn)
            conn.execute("BEGIN IMMEDIATE")
            create_schema(conn)
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [(k, json.dumps(v)) for k, v in meta.items()])
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            for suffix in ("", *_COMPANIONS):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return cls(path, conn)

    @classmethod
    def open(cls, path: Path) -> "Database":
        """Open an existing store file after the header and truncation checks; nothing is written."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"no store at {path}; create one with: edgerec init --db {path}")
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not an edgerec store")
        check_not_truncated(path)
        conn = _connect(path, create=False)
        db = cls(path, conn)
        try:
            db.meta()  # refuses files that are not edgerec stores, or of another format version
        except BaseException:
            conn.close()
            raise
        return db

    def configure(self) -> None:
        """Set the per-connection pragmas (after the key was checked, so a wrong key writes nothing)."""
        _configure(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # ------------------------------------------------------------------ meta
    def meta(self) -> dict:
        """The ``meta`` table as a dict of JSON values, after checking the format name and version."""
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meta" not in tables:
                raise NotAStoreError(f"{self.path} is an SQLite database but not an edgerec store")
            meta = {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreError(f"cannot read {self.path}: {exc}") from None
            raise NotAStoreError(f"{self.path} is not an edgerec store ({exc})") from None
        fmt = meta.get("format", {})
        if fmt.get("name") != FORMAT_NAME:
            raise NotAStoreError(f"{self.path} is an SQLite database but not an edgerec store")
        if fmt.get("version") != FORMAT_VERSION:
            raise StoreError(f"{self.path} has store format {fmt.get('version')}; this edgerec reads {FORMAT_VERSION}")
        return meta

    def put_meta(self, values: dict) -> None:
        """Inside a write: insert or replace ``meta`` rows (JSON values)."""
        self.conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                              [(k, json.dumps(v)) for k, v in values.items()])

    # ------------------------------------------------------------------ writing
    def write(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in one IMMEDIATE transaction, retrying while another writer holds the lock."""
        conn, delay = self.conn, 0.01
        for _ in range(LOCK_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                raise db_error(exc, self.path) from None
            try:
                result = fn()
                conn.execute("COMMIT")
                return result
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if self.on_rollback is not None:
                    self.on_rollback()
                if isinstance(exc, sqlite3.DatabaseError):
                    raise db_error(exc, self.path) from None
                raise
        raise StoreError(f"{self.path} is locked by another writer; gave up after {LOCK_RETRIES} retries")

    def scrub(self) -> None:
        """Checkpoint and truncate the WAL, then VACUUM, so deleted pages leave no copy anywhere."""
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            raise db_error(exc, self.path) from None

    # ------------------------------------------------------------------ reading
    def rows(self, sql: str, args=()) -> sqlite3.Cursor:
        """A cursor over ``sql``; an SQLite error in running it becomes a store error.

        For long reads whose errors may come mid-way, use :meth:`iterate`.
        """
        try:
            return self.conn.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise db_error(exc, self.path) from None

    def iterate(self, sql: str, args=()):
        """Yield the rows of ``sql`` one by one, mapping errors raised mid-way."""
        try:
            yield from self.conn.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise db_error(exc, self.path) from None

    def count(self, table: str) -> int:
        """Number of rows in one of the store's tables."""
        if table not in TABLES:
            raise ValueError(f"not a store table: {table!r}")
        return self.rows(f"SELECT count(*) FROM {table}").fetchone()[0]

    def quick_check(self) -> None:
        """SQLite's structural check; raises :class:`IntegrityError` unless it says ok."""
        result = self.rows("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise IntegrityError(f"{self.path} is corrupt: {result}")

    def file_bytes(self) -> int:
        """Size of the database file plus its WAL."""
        return sum(p.stat().st_size for p in (self.path, Path(str(self.path) + "-wal")) if p.exists())


# ---------------------------------------------------------------------- helpers
def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    uri = f"file:{path.resolve()}?mode={'rwc' if create else 'rw'}"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-32768")  # 32 MiB: keeps the blind-index B-trees in memory on bulk import


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def check_not_truncated(path: Path) -> None:
    """Refuse a file without the SQLite header, or shorter than its header says.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "not.db"
    >>> _ = p.write_bytes(b"hello")
    >>> check_not_truncated(p)
    Traceback (most recent call last):
    ...
    edgerec.errors.NotAStoreError: ... is not an edgerec store (not an SQLite database)
    """
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


def db_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    """The store error that says what an SQLite error means for the user.

    >>> str(db_error(sqlite3.DatabaseError("database disk image is malformed"), Path("e.db")))
    'e.db is corrupt or truncated: database disk image is malformed'
    """
    text = str(exc)
    if "malformed" in text or "not a database" in text or "disk I/O" in text:
        return IntegrityError(f"{path} is corrupt or truncated: {text}")
    if _is_busy(exc):
        return StoreError(f"{path} is busy (locked by another process): {text}")
    return StoreError(f"database error on {path}: {text}")
