"""Local-DP reports on the device: made from the user's own items, queued encrypted in the store.

The person sees exactly what would be sent (:func:`queue_report` returns it, and
``edgerec privacy report --user U --json`` prints it) before the app sends anything.
Queued reports live in one derived document of the user, ``privacy.reports``: a forget of
the user, or of any of their events, deletes the queue with the rest of what was derived.

A queued entry holds the report (mechanism, epsilon, domain, payload), a random id, when it
was made, a description of the item domain, and the ledger entry of the release in the shape
of ``edgerec.privacy.ledger.LedgerEntry`` (see :func:`ledger_entry`). No user id, no item id.

>>> entry = ledger_entry(epsilon=1.0, domain_bits=64, bound=10, at="2026-12-02T00:00:00+00:00")
>>> entry["mechanism"], entry["epsilon"], entry["delta"], entry["scope"]
('rr_bitvec', 1.0, 0.0, 'store')
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from edgerec.errors import InputError, UnknownUserError
from edgerec.privacy.ldp import DEFAULT_BOUND, MECHANISM, ItemDomain, make_report
from edgerec.rank.signals import event_strength

__all__ = ["QUEUE_DOC", "positive_items", "queue_report", "queued_reports", "drop_reports", "ledger_entry"]

#: The document holding a user's queued reports (kind ``ldp_reports`` in forget receipts).
QUEUE_DOC = "privacy.reports"


def positive_items(store, user: str) -> list[str]:
    """The user's items with a positive signal (``event_strength`` > 0), most recent first, distinct."""
    if user not in store.users():
        raise UnknownUserError(user)
    events = [e for e in store.events(user=user) if e.item is not None and event_strength(e.type, e.context) > 0]
    return list(dict.fromkeys(e.item for e in reversed(events)))


def ledger_entry(*, epsilon: float, domain_bits: int, bound: int, at: str) -> dict:
    """The privacy-ledger record of one local report (JSON, LedgerEntry's fields without its id).

    Local reports are pure epsilon-DP (delta 0); the loss is OpenDP's map for replacing
    the whole bounded item set, so ``sensitivity`` is that bound.
    """
    return {
        "at": at, "mechanism": MECHANISM, "epsilon": float(epsilon), "delta": 0.0,
        "sensitivity": float(bound), "clip_norm": None, "noise_multiplier": None, "steps": None,
        "sample_rate": None, "released": f"a randomized {domain_bits}-bit vector of the user's "
                                         f"{bound} most recent liked items (local DP report)",
        "scope": "store", "accountant": "pld",
    }


def _record_release(store, doc: dict, entry: dict) -> dict:
    """Charge one release to the store's privacy ledger, then note it in the queue document.

    The one place a report touches the ledger. It runs before the report is made, so a
    release that would exceed the store's budget raises PrivacyBudgetExceeded and nothing
    is randomized, kept or sent. The store-level ledger outlives a forget (what was
    released stays released); the copy in the queue document goes with the user.
    """
    from edgerec.privacy.ledger import LedgerEntry
    from edgerec.privacy.store_ledger import charge

    recorded = charge(store, LedgerEntry.from_dict(entry)).to_dict()
    doc.setdefault("ledger", []).append(recorded)
    return recorded


def queue_report(store, user: str, *, epsilon: float, domain: ItemDomain, bound: int = DEFAULT_BOUND) -> dict:
    """Make a local-DP report of ``user``'s most recent liked items, queue it encrypted, return the entry.

    Items outside ``domain`` are left out (a catalog's id list), or hashed into it (buckets).
    Nothing is sent: sending is the app's choice, after the person has seen the entry.
    """
    if not isinstance(domain, ItemDomain):
        raise InputError("domain must be an ItemDomain (a catalog's ids, or hashed buckets)")
    items = positive_items(store, user)
    indices = [i for i in (domain.index(item) for item in items) if i is not None]
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    doc = store.get_doc(user, QUEUE_DOC) or {"reports": []}
    ledger = _record_release(store, doc, ledger_entry(epsilon=epsilon, domain_bits=domain.size, bound=bound, at=at))
    report = make_report(indices, epsilon=epsilon, domain_size=domain.size, bound=bound)
    entry = {"id": secrets.token_hex(8), "made_at": at, "kind": "items", "domain": domain.describe(),
             "report": report.to_dict()}
    doc["reports"].append(entry)
    store.put_doc(user, QUEUE_DOC, doc, derived=True)
    return {**entry, "ledger": ledger}


def queued_reports(store, user: str) -> list[dict]:
    """The user's queued reports, oldest first (empty when none)."""
    doc = store.get_doc(user, QUEUE_DOC)
    return list(doc["reports"]) if doc else []


def drop_reports(store, user: str, ids: list[str] | None = None) -> int:
    """Remove queued reports (all, or those with ``ids``, e.g. once sent); returns how many went.

    The ledger entries stay: a report that was sent has been released.
    """
    doc = store.get_doc(user, QUEUE_DOC)
    if not doc:
        return 0
    keep = [] if ids is None else [r for r in doc["reports"] if r["id"] not in set(ids)]
    dropped = len(doc["reports"]) - len(keep)
    doc["reports"] = keep
    store.put_doc(user, QUEUE_DOC, doc, derived=True)
    return dropped
