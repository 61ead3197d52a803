"""Where edgerec keeps its files, and the defaults it uses.

``EDGEREC_HOME`` (default ``~/.edgerec``) holds model caches and, unless a path is
given, the default store ``events.db``. ``EDGEREC_PASSPHRASE`` supplies the store
passphrase non-interactively, and ``EDGEREC_NEW_PASSPHRASE`` the new one when the
key is rotated.

>>> import os, tempfile
>>> os.environ["EDGEREC_HOME"] = tempfile.mkdtemp()
>>> home().is_dir()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home", "default_db_path", "passphrase_from_env", "models_dir"]

HOME_ENV = "EDGEREC_HOME"
PASSPHRASE_ENV = "EDGEREC_PASSPHRASE"
NEW_PASSPHRASE_ENV = "EDGEREC_NEW_PASSPHRASE"


def home() -> Path:
    """Return EDGEREC_HOME, creating it (mode 0700) if needed."""
    path = Path(os.environ.get(HOME_ENV) or Path.home() / ".edgerec").expanduser()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_db_path() -> Path:
    """The store used when no ``--db`` is given."""
    return home() / "events.db"


def models_dir() -> Path:
    """Cache directory for exported or converted on-device models."""
    path = home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def passphrase_from_env(name: str = PASSPHRASE_ENV) -> str | None:
    """The passphrase in the environment variable ``name``, or None when unset or empty.

    >>> passphrase_from_env("EDGEREC_DOCTEST_NOT_SET") is None
    True
    """
    return os.environ.get(name) or None
