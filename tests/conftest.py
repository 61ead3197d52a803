"""Shared fixtures: every test gets its own EDGEREC_HOME, no ambient passphrase, and TZ=UTC."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgerec.store import EventStore

KEY = bytes(range(32))
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def edgerec_home(tmp_path, monkeypatch):
    home = tmp_path / "edgerec-home"
    monkeypatch.setenv("EDGEREC_HOME", str(home))
    monkeypatch.delenv("EDGEREC_PASSPHRASE", raising=False)
    monkeypatch.delenv("EDGEREC_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("TZ", "UTC")  # stores made without a time zone get the system's: make it the same everywhere
    return home


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def store(db_path):
    """A fresh store locked with a raw key (no scrypt cost)."""
    s = EventStore.create(db_path, key=KEY)
    yield s
    s.close()


def store_files(db_path: Path) -> dict[str, bytes]:
    """Raw bytes of the database file and its WAL / shared-memory / journal companions."""
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            out[suffix or "db"] = p.read_bytes()
    return out
