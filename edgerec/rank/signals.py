"""From stored events to the signed interactions the ranker uses.

Only events that name an ``item`` count. Their strength (positive = liked,
negative = disliked), by event type, case-insensitive:

======================================================= ========
type                                                    strength
======================================================= ========
like, love, favorite, purchase, buy, save, add          +2.0
play, watch, listen, read, complete, open, select       +1.0
click, view                                             +0.5
skip                                                    -0.5
dismiss, hide, remove                                   -1.0
dislike                                                 -2.0
rate / any event whose context holds ``{"rating": r}``   r >= 4: +1, r = 3: +0.5, r <= 2: -1
======================================================= ========

A ``rating`` in the context wins over the type (ratings on a 1-5 scale; half
stars round down). Other types (device changes, dialogue turns...) are ignored.
Each interaction carries the event's time context: ``time_of_day`` and
``day_of_week`` from the event's context when present, else derived from its
timestamp on the user's wall clock: the store's time zone
(:func:`edgerec.timectx.local_context`).

>>> from datetime import datetime, timezone
>>> from edgerec.store import Event
>>> ts = datetime(2026, 11, 22, 8, tzinfo=timezone.utc)
>>> h = history_from_events([Event("u", "play", ts, item="a"), Event("u", "rate", ts, item="b", context={"rating": 2})])
>>> list(zip(h.items, h.strength.tolist()))
[('a', 1.0), ('b', -1.0)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import tzinfo

from edgerec.rank.history import Interaction, UserHistory
from edgerec.timectx import local_context

__all__ = ["EVENT_STRENGTH", "event_strength", "history_from_events", "history_from_store"]

EVENT_STRENGTH: dict[str, float] = {
    **dict.fromkeys(("like", "love", "favorite", "purchase", "buy", "save", "add"), 2.0),
    **dict.fromkeys(("play", "watch", "listen", "read", "complete", "open", "select"), 1.0),
    **dict.fromkeys(("click", "view"), 0.5),
    "skip": -0.5,
    **dict.fromkeys(("dismiss", "hide", "remove"), -1.0),
    "dislike": -2.0,
}


def _rating_strength(rating: float) -> float:
    stars = math.floor(rating)
    return 1.0 if stars >= 4 else 0.5 if stars == 3 else -1.0


def event_strength(type: str, context: dict | None = None) -> float:
    """Signed strength of one event (0 means the event does not count).

    >>> event_strength("dismiss"), event_strength("rate", {"rating": 5}), event_strength("tv_on")
    (-1.0, 1.0, 0.0)
    """
    rating = (context or {}).get("rating")
    if isinstance(rating, (int, float)) and not isinstance(rating, bool) and math.isfinite(rating):
        return _rating_strength(float(rating))
    return EVENT_STRENGTH.get(type.lower(), 0.0)


def history_from_events(events: Iterable, tz: str | tzinfo | None = None) -> UserHistory:
    """Turn store events (:class:`edgerec.store.Event`) into a :class:`UserHistory`.

    Contexts missing from an event are read from its timestamp in ``tz`` (an
    IANA name; None means UTC).
    """
    rows = []
    for event in events:
        if not event.item:
            continue
        strength = event_strength(event.type, event.context)
        if strength == 0.0:
            continue
        ctx = local_context(event.ts, tz)
        for key in ("time_of_day", "day_of_week"):
            value = (event.context or {}).get(key)
            if isinstance(value, str):
                ctx[key] = value
        rows.append(Interaction(event.item, strength, event.ts, ctx))
    return UserHistory.from_interactions(rows)


def history_from_store(store, user: str) -> UserHistory:
    """The history of ``user`` read from an open :class:`edgerec.store.EventStore`, in the store's time zone."""
    return history_from_events(store.events(user=user), store.timezone)
