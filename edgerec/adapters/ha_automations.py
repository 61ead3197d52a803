"""Routines as Home Assistant automation YAML, for a person to review, and back.

:func:`routines_to_automations` writes one automation per routine, in the
format HA loads from ``automations.yaml`` (``trigger`` / ``condition`` /
``action`` with ``platform:`` and ``service:`` keys, which HA still reads
beside its newer ``triggers`` / ``trigger:`` / ``action:`` spellings). Each
is written with ``initial_state: false``: loaded as is, it stays off until the
person turns it on. edgerec never applies them.

* The **conditions** carry the whole routine context: ``condition: time``
  (the time-of-day window and the weekdays), the sun (``sun.sun`` above the
  horizon, or ``condition: sun`` before sunrise / after sunset, split at
  midnight), the weather entity's state and its ``temperature`` attribute.
* The **trigger** says when to check them: ``platform: time`` at the routine's
  usual time (or the middle of its window); else a ``sun`` event, a change of
  the weather, or of the temperature.
* The **actions** are service calls with ``target.entity_id``:
  ``light.turn_on`` (``brightness_pct``, ``color_temp_kelvin``) / ``light.turn_off``,
  ``climate.set_temperature`` (``temperature``, ``hvac_mode``) / ``climate.set_hvac_mode``,
  ``media_player.volume_set`` / ``media_player.select_source``,
  ``alarm_control_panel.alarm_arm_<mode>`` / ``alarm_control_panel.alarm_disarm``,
  ``cover.set_cover_position``.

:func:`~edgerec.adapters.ha_automations_read.automations_to_routines` reads
such YAML (either spelling) back into routines over the same schema, which is
how the evaluation scores what a person would actually be shown.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Sequence

from edgerec.adapters.ha_schema import entity_of
from edgerec.adapters.ha_states import TEMPERATURE_BUCKETS, WEATHER_STATES
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.nl_profile import describe_triggers
from edgerec.timectx import time_of_day

__all__ = ["routines_to_automations", "automation", "time_of_day_of", "temperature_bounds", "yaml_module", "WINDOWS",
           "WEEKDAYS"]

#: Each time of day as HA ``condition: time`` ``after`` / ``before`` (the night window spans midnight).
WINDOWS = {"morning": ("05:00:00", "12:00:00"), "afternoon": ("12:00:00", "17:00:00"),
           "evening": ("17:00:00", "22:00:00"), "night": ("22:00:00", "05:00:00")}
#: Each day_of_week value as HA weekdays.
WEEKDAYS = {"weekday": ["mon", "tue", "wed", "thu", "fri"], "weekend": ["sat", "sun"]}
_MIDDLE = {"morning": "08:00", "afternoon": "14:00", "evening": "19:00", "night": "23:00"}
_SUN_CONDITIONS = {"before_sunrise": {"condition": "sun", "before": "sunrise"},
                   "after_sunset": {"condition": "sun", "after": "sunset"},
                   "daylight": {"condition": "state", "entity_id": "sun.sun", "state": "above_horizon"}}


def yaml_module():
    """PyYAML, imported on first use."""
    import yaml  # core dependency (pyyaml); imported here so `import edgerec` stays light

    return yaml


def _dump(data: Any) -> str:
    """Block-style YAML with every ``HH:MM:SS`` quoted (YAML 1.1 would read ``17:00:00`` as a number)."""
    yaml = yaml_module()

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when PyYAML was built with it
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "'" if len(value) == 8 and value[2] == value[5] == ":" else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def _fahrenheit(unit: str) -> bool:
    return unit.strip("° ").upper() == "F"


def temperature_bounds(bucket: str, unit: str) -> dict[str, float]:
    """``above`` / ``below`` of a temperature bucket in ``unit`` (°C thresholds converted)."""
    names = [name for name, _ in TEMPERATURE_BUCKETS]
    index = names.index(bucket)
    low = TEMPERATURE_BUCKETS[index][1]
    high = TEMPERATURE_BUCKETS[index + 1][1] if index + 1 < len(names) else None
    convert = (lambda c: round(c * 9 / 5 + 32, 1)) if _fahrenheit(unit) else (lambda c: c)
    out: dict[str, float] = {}
    if low != float("-inf"):
        out["above"] = convert(low)
    if high is not None:
        out["below"] = convert(high)
    return out


def _conditions(triggers: Mapping[str, str], weather: str, unit: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    time: dict[str, Any] = {"condition": "time"}
    if triggers.get("time_of_day") in WINDOWS:
        time["after"], time["before"] = WINDOWS[triggers["time_of_day"]]
    if triggers.get("day_of_week") in WEEKDAYS:
        time["weekday"] = list(WEEKDAYS[triggers["day_of_week"]])
    if len(time) > 1:
        out.append(time)
    if triggers.get("sun_phase") in _SUN_CONDITIONS:
        out.append(dict(_SUN_CONDITIONS[triggers["sun_phase"]]))
    if triggers.get("weather") in WEATHER_STATES:
        out.append({"condition": "state", "entity_id": weather, "state": list(WEATHER_STATES[triggers["weather"]])})
    if triggers.get("outdoor_temp") in dict(TEMPERATURE_BUCKETS):
        out.append({"condition": "numeric_state", "entity_id": weather, "attribute": "temperature",
                    **temperature_bounds(triggers["outdoor_temp"], unit)})
    return out


def _trigger(triggers: Mapping[str, str], at: str | None, weather: str, unit: str) -> dict[str, Any]:
    tod = triggers.get("time_of_day")
    if tod in WINDOWS or (not triggers.get("sun_phase") and not triggers.get("weather")
                          and not triggers.get("outdoor_temp")):
        when = at if at and (tod is None or time_of_day_of(at) == tod) else _MIDDLE.get(tod or "", at or "08:00")
        return {"platform": "time", "at": f"{when}:00"}
    if triggers.get("sun_phase") == "after_sunset":
        return {"platform": "sun", "event": "sunset"}
    if triggers.get("sun_phase") == "before_sunrise":
        return {"platform": "sun", "event": "sunrise", "offset": "-01:00:00"}
    if triggers.get("sun_phase") == "daylight":
        return {"platform": "sun", "event": "sunrise", "offset": "00:30:00"}
    if triggers.get("weather") in WEATHER_STATES:
        return {"platform": "state", "entity_id": weather, "to": list(WEATHER_STATES[triggers["weather"]])}
    return {"platform": "numeric_state", "entity_id": weather, "attribute": "temperature",
            **temperature_bounds(triggers["outdoor_temp"], unit)}


def time_of_day_of(hhmm: str) -> str:
    """The time of day of a local ``HH:MM[:SS]``.

    >>> time_of_day_of("07:10"), time_of_day_of("23:30:00")
    ('morning', 'night')
    """
    from datetime import datetime

    hour, minute = (int(p) for p in hhmm.split(":")[:2])
    return time_of_day(datetime(2000, 1, 1, hour, minute))


def _call(service: str, entity: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    call: dict[str, Any] = {"service": service, "target": {"entity_id": entity}}
    if data:
        call["data"] = dict(data)
    return call


def _actions(actions: Mapping[str, Mapping[str, Any]], schema: DeviceSchema) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for device in sorted(actions, key=lambda d: (schema.names.index(d) if d in schema.names else len(schema.names), d)):
        settings, entity = actions[device] or {}, entity_of(schema, device)
        if entity is None or not settings:
            continue
        domain = entity.split(".", 1)[0]
        if domain == "light":
            if settings.get("on") is False:
                out.append(_call("light.turn_off", entity))
            else:
                data = {k: settings[s] for s, k in (("brightness", "brightness_pct"), ("color_temp", "color_temp_kelvin"))
                        if s in settings}
                out.append(_call("light.turn_on", entity, data))
        elif domain == "climate":
            if "temperature" in settings:
                data = {"temperature": settings["temperature"]}
                if "hvac_mode" in settings:
                    data["hvac_mode"] = settings["hvac_mode"]
                out.append(_call("climate.set_temperature", entity, data))
            elif "hvac_mode" in settings:
                out.append(_call("climate.set_hvac_mode", entity, {"hvac_mode": settings["hvac_mode"]}))
        elif domain == "media_player":
            if "volume" in settings:
                out.append(_call("media_player.volume_set", entity, {"volume_level": settings["volume"] / 100}))
            if "source" in settings:
                out.append(_call("media_player.select_source", entity, {"source": settings["source"]}))
        elif domain == "alarm_control_panel" and "armed" in settings:
            service = f"alarm_arm_{settings.get('arm_mode') or 'away'}" if settings["armed"] else "alarm_disarm"
            out.append(_call(f"alarm_control_panel.{service}", entity))
        elif domain == "cover" and "position" in settings:
            out.append(_call("cover.set_cover_position", entity, {"position": settings["position"]}))
    return out


def automation(routine: Mapping[str, Any], schema: DeviceSchema, *, weather_entity: str = "weather.home",
               temperature_unit: str = "°C") -> dict[str, Any]:
    """One routine as one HA automation (a dict); see the module docstring for the parts."""
    triggers, actions = dict(routine.get("triggers") or {}), dict(routine.get("actions") or {})
    devices = [schema.device(d).title if schema.device(d) else d for d in actions]
    digest = hashlib.sha256(json.dumps([triggers, actions], sort_keys=True).encode()).hexdigest()[:12]
    seen = f" It matches {routine['support']} of your past sessions." if routine.get("support") else ""
    return {
        "id": f"edgerec_{digest}",
        "alias": f"edgerec suggestion: {', '.join(devices)} {describe_triggers(triggers)}",
        "description": "Suggested by edgerec from your own device history on this hub." + seen
                       + " Review it before turning it on; edgerec does not apply it.",
        "initial_state": False,
        "mode": "single",
        "trigger": [_trigger(triggers, routine.get("at"), weather_entity, temperature_unit)],
        "condition": _conditions(triggers, weather_entity, temperature_unit),
        "action": _actions(actions, schema),
    }


def routines_to_automations(routines: Sequence[Mapping[str, Any]], schema: DeviceSchema, *,
                            weather_entity: str | None = None, temperature_unit: str = "°C") -> str:
    """Routines (``{"triggers", "actions"}``, optionally ``"at"`` and ``"support"``) as HA automation YAML.

    The text is a YAML list of automations, as in HA's ``automations.yaml``.
    ``weather_entity`` (default ``weather.home``) is the entity weather and
    temperature conditions read; temperatures are written in ``temperature_unit``.

    >>> from edgerec.adapters.ha_schema import derive_schema
    >>> schema = derive_schema({"cover.blinds": {"domain": "cover", "values": {"position": [0, 100]}}})
    >>> text = routines_to_automations([{"triggers": {"time_of_day": "morning"},
    ...                                  "actions": {"cover_blinds": {"position": 100}}}], schema)
    >>> print(text[text.index("  trigger:"):])
      trigger:
      - platform: time
        at: '08:00:00'
      condition:
      - condition: time
        after: '05:00:00'
        before: '12:00:00'
      action:
      - service: cover.set_cover_position
        target:
          entity_id: cover.blinds
        data:
          position: 100
    <BLANKLINE>
    """
    found = [automation(r, schema, weather_entity=weather_entity or "weather.home",
                        temperature_unit=temperature_unit) for r in routines]
    return _dump(found)
