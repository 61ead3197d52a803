"""edgerec: on-device, privacy-preserving personalization.

The public surface is small::

    from edgerec import EventStore
    with EventStore.create("events.db", passphrase="correct horse") as store:
        store.log("alice", "play", item="song-1", context={"time_of_day": "morning"})

Heavy runtimes (llama.cpp, onnxruntime, torch, opacus) are never imported here;
each is loaded lazily by the one module that needs it.
"""

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

__all__ = [
    "EventStore",
    "Event",
    "ForgetReceipt",
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
