"""Fixtures for every test folder (tests/, edgerec-bench/tests/) and the doctests.

Every test gets its own EDGEREC_HOME, no ambient passphrase, and TZ=UTC. Constants shared by
test modules (KEY, REPO, ...) are in tests/helpers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edgerec.store import EventStore
from helpers import KEY, missing_extra


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


@pytest.fixture(scope="session")
def exported_embedder(tmp_path_factory) -> Path:
    """One export of the default embedder per test session (the slow, torch-needing step), shared by all."""
    reason = missing_extra("torch", "sentence_transformers", "onnx", "onnxruntime", "tokenizers")
    if reason:
        pytest.skip(reason)
    from edgerec.models.embed import DEFAULT_MODEL_NAME
    from edgerec.models.embed_export import export_default

    return export_default(tmp_path_factory.getbasetemp() / "embedder" / DEFAULT_MODEL_NAME)
