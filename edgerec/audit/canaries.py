"""Canaries: distinctive random strings planted in a store, and a byte scanner that looks for them.

A canary is found in a file when any of its common encodings occurs in the raw
bytes: UTF-8, UTF-16 (both byte orders), hex (lower and upper case) and base64
(standard and URL-safe, at each of the three alignments a string can have inside
a longer base64 text). A key holder also knows the store's blind-index tags and
the sealed bytes of the rows that were forgotten; those are needles too
(:func:`byte_needles`).

>>> c = Canary("text", "cnry-text-q7x2m9")
>>> sorted(encodings(c.value))
['HEX', 'base64', 'base64+1', 'base64+2', 'hex', 'urlbase64', 'urlbase64+1', 'urlbase64+2', 'utf-16-be', 'utf-16-le', 'utf-8']
>>> [hit.encoding for hit in scan_bytes(b"..." + c.value.encode("utf-16-le") + b"...", [c])]
['utf-16-le']
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["Canary", "Hit", "new_canary", "encodings", "byte_needles", "scan_bytes", "scan_text", "scan_file"]

_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class Canary:
    """One planted string: its ``kind`` (user, item, text, context), ``value``, and what forgets it.

    ``secrets`` holds key-holder needles (name -> bytes): blind-index tags of the
    value, fragments of forgotten ciphertexts. They are searched for as they are.
    """

    kind: str
    value: str
    forgotten_by: str = ""
    secrets: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        """``kind:value``, how reports name it."""
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Hit:
    """A canary found somewhere: where, which canary, in which encoding."""

    location: str
    canary: str
    encoding: str

    def to_dict(self) -> dict:
        return {"location": self.location, "canary": self.canary, "encoding": self.encoding}


def new_canary(kind: str, forgotten_by: str = "", *, length: int = 12) -> Canary:
    """A fresh canary ``cnry-<kind>-<random>``: random enough never to occur by chance.

    >>> new_canary("item").value.startswith("cnry-item-")
    True
    """
    token = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return Canary(kind, f"cnry-{kind}-{token}", forgotten_by)


def _base64_cores(raw: bytes) -> dict[str, bytes]:
    """The part of base64(raw) that is the same whatever precedes ``raw``, for each of 3 alignments."""
    out = {}
    for shift in range(3):
        encoded = base64.b64encode(b"\x00" * shift + raw)
        # keep the characters whose 6 bits all come from ``raw``: the rest depend on the neighbours
        start, stop = (shift * 4 + 2) // 3, (4 * (shift + len(raw))) // 3
        out[f"base64{'+' + str(shift) if shift else ''}"] = encoded[start:stop]
    return out


def encodings(value: str) -> dict[str, bytes]:
    """The encodings of ``value`` a scanner looks for (name -> bytes).

    >>> e = encodings("cnry-abc")
    >>> e["utf-8"], e["hex"], e["base64"]
    (b'cnry-abc', b'636e72792d616263', b'Y25yeS1hYm')
    """
    raw = value.encode("utf-8")
    hexed = binascii.hexlify(raw)
    out = {
        "utf-8": raw,
        "utf-16-le": value.encode("utf-16-le"),
        "utf-16-be": value.encode("utf-16-be"),
        "hex": hexed,
        "HEX": hexed.upper(),
    }
    for name, core in _base64_cores(raw).items():
        out[name] = core
        out["url" + name] = core.replace(b"+", b"-").replace(b"/", b"_")
    return {name: needle for name, needle in out.items() if len(needle) >= 8}


def byte_needles(canary: Canary) -> dict[str, bytes]:
    """Every needle of one canary: its encodings, plus the key holder's secrets."""
    return {**encodings(canary.value), **canary.secrets}


def scan_bytes(data: bytes, canaries: Iterable[Canary], location: str = "") -> list[Hit]:
    """Every (canary, encoding) whose needle occurs in ``data`` (case-sensitive, raw bytes)."""
    hits = []
    for canary in canaries:
        for name, needle in byte_needles(canary).items():
            if needle and needle in data:
                hits.append(Hit(location, canary.name, name))
    return hits


def scan_text(text: str, canaries: Sequence[Canary], location: str = "") -> list[Hit]:
    """Canaries in decrypted text (a document, an event), case-insensitively.

    >>> [h.canary for h in scan_text('{"item": "CNRY-ITEM-AB12"}', [Canary("item", "cnry-item-ab12")])]
    ['item:cnry-item-ab12']
    """
    lowered = text.lower()
    return [Hit(location, c.name, "decrypted") for c in canaries if c.value.lower() in lowered]


def scan_file(path: Path, canaries: Sequence[Canary], location: str) -> tuple[int, list[Hit]]:
    """``(size, hits)`` of one file; a file that vanished meanwhile counts as empty."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0, []
    return len(data), scan_bytes(data, canaries, location)
