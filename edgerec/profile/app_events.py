"""The routine miner on generic app events (plays, clicks, opens), not only dialogues.

Events are cut into sessions at gaps of inactivity; a session's context is the
time of day and day of the week of its first event, and its items are the
``(type, item)`` pairs it holds. :func:`edgerec.profile.mining.mine_routines`
then finds "on weekday mornings: play news-podcast, open weather".

>>> from datetime import datetime, timezone
>>> time_context(datetime(2025, 1, 4, 8, 30, tzinfo=timezone.utc))
{'time_of_day': 'morning', 'day_of_week': 'weekend'}
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from edgerec.profile.mining import MinedRoutine, MiningConfig, MiningSession, mine_routines

__all__ = ["time_context", "app_sessions", "app_routine_dict", "mine_app_routines"]


def time_context(ts: datetime) -> dict[str, str]:
    """Time of day (morning 5-12, afternoon 12-17, evening 17-22, night) and weekday/weekend."""
    hour = ts.hour
    if 5 <= hour < 12:
        part = "morning"
    elif 12 <= hour < 17:
        part = "afternoon"
    elif 17 <= hour < 22:
        part = "evening"
    else:
        part = "night"
    return {"time_of_day": part, "day_of_week": "weekend" if ts.weekday() >= 5 else "weekday"}


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, Mapping) else getattr(event, name, None)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def app_sessions(events: Iterable[Any], *, gap: timedelta = timedelta(minutes=30)) -> list[MiningSession]:
    """Cut time-ordered events (``Event`` objects or dicts with type, item, ts) into sessions.

    >>> evs = [{"type": "play", "item": "news", "ts": "2025-01-06T07:00:00+00:00"},
    ...        {"type": "open", "item": "weather", "ts": "2025-01-06T07:05:00+00:00"},
    ...        {"type": "play", "item": "jazz", "ts": "2025-01-06T20:00:00+00:00"}]
    >>> [(s.meta["time_of_day"], sorted(s.items)) for s in app_sessions(evs)]
    [('morning', [('open', 'weather'), ('play', 'news')]), ('evening', [('play', 'jazz')])]
    """
    ordered = sorted(((_as_datetime(_field(e, "ts")), e) for e in events), key=lambda pair: pair[0])
    sessions: list[MiningSession] = []
    start = last = None
    items: set[tuple[str, str]] = set()
    for ts, event in ordered:
        if last is not None and ts - last > gap:
            sessions.append(MiningSession(time_context(start), frozenset(items)))
            items, start = set(), None
        start = start or ts
        last = ts
        items.add((str(_field(event, "type")), str(_field(event, "item") or "")))
    if start is not None:
        sessions.append(MiningSession(time_context(start), frozenset(items)))
    return sessions


def app_routine_dict(routine: MinedRoutine) -> dict[str, Any]:
    """A mined app routine as ``{"triggers": {...}, "events": [{"type", "item"}, ...]}``."""
    events = [{"type": t, "item": i or None} for t, i in sorted(routine.items)]
    return {"triggers": dict(routine.triggers), "events": events}


def mine_app_routines(
    events: Sequence[Any], *, gap: timedelta = timedelta(minutes=30), config: MiningConfig = MiningConfig()
) -> list[dict[str, Any]]:
    """Routines of one user's app events, most supported first."""
    return [app_routine_dict(r) for r in mine_routines(app_sessions(events, gap=gap), config)]
