"""The store's keys: derive the key-encryption key, wrap and unwrap data keys, rotate.

The pure primitives live in :mod:`edgerec.store.crypto`; this module knows where
the store keeps each key and what associated data binds it:

* ``meta.kdf``: how the key-encryption key (KEK) is derived: scrypt from a
  passphrase, or HKDF from a 32-byte key file, with a random salt;
* ``meta.keys.check``: a fixed text sealed under the KEK, which tells a wrong
  passphrase from a damaged file;
* ``meta.keys.index``: the blind-index key, wrapped by the KEK;
* ``meta.settings``: store settings (the time zone), sealed under a key derived
  from the index key, so that a rotation (which keeps the index key) leaves them be;
* ``subjects.wrapped_key``: one random data key per user, wrapped by the KEK.

Rotation re-wraps the index key and every data key under a new KEK; no event
is re-encrypted.

>>> ring = KeyRing.new(*new_kek(None, bytes(32), crypto.ScryptParams()), store_id=bytes(16))
>>> meta = {"format": {"store_id": "00" * 16}, "kdf": ring.kdf, "keys": ring.key_meta()}
>>> KeyRing.unlock(meta, key=bytes(32), where="test").tag("user", "alice") == ring.tag("user", "alice")
True
>>> KeyRing.unlock(meta, key=bytes(range(32)), where="test")
Traceback (most recent call last):
...
edgerec.errors.WrongKeyError: wrong key file for test
"""

from __future__ import annotations

import base64
import json

from edgerec.errors import InputError, IntegrityError, StoreError, WrongKeyError
from edgerec.store import crypto

__all__ = ["KeyRing", "new_kek", "derive_kek", "check_key"]

_CHECK_TEXT = b"edgerec"
_TAG_CACHE_LIMIT = 100_000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def check_key(key: bytes) -> None:
    """Refuse anything but exactly 32 raw bytes as a key."""
    if not isinstance(key, (bytes, bytearray)) or len(key) != crypto.KEY_BYTES:
        raise InputError(f"a key must be exactly {crypto.KEY_BYTES} raw bytes")


def new_kek(passphrase: str | None, key: bytes | None, scrypt: crypto.ScryptParams) -> tuple[dict, bytes]:
    """A fresh salt and the KEK from exactly one of ``passphrase`` or ``key``: ``(kdf meta, kek)``."""
    salt = crypto.new_salt()
    if (passphrase is None) == (key is None):
        raise InputError("give exactly one of a passphrase or a 32-byte key")
    if key is not None:
        check_key(key)
        return {"kind": "keyfile", "salt": salt.hex()}, crypto.derive_kek_from_key(key, salt)
    if not passphrase:
        raise InputError("the passphrase must not be empty")
    kdf = {"kind": "scrypt", "salt": salt.hex(), **scrypt.to_dict()}
    return kdf, crypto.derive_kek_from_passphrase(passphrase, salt, scrypt)


def derive_kek(kdf: dict, passphrase: str | None, key: bytes | None) -> bytes:
    """Derive the KEK again from the stored ``kdf`` meta and the secret the user gave."""
    salt = bytes.fromhex(kdf["salt"])
    if kdf["kind"] == "keyfile":
        if key is None:
            raise WrongKeyError("this store is locked with a key file; pass --key-file")
        check_key(key)
        return crypto.derive_kek_from_key(key, salt)
    if passphrase is None:
        if key is not None:
            raise WrongKeyError("this store is locked with a passphrase, not a key file")
        raise StoreError("a passphrase is needed: set EDGEREC_PASSPHRASE or pass --key-file")
    return crypto.derive_kek_from_passphrase(passphrase, salt, crypto.ScryptParams.from_dict(kdf))


