"""edgerec: on-device, privacy-preserving personalization.

The public surface is small::

    from edgerec import EventStore, ProfileBuilder, rank_from_store
    with EventStore.create("events.db", passphrase="correct horse") as store:
        store.log("alice", "play", item="song-1", context={"time_of_day": "morning"})

Heavy runtimes (llama.cpp, onnxruntime, torch, opacus) are never imported here;
each is loaded lazily by the one module that needs it. The ranking and profile
entry points are imported on first use, so ``import edgerec`` stays cheap for an
app that only logs events.
"""

from importlib import import_module
from typing import Any

from edgerec.errors import (
    EdgerecError,
    InputError,
    IntegrityError,
    ModelError,
    MissingExtraError,
    NotAStoreError,
    PrivacyBudgetExceeded,
    StoreError,
    UnknownUserError,
    WrongKeyError,
)
from edgerec.store import Event, EventStore, ForgetReceipt

__version__ = "0.1.0"

# Public names loaded on first attribute access: name -> module that owns it.
_LAZY = {
    "rank_from_store": "edgerec.rank.candidates",
    "ProfileBuilder": "edgerec.profile.builder",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'edgerec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "EventStore",
    "Event",
    "ForgetReceipt",
    "rank_from_store",
    "ProfileBuilder",
    "EdgerecError",
    "InputError",
    "UnknownUserError",
    "StoreError",
    "NotAStoreError",
    "WrongKeyError",
    "IntegrityError",
    "ModelError",
    "MissingExtraError",
    "PrivacyBudgetExceeded",
]
