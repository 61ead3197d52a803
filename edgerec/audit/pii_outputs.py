"""What the privacy engine derives from a store, rendered for the PII audit (:func:`edgerec.audit.pii.audit_pii`).

- :func:`report_outputs`: the user's local-DP reports, queued on the store as
  ``edgerec privacy report --user U --json`` queues them (over hashed buckets and over
  the catalog's item ids), each entry as printed, and the whole queue document;
- :func:`catalog_outputs`: a catalog built the way a vendor or hub builds one from the
  store's users (their exports, the JSONL ``edgerec catalog build --from`` reads), private
  and not: the planted user's bounded contribution with item ids, then every file
  :meth:`CatalogArtifact.save` wrote, read back byte for byte;
- :func:`find_pii_bytes`: planted details in raw bytes (UTF-8, UTF-16 and UTF-32, as
  numpy stores strings), for the binary files.

>>> from edgerec.audit.pii import PlantedPII
>>> [m.form for m in find_pii_bytes("Ottilie".encode("utf-32-le"), [PlantedPII("name", "Ottilie Brannagh")])]
['bytes utf-32-le:Ottilie']
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

__all__ = ["catalog_population", "planted_item_events", "report_outputs", "catalog_outputs", "file_text",
           "find_pii_bytes"]

#: The items of the audit's small catalog (ids an app would use; none personal).
CATALOG_ITEMS = ["news", "jazz", "weather", "quiz", "podcast-42", "film-noir", "lullabies", "workout-mix"]
_ENCODINGS = ("utf-8", "utf-16-le", "utf-32-le")


def catalog_population(seed: int, users: int = 30) -> list[dict[str, Any]]:
    """Other people's liked and played items (no PII), so the planted user is one contributor among many."""
    rng = random.Random(seed)
    events = []
    for n in range(users):
        for day in range(rng.randrange(4, 12)):
            ts = f"2025-03-{day + 3:02d}T{rng.randrange(6, 23):02d}:00:00+00:00"
            events.append({"user": f"neighbour-{n:02d}", "type": rng.choice(["play", "like", "listen"]),
                           "item": rng.choice(CATALOG_ITEMS), "ts": ts})
    return events


def planted_item_events(user: str, names: Sequence[str], emails: Sequence[str]) -> list[dict[str, Any]]:
    """The planted user's own liked items, whose text and context mention people (items themselves are not personal)."""
    events = []
    for day, item in enumerate(["jazz", "lullabies", "quiz", "film-noir", "workout-mix", "podcast-42"]):
        events.append({"user": user, "type": "like", "item": item, "ts": f"2025-03-{day + 14:02d}T20:00:00+00:00",
                       "text": f"{names[day % len(names)]} put this on at dinner",
                       "context": {"shared_with": emails[day % len(emails)]}})
    return events


def report_outputs(store, user: str, *, epsilon: float = 1.0) -> dict[str, str]:
    """The user's local-DP reports as ``edgerec privacy report --json`` prints them, and the queue document."""
    from edgerec.privacy.ldp import ItemDomain
    from edgerec.privacy.reports import QUEUE_DOC, queue_report

    items = sorted({e.item for u in store.users() for e in store.events(user=u) if e.item})
    out = {
        "LDP report (hashed buckets)": json.dumps(queue_report(store, user, epsilon=epsilon,
                                                               domain=ItemDomain.hashed(4096)), ensure_ascii=False),
        "LDP report (item ids)": json.dumps(queue_report(store, user, epsilon=epsilon,
                                                         domain=ItemDomain.from_ids(items)), ensure_ascii=False),
    }
    out["LDP report queue (document)"] = json.dumps(store.get_doc(user, QUEUE_DOC), ensure_ascii=False)
    return out


def catalog_outputs(store, user: str, folder: Path, *, epsilon: float = 1.0) -> tuple[dict[str, str], dict[str, bytes]]:
    """Build catalogs (private at ``epsilon``, and not) from every user's export; ``(texts, raw bytes)`` per output."""
    from edgerec.privacy.catalog import build_catalog
    from edgerec.privacy.contributions import Bounds, contribute
    from edgerec.privacy.data import Histories

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "contributed-events.jsonl"  # what `edgerec export` writes, one user after another
    with source.open("w", encoding="utf-8") as f:
        for who in store.users():
            for record in store.export(who):
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    hist = Histories.from_jsonl(source)
    source.unlink()  # the users' own exports: allowed to hold what they said, so not a derived output
    seq = hist.sequences[hist.position(user)]
    mine = contribute(seq, Bounds())
    ids = np.array(hist.item_ids)
    texts = {"catalog contribution (bounded, item ids)": json.dumps(
        {"items": ids[mine.items].tolist(), "pairs": ids[mine.pairs].tolist(),
         "transitions": ids[mine.transitions].tolist()}, ensure_ascii=False)}
    raw: dict[str, bytes] = {}
    for label, eps in ((f"catalog ε={epsilon:g}", epsilon), ("catalog, not private", None)):
        saved = build_catalog(hist, epsilon=eps).save(folder / ("dp" if eps else "plain"))
        for path in sorted(p for p in saved.rglob("*") if p.is_file()):
            name = f"{label}: {path.relative_to(saved).as_posix()}"
            data = path.read_bytes()
            texts[name], raw[name] = file_text(path.name, data), data
            if path.suffix == ".npz":
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    raw[name] += b"".join(z.read(member) for member in z.namelist())
    return texts, raw


def file_text(name: str, data: bytes) -> str:
    """The text a file holds: JSON as UTF-8; an ``.npz`` as its arrays' names and every string in them.

    Numbers are left out of the text (their digits would match a phone number by
    chance); :func:`find_pii_bytes` still reads their raw bytes.
    """
    if not name.endswith(".npz"):
        return data.decode("utf-8", errors="replace")
    parts = []
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        for key in arrays.files:
            arr = arrays[key]
            parts.append(key)
            if arr.dtype.kind in "US":
                parts += [str(v) for v in arr.ravel()]
    return "\n".join(parts)


def find_pii_bytes(data: bytes, pii: Sequence, output: str = "") -> list:
    """Planted details (their value, distinctive parts, a phone's last 7 digits) in raw bytes, in any of
    UTF-8, UTF-16-LE and UTF-32-LE, as written or lower-cased."""
    from edgerec.audit.pii import Match

    out = []
    for p in pii:
        needles = [p.value, *p.parts()]
        if p.kind == "phone":
            needles.append(re.sub(r"\D", "", p.value)[-7:])
        hit = next(((enc, n) for n in needles for form in {n, n.lower()} for enc in _ENCODINGS
                    if form.encode(enc) in data), None)
        if hit is not None:
            out.append(Match(output, p.kind, p.value, f"bytes {hit[0]}:{hit[1]}"))
    return out
