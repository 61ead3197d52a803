"""The world behind a synthetic EdgeWisePersona user: coherent meta and routines.

Meta is *coherent*: the sun phase fits the time of day, the outdoor
temperature fits the weather. A user's routines have trigger sets that never
nest, often overlap, and actions that often share a device with other values.

>>> import random
>>> meta = sample_meta(random.Random(0), {"time_of_day": "afternoon"})
>>> meta["sun_phase"]
'daylight'
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Callable

from edgerec_bench.datasets.edgewise import DEVICE_FIELDS, META_FIELDS

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["sample_meta", "matches", "random_value", "different_value", "make_routines"]


# --- meta ---------------------------------------------------------------------

_SUN_GIVEN_TIME = {
    "morning": {"before_sunrise": 0.35, "daylight": 0.65},
    "afternoon": {"daylight": 1.0},
    "evening": {"after_sunset": 0.7, "daylight": 0.3},
    "night": {"after_sunset": 0.6, "before_sunrise": 0.4},
}
_WEATHER = {"sunny": 0.35, "cloudy": 0.3, "rainy": 0.2, "snowy": 0.15}
_TEMP_GIVEN_WEATHER = {
    "sunny": {"very cold": 0.05, "cold": 0.15, "mild": 0.3, "warm": 0.3, "hot": 0.2},
    "cloudy": {"very cold": 0.1, "cold": 0.25, "mild": 0.35, "warm": 0.25, "hot": 0.05},
    "rainy": {"cold": 0.35, "mild": 0.45, "warm": 0.2},
    "snowy": {"very cold": 0.6, "cold": 0.4},
}
_TRIGGER_WEIGHTS = {"time_of_day": 5.0, "day_of_week": 3.0, "weather": 3.0, "outdoor_temp": 2.0, "sun_phase": 1.5}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _coherent(meta: dict[str, str]) -> bool:
    tod, sun = meta.get("time_of_day"), meta.get("sun_phase")
    weather, temp = meta.get("weather"), meta.get("outdoor_temp")
    if tod and sun and sun not in _SUN_GIVEN_TIME[tod]:
        return False
    if weather and temp and temp not in _TEMP_GIVEN_WEATHER[weather]:
        return False
    return True


def sample_meta(rng: random.Random, fixed: dict[str, str] | None = None) -> dict[str, str] | None:
    """A coherent full meta agreeing with ``fixed``; None if none found quickly."""
    fixed = fixed or {}
    for _ in range(200):
        meta = dict(fixed)
        meta.setdefault("time_of_day", rng.choice(META_FIELDS["time_of_day"]))
        meta.setdefault("day_of_week", "weekday" if rng.random() < 5 / 7 else "weekend")
        meta.setdefault("sun_phase", _pick(rng, _SUN_GIVEN_TIME[meta["time_of_day"]]))
        meta.setdefault("weather", _pick(rng, _WEATHER))
        meta.setdefault("outdoor_temp", _pick(rng, _TEMP_GIVEN_WEATHER[meta["weather"]]))
        if _coherent(meta):
            return {k: meta[k] for k in META_FIELDS}
    return None


def matches(meta: dict[str, str], triggers: dict[str, str]) -> bool:
    """Whether a meta satisfies every trigger.

    >>> matches({"weather": "rainy", "time_of_day": "night"}, {"weather": "rainy"})
    True
    """
    return all(meta.get(k) == v for k, v in triggers.items())


# --- routines -----------------------------------------------------------------

def random_value(device: str, name: str, rng: random.Random) -> Any:
    """A plausible value for one device field (round numbers mostly, valid always)."""
    spec = DEVICE_FIELDS[device][name]
    if spec is bool:
        return rng.random() < 0.65
    if isinstance(spec, tuple):
        return rng.choice(spec)
    if name == "temperature":
        return rng.randint(19, 26) if rng.random() < 0.8 else rng.randint(16, 30)
    if name == "fan_speed":
        return rng.choice([0, 1, 1, 2, 2, 2, 3, 3])
    if rng.random() < 0.2:
        return rng.randint(1, 100)
    if name == "brightness":
        return rng.randrange(10, 101, 10)
    if name == "alarm_volume":
        return rng.randrange(40, 101, 10)
    return rng.randrange(5, 75, 5)


#: Draws one value of a device field: ``draw(device, name, rng)``.
ValueDraw = Callable[[str, str, random.Random], Any]


def different_value(
    device: str, name: str, value: Any, rng: random.Random, *,
    fields: dict[str, dict[str, Any]] = DEVICE_FIELDS, draw: ValueDraw = random_value,
) -> Any:
    """A valid value of the field other than ``value`` (``fields``/``draw`` give another schema)."""
    for _ in range(50):
        other = draw(device, name, rng)
        if other != value:
            return other
    spec = fields[device][name]
    if spec is bool:
        return not value
    options = [v for v in (spec if isinstance(spec, tuple) else range(spec.start, spec.stop)) if v != value]
    return rng.choice(options)


def _nested(a: dict[str, str], b: dict[str, str]) -> bool:
    items_a, items_b = set(a.items()), set(b.items())
    return items_a <= items_b or items_b <= items_a


def _new_triggers(rng: random.Random, cfg: SynthConfig, existing: list[dict[str, str]]) -> dict[str, str] | None:
    bases = [t for t in existing if len(t) >= 2]
    if bases and rng.random() < cfg.p_overlap_triggers:
        triggers = dict(rng.choice(bases))
        changed = rng.choice(sorted(triggers))
        options = [v for v in META_FIELDS[changed] if v != triggers[changed]]
        triggers[changed] = rng.choice(options)
    else:
        meta = sample_meta(rng)
        k = rng.randint(*cfg.triggers_per_routine)
        names: list[str] = []
        pool = dict(_TRIGGER_WEIGHTS)
        while len(names) < k:
            name = _pick(rng, pool)
            names.append(name)
            del pool[name]
        triggers = {n: meta[n] for n in META_FIELDS if n in names}
    if not (cfg.triggers_per_routine[0] <= len(triggers) <= cfg.triggers_per_routine[1]):
        return None
    if any(_nested(triggers, t) for t in existing) or sample_meta(rng, triggers) is None:
        return None
    return triggers


def _new_actions(
    rng: random.Random, cfg: SynthConfig, existing: list[dict], fields: dict[str, dict[str, Any]], draw: ValueDraw
) -> dict[str, dict[str, Any]]:
    n_devices = min(len(fields), rng.randint(*cfg.devices_per_routine))
    devices = rng.sample(sorted(fields), n_devices)
    shared: tuple[str, dict[str, Any]] | None = None
    if existing and rng.random() < cfg.p_shared_device:
        old = rng.choice(existing)
        device = rng.choice(sorted(old))
        shared = (device, old[device])
        if device not in devices:
            devices[0] = device
    actions: dict[str, dict[str, Any]] = {}
    for device in devices:
        names = sorted(fields[device])
        k = min(len(names), rng.randint(*cfg.fields_per_device))
        chosen = rng.sample(names, k)
        if shared and shared[0] == device:
            overlap = [n for n in shared[1] if n in names]
            if not any(n in chosen for n in overlap):
                chosen[0] = rng.choice(overlap)
        settings = {n: draw(device, n, rng) for n in names if n in chosen}
        if shared and shared[0] == device:
            for n in settings:
                if n in shared[1] and settings[n] == shared[1][n]:
                    settings[n] = different_value(device, n, settings[n], rng, fields=fields, draw=draw)
        actions[device] = settings
    return actions


def make_routines(
    rng: random.Random, cfg: SynthConfig, *,
    fields: dict[str, dict[str, Any]] = DEVICE_FIELDS, draw: ValueDraw = random_value,
) -> list[dict[str, Any]]:
    """3-6 (per ``cfg``) routines with non-nesting triggers and distinct actions.

    ``fields`` (``{device: {field: spec}}``) and ``draw`` put the actions over another
    device schema; the defaults are the EdgeWisePersona five.
    """
    n = rng.randint(*cfg.routines_per_user)
    triggers: list[dict[str, str]] = []
    actions: list[dict[str, dict[str, Any]]] = []
    for _ in range(1000):
        if len(triggers) == n:
            break
        new_triggers = _new_triggers(rng, cfg, triggers)
        if new_triggers is None:
            continue
        new_actions = _new_actions(rng, cfg, actions, fields, draw)
        if new_actions in actions:
            continue
        triggers.append(new_triggers)
        actions.append(new_actions)
    return [{"triggers": t, "actions": a} for t, a in zip(triggers, actions)]
