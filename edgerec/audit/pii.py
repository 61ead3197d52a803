"""PII leakage: plant personal details in dialogue, run everything edgerec derives, look for them.

People mention names, emails, phone numbers and addresses while talking to
their home, sometimes stated outright ("my email is ..."), more often in passing
("tell Ottilie I'll be late", in the manner of the SynthPAI and PANORAMA
corpora). Those turns are the user's data: they may sit in the encrypted store
and in the user's own export. They must not reach anything *derived*: routines,
the profile text (template or LLM), the profile document, ranking reasons, log
records, the local-DP reports a device queues, and the catalog a vendor or hub
builds from contributed histories (:mod:`edgerec.audit.pii_outputs`).
:func:`audit_pii` plants them and measures.

Matching is generous on purpose: the exact string, the string with case,
punctuation and spacing ignored, the digits of a phone number, and each
distinctive part on its own (a first name, a street name, an email's local part).

>>> p = PlantedPII("phone", "+44 20 7946 0321")
>>> [m.form for m in find_pii("call +44 (20) 7946 0321", [p])], [m.form for m in find_pii("020-7946-0321", [p])]
(['normalized'], ['digits'])
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from edgerec.audit.forensics import _edgerec_home
from edgerec.audit.household import household_sessions
from edgerec.audit.pii_outputs import catalog_outputs, catalog_population, planted_item_events, report_outputs
from edgerec.profile.builder import PROFILE_DOC, ProfileBuilder
from edgerec.profile.hybrid import make_extractor
from edgerec.profile.nl_profile import template_profile
from edgerec.profile.schema import flatten_actions
from edgerec.profile.sessions import user_events
from edgerec.store import EventStore

__all__ = ["PlantedPII", "Match", "PiiAudit", "planted_pii", "pii_sentences", "normalize", "find_pii",
           "extraction_influence", "audit_pii", "capture_logs"]

_FIRST = ["Ottilie", "Bramwell", "Saoirse", "Thaddeus", "Ingrid", "Cosimo", "Philippa", "Oluwaseun"]
_LAST = ["Brannagh", "Quenneville", "Abernethy", "Okonkwo", "Vasquez-Hale", "Lindqvist", "Marchetti", "Pemberton"]
_STREETS = ["Quillfeather Lane", "Marigold Crescent", "Old Tannery Row", "Birchwood Terrace", "Hollins Wharf Road"]
_TOWNS = ["Dunmore", "Little Ashby", "Westcombe", "Kilbride"]
_MAIL = ["fernmail.example", "postbox.example", "inbox.example"]


@dataclass(frozen=True)
class PlantedPII:
    """One planted detail: ``kind`` (name, email, phone, address) and its ``value``."""

    kind: str
    value: str

    def parts(self) -> list[str]:
        """Distinctive pieces that identify it on their own (names, street names, an email's local part)."""
        if self.kind == "email":
            return [self.value.split("@")[0]]
        if self.kind in ("name", "address"):
            return [w for w in re.findall(r"[A-Za-z][A-Za-z-]{4,}", self.value)
                    if w.lower() not in {"street", "road", "lane", "crescent", "terrace", "little", "wharf"}]
        return []


@dataclass(frozen=True)
class Match:
    """Where a planted detail was found, and how (exact, normalized, digits, part:<piece>)."""

    output: str
    kind: str
    value: str
    form: str

    def to_dict(self) -> dict:
        return {"output": self.output, "kind": self.kind, "value": self.value, "form": self.form}


def planted_pii(seed: int) -> list[PlantedPII]:
    """Two people, their emails, phone numbers and a home address, made up from ``seed``.

    >>> [p.kind for p in planted_pii(0)]
    ['name', 'name', 'email', 'email', 'phone', 'phone', 'address']
    """
    rng = random.Random(seed)
    firsts, lasts = rng.sample(_FIRST, 2), rng.sample(_LAST, 2)
    names = [f"{f} {l}" for f, l in zip(firsts, lasts)]
    emails = [f"{f.lower()}.{l.lower()}@{rng.choice(_MAIL)}" for f, l in zip(firsts, lasts)]
    phones = [f"+44 20 7946 0{rng.randrange(100, 999)}", f"(415) 555-0{rng.randrange(100, 199)}"]
    address = f"{rng.randrange(11, 98)} {rng.choice(_STREETS)}, {rng.choice(_TOWNS)}"
    return ([PlantedPII("name", n) for n in names] + [PlantedPII("email", e) for e in emails]
            + [PlantedPII("phone", p) for p in phones] + [PlantedPII("address", address)])


def pii_sentences(pii: Sequence[PlantedPII]) -> list[str]:
    """Sentences that carry each detail: once stated directly, once said in passing."""
    direct = {"name": "My name is {v}, by the way.", "email": "You can reach me at {v}.",
              "phone": "My number is {v} if anything goes wrong.", "address": "We live at {v}."}
    passing = {"name": "{v} is coming round later, she hates the cold so keep it cosy.",
               "email": "ugh, forgot to forward the boiler invoice to {v} again",
               "phone": "if the alarm goes off ring {v}, that's my neighbour",
               "address": "the parcel went to {v} instead of next door, typical."}
    out = []
    for p in pii:
        out += [direct[p.kind].format(v=p.value), passing[p.kind].format(v=p.value)]
    return out


def normalize(text: str) -> str:
    """Lower case, with every run of non-alphanumerics made one space.

    >>> normalize("  Ottilie   BRANNAGH!! ")
    'ottilie brannagh'
    """
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def find_pii(text: str, pii: Sequence[PlantedPII], output: str = "") -> list[Match]:
    """Every planted detail in ``text``, by the most literal form that finds it."""
    norm, digits = normalize(text), re.sub(r"\D", "", text)
    padded = f" {norm} "
    out = []
    for p in pii:
        if p.value in text:
            out.append(Match(output, p.kind, p.value, "exact"))
            continue
        if f" {normalize(p.value)} " in padded:
            out.append(Match(output, p.kind, p.value, "normalized"))
            continue
        if p.kind == "phone":
            own = re.sub(r"\D", "", p.value)
            tail = own[-7:]  # the subscriber number, with or without a country or area code
            if tail in digits:
                out.append(Match(output, p.kind, p.value, "digits"))
            continue
        for part in p.parts():
            if f" {normalize(part)} " in padded:
                out.append(Match(output, p.kind, p.value, f"part:{part}"))
    return out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name}: {record.getMessage()}")
        except Exception:  # a record whose message cannot be formatted still counts, by its template
            self.lines.append(f"{record.name}: {record.msg}")


