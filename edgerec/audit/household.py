"""A small synthetic household for the audits: dialogue sessions with routines, and app events.

The audits need a store that looks like a real one: people asking for device
settings at regular times (so routines are mined and a profile is written) and
an app logging plays. :func:`household_sessions` writes such sessions for the
shipped EdgeWisePersona devices in its own phrasing; ``asides`` are sentences
slipped into user turns (where canaries and planted PII ride along).

>>> s = household_sessions(seed=1, count=6)
>>> len(s), sorted(s[0])
(6, ['messages', 'meta', 'session_id'])
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

__all__ = ["ROUTINE_REQUESTS", "household_sessions", "app_events"]

#: Three habits, each with a context and a few ways to ask for it.
ROUTINE_REQUESTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "morning": (
        {"time_of_day": "morning", "day_of_week": "weekday"},
        ["Could you put the AC on heat at 23 degrees? And lights to warm.",
         "AC heat 23 please, and make the lights warm.",
         "Warm lights, and set the AC to heat mode at 23 degrees."],
    ),
    "evening": (
        {"time_of_day": "evening", "sun_phase": "after_sunset"},
        ["Set the TV volume to 20 and switch to Netflix.",
         "Netflix on the TV please, volume 20.",
         "TV to Netflix, volume at 20."],
    ),
    "night": (
        {"time_of_day": "night"},
        ["Arm the security system.", "Please arm security for the night.", "Security armed, thanks."],
    ),
}
_SPONTANEOUS = ["Speaker volume 15 with bass boost.", "Lights to cool please, brightness 70.", "AC to cool at 19 degrees."]
_META = {"time_of_day": ["morning", "afternoon", "evening", "night"], "day_of_week": ["weekday", "weekend"],
         "sun_phase": ["before_sunrise", "daylight", "after_sunset"], "weather": ["sunny", "cloudy", "rainy", "snowy"],
         "outdoor_temp": ["very cold", "cold", "mild", "warm", "hot"]}


def household_sessions(*, seed: int, count: int = 24, asides: Sequence[str] = (),
                       aside_rate: float = 0.5) -> list[dict[str, Any]]:
    """``count`` sessions: four in five follow one of the three habits, the rest are spontaneous.

    Each aside is said at least once (in order, first sessions first), then again
    at random with probability ``aside_rate``; an aside goes before or after the
    request, in the same turn, as people mention things in passing.
    """
    rng = random.Random(seed)
    habits = list(ROUTINE_REQUESTS)
    out = []
    for sid in range(count):
        meta = {k: rng.choice(v) for k, v in _META.items()}
        if rng.random() < 0.8:
            fixed, phrasings = ROUTINE_REQUESTS[habits[sid % len(habits)]]
            meta.update(fixed)
            request = rng.choice(phrasings)
        else:
            request = rng.choice(_SPONTANEOUS)
        text = request
        if asides and (sid < len(asides) or rng.random() < aside_rate):
            aside = asides[sid] if sid < len(asides) else rng.choice(list(asides))
            text = f"{aside} {request}" if rng.random() < 0.5 else f"{request} {aside}"
        out.append({"session_id": sid, "meta": meta,
                    "messages": [{"role": "user", "text": text}, {"role": "assistant", "text": "Done."}]})
    return out


def app_events(user: str, items: Sequence[str], *, seed: int, days: int = 14,
               start: datetime = datetime(2025, 3, 3, 7, 30, tzinfo=timezone.utc)) -> list[dict[str, Any]]:
    """A week or two of plays: each morning the user plays the first item, and a random other one.

    Returned as event dicts for :meth:`EventStore.log_many`.
    """
    rng = random.Random(seed)
    out = []
    for day in range(days):
        ts = start + timedelta(days=day)
        out.append({"user": user, "type": "play", "item": items[0], "ts": ts.isoformat()})
        other = rng.choice(list(items[1:]) or list(items))
        out.append({"user": user, "type": "play", "item": other, "ts": (ts + timedelta(minutes=5)).isoformat()})
    return out
