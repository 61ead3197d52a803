"""The routine miner on generic app events (plays, clicks, opens), not only dialogues.

Events are cut into sessions at gaps of inactivity; a session's context is the
time of day and day of the week of its first event on the user's own wall clock
(the store's time zone, :func:`edgerec.timectx.local_context`), and its items
are the ``(type, item)`` pairs it holds. :func:`edgerec.profile.mining.mine_routines`
then finds "on weekday mornings: play news-podcast, open weather".

>>> evs = [{"type": "play", "item": "news", "ts": "2025-01-05T22:00:00+00:00"}]
>>> [s.meta for s in app_sessions(evs, tz="Asia/Tokyo")]   # Monday 07:00 in Tokyo
[{'time_of_day': 'morning', 'day_of_week': 'weekday'}]
"""

from __future__ import annotations

from datetime import timedelta, tzinfo
from typing import Any, Iterable, Mapping, Sequence

from edgerec.profile.mining import MinedRoutine, MiningConfig, MiningSession, mine_routines
from edgerec.timectx import local_context, to_local

__all__ = ["app_sessions", "app_routine_dict", "mine_app_routines"]


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, Mapping) else getattr(event, name, None)


def app_sessions(events: Iterable[Any], *, gap: timedelta = timedelta(minutes=30),
                 tz: str | tzinfo | None = None) -> list[MiningSession]:
    """Cut time-ordered events (``Event`` objects or dicts with type, item, ts) into sessions.

    Each session's context is read on the wall clock of ``tz`` (an IANA name;
    None means UTC): pass the store's :attr:`~edgerec.store.EventStore.timezone`.

    >>> evs = [{"type": "play", "item": "news", "ts": "2025-01-06T07:00:00+00:00"},
    ...        {"type": "open", "item": "weather", "ts": "2025-01-06T07:05:00+00:00"},
    ...        {"type": "play", "item": "jazz", "ts": "2025-01-06T20:00:00+00:00"}]
    >>> [(s.meta["time_of_day"], sorted(s.items)) for s in app_sessions(evs)]
    [('morning', [('open', 'weather'), ('play', 'news')]), ('evening', [('play', 'jazz')])]
    """
    ordered = sorted(((to_local(_field(e, "ts"), None), e) for e in events), key=lambda pair: pair[0])
    sessions: list[MiningSession] = []
    start = last = None
    items: set[tuple[str, str]] = set()
    for ts, event in ordered:
        if last is not None and ts - last > gap:
            sessions.append(MiningSession(local_context(start, tz), frozenset(items)))
            items, start = set(), None
        start = start or ts
        last = ts
        items.add((str(_field(event, "type")), str(_field(event, "item") or "")))
    if start is not None:
        sessions.append(MiningSession(local_context(start, tz), frozenset(items)))
    return sessions


def app_routine_dict(routine: MinedRoutine) -> dict[str, Any]:
    """A mined app routine as ``{"triggers": {...}, "events": [{"type", "item"}, ...]}``."""
    events = [{"type": t, "item": i or None} for t, i in sorted(routine.items)]
    return {"triggers": dict(routine.triggers), "events": events}


def mine_app_routines(
    events: Sequence[Any], *, gap: timedelta = timedelta(minutes=30), config: MiningConfig = MiningConfig(),
    tz: str | tzinfo | None = None,
) -> list[dict[str, Any]]:
    """Routines of one user's app events, most supported first, in the time zone ``tz`` (None: UTC)."""
    return [app_routine_dict(r) for r in mine_routines(app_sessions(events, gap=gap, tz=tz), config)]
