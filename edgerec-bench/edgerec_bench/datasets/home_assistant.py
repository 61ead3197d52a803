"""A Home Assistant event stream with routines known in advance: ``edgerec datasets home-assistant``.

One house (:mod:`~edgerec_bench.datasets.home_assistant_world`) and ``users``
people, each with 3-5 routines. Over ``days`` days the generator writes what
HA's event bus would emit, one JSON object a line, in time order:

* ``state_changed`` with ``old_state`` / ``new_state`` for every real change,
  with the person's ``context.user_id`` when a person made it. As in HA, a
  change to the state an entity already has emits nothing.
* From no user: ``sun.sun`` at sunrise and sunset (and elevation ticks),
  ``weather.home`` reports every one to three hours, thermostat temperature
  ticks, and a nightly "house to night mode" automation (lights and media off,
  thermostat to 17 °C, blinds closed; the alarm disarmed at 05:30).
* Other event types: ``call_service`` before each person's change,
  ``automation_triggered``, ``homeassistant_start``.

A routine runs on most days its triggers hold (``p_execute``), at a habitual
time for time-of-day routines, else at a moment its triggers hold; some runs
are partial (a subset of its devices), some adjust a device twice (the last
value counts). People also make spontaneous changes. Routine triggers are
drawn from templates that do not overlap in time, so each routine is
identifiable in principle; its actions are full device states (what a
session's final settings show), never the night-mode state.

``routines.jsonl`` holds the truth, one line per user in ``meta.json``'s
order: ``{"user": id, "routines": [{"triggers", "actions"}]}`` over device keys
``light_kitchen``, ``climate_living_room``... The same seed writes the same bytes.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from edgerec.timectx import local_context
from edgerec_bench.datasets.home_assistant_world import (ENTITIES, WEATHER_OF, World, key_of, random_settings,
                                                         render)

__all__ = ["HaSynthConfig", "TEMPLATES", "generate", "NIGHT_MODE"]

#: Trigger templates: (triggers, habitual window as local "HH:MM" start/end, or None: any moment they hold).
TEMPLATES: list[tuple[dict[str, str], tuple[str, str] | None]] = [
    ({"time_of_day": "morning", "day_of_week": "weekday"}, ("06:15", "08:45")),
    ({"time_of_day": "morning", "day_of_week": "weekend"}, ("08:15", "11:00")),
    ({"time_of_day": "afternoon", "day_of_week": "weekend"}, ("13:00", "16:30")),
    ({"time_of_day": "evening"}, ("17:45", "21:30")),
    ({"time_of_day": "night"}, ("22:15", "00:45")),
    ({"sun_phase": "after_sunset"}, None),
    ({"weather": "rainy"}, None),
    ({"weather": "sunny", "time_of_day": "afternoon"}, None),
    ({"outdoor_temp": "cold", "time_of_day": "evening"}, None),
]
#: Template pairs one person never has together (their moments overlap).
_CLASH = {frozenset(p) for p in [(3, 5), (4, 5), (3, 8), (5, 8), (2, 7), (6, 7)]}
#: What the nightly hub automation sets (routines never set these states).
NIGHT_MODE = {"light": {"on": False}, "media": {}, "climate": {"hvac_mode": "heat", "temperature": 17},
              "cover": {"position": 0}, "alarm": {"armed": False}}


@dataclass(frozen=True)
class HaSynthConfig:
    """Knobs of the generator; the defaults give about 200 sessions per person."""

    users: int = 3
    days: int = 80
    routines: tuple[int, int] = (3, 5)
    devices_per_routine: tuple[int, int] = (1, 3)
    p_execute: float = 0.85
    p_partial: float = 0.12
    p_adjust: float = 0.15
    spontaneous_per_day: float = 0.5
    max_confound: float = 0.7


def _kind(entity: str) -> str:
    kind = ENTITIES[entity][0]
    return "light" if kind.startswith("light") else kind


def _routine_settings(entity: str, rng: random.Random) -> dict[str, Any]:
    for _ in range(100):
        found = random_settings(entity, rng)
        if found != NIGHT_MODE.get(_kind(entity)) and found.get("on", True):
            return found
    raise RuntimeError(f"no routine state for {entity}")  # pragma: no cover - the tables always allow one


def _routines(world: World, rng: random.Random, cfg: HaSynthConfig) -> list[tuple[dict[str, Any], list[datetime]]]:
    """One person's routines ``{"triggers", "actions"}``, each with the moments it runs.

    A template whose runs would nearly always share another context value (a
    weekend-morning habit that always falls in daylight) is redrawn: no miner
    could tell that value from a trigger, so it could not be the known truth.
    """
    n = rng.randint(*cfg.routines)
    chosen: list[tuple[int, list[datetime]]] = []
    for index in rng.sample(range(len(TEMPLATES)), len(TEMPLATES)):
        if len(chosen) == n:
            break
        if any(frozenset((index, c)) in _CLASH for c, _ in chosen):
            continue
        moments = _schedule(world, rng, cfg, *TEMPLATES[index])
        if moments is not None:
            chosen.append((index, moments))
    devices = [e for e in ENTITIES if _kind(e) != "switch"]
    out, used = [], []
    for index, moments in sorted(chosen):
        actions: dict[str, Any] = {}
        while not actions or actions in used:
            picked = rng.sample(devices, rng.randint(*cfg.devices_per_routine))
            actions = {key_of(e): _routine_settings(e, rng) for e in sorted(picked)}
        used.append(actions)
        out.append(({"triggers": dict(TEMPLATES[index][0]), "actions": actions}, moments))
    return out


def _schedule(world: World, rng: random.Random, cfg: HaSynthConfig, triggers: dict[str, str],
              window: tuple[str, str] | None) -> list[datetime] | None:
    """The moments a routine runs (a habit within ``window``, else any moment its triggers hold), or None
    when its runs would be too few, or would nearly always share a context value besides its triggers, more
    often than the moments its triggers hold do, and the triggers do not imply it (afternoon implies
    daylight; a weekend-morning habit does not)."""
    for _ in range(8 if window is not None else 1):
        habit = None
        if window is not None:
            start, end = (_minutes(t) for t in window)
            end += 1440 if end < start else 0
            habit = rng.randint(start + 20, end - 20)
        moments = [m for day in range(world.days) if rng.random() < cfg.p_execute
                   and (m := _run_moment(world, rng, day, triggers, habit)) is not None]
        if len(moments) < 8:
            continue
        metas = [_meta(world, m) for m in moments]
        holding = [meta for meta in _background(world) if all(meta[k] == v for k, v in triggers.items())]
        confounded = False
        for key in metas[0]:
            if key in triggers:
                continue
            value, count = Counter(meta[key] for meta in metas).most_common(1)[0]
            implied = sum(meta[key] == value for meta in holding) / max(len(holding), 1)
            share = count / len(metas)
            confounded |= share >= cfg.max_confound and implied < 0.97 and share - implied >= 0.1
        if not confounded:
            return moments
    return None


def _background(world: World) -> list[dict[str, str]]:
    """The context of every awake moment of the period (every 20 minutes, 06:30-01:00), computed once."""
    cached = getattr(world, "_background", None)
    if cached is None:
        cached = [_meta(world, _local(world, day, m)) for day in range(world.days) for m in range(390, 1500, 20)]
        world._background = cached
    return cached


def _minutes(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def _meta(world: World, moment: datetime) -> dict[str, str]:
    condition, temp = world.weather_at(moment)
    buckets = [("very cold", -99), ("cold", 0), ("mild", 10), ("warm", 20), ("hot", 28)]
    return {**local_context(moment, world.tz), "sun_phase": world.sun_phase(moment), "weather": WEATHER_OF[condition],
            "outdoor_temp": [name for name, low in buckets if temp >= low][-1]}


def _holds(world: World, moment: datetime, triggers: dict[str, str]) -> bool:
    meta = _meta(world, moment)
    return all(meta[k] == v for k, v in triggers.items())


def _local(world: World, day: int, minutes: int) -> datetime:
    date = world.start + timedelta(days=day)
    base = datetime.combine(date, time(0), tzinfo=world.tz)
    return (base + timedelta(minutes=minutes)).astimezone(timezone.utc)


def _run_moment(world: World, rng: random.Random, day: int, triggers: dict[str, str], habit: int | None) -> datetime | None:
    if habit is not None:
        for _ in range(10):
            moment = _local(world, day, habit + rng.randint(-40, 40)) + timedelta(seconds=rng.randint(0, 59))
            if _holds(world, moment, triggers):
                return moment
        return None
    awake = [m for m in range(6 * 60 + 30, 24 * 60, 10) if _holds(world, _local(world, day, m), triggers)]
    if not awake:
        return None
    return _local(world, day, rng.choice(awake) + rng.randint(0, 9)) + timedelta(seconds=rng.randint(0, 59))


def _plan_person(world: World, rng: random.Random, cfg: HaSynthConfig, user: str, routines) -> tuple[list, dict]:
    """Timed intents ``(utc, user, entity, settings)`` of one person and counts of their runs."""
    intents: list[tuple[datetime, str | None, str, dict]] = []
    counts = {"routine_runs": 0, "partial_runs": 0, "spontaneous": 0}
    by_key = {key_of(e): e for e in ENTITIES}
    for routine, moments in routines:
        for moment in moments:
            keys = sorted(routine["actions"])
            if len(keys) > 1 and rng.random() < cfg.p_partial:
                keys = sorted(rng.sample(keys, rng.randint(1, len(keys) - 1)))
                counts["partial_runs"] += 1
            counts["routine_runs"] += 1
            for key in rng.sample(keys, len(keys)):
                entity = by_key[key]
                if rng.random() < cfg.p_adjust:
                    intents.append((moment, user, entity, random_settings(entity, rng)))
                    moment += timedelta(seconds=rng.randint(30, 150))
                intents.append((moment, user, entity, routine["actions"][key]))
                moment += timedelta(seconds=rng.randint(10, 90))
    for day in range(world.days):
        if rng.random() < cfg.spontaneous_per_day:
            moment = _local(world, day, rng.randint(7 * 60, 23 * 60)) + timedelta(seconds=rng.randint(0, 59))
            counts["spontaneous"] += 1
            for entity in rng.sample(sorted(ENTITIES), rng.randint(1, 2)):
                intents.append((moment, user, entity, random_settings(entity, rng)))
                moment += timedelta(seconds=rng.randint(10, 90))
    return intents, counts


def _hub_intents(world: World, rng: random.Random) -> list[tuple[datetime, str | None, str, dict]]:
    intents = []
    for day in range(world.days):
        night = _local(world, day, 25 * 60 + 30) + timedelta(seconds=rng.randint(0, 30))
        for entity in sorted(ENTITIES):
            kind = _kind(entity)
            if kind in ("light", "media", "climate", "cover"):
                intents.append((night, None, entity, NIGHT_MODE[kind]))
        intents.append((_local(world, day + 1, 5 * 60 + 30), None, "alarm_control_panel.home", NIGHT_MODE["alarm"]))
    return intents


class _Bus:
    """Current states and the records HA would emit, in time order."""

    def __init__(self, rng: random.Random):
        self.rng, self.states, self.lines = rng, {}, []

    def _context(self, user: str | None, parent: str | None = None) -> dict[str, Any]:
        return {"id": uuid.UUID(int=self.rng.getrandbits(128)).hex.upper()[:26], "parent_id": parent, "user_id": user}

    def emit(self, when: datetime, event_type: str, data: dict[str, Any], context: dict[str, Any]) -> None:
        self.lines.append({"event_type": event_type, "data": data, "origin": "LOCAL",
                           "time_fired": when.isoformat(timespec="microseconds"), "context": context})

    def set(self, when: datetime, entity: str, state: str, attrs: dict[str, Any], context: dict[str, Any]) -> bool:
        old = self.states.get(entity)
        if old is not None and old["state"] == state and old["attributes"] == attrs:
            return False
        stamp = when.isoformat(timespec="microseconds")
        changed = stamp if old is None or old["state"] != state else old["last_changed"]
        new = {"entity_id": entity, "state": state, "attributes": attrs, "last_changed": changed,
               "last_updated": stamp, "context": context}
        self.emit(when, "state_changed", {"entity_id": entity, "old_state": old, "new_state": new}, context)
        self.states[entity] = new
        return True


def _sun_attrs(world: World, day: int, up: bool, elevation: float) -> dict[str, Any]:
    nxt = lambda times: times[min(day + 1, len(times) - 1)].isoformat()
    return {"next_rising": nxt(world.sunrise), "next_setting": world.sunset[day].isoformat() if up else nxt(world.sunset),
            "elevation": elevation, "rising": up, "friendly_name": "Sun"}


def generate(out: str | Path, *, users: int = 3, days: int = 80, seed: int = 0, config: HaSynthConfig | None = None,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Write ``events.jsonl``, ``routines.jsonl`` and ``meta.json`` into ``out``; returns a summary."""
    cfg = HaSynthConfig(**{**asdict(config or HaSynthConfig()), "users": users, "days": days})
    rng = random.Random(seed)
    world = World.build(rng, days=cfg.days)
    people = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(cfg.users)]
    plans, truth, runs = [], [], {}
    for user in people:
        routines = _routines(world, rng, cfg)
        intents, counts = _plan_person(world, rng, cfg, user, routines)
        plans += intents
        truth.append({"user": user, "routines": [r for r, _ in routines]})
        runs[user] = counts
        if progress is not None:
            progress(1)
    plans += _hub_intents(world, rng)
    bus = _Bus(rng)
    start = world.reports[0][0]
    bus.emit(start, "homeassistant_start", {}, bus._context(None))
    timeline: list[tuple[datetime, int, Any]] = [(when, 1, ("intent", user, entity, settings))
                                                 for when, user, entity, settings in plans]
    for d in range(world.days + 1):
        timeline.append((world.sunrise[d], 0, ("sun", d, True)))
        timeline.append((world.sunset[d], 0, ("sun", d, False)))
        timeline.append((world.sunrise[d] + (world.sunset[d] - world.sunrise[d]) / 2, 0, ("tick", d, True)))
    timeline += [(when, 0, ("weather", condition, temp)) for when, condition, temp in world.reports]
    timeline = [(t, order, n, item) for n, (t, order, item) in enumerate(timeline)]
    timeline.sort(key=lambda x: (x[0], x[1], x[2]))
    for entity in sorted(ENTITIES):
        state, attrs = render(entity, {"light": {"on": False}, "media": {}, "climate": NIGHT_MODE["climate"],
                                       "cover": {"position": 0}, "alarm": {"armed": False}}.get(_kind(entity), {}))
        bus.set(start, entity, state, attrs, bus._context(None))
    for when, _, _, item in timeline:
        if item[0] == "sun":
            _, day, up = item
            bus.set(when, "sun.sun", "above_horizon" if up else "below_horizon", _sun_attrs(world, day, up, 0.0),
                    bus._context(None))
        elif item[0] == "tick":
            _, day, up = item
            bus.set(when, "sun.sun", "above_horizon", _sun_attrs(world, day, up, 24.5), bus._context(None))
        elif item[0] == "weather":
            _, condition, temp = item
            bus.set(when, "weather.home", condition, {"temperature": temp, "temperature_unit": "°C", "humidity": 80,
                                                      "friendly_name": "Home"}, bus._context(None))
        else:
            _, user, entity, settings = item
            state, attrs = render(entity, settings)
            if user is None:
                parent = bus._context(None)
                bus.emit(when, "automation_triggered", {"name": "House to night mode",
                                                        "entity_id": "automation.night_mode"}, parent)
                bus.set(when, entity, state, attrs, bus._context(None, parent["id"]))
            else:
                context = bus._context(user)
                domain = entity.split(".")[0]
                bus.emit(when, "call_service", {"domain": domain, "service": "set_state", "service_data":
                                                {"entity_id": entity}}, context)
                bus.set(when, entity, state, attrs, context)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
        for line in bus.lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    with (out / "routines.jsonl").open("w", encoding="utf-8") as handle:
        for row in truth:
            handle.write(json.dumps(row) + "\n")
    kinds: dict[str, int] = {}
    for line in bus.lines:
        kinds[line["event_type"]] = kinds.get(line["event_type"], 0) + 1
    meta = {"generator": "edgerec-bench home-assistant", "seed": seed, "timezone": world.tz.key,
            "start": world.start.isoformat(), "days": cfg.days, "users": people, "config": asdict(cfg)}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return {"users": len(people), "days": cfg.days, "routines": sum(len(t["routines"]) for t in truth),
            "events": len(bus.lines), "event_types": dict(sorted(kinds.items())), "runs": runs,
            "timezone": world.tz.key}
