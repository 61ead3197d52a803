"""``--seed-demo``: four weeks of plausible listening, so the first run has something to show.

The listener has two habits and a taste:

* on weekday mornings, *Kettle and Steam* then *Slow Sunrise* with the coffee;
* on weekend evenings, *Blue Lanterns* and *Smoke and Velvet*;
* otherwise jazz, folk and ambient, with a few likes, and skips of metal and trap.

Times are drawn on the store's wall clock (its time zone) and stored in UTC, as the
store expects. The same seed and end date give the same events.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = ["demo_events", "MORNING", "WEEKEND_EVENING"]

MORNING = ("clas-01", "folk-07")
WEEKEND_EVENING = ("jazz-01", "jazz-02")
FAVOURITES = ("jazz-03", "jazz-06", "folk-01", "folk-03", "ambi-01", "ambi-02", "ambi-04", "clas-03", "wrld-04")
DISLIKED = ("metl-01", "metl-03", "hiph-03")


def _at(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(timezone.utc)


def demo_events(user: str, *, end: date, tz: str = "UTC", days: int = 28, seed: int = 7) -> list[dict]:
    """``user``'s listening over the ``days`` days before ``end``, as store events (dicts).

    >>> evs = demo_events("sam", end=date(2026, 12, 1), days=7)
    >>> sorted({e["type"] for e in evs})
    ['like', 'play', 'skip']
    >>> all(e["ts"] < "2026-12-01" for e in evs)
    True
    """
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    events: list[dict] = []

    def session(day: date, hour: int, items: list[tuple[str, str]]) -> None:
        start = rng.randrange(0, 20)
        for n, (kind, item) in enumerate(items):
            events.append({"user": user, "type": kind, "item": item,
                           "ts": _at(day, hour, start + 9 * n, zone).isoformat()})

    for back in range(days, 0, -1):
        day = end - timedelta(days=back)
        weekend = day.weekday() >= 5
        if not weekend:
            session(day, 7, [("play", MORNING[0]), ("play", MORNING[1])])
        if weekend:
            session(day, 20, [("play", WEEKEND_EVENING[0]), ("play", WEEKEND_EVENING[1])])
        if rng.random() < 0.7:  # an afternoon or evening of something else
            hour = rng.choice([13, 15, 17]) if weekend else rng.choice([12, 18])
            picks = rng.sample(FAVOURITES, 2)
            items = [("play", picks[0]), ("play", picks[1])]
            if rng.random() < 0.35:
                items.append(("like", picks[1]))
            if rng.random() < 0.25:
                items.append(("skip", rng.choice(DISLIKED)))
            session(day, hour, items)
    return events
