"""The people of the Home Assistant generator: their routines, and when each runs.

Each person draws 3-5 routines from :data:`TEMPLATES` (never two whose moments
overlap), each with full device states as actions (never the hub's night-mode
state, so every run is a visible change). A time-of-day routine runs at a
habitual time (give or take 40 minutes) on most days its triggers hold;
another runs at a random moment its triggers hold. Some runs are partial, some
set a device twice, and people also make spontaneous changes.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from edgerec.timectx import local_context
from edgerec_bench.datasets.home_assistant_world import ENTITIES, WEATHER_OF, World, key_of, random_settings

__all__ = ["TEMPLATES", "NIGHT_MODE", "HaSynthConfig", "kind_of", "local_moment", "plan_routines", "plan_person"]

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


def kind_of(entity: str) -> str:
    kind = ENTITIES[entity][0]
    return "light" if kind.startswith("light") else kind


def _routine_settings(entity: str, rng: random.Random) -> dict[str, Any]:
    for _ in range(100):
        found = random_settings(entity, rng)
        if found != NIGHT_MODE.get(kind_of(entity)) and found.get("on", True):
            return found
    raise RuntimeError(f"no routine state for {entity}")  # pragma: no cover - the tables always allow one


def plan_routines(world: World, rng: random.Random, cfg: HaSynthConfig) -> list[tuple[dict[str, Any], list[datetime]]]:
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
    devices = [e for e in ENTITIES if kind_of(e) != "switch"]
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
        cached = [_meta(world, local_moment(world, day, m)) for day in range(world.days) for m in range(390, 1500, 20)]
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


def local_moment(world: World, day: int, minutes: int) -> datetime:
    date = world.start + timedelta(days=day)
    base = datetime.combine(date, time(0), tzinfo=world.tz)
    return (base + timedelta(minutes=minutes)).astimezone(timezone.utc)


def _run_moment(world: World, rng: random.Random, day: int, triggers: dict[str, str], habit: int | None) -> datetime | None:
    if habit is not None:
        for _ in range(10):
            moment = local_moment(world, day, habit + rng.randint(-40, 40)) + timedelta(seconds=rng.randint(0, 59))
            if _holds(world, moment, triggers):
                return moment
        return None
    awake = [m for m in range(6 * 60 + 30, 24 * 60, 10) if _holds(world, local_moment(world, day, m), triggers)]
    if not awake:
        return None
    return local_moment(world, day, rng.choice(awake) + rng.randint(0, 9)) + timedelta(seconds=rng.randint(0, 59))


def plan_person(world: World, rng: random.Random, cfg: HaSynthConfig, user: str, routines) -> tuple[list, dict]:
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
            moment = local_moment(world, day, rng.randint(7 * 60, 23 * 60)) + timedelta(seconds=rng.randint(0, 59))
            counts["spontaneous"] += 1
            for entity in rng.sample(sorted(ENTITIES), rng.randint(1, 2)):
                intents.append((moment, user, entity, random_settings(entity, rng)))
                moment += timedelta(seconds=rng.randint(10, 90))
    return intents, counts
