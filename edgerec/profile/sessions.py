"""Dialogue sessions as store events, and back.

A session is ``{"session_id": int, "meta": {...}, "messages": [{"role", "text"}]}``
(the EdgeWisePersona shape). Each message turn is stored as one ``dialogue``
event whose context holds the session's meta fields plus ``session_id``,
``turn`` and ``role``; :func:`events_to_sessions` rebuilds the sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from edgerec.errors import InputError
from edgerec.profile.schema import META_FIELDS

__all__ = ["DIALOGUE_EVENT", "session_to_events", "user_events", "events_to_sessions"]

DIALOGUE_EVENT = "dialogue"
_EPOCH = datetime(2025, 1, 6, tzinfo=timezone.utc)


def session_to_events(
    user: str, session: Mapping[str, Any], *, position: int = 0, start: datetime = _EPOCH
) -> list[dict[str, Any]]:
    """One store event (as a dict for ``EventStore.log_many``) per message turn.

    ``type`` is ``"dialogue"``, ``text`` the message, and ``context`` holds the
    session's meta fields plus ``session_id``, ``turn`` and ``role``. The data
    has no clock time, so ``ts`` is synthetic: ``start`` + ``position`` hours +
    ``turn`` seconds, which keeps the store's ts order equal to the file order.
    ``applied_routines`` is never copied.

    >>> e = session_to_events("u0", {"session_id": 7, "meta": {"weather": "rainy"},
    ...     "messages": [{"role": "user", "text": "hi"}], "applied_routines": [1]})
    >>> e[0]["context"], e[0]["ts"]
    ({'weather': 'rainy', 'session_id': 7, 'turn': 0, 'role': 'user'}, '2025-01-06T00:00:00+00:00')
    """
    base = start + timedelta(hours=position)
    events = []
    for turn, message in enumerate(session["messages"]):
        context = dict(session["meta"])
        context.update(session_id=session["session_id"], turn=turn, role=message["role"])
        events.append(
            {
                "user": user,
                "type": DIALOGUE_EVENT,
                "ts": (base + timedelta(seconds=turn)).isoformat(),
                "item": None,
                "context": context,
                "text": message["text"],
            }
        )
    return events


def user_events(user: str, sessions: Iterable[Mapping[str, Any]], **kwargs: Any) -> Iterator[dict[str, Any]]:
    """All dialogue events of one user's sessions, in order (see :func:`session_to_events`)."""
    for position, session in enumerate(sessions):
        yield from session_to_events(user, session, position=position, **kwargs)


def events_to_sessions(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Rebuild sessions from dialogue events (``Event`` objects or dicts).

    Events of other types are skipped. Sessions come out in order of first
    appearance, turns sorted by ``turn``; the result never has
    ``applied_routines``.

    >>> s = {"session_id": 3, "meta": {"time_of_day": "evening"},
    ...      "messages": [{"role": "user", "text": "tv on"}, {"role": "assistant", "text": "done"}]}
    >>> events_to_sessions(list(user_events("u", [s]))) == [s]
    True
    """
    grouped: dict[Any, dict[str, Any]] = {}
    for event in events:
        get = event.get if isinstance(event, Mapping) else lambda k, e=event: getattr(e, k, None)
        if get("type") != DIALOGUE_EVENT:
            continue
        context = dict(get("context") or {})
        if "session_id" not in context:
            raise InputError("a dialogue event has no session_id in its context")
        sid = context.pop("session_id")
        turn = context.pop("turn", 0)
        role = context.pop("role", "user")
        meta = {k: v for k, v in context.items() if k in META_FIELDS}
        session = grouped.setdefault(sid, {"session_id": sid, "meta": meta, "turns": []})
        session["turns"].append((turn, {"role": role, "text": get("text") or ""}))
    out = []
    for session in grouped.values():
        turns = session.pop("turns")
        turns.sort(key=lambda pair: pair[0])
        session["messages"] = [message for _, message in turns]
        out.append(session)
    return out