class KeyRing:
    """The unlocked keys of one store: the KEK, the index key, and cached blind-index tags."""

    def __init__(self, kek: bytes, kdf: dict, store_id: bytes, index_key: bytes):
        self.kdf = kdf
        self.store_id = store_id
        self._kek = kek
        self._index_key = index_key
        self._tags: dict[str, dict[str, bytes]] = {}

    @classmethod
    def new(cls, kdf: dict, kek: bytes, *, store_id: bytes) -> "KeyRing":
        """The keys of a new store: the given KEK and a fresh random index key."""
        return cls(kek, kdf, store_id, crypto.new_key())

    @classmethod
    def unlock(cls, meta: dict, *, passphrase: str | None = None, key: bytes | None = None,
               where: object = "the store") -> "KeyRing":
        """Derive the KEK from the stored ``meta`` and check it; :class:`WrongKeyError` if it is not the one."""
        kdf = meta["kdf"]
        kek = derive_kek(kdf, passphrase, key)
        store_id = bytes.fromhex(meta["format"]["store_id"])
        try:
            crypto.open_sealed(kek, _unb64(meta["keys"]["check"]), crypto.make_aad(store_id, "check"))
        except crypto.AuthenticationFailed:
            what = "key file" if kdf["kind"] == "keyfile" else "passphrase"
            raise WrongKeyError(f"wrong {what} for {where}") from None
        ring = cls(kek, kdf, store_id, b"")
        ring._index_key = ring.unwrap(_unb64(meta["keys"]["index"]), "index-key")
        return ring

    # ------------------------------------------------------------------ associated data and tags
    def aad(self, *parts: bytes | str | int) -> bytes:
        """Associated data for a ciphertext of this store (store id first)."""
        return crypto.make_aad(self.store_id, *parts)

    def tag(self, domain: str, value: str) -> bytes:
        """The blind-index tag of ``value`` in ``domain`` (user, type, item, doc), cached."""
        tags = self._tags.get(domain)
        if tags is None:
            tags = self._tags[domain] = {}
        tag = tags.get(value)
        if tag is None:
            if len(tags) > _TAG_CACHE_LIMIT:
                tags.clear()
            tag = tags[value] = crypto.blind_index(self._index_key, domain, value)
        return tag

    # ------------------------------------------------------------------ wrapping
    def key_meta(self) -> dict:
        """The ``meta.keys`` value under the current KEK: the key check and the wrapped index key."""
        return {
            "check": _b64(crypto.seal(self._kek, _CHECK_TEXT, self.aad("check"))),
            "index": _b64(crypto.wrap_key(self._kek, self._index_key, self.aad("index-key"))),
        }

    def unwrap(self, wrapped: bytes, *aad_parts: bytes | str | int) -> bytes:
        """Unwrap a data key; a modified or moved one raises :class:`IntegrityError`."""
        try:
            return crypto.unwrap_key(self._kek, wrapped, self.aad(*aad_parts))
        except crypto.AuthenticationFailed:
            raise IntegrityError(f"wrapped key {aad_parts[0]!r} failed authentication") from None

    def new_subject_key(self, tag: bytes) -> tuple[bytes, bytes]:
        """A fresh data key for the subject with blind tag ``tag``: ``(key, wrapped key)``."""
        dek = crypto.new_key()
        return dek, crypto.wrap_key(self._kek, dek, self.aad("subject-key", tag))

    def unwrap_subject_key(self, tag: bytes, wrapped: bytes) -> bytes:
        """The data key of the subject with blind tag ``tag``."""
        return self.unwrap(wrapped, "subject-key", tag)

    # ------------------------------------------------------------------ settings
    def _settings_key(self) -> bytes:
        return crypto.derive_subkey(self._index_key, "settings")

    def seal_settings(self, settings: dict) -> str:
        """Store settings as a ciphertext (for ``meta.settings``)."""
        raw = json.dumps(settings, sort_keys=True).encode("utf-8")
        return _b64(crypto.seal(self._settings_key(), raw, self.aad("settings")))

    def open_settings(self, sealed: str | None) -> dict:
        """The settings sealed by :meth:`seal_settings`; ``{}`` when the store has none."""
        if sealed is None:
            return {}
        try:
            return json.loads(crypto.open_sealed(self._settings_key(), _unb64(sealed), self.aad("settings")))
        except (crypto.AuthenticationFailed, ValueError):
            raise IntegrityError("the store settings failed authentication", table="meta") from None

    # ------------------------------------------------------------------ rotation
    def rotated(self, kdf: dict, new_kek: bytes, subjects: list[tuple[int, bytes, bytes]]
                ) -> tuple["KeyRing", list[tuple[bytes, int]]]:
        """The same keys under ``new_kek``, and each ``(id, tag, wrapped_key)`` subject re-wrapped.

        Returns the new ring and ``(new wrapped key, id)`` pairs ready for an UPDATE.
        The data keys themselves (and so every event ciphertext) stay the same.
        """
        ring = KeyRing(new_kek, kdf, self.store_id, self._index_key)
        ring._tags = self._tags
        updates = []
        for sid, tag, wrapped in subjects:
            dek = self.unwrap_subject_key(tag, wrapped)
            updates.append((crypto.wrap_key(new_kek, dek, self.aad("subject-key", tag)), sid))
        return ring, updates

    def adopt(self, rotated: "KeyRing") -> None:
        """Switch this ring to the KEK of ``rotated`` (once the rotation is committed).

        Everything holding this ring (subjects, documents) then wraps under the new KEK.
        """
        if rotated.store_id != self.store_id or rotated._index_key != self._index_key:
            raise ValueError("a ring can only adopt a rotation of its own keys")
        self._kek, self.kdf = rotated._kek, rotated.kdf