@contextlib.contextmanager
def capture_logs() -> Iterator[list[str]]:
    """Every log record emitted meanwhile, at any level, from any logger (root at DEBUG)."""
    root, handler = logging.getLogger(), _Collect()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _without(text: str, sentences: Sequence[str]) -> str:
    for sentence in sentences:
        text = text.replace(sentence, "")
    return " ".join(text.split())


def extraction_influence(sessions: Sequence[Mapping[str, Any]], sentences: Sequence[str],
                         extractor: Callable, pii: Sequence[PlantedPII]) -> dict[str, Any]:
    """What the PII sentences change in the settings read from each session.

    Each session is read twice, with and without the planted sentences. A
    setting that appears only with them and whose number is a piece of a planted
    phone number or address (an alarm volume of 20 read from "+44 20 7946 ...")
    is a *fragment*: part of someone's contact details copied into the routines.
    """
    digits = [re.sub(r"\D", "", p.value) for p in pii if p.kind in ("phone", "address")]
    changed, fragments, carrying = 0, [], 0
    for session in sessions:
        clean = [{**m, "text": _without(m["text"], sentences)} for m in session["messages"]]
        if clean == list(session["messages"]):
            continue
        carrying += 1
        said, unsaid = flatten_actions(extractor(session["messages"])), flatten_actions(extractor(clean))
        changed += said != unsaid
        for path, value in sorted(said - unsaid, key=str):
            if isinstance(value, int) and not isinstance(value, bool) and any(str(value) in d for d in digits):
                fragments.append({"session_id": session["session_id"], "setting": path, "value": value})
    return {"sessions_with_pii": carrying, "settings_changed_by_pii": changed, "pii_fragments_in_settings": fragments}


@dataclass
class PiiAudit:
    """What :func:`audit_pii` planted, what each output said, and what was found where."""

    pii: list[PlantedPII]
    outputs: dict[str, str]
    allowed: dict[str, str]
    not_covered: list[str]
    influence: dict[str, Any]
    seconds: float = 0.0
    raw: dict[str, bytes] = field(default_factory=dict)

    def leaks(self) -> list[Match]:
        """Planted details found in a derived output (its text, and for files also their raw bytes)."""
        from edgerec.audit.pii_outputs import find_pii_bytes

        found = [m for name, text in self.outputs.items() for m in find_pii(text, self.pii, name)]
        seen = {(m.output, m.value) for m in found}
        for name, data in self.raw.items():
            found += [m for m in find_pii_bytes(data, self.pii, name) if (m.output, m.value) not in seen]
        return found

    def metrics(self) -> dict[str, Any]:
        """The JSON of ``edgerec audit pii``."""
        leaks = self.leaks()
        allowed = {name: len({m.value for m in find_pii(text, self.pii, name)}) for name, text in self.allowed.items()}
        return {
            "pii_planted": len(self.pii),
            "pii_found": len({m.value for m in leaks}),
            "leaks": [m.to_dict() for m in leaks],
            "pii_fragments_in_settings": len(self.influence["pii_fragments_in_settings"]),
            "extraction": self.influence,
            "outputs": {name: {"chars": len(text), "pii_found": len({m.value for m in leaks if m.output == name}),
                               **({"bytes": len(self.raw[name])} if name in self.raw else {})}
                        for name, text in self.outputs.items()},
            "allowed_outputs": {name: {"chars": len(self.allowed[name]), "pii_found": n} for name, n in allowed.items()},
            "not_covered": self.not_covered,
            "planted": [{"kind": p.kind, "value": p.value} for p in self.pii],
            "seconds": round(self.seconds, 2),
        }


