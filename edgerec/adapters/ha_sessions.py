"""People's device changes as mining sessions, with context from the hub and the local clock.

A person's state changes that follow each other within ``gap`` form one
session. Its items are the final settings of each device changed in it,
flattened as ``device.setting`` -> value (the shape of EdgeWisePersona routine
actions); its context is read when it starts:

* ``time_of_day`` and ``day_of_week`` on the store's wall clock
  (:func:`edgerec.timectx.local_context`);
* ``sun_phase`` from the latest ``sun.sun`` state (:func:`~edgerec.adapters.ha_states.sun_phase`);
* ``weather`` and ``outdoor_temp`` from the latest ``weather.*`` state and its
  ``temperature`` attribute.

Routines are then mined with :func:`edgerec.profile.mining.mine_routines`; a
sun phase the routine's time of day already implies is dropped (:func:`drop_implied_sun`).
Changes made under :data:`~edgerec.adapters.ha_states.HUB_USER` (devices,
automations, sensors) give context and are never a person's actions.

>>> hub = {"user": "ha:hub", "type": "ha_state", "item": "weather.home", "ts": "2026-01-05T06:00:00Z",
...        "context": {"state": "rainy", "attributes": {"temperature": 4.0}}}
>>> on = {"user": "u1", "type": "ha_state", "item": "light.hall", "ts": "2026-01-05T07:00:00Z",
...       "context": {"state": "on", "settings": {"on": True, "brightness": 40}}}
>>> (session,) = ha_sessions([hub, on], tz="Europe/Paris")
>>> session.meta, sorted(session.items)
({'time_of_day': 'morning', 'day_of_week': 'weekday', 'weather': 'rainy', 'outdoor_temp': 'cold'}, \
[('light_hall.brightness', 40), ('light_hall.on', True)])
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from statistics import median
from typing import Any, Iterable, Mapping, Sequence

from edgerec.adapters.ha_events import observe_entities
from edgerec.adapters.ha_schema import derive_schema, device_key
from edgerec.adapters.ha_states import DOMAINS, EVENT_TYPE, HUB_USER, sun_phase, temperature_bucket, weather_bucket
from edgerec.errors import UnknownUserError
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.mining import MiningConfig, MiningSession, mine_routines
from edgerec.profile.reconstruct import routine_dict
from edgerec.store.event import parse_ts
from edgerec.timectx import local_context, to_local

__all__ = ["DEFAULT_GAP", "HaSession", "cut_sessions", "ha_sessions", "ha_events_of", "weather_entity_of",
           "drop_implied_sun", "mine_ha_routines"]

#: Changes of one person further apart than this start a new session.
DEFAULT_GAP = timedelta(minutes=10)


@dataclass(frozen=True)
class HaSession:
    """One person's session: who, when it started, its context and final device settings."""

    user: str
    start: datetime
    meta: dict[str, str]
    items: frozenset

    def mining(self) -> MiningSession:
        return MiningSession(self.meta, self.items)


def _get(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, Mapping) else getattr(event, name, None)


class _Context:
    """The latest sun and weather states seen, read at a moment."""

    def __init__(self) -> None:
        self.sun: Mapping[str, Any] | None = None
        self.weather: Mapping[str, Any] | None = None

    def see(self, entity: str, context: Mapping[str, Any]) -> bool:
        if entity == "sun.sun":
            self.sun = context
        elif entity.startswith("weather."):
            self.weather = context
        else:
            return False
        return True

    def meta(self, moment: datetime, tz: str | tzinfo | None) -> dict[str, str]:
        meta = local_context(moment, tz)
        if self.sun is not None:
            phase = sun_phase(self.sun.get("state"), self.sun.get("attributes"), moment, tz)
            if phase:
                meta["sun_phase"] = phase
        if self.weather is not None:
            attrs = self.weather.get("attributes") or {}
            sky = weather_bucket(self.weather.get("state"))
            temp = temperature_bucket(attrs.get("temperature"), attrs.get("temperature_unit", "°C"))
            if sky:
                meta["weather"] = sky
            if temp:
                meta["outdoor_temp"] = temp
        return meta


def cut_sessions(events: Iterable[Any], *, tz: str | tzinfo | None = None, gap: timedelta = DEFAULT_GAP,
                 schema: DeviceSchema | None = None) -> list[HaSession]:
    """Every person's sessions in ``events`` (``ha_state`` store events or dicts), by start time.

    Only settings of the five device domains count as items; with ``schema``,
    only the ``device.setting`` values it allows.
    """
    ordered = sorted((e for e in events if _get(e, "type") == EVENT_TYPE), key=lambda e: parse_ts(_get(e, "ts")))
    context = _Context()
    open_: dict[str, dict] = {}
    done: list[HaSession] = []

    def close(user: str) -> None:
        s = open_.pop(user)
        items = set()
        for entity, settings in s["final"].items():
            for name, value in settings.items():
                path = f"{device_key(entity)}.{name}"
                if schema is None or schema.valid(path, value):
                    items.add((path, value))
        done.append(HaSession(user, s["start"], s["meta"], frozenset(items)))

    for event in ordered:
        entity, ctx, user = _get(event, "item") or "", _get(event, "context") or {}, _get(event, "user")
        ts = parse_ts(_get(event, "ts"))
        if context.see(entity, ctx) or user == HUB_USER or entity.split(".", 1)[0] not in DOMAINS:
            continue
        current = open_.get(user)
        if current is not None and ts - current["last"] > gap:
            close(user)
            current = None
        if current is None:
            current = open_[user] = {"start": ts, "meta": context.meta(ts, tz), "final": {}}
        current["last"] = ts
        current["final"][entity] = dict(ctx.get("settings") or {})
    for user in list(open_):
        close(user)
    done.sort(key=lambda s: (s.start, s.user))
    return done


