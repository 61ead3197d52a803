"""ProfileBuilder: rebuild a user's routines and NL profile from the store, incrementally.

The profile lives encrypted in the store as two documents:

* ``profile`` (derived from events, so a forget of those events deletes it):
  the routines, the generated summary and its source, and a per-session cache
  of extraction results keyed by session id with a digest of the session and
  the prior values the extraction used, so a rebuild after a new session only
  reads that new session;
* ``profile.user_text`` (written by the user, ``derived=False``): the user's own
  edit of the summary, kept across rebuilds until :meth:`ProfileBuilder.reset`.

Dialogue events (type ``dialogue``, see :mod:`edgerec.profile.sessions`) give
smart-home routines; every other event type gives app routines
(:mod:`edgerec.profile.app_events`).

Each dialogue session is read with the *last known state* of the devices: for
every setting, the value the most recent earlier session set, so "two degrees
warmer" resolves against yesterday's 21. A cached extraction is reused while
its session is unchanged and the prior values it used (``prior_used`` of
:class:`~edgerec.profile.extract.Extraction`) are still the last known ones; a
session that used none is never read again for an edit of another.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple

from edgerec.profile.sessions import DIALOGUE_EVENT, events_to_sessions
from edgerec.errors import InputError, UnknownUserError
from edgerec.profile.app_events import app_sessions, app_routine_dict
from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.hybrid import make_reader
from edgerec.profile.mining import MiningConfig, MiningSession, mine_routines
from edgerec.profile.nl_profile import summarize
from edgerec.profile.reconstruct import routine_dict
from edgerec.profile.schema import flatten_actions, unflatten_items

__all__ = ["ProfileBuilder", "PROFILE_DOC", "USER_TEXT_DOC", "session_digest"]

PROFILE_DOC = "profile"
USER_TEXT_DOC = "profile.user_text"
_VERSION = 2  # 2: cache entries hold the prior values their extraction used


#: The store event type of a Home Assistant state change (edgerec.adapters.ha_events.EVENT_TYPE).
HA_EVENT = "ha_state"


class _Home(NamedTuple):
    routines: list[dict[str, Any]]
    schema: DeviceSchema | None
    sessions: int


def session_digest(session: dict[str, Any]) -> str:
    """A short digest of a session's meta and messages (changes when the session does).

    >>> session_digest({"meta": {}, "messages": []}) == session_digest({"messages": [], "meta": {}})
    True
    """
    raw = json.dumps({"meta": session.get("meta"), "messages": session.get("messages")}, sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _reusable(entry: dict[str, Any] | None, digest: str, state: dict[str, Any]) -> bool:
    """Whether a cached extraction still holds: the same session, read against the same prior values.

    ``state`` is the last known value of each setting path before the session.

    >>> entry = {"digest": "d1", "actions": {}, "prior": {"ac.temperature": 21}}
    >>> _reusable(entry, "d1", {"ac.temperature": 21}), _reusable(entry, "d1", {}), _reusable(entry, "d2", {})
    (True, False, False)
    >>> _reusable({"digest": "d1", "actions": {}, "prior": {}}, "d1", {"tv.volume": 9})
    True
    """
    return entry is not None and entry.get("digest") == digest and all(
        state.get(path) == value for path, value in (entry.get("prior") or {}).items())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ProfileBuilder:
    """Builds, stores and edits the profile of users of one :class:`~edgerec.store.EventStore`.

    ``llm`` is a :class:`edgerec.models.llm.LocalLLM` or None; without it the
    summary is the deterministic template, labelled as such. ``extractor`` is
    ``rules`` (default), ``hybrid`` or ``llm`` (see :mod:`edgerec.profile.hybrid`).
    ``schema`` is the app's :class:`~edgerec.profile.devices.DeviceSchema`
    (None: the shipped EdgeWisePersona devices); cached extractions made
    with another schema are read again.
    """

    def __init__(self, store: Any, *, llm: Any = None, extractor: str = "rules",
                 config: MiningConfig = MiningConfig(), schema: DeviceSchema | None = None):
        self.store = store
        self.llm = llm
        self.extractor_name = extractor
        self.schema = resolve(schema)
        self._read = make_reader(extractor, llm, schema=self.schema)
        self.config = config

    # -- reading -----------------------------------------------------------------

    def get(self, user: str) -> dict[str, Any] | None:
        """The stored profile (without the extraction cache), with the user's text if any."""
        doc = self.store.get_doc(user, PROFILE_DOC)
        if doc is None:
            return None
        shown = {k: v for k, v in doc.items() if k != "cache"}
        edit = self.store.get_doc(user, USER_TEXT_DOC)
        shown["user_text"] = edit.get("text") if edit else None
        shown["user_text_at"] = edit.get("edited_at") if edit else None
        return shown

    # -- building ----------------------------------------------------------------

    def rebuild(self, user: str, *, full: bool = False,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        """Re-mine ``user``'s routines and rewrite the summary; returns the stored profile.

        Each dialogue session is read with the last known state the earlier
        sessions leave. Sessions whose digest is in the cache, and whose cached
        reading used the same prior values, are not extracted again unless
        ``full``. ``progress(done, total)`` is called per dialogue session.
        """
        if user not in self.store.users():
            raise UnknownUserError(user)
        events = list(self.store.events(user=user))
        dialogue = [e for e in events if e.type == DIALOGUE_EVENT]
        other = [e for e in events if e.type != DIALOGUE_EVENT]
        sessions = events_to_sessions(dialogue)

        old = self.store.get_doc(user, PROFILE_DOC) or {}
        stale = full or old.get("version") != _VERSION or old.get("extractor") != self.extractor_name \
            or old.get("devices", DeviceSchema.default().digest) != self.schema.digest
        cache = {} if stale else dict(old.get("cache") or {})
        new_cache, mining, extracted = self._extract_sessions(sessions, cache, progress)

        routines = [routine_dict(r, confidence=True) for r in mine_routines(mining, self.config)] if mining else []
        home, other = self._home_routines(user, other)
        routines += home.routines
        # app contexts (time of day, weekday) are read on the user's own clock: the store's time zone
        found = mine_routines(app_sessions(other, tz=self.store.timezone), self.config) if other else []
        app_routines = [app_routine_dict(r) for r in found]
        if home.routines and not mining:  # a hub's store: the devices are the ones its entities derive
            summary, source = summarize(routines, self.llm, sessions=home.sessions, schema=home.schema)
        else:
            summary, source = self._summary(routines, len(sessions))
        doc = {
            "version": _VERSION,
            "user": user,
            "built_at": _now(),
            "extractor": self.extractor_name,
            "devices": self.schema.digest,
            "sessions": len(sessions),
            "app_events": len(other),
            "extracted_now": extracted,
            "routines": routines,
            "app_routines": app_routines,
            "summary": summary,
            "summary_source": source,
            "cache": new_cache,
        }
        self.store.put_doc(user, PROFILE_DOC, doc)
        return self.get(user)

    def _extract_sessions(self, sessions: list[dict[str, Any]], cache: dict[str, Any],
                          progress: Callable[[int, int], None] | None
                          ) -> tuple[dict[str, Any], list[MiningSession], int]:
        """Each session's cache entry (reused when :func:`_reusable`), its mining session, how many were read.

        Sessions are read in order, each with the last known state the earlier ones leave.
        """
        new_cache, mining, extracted = {}, [], 0
        state: dict[str, Any] = {}  # setting path -> the value the most recent session that set it gave
        for index, session in enumerate(sessions):
            key, digest = str(session["session_id"]), session_digest(session)
            entry = cache.get(key)
            if not _reusable(entry, digest, state):
                found = self._read(session["messages"], prior_state=unflatten_items(state.items()))
                entry = {"digest": digest, "actions": found.actions, "prior": found.prior_used}
                extracted += 1
            new_cache[key] = entry
            items = flatten_actions(entry["actions"])
            state.update(items)
            mining.append(MiningSession(dict(session.get("meta") or {}), items))
            if progress is not None:
                progress(index + 1, len(sessions))
        return new_cache, mining, extracted

    def _home_routines(self, user: str, events: list[Any]) -> tuple[_Home, list[Any]]:
        """Routines of Home Assistant device changes (``ha_state`` events), and the remaining app events.

        Device changes are mined as device sessions over the schema their
        entities derive (:mod:`edgerec.adapters.home_assistant`), not as app events.
        """
        if not any(e.type == HA_EVENT for e in events):
            return _Home([], None, 0), events
        from edgerec.adapters.ha_events import observe_entities
        from edgerec.adapters.ha_schema import derive_schema
        from edgerec.adapters.ha_sessions import cut_sessions, ha_events_of, mine_ha_routines

        ha = ha_events_of(self.store, user)
        schema = derive_schema(observe_entities(ha))
        found = mine_ha_routines(self.store, user, schema, config=self.config, events=ha)
        sessions = sum(s.user == user for s in cut_sessions(ha, tz=self.store.timezone, schema=schema))
        return _Home(found, schema, sessions), [e for e in events if e.type != HA_EVENT]

    def _summary(self, routines: list[dict[str, Any]], sessions: int) -> tuple[str, str]:
        return summarize(routines, self.llm, sessions=sessions, schema=self.schema)

    # -- editing -----------------------------------------------------------------

    def edit(self, user: str, text: str) -> dict[str, Any] | None:
        """Store the user's own version of their summary; it survives rebuilds."""
        if not text.strip():
            raise InputError("the profile text is empty; use reset to go back to the generated summary")
        if user not in self.store.users():
            raise UnknownUserError(user)
        self.store.put_doc(user, USER_TEXT_DOC, {"text": text.strip(), "edited_at": _now()}, derived=False)
        return self.get(user)

    def reset(self, user: str) -> dict[str, Any] | None:
        """Drop the user's own text: the generated summary shows again."""
        self.store.delete_doc(user, USER_TEXT_DOC)
        return self.get(user)
