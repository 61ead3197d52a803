"""The device-side privacy ledger, kept encrypted in the event store.

It is one store-level document (under a reserved subject no event can name,
``derived=False`` so forgetting a user's events never erases the record of
what was already released). Releases made on the device (local reports, a
trained head) are charged here *before* they leave it.

>>> RESERVED_SUBJECT.startswith("\\x00")
True
"""

from __future__ import annotations

from edgerec.privacy.ledger import Ledger, LedgerEntry
from edgerec.store.event import RESERVED_USER_PREFIX

__all__ = ["RESERVED_SUBJECT", "charge", "load_ledger", "save_ledger", "set_budget"]

#: Subject the ledger document is stored under (the NUL byte keeps it apart from real user ids).
RESERVED_SUBJECT = RESERVED_USER_PREFIX + "privacy"
_DOC = "privacy-ledger"


def load_ledger(store) -> Ledger:
    """The store's ledger (empty, without a budget, if none was written yet)."""
    data = store.get_doc(RESERVED_SUBJECT, _DOC)
    return Ledger() if data is None else Ledger.from_dict(data)


def save_ledger(store, ledger: Ledger) -> None:
    """Write ``ledger`` into the store (encrypted like every document)."""
    store.put_doc(RESERVED_SUBJECT, _DOC, ledger.to_dict(), derived=False)


def charge(store, entry: LedgerEntry) -> LedgerEntry:
    """Record one release in the store's ledger, or raise PrivacyBudgetExceeded and record nothing."""
    ledger = load_ledger(store)
    recorded = ledger.charge(entry)
    save_ledger(store, ledger)
    return recorded


def set_budget(store, epsilon: float, delta: float | None = None) -> Ledger:
    """Set the store's budget (refused if the recorded releases already exceed it)."""
    ledger = load_ledger(store)
    ledger.set_budget(epsilon, delta)
    save_ledger(store, ledger)
    return ledger
