"""Privacy engine: the ledger, user-level DP cross-user catalog, and exact catalog unlearning.

Heavy libraries load lazily, one module each: ``dp_accounting`` only in
:mod:`edgerec.privacy.accounting`, ``opendp`` only in :mod:`edgerec.privacy.noise`.
"""

from edgerec.privacy.ledger import Ledger, LedgerEntry

__all__ = ["Ledger", "LedgerEntry"]
