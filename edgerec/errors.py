"""The one error hierarchy of edgerec.

Every error meant for a person derives from :class:`EdgerecError`; its message is
one sentence that says what went wrong and, where possible, what to do. The CLI
prints that sentence on stderr and exits with code 2::

    EdgerecError
    ├── InputError              bad input from the user or the app
    │   └── UnknownUserError    no events for that user
    ├── StoreError              the event store cannot be used
    │   ├── NotAStoreError      the file is not an edgerec store
    │   ├── WrongKeyError       passphrase or key file does not open the store
    │   └── IntegrityError      a ciphertext or row was modified (names the row)
    ├── ModelError              an on-device model is missing or failed
    │   └── MissingExtraError   an optional dependency is not installed
    └── PrivacyBudgetExceeded   a DP operation would exceed the ledger's budget
"""

from __future__ import annotations

__all__ = [
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


class EdgerecError(Exception):
    """Base class of every error edgerec shows to a person."""


class InputError(EdgerecError, ValueError):
    """Input from the user or the app is invalid (bad JSON, bad timestamp, too large...)."""


class UnknownUserError(InputError):
    """The store holds nothing for the requested user."""

    def __init__(self, user: str):
        super().__init__(f"unknown user {user!r}: the store holds no events for it")
        self.user = user


class StoreError(EdgerecError):
    """The event store cannot be opened or used."""


class NotAStoreError(StoreError):
    """The file exists but is not an edgerec store."""


class WrongKeyError(StoreError):
    """The passphrase or key file does not unlock the store."""


class IntegrityError(StoreError):
    """Stored data failed authentication: it was modified, swapped or truncated."""

    def __init__(self, message: str, *, table: str | None = None, row: int | None = None):
        super().__init__(message)
        self.table = table
        self.row = row


class ModelError(EdgerecError):
    """An on-device model is missing, corrupt, or failed to run."""


class MissingExtraError(ModelError, ImportError):
    """An optional dependency is not installed; the message names the pip command."""

    def __init__(self, module: str, extra: str):
        super().__init__(
            f"{module} is not installed; run: pip install 'edgerec[{extra}]'"
        )
        self.module = module
        self.extra = extra


class PrivacyBudgetExceeded(EdgerecError):
    """Spending more privacy budget would exceed the configured limit."""
