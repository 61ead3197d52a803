"""Privacy engine: the ledger, the user-level DP cross-user catalog with exact unlearning, and the
local-DP reports a device can send, with the fleet that aggregates them.

Heavy libraries load lazily, one module each: ``dp_accounting`` only in
:mod:`edgerec.privacy.accounting`; OpenDP in :mod:`edgerec.privacy.noise` (central noise) and
:mod:`edgerec.privacy.ldp` (its local randomizer).
"""

from edgerec.privacy.ledger import Ledger, LedgerEntry

__all__ = ["Ledger", "LedgerEntry"]