def ha_sessions(events: Sequence[Any], *, tz: str | tzinfo | None = None, gap: timedelta = DEFAULT_GAP,
                schema: DeviceSchema | None = None) -> list[MiningSession]:
    """The mining sessions of the people in ``events`` (pass one person's events plus the hub's)."""
    return [s.mining() for s in cut_sessions(events, tz=tz, gap=gap, schema=schema)]


def ha_events_of(store: Any, user: str) -> list[Any]:
    """``user``'s ``ha_state`` events and the hub's (the context), merged in time order."""
    if user not in store.users():
        raise UnknownUserError(user)
    streams = [store.events(user=user, type=EVENT_TYPE)]
    if user != HUB_USER and HUB_USER in store.users():
        streams.append(store.events(user=HUB_USER, type=EVENT_TYPE))
    return list(heapq.merge(*streams, key=lambda e: (e.ts, e.id or 0)))


def weather_entity_of(events: Iterable[Any]) -> str | None:
    """The ``weather.*`` entity that reported most often in ``events``, or None."""
    counts: dict[str, int] = {}
    for event in events:
        entity = _get(event, "item") or ""
        if entity.startswith("weather."):
            counts[entity] = counts.get(entity, 0) + 1
    return max(sorted(counts), key=counts.get) if counts else None


def _typical_time(starts: Sequence[datetime], tz: str | tzinfo | None) -> str:
    """The median local time of day of ``starts`` as ``HH:MM`` (five-minute steps), counted from 05:00."""
    minutes = [(to_local(s, tz).hour * 60 + to_local(s, tz).minute - 300) % 1440 for s in starts]
    middle = (int(round(median(minutes) / 5.0)) * 5 + 300) % 1440
    return f"{middle // 60:02d}:{middle % 60:02d}"


def drop_implied_sun(triggers: dict[str, str], sessions: Sequence[HaSession], *, share: float = 0.97,
                     least: int = 10) -> dict[str, str]:
    """``triggers`` without a ``sun_phase`` that their ``time_of_day`` implies in these sessions.

    The sun phase follows the clock: in spring every afternoon is in daylight.
    When at least ``share`` of the (at least ``least``) sessions at the
    trigger's time of day have the trigger's sun phase, the phase adds nothing
    and is dropped. The miner's own implication pruning checks such links
    against sessions no routine explains, which are few on a hub; this one is
    known in advance, so it is applied directly.

    >>> s = [HaSession("u", None, {"time_of_day": "afternoon", "sun_phase": "daylight"}, frozenset())] * 12
    >>> drop_implied_sun({"time_of_day": "afternoon", "sun_phase": "daylight"}, s)
    {'time_of_day': 'afternoon'}
    """
    tod, sun = triggers.get("time_of_day"), triggers.get("sun_phase")
    if tod is None or sun is None:
        return triggers
    at_tod = [s for s in sessions if s.meta.get("time_of_day") == tod]
    if len(at_tod) >= least and sum(s.meta.get("sun_phase") == sun for s in at_tod) >= share * len(at_tod):
        return {k: v for k, v in triggers.items() if k != "sun_phase"}
    return triggers


def mine_ha_routines(store: Any, user: str, schema: DeviceSchema | None = None, *,
                     config: MiningConfig = MiningConfig(), gap: timedelta = DEFAULT_GAP,
                     with_times: bool = False, events: Sequence[Any] | None = None) -> list[dict]:
    """``user``'s routines from their HA device changes in ``store``, most supported first.

    Each is ``{"triggers", "actions"}`` over the device keys of ``schema``
    (None: derived from the user's and the hub's events, :func:`derive_schema`).
    ``with_times`` adds ``"support"`` (sessions behind it) and ``"at"`` (their
    median local start time, ``HH:MM``), which the automation writer uses for
    its time trigger; scoring wants them left out. ``events`` saves reading
    them again when the caller already holds :func:`ha_events_of` ``(store, user)``.
    """
    events = ha_events_of(store, user) if events is None else events
    if schema is None:
        schema = derive_schema(observe_entities(events))
    sessions = [s for s in cut_sessions(events, tz=store.timezone, gap=gap, schema=schema) if s.user == user]
    mined = mine_routines([s.mining() for s in sessions], config) if sessions else []
    routines = []
    for routine in mined:
        found = routine_dict(routine)
        found["triggers"] = drop_implied_sun(found["triggers"], sessions)
        if with_times:
            found["support"] = routine.support
            found["at"] = _typical_time([sessions[i].start for i in routine.sessions], store.timezone)
        routines.append(found)
    return routines
