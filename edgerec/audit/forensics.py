"""Forgetting forensics: plant canaries in a store, forget them, and look for them everywhere.

:func:`audit_forget` builds a store in a folder of its own (with its own
``EDGEREC_HOME`` inside it), fills it with a population, and plants canaries:
a user id, item ids, free text in dialogue turns, context values and the user's
own profile text. It builds what edgerec derives from them (profiles with their
extraction cache; a ranking when an embedder is given), then forgets them by
user, by item, by user and time range, and by time range alone. Then it scans:

* every file under the folder, raw bytes, for each canary in common encodings
  (:mod:`edgerec.audit.canaries`): the db, ``-wal``, ``-shm``, ``-journal``, the
  embedding cache and anything else edgerec wrote there;
* the same files for what a key holder would look for: the blind-index tags of
  the forgotten ids, and fragments of the sealed rows that held a canary;
* with the key, every event and document still in the store, decrypted.

It scans once right after the forget and once more after the survivors'
profiles are rebuilt. The same scan before the forget is the control: it must
find the canaries (a scanner that finds nothing proves nothing).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from edgerec.audit.canaries import Canary, Hit, new_canary, scan_file, scan_text
from edgerec.audit.household import app_events, household_sessions
from edgerec.audit.population import synthetic_events
from edgerec.config import HOME_ENV
from edgerec.profile.builder import ProfileBuilder
from edgerec.profile.sessions import user_events
from edgerec.store import EventStore
from edgerec.store import crypto

__all__ = ["ForgetAudit", "audit_forget", "plant", "scan_store"]

_FRAGMENT = slice(12, 44)  # 32 bytes of ciphertext, after the 12-byte nonce
_MAX_FRAGMENTS = 40


@dataclass
class ForgetAudit:
    """The outcome of :func:`audit_forget`: canaries, hits per phase, what was scanned."""

    canaries: list[Canary]
    control: list[Hit]
    after_forget: list[Hit]
    after_rebuild: list[Hit]
    scanned: dict[str, int]
    receipts: list[dict]
    population: dict[str, Any]
    ranked: bool
    seconds: float = 0.0
    tables: dict[str, int] = field(default_factory=dict)

    def found(self) -> list[Hit]:
        """Every hit after the forget (both phases)."""
        return self.after_forget + self.after_rebuild

    def metrics(self) -> dict[str, Any]:
        """The JSON of ``edgerec audit forget``: counts overall and per location, and the control."""
        found = self.found()
        places = list(self.scanned) + sorted({h.location for h in self.control} - set(self.scanned))
        per_location = {loc: {"size": self.scanned.get(loc, 0),
                              "canaries_found": len({h.canary for h in found if h.location == loc}),
                              "control_canaries_found": len({h.canary for h in self.control if h.location == loc})}
                        for loc in places}
        return {
            "canaries_planted": len(self.canaries),
            "canaries_found": len({h.canary for h in found}),
            "hits": [h.to_dict() for h in found],
            "control_canaries_found": len({h.canary for h in self.control}),
            "locations": per_location,
            "canaries": [{"kind": c.kind, "value": c.value, "forgotten_by": c.forgotten_by,
                          "key_holder_needles": len(c.secrets)} for c in self.canaries],
            "receipts": self.receipts,
            "tables_after": self.tables,
            "population": self.population,
            "ranked": self.ranked,
            "seconds": round(self.seconds, 2),
        }


@contextlib.contextmanager
def _edgerec_home(path: Path) -> Iterator[Path]:
    """Point EDGEREC_HOME at ``path`` for the duration, so every file edgerec writes lands there."""
    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop(HOME_ENV, None)
        else:
            os.environ[HOME_ENV] = old


# ---------------------------------------------------------------------- planting
@dataclass(frozen=True)
class Plan:
    """The planted canaries and the forgets that must remove them."""

    canaries: list[Canary]
    victim: str
    survivor: str
    shared_item: str
    range_end: str
    early_end: str


def plant(population_users: Sequence[str]) -> tuple[Plan, list[dict[str, Any]], dict[str, str]]:
    """Canaries and the events carrying them; returns ``(plan, events, user_texts)``.

    * a victim user (forgotten whole): its id, its own item, text in its dialogue
      turns, a context value, and the profile text it writes itself;
    * an item several survivors played (forgotten by item);
    * text and a context value in the first survivor's turns of 1995 (forgotten by
      that user and ``before`` 1996);
    * text and a context value in turns of every survivor in 1990 (forgotten by ``before`` 1991 alone).
    """
    if len(population_users) < 2:
        raise ValueError("the audit needs at least two population users")
    victim = new_canary("user", "user")
    own_item, victim_text = new_canary("item", "user"), new_canary("text", "user")
    victim_ctx, note = new_canary("context", "user"), new_canary("text", "user")
    shared = new_canary("item", "item")
    range_text, range_ctx = new_canary("text", "user+before"), new_canary("context", "user+before")
    early_text, early_ctx = new_canary("text", "before"), new_canary("context", "before")
    canaries = [victim, own_item, victim_text, victim_ctx, note, shared, range_text, range_ctx, early_text, early_ctx]

    events: list[dict[str, Any]] = []
    for event in user_events(victim.value, household_sessions(
            seed=7, count=12, asides=[f"My code word is {victim_text.value}."], aside_rate=0.3)):
        event["context"] = {**event["context"], "room": victim_ctx.value}
        events.append(event)
    events += app_events(victim.value, [own_item.value, shared.value, "news"], seed=7)
    survivor = population_users[0]
    for n, user in enumerate(population_users[:3]):
        events += app_events(user, [shared.value, "news", "jazz"], seed=100 + n,
                             start=datetime(2025, 6, 2, 7, 30, tzinfo=timezone.utc))
    for event in user_events(survivor, household_sessions(
            seed=11, count=4, asides=[f"Remember {range_text.value} for me."]),
            start=datetime(1995, 5, 1, tzinfo=timezone.utc)):
        event["context"] = {**event["context"], "session_id": 10_000 + event["context"]["session_id"],
                            "room": range_ctx.value}
        events.append(event)
    for n, user in enumerate(population_users[:3]):
        for event in user_events(user, household_sessions(
                seed=20 + n, count=2, asides=[f"Note {early_text.value} please."]),
                start=datetime(1990, 6, 1, tzinfo=timezone.utc)):
            event["context"] = {**event["context"], "session_id": 20_000 + event["context"]["session_id"],
                                "room": early_ctx.value}
            events.append(event)
    plan = Plan(canaries, victim.value, survivor, shared.value, "1996-01-01T00:00:00+00:00",
                "1991-01-01T00:00:00+00:00")
    return plan, events, {victim.value: f"I am {note.value}; I like warm light."}


# ---------------------------------------------------------------------- key holder
def _key_holder_needles(store: EventStore, canaries: Sequence[Canary]) -> list[Canary]:
    """Each canary with the needles a key holder would search for once it is forgotten.

    Blind-index tags of user and item ids, the victim's wrapped data key, and
    32-byte fragments of every sealed event or document that holds the canary.
    (This reaches into the store's internals on purpose: it is the forensic view.)
    """
    keys = store._keys
    raw = _readonly(store.path)
    try:
        events = {e.id: json.dumps(e.to_dict(), ensure_ascii=False).lower() for e in store.events()}
        payloads = dict(raw.execute("SELECT id, payload FROM events"))
        docs = list(_decrypted_documents(store))
        doc_blobs = {rowid: blob for rowid, blob in raw.execute("SELECT rowid, payload FROM docs")}
        out = []
        for canary in canaries:
            needles: dict[str, bytes] = {}
            if canary.kind in ("user", "item"):
                needles[f"blind-tag:{canary.kind}"] = keys.tag(canary.kind, canary.value)
            if canary.kind == "user":
                row = raw.execute("SELECT wrapped_key FROM subjects WHERE tag = ?",
                                  (keys.tag("user", canary.value),)).fetchone()
                if row is not None:
                    needles["wrapped-key"] = bytes(row[0])
            value = canary.value.lower()
            rows = [rid for rid, text in events.items() if value in text][:_MAX_FRAGMENTS]
            needles.update({f"sealed-event:{rid}": bytes(payloads[rid])[_FRAGMENT] for rid in rows})
            rows = [rid for rid, text in docs if value in text.lower()][:_MAX_FRAGMENTS]
            needles.update({f"sealed-doc:{rid}": bytes(doc_blobs[rid])[_FRAGMENT] for rid in rows})
            out.append(replace(canary, secrets=needles))
        return out
    finally:
        raw.close()


def _readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _decrypted_documents(store: EventStore) -> Iterator[tuple[int, str]]:
    """``(rowid, JSON text)`` of every document in the store, whatever its name (needs the key)."""
    keys, subjects = store._keys, store._subjects
    for rowid, sid, name_tag, payload in store._db.rows("SELECT rowid, subject, name_tag, payload FROM docs"):
        subject = subjects.by_id(sid)
        plain = crypto.open_sealed(subject.aead, payload, keys.aad("doc", subject.tag, name_tag))
        yield rowid, plain.decode("utf-8")


# ---------------------------------------------------------------------- scanning
def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def scan_store(store: EventStore, folder: Path, canaries: Sequence[Canary],
               scanned: dict[str, int] | None = None) -> list[Hit]:
    """Every canary hit: raw bytes of each file under ``folder``, then the decrypted events and documents.

    ``scanned`` (if given) receives the size of each location: bytes for a
    file, records for the decrypted views.
    """
    hits: list[Hit] = []
    seen = scanned if scanned is not None else {}
    for path in _files(folder):
        location = str(path.relative_to(folder))
        size, found = scan_file(path, canaries, location)
        seen[location] = max(size, seen.get(location, 0))
        hits += found
    views = {
        "events (decrypted)": [json.dumps(e.to_dict(), ensure_ascii=False) for e in store.events()],
        "documents (decrypted)": [text for _, text in _decrypted_documents(store)],
        "receipts": [json.dumps(r.to_dict()) for r in store.receipts()],
    }
    for location, texts in views.items():
        seen[location] = max(len(texts), seen.get(location, 0))
        for text in texts:
            hits += scan_text(text, canaries, location)
    return hits


def _rebuild_all(store: EventStore) -> None:
    builder = ProfileBuilder(store)
    for user in store.users():
        builder.rebuild(user)


def _rank_all(store: EventStore, embedder: Any, items: Sequence[str]) -> None:
    """Rank a small catalog for every user through the catalog cache (under EDGEREC_HOME)."""
    from edgerec.models.embed_cache import EmbeddingCache
    from edgerec.rank.candidates import rank_for_user

    candidates = [(item, f"Catalog entry number {n}") for n, item in enumerate(items)]
    with EmbeddingCache(embedder) as cache:
        for user in store.users():
            rank_for_user(list(store.events(user=user)), user, candidates, k=5, tz=store.timezone,
                          embed_catalog=cache.embed_catalog, embed_private=cache.embed_private,
                          context={"time_of_day": "morning", "day_of_week": "weekday"})


def _table_counts(path: Path) -> dict[str, int]:
    raw = _readonly(path)
    try:
        names = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: raw.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        raw.close()


def audit_forget(folder: str | Path, *, population: Sequence[dict[str, Any]] | None = None,
                 source: str = "synthetic", embedder: Any = None, seed: int = 0) -> ForgetAudit:
    """Plant, derive, forget, scan (see the module text); ``folder`` must be empty or missing.

    ``population`` is a list of event dicts (default: :func:`synthetic_events`);
    ``embedder`` (e.g. :func:`edgerec.models.embed.default_embedder`) adds a
    ranking of every user through the catalog embedding cache.
    """
    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty: the audit scans every file in it")
    population = list(population) if population is not None else synthetic_events(seed=seed)
    users = list(dict.fromkeys(e["user"] for e in population))
    plan, planted, user_texts = plant(users)
    with _edgerec_home(folder / "home"), EventStore.create(folder / "events.db", key=secrets.token_bytes(32),
                                                           timezone="UTC") as store:
        store.log_many(population + planted)
        builder = ProfileBuilder(store)
        for user, text in user_texts.items():
            builder.rebuild(user)
            builder.edit(user, text)
        _rebuild_all(store)
        items = sorted({e["item"] for e in population + planted if e.get("item")})
        if embedder is not None:
            _rank_all(store, embedder, items)
        canaries = _key_holder_needles(store, plan.canaries)
        control = scan_store(store, folder, canaries)

        receipts = [store.forget(user=plan.victim), store.forget(item=plan.shared_item),
                    store.forget(user=plan.survivor, before=plan.range_end), store.forget(before=plan.early_end)]
        scanned: dict[str, int] = {}
        after_forget = scan_store(store, folder, canaries, scanned=scanned)
        _rebuild_all(store)
        if embedder is not None:
            _rank_all(store, embedder, [i for i in items if i not in (plan.shared_item,)])
        after_rebuild = scan_store(store, folder, canaries, scanned=scanned)
        tables = _table_counts(store.path)
    return ForgetAudit(canaries, control, after_forget, after_rebuild, scanned, [r.to_dict() for r in receipts],
                       {"source": source, "users": len(users), "events": len(population) + len(planted)},
                       embedder is not None, time.perf_counter() - started, tables)
