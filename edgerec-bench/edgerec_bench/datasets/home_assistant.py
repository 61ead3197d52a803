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
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from edgerec_bench.datasets.home_assistant_people import (NIGHT_MODE, TEMPLATES, HaSynthConfig, kind_of, local_moment,
                                                          plan_person, plan_routines)
from edgerec_bench.datasets.home_assistant_world import ENTITIES, World, render

__all__ = ["HaSynthConfig", "TEMPLATES", "generate", "NIGHT_MODE"]


def _hub_intents(world: World, rng: random.Random) -> list[tuple[datetime, str | None, str, dict]]:
    intents = []
    for day in range(world.days):
        night = local_moment(world, day, 25 * 60 + 30) + timedelta(seconds=rng.randint(0, 30))
        for entity in sorted(ENTITIES):
            kind = kind_of(entity)
            if kind in ("light", "media", "climate", "cover"):
                intents.append((night, None, entity, NIGHT_MODE[kind]))
        intents.append((local_moment(world, day + 1, 5 * 60 + 30), None, "alarm_control_panel.home", NIGHT_MODE["alarm"]))
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
        routines = plan_routines(world, rng, cfg)
        intents, counts = plan_person(world, rng, cfg, user, routines)
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
                                       "cover": {"position": 0}, "alarm": {"armed": False}}.get(kind_of(entity), {}))
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