#: A renderer adds outputs made outside the library (e.g. the CLI's): ``(store path, key, user) -> {name: text}``.
Renderer = Callable[[Path, bytes, str], Mapping[str, str]]

def _planted_events(user: str, pii: Sequence[PlantedPII], sessions: Sequence[Mapping[str, Any]]
                    ) -> list[dict[str, Any]]:
    """Dialogue with the PII said in user turns, plus app events (played, sent, liked) whose text and context carry it."""
    events = list(user_events(user, sessions))
    names = [p.value for p in pii if p.kind == "name"]
    emails = [p.value for p in pii if p.kind == "email"]
    events += planted_item_events(user, names, emails)
    for day in range(10):
        ts = f"2025-03-{day + 3:02d}T07:30:00+00:00"
        events.append({"user": user, "type": "play", "item": "news", "ts": ts})
        events.append({"user": user, "type": "message_sent", "item": "messenger",
                       "ts": f"2025-03-{day + 3:02d}T07:35:00+00:00",
                       "context": {"to": emails[day % len(emails)]},
                       "text": f"Running late, {names[day % len(names)].split()[0]}!"})
    return events


def audit_pii(folder: str | Path, *, seed: int = 0, llm: Any = None, extractor: str = "rules",
              embedder: Any = None, renderers: Sequence[Renderer] = ()) -> PiiAudit:
    """Plant PII for one user of a fresh store in ``folder``, derive everything, and collect the outputs.

    ``llm`` (a :class:`edgerec.models.llm.LocalLLM`) adds the written summary
    (and, with ``extractor="hybrid"``, LLM extraction); ``embedder`` adds a
    ranking with reasons. The store also holds other people's liked items, so
    that the catalog built from its users' exports has the planted user among
    others; the user's local-DP reports are queued on it (charged to the
    audit store's own ledger).
    """
    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pii, user, key = planted_pii(seed), "pii-resident", secrets.token_bytes(32)
    outputs: dict[str, str] = {}
    with _edgerec_home(folder / "home"), capture_logs() as logs:
        with EventStore.create(folder / "events.db", key=key, timezone="UTC") as store:
            sessions = household_sessions(seed=seed, count=24, asides=pii_sentences(pii))
            store.log_many(_planted_events(user, pii, sessions))
            store.log_many(catalog_population(seed))
            kind = extractor if llm is not None else "rules"
            builder = ProfileBuilder(store, llm=llm, extractor=kind)
            influence = extraction_influence(sessions, pii_sentences(pii), make_extractor(kind, llm), pii)
            profile = builder.rebuild(user)
            outputs["routines"] = json.dumps(profile["routines"] + profile["app_routines"], ensure_ascii=False)
            outputs["profile summary"] = profile["summary"]
            outputs["profile template"] = template_profile(profile["routines"], sessions=profile["sessions"])
            outputs["profile document"] = json.dumps(store.get_doc(user, PROFILE_DOC), ensure_ascii=False)
            if embedder is not None:
                outputs["rank reasons"] = _rank_reasons(store, user, embedder)
            outputs.update(report_outputs(store, user))
            texts, raw = catalog_outputs(store, user, folder / "catalog")
            outputs.update(texts)
            allowed = {"export": "\n".join(json.dumps(e, ensure_ascii=False) for e in store.export(user))}
        for render in renderers:
            outputs.update(render(folder / "events.db", key, user))
    outputs["logs"] = "\n".join(logs)
    return PiiAudit(pii, outputs, allowed, [], influence, time.perf_counter() - started, raw)


def _rank_reasons(store: EventStore, user: str, embedder: Any) -> str:
    from edgerec.models.embed_cache import EmbeddingCache
    from edgerec.rank.candidates import rank_for_user

    candidates = [("news", "Morning news bulletin"), ("jazz", "Late night jazz"), ("weather", "Weather report"),
                  ("quiz", "Pub quiz show")]
    with EmbeddingCache(embedder) as cache:
        ranked = rank_for_user(list(store.events(user=user)), user, candidates, k=4, tz=store.timezone,
                               embed_catalog=cache.embed_catalog, embed_private=cache.embed_private,
                               context={"time_of_day": "morning", "day_of_week": "weekday"})
    return json.dumps([r.to_dict() for r in ranked], ensure_ascii=False)
