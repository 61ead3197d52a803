"""Pure cryptographic building blocks of the event store.

Nothing here touches a file or keeps state: each function maps bytes to bytes,
so each is tested on its own (``tests/test_crypto.py``).

* A key-encryption key (KEK) comes from a passphrase through scrypt, or from a
  32-byte key file through HKDF. Both take a random per-store salt.
* Data keys (one per subject, plus the blind-index key) are random 32-byte keys
  wrapped by the KEK with AES-256-GCM.
* Every ciphertext is ``nonce (12 bytes) || AES-GCM(ciphertext + tag)`` and is
  bound by associated data to where it lives (store id, table, row, subject),
  so moving or editing it makes decryption fail.
* Lookups use blind indexes: truncated HMAC-SHA256 under a dedicated key.

>>> kek = derive_kek_from_key(bytes(32), salt=b"s" * 16)
>>> dek = new_key()
>>> unwrap_key(kek, wrap_key(kek, dek, b"subject 1"), b"subject 1") == dek
True
>>> blob = seal(dek, b"hello", b"row 7")
>>> open_sealed(dek, blob, b"row 7")
b'hello'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = [
    "KEY_BYTES",
    "NONCE_BYTES",
    "TAG_BYTES",
    "ScryptParams",
    "AuthenticationFailed",
    "new_key",
    "new_salt",
    "derive_kek_from_passphrase",
    "derive_kek_from_key",
    "derive_subkey",
    "wrap_key",
    "unwrap_key",
    "seal",
    "random_nonces",
    "open_sealed",
    "blind_index",
    "make_aad",
    "event_aad",
]

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
BLIND_INDEX_BYTES = 16


class AuthenticationFailed(Exception):
    """A ciphertext did not authenticate under the given key and associated data.

    Internal: the store turns it into :class:`edgerec.errors.IntegrityError` or
    :class:`edgerec.errors.WrongKeyError`, which say where it happened.
    """


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters, stored in plaintext in the store's meta table.

    The default (n=2**15, r=8, p=1) costs about 32 MiB and ~0.1 s per unlock.
    """

    n: int = 2**15
    r: int = 8
    p: int = 1

    def to_dict(self) -> dict:
        return {"n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_dict(cls, data: dict) -> "ScryptParams":
        return cls(n=int(data["n"]), r=int(data["r"]), p=int(data["p"]))


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def new_salt() -> bytes:
    """A fresh random 128-bit salt."""
    return os.urandom(16)


def derive_kek_from_passphrase(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    """Derive the key-encryption key from a passphrase with scrypt.

    >>> k = derive_kek_from_passphrase("pw", b"0" * 16, ScryptParams(n=2**10))
    >>> len(k)
    32
    """
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def derive_kek_from_key(key: bytes, salt: bytes) -> bytes:
    """Derive the key-encryption key from 32 raw key bytes (a key file) with HKDF.

    >>> derive_kek_from_key(bytes(32), b"0" * 16) != derive_kek_from_key(bytes(32), b"1" * 16)
    True
    """
    if len(key) != KEY_BYTES:
        raise ValueError(f"a key must be exactly {KEY_BYTES} bytes, got {len(key)}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"edgerec kek v1")
    return hkdf.derive(key)


def derive_subkey(key: bytes, label: str) -> bytes:
    """A 32-byte key for one purpose, derived from ``key`` with HKDF (``label`` separates purposes).

    >>> derive_subkey(bytes(32), "settings") != derive_subkey(bytes(32), "other")
    True
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"edgerec subkey " + label.encode())
    return hkdf.derive(key)


def make_aad(*parts: bytes | str | int) -> bytes:
    """Join associated-data parts unambiguously (each part is length-prefixed).

    >>> make_aad("ev", 1) != make_aad("ev1")
    True
    """
    out = bytearray()
    for part in parts:
        if isinstance(part, int):
            raw = part.to_bytes(8, "big", signed=True)
        elif isinstance(part, str):
            raw = part.encode("utf-8")
        else:
            raw = bytes(part)
        out += len(raw).to_bytes(4, "big")
        out += raw
    return bytes(out)


_ROW_TS = struct.Struct(">qq")


def event_aad(prefix: bytes, row_id: int, ts: int, subject_tag: bytes, type_tag: bytes,
              item_tag: bytes | None) -> bytes:
    """Associated data of one event ciphertext (hot path of bulk import).

    ``prefix`` is ``make_aad(store_id, "event")``; the rest are fixed-width
    fields (8 + 8 bytes, then 16-byte tags), the optional item tag last, so the
    encoding is unambiguous.

    >>> a = event_aad(b"p", 1, 2, b"s" * 16, b"t" * 16, None)
    >>> a != event_aad(b"p", 2, 2, b"s" * 16, b"t" * 16, None)
    True
    """
    return prefix + _ROW_TS.pack(row_id, ts) + subject_tag + type_tag + (item_tag or b"")


def seal(key: bytes | AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext``; returns ``nonce || ciphertext``."""
    aead = key if isinstance(key, AESGCM) else AESGCM(key)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, aad)


def random_nonces(count: int) -> list[bytes]:
    """``count`` fresh 96-bit GCM nonces from one call to the OS random generator.

    As random as one call per nonce, and much cheaper on the bulk import path.
    The caller encrypts with ``nonce + aead.encrypt(nonce, plaintext, aad)``,
    the same layout :func:`seal` produces.

    >>> a, b = random_nonces(2)
    >>> len(a) == NONCE_BYTES and a != b
    True
    """
    pool = os.urandom(NONCE_BYTES * count)
    return [pool[i : i + NONCE_BYTES] for i in range(0, len(pool), NONCE_BYTES)]


def open_sealed(key: bytes | AESGCM, blob: bytes, aad: bytes) -> bytes:
    """Decrypt a blob made by :func:`seal`; raise :class:`AuthenticationFailed` if it does not verify."""
    if blob is None or len(blob) < NONCE_BYTES + TAG_BYTES:
        raise AuthenticationFailed("ciphertext too short")
    aead = key if isinstance(key, AESGCM) else AESGCM(key)
    try:
        return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise AuthenticationFailed("authentication tag mismatch") from exc


def wrap_key(kek: bytes, key: bytes, aad: bytes) -> bytes:
    """Wrap a data key under the key-encryption key (AES-256-GCM)."""
    return seal(kek, key, aad)


def unwrap_key(kek: bytes, wrapped: bytes, aad: bytes) -> bytes:
    """Unwrap a data key; raise :class:`AuthenticationFailed` on the wrong KEK or a modified blob."""
    return open_sealed(kek, wrapped, aad)


def blind_index(index_key: bytes, domain: str, value: str) -> bytes:
    """Keyed, domain-separated lookup tag for an identifier (truncated HMAC-SHA256).

    Equal values give equal tags under one key; without the key a tag reveals
    nothing about the value.

    >>> k = bytes(32)
    >>> blind_index(k, "user", "alice") == blind_index(k, "user", "alice")
    True
    >>> blind_index(k, "user", "alice") == blind_index(k, "item", "alice")
    False
    """
    mac = hmac.new(index_key, domain.encode("utf-8") + b"\x00" + value.encode("utf-8"), hashlib.sha256)
    return mac.digest()[:BLIND_INDEX_BYTES]
