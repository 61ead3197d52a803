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

:func:`automations_to_routines` reads such YAML (either spelling) back into
routines over the same schema, which is how the evaluation scores what a person
would actually be shown.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Sequence

from edgerec.adapters.ha_schema import entity_of
from edgerec.adapters.ha_states import TEMPERATURE_BUCKETS, WEATHER_STATES, celsius, half_up, percent, weather_bucket
from edgerec.errors import InputError
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.nl_profile import describe_triggers
from edgerec.timectx import time_of_day

__all__ = ["routines_to_automations", "automations_to_routines", "automation", "WINDOWS", "WEEKDAYS"]

#: Each time of day as HA ``condition: time`` ``after`` / ``before`` (the night window spans midnight).
WINDOWS = {"morning": ("05:00:00", "12:00:00"), "afternoon": ("12:00:00", "17:00:00"),
           "evening": ("17:00:00", "22:00:00"), "night": ("22:00:00", "05:00:00")}
#: Each day_of_week value as HA weekdays.
WEEKDAYS = {"weekday": ["mon", "tue", "wed", "thu", "fri"], "weekend": ["sat", "sun"]}
_MIDDLE = {"morning": "08:00", "afternoon": "14:00", "evening": "19:00", "night": "23:00"}
_SUN_CONDITIONS = {"before_sunrise": {"condition": "sun", "before": "sunrise"},
                   "after_sunset": {"condition": "sun", "after": "sunset"},
                   "daylight": {"condition": "state", "entity_id": "sun.sun", "state": "above_horizon"}}


def _yaml():
    import yaml  # core dependency (pyyaml); imported here so `import edgerec` stays light

    return yaml


def _dump(data: Any) -> str:
    """Block-style YAML with every ``HH:MM:SS`` quoted (YAML 1.1 would read ``17:00:00`` as a number)."""
    yaml = _yaml()

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "'" if len(value) == 8 and value[2] == value[5] == ":" else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def _fahrenheit(unit: str) -> bool:
    return unit.strip("° ").upper() == "F"


def _bounds(bucket: str, unit: str) -> dict[str, float]:
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
                    **_bounds(triggers["outdoor_temp"], unit)})
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
            **_bounds(triggers["outdoor_temp"], unit)}


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
    >>> automations_to_routines(text, schema)
    [{'triggers': {'time_of_day': 'morning'}, 'actions': {'cover_blinds': {'position': 100}}}]
    """
    found = [automation(r, schema, weather_entity=weather_entity or "weather.home",
                        temperature_unit=temperature_unit) for r in routines]
    return _dump(found)


# -- back -----------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _hhmm(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 sexagesimal: 17:00:00 -> 61200
        value = f"{value // 3600:02d}:{value // 60 % 60:02d}:{value % 60:02d}"
    if not isinstance(value, str) or value.count(":") not in (1, 2):
        return None
    try:
        hour, minute = (int(p) for p in value.split(":")[:2])
    except ValueError:
        return None
    return f"{hour:02d}:{minute:02d}:00" if 0 <= hour < 24 and 0 <= minute < 60 else None


def _temperature_bucket(cond: Mapping[str, Any], unit: str) -> str | None:
    above, below = cond.get("above"), cond.get("below")
    for name, _ in TEMPERATURE_BUCKETS:
        bounds = _bounds(name, unit)
        if bounds.get("above") == above and bounds.get("below") == below:
            return name
    probe = above if isinstance(above, (int, float)) else below if isinstance(below, (int, float)) else None
    if probe is None:
        return None
    c = celsius(float(probe), unit)
    return [name for name, low in TEMPERATURE_BUCKETS if c >= low][-1]


def _read_condition(cond: Mapping[str, Any], triggers: dict[str, str], unit: str) -> None:
    kind = cond.get("condition")
    if kind == "time":
        after, before = _hhmm(cond.get("after")), _hhmm(cond.get("before"))
        window = next((tod for tod, w in WINDOWS.items() if w == (after, before)), None)
        if window is None and after:
            window = time_of_day_of(after)
        if window:
            triggers["time_of_day"] = window
        days = {str(d).lower()[:3] for d in _list(cond.get("weekday"))}
        day = next((name for name, listed in WEEKDAYS.items() if days and days == set(listed)), None)
        if day:
            triggers["day_of_week"] = day
    elif kind == "sun":
        if cond.get("before") == "sunrise" and not cond.get("after"):
            triggers["sun_phase"] = "before_sunrise"
        elif cond.get("after") == "sunset" and not cond.get("before"):
            triggers["sun_phase"] = "after_sunset"
        elif cond.get("after") == "sunrise" and cond.get("before") == "sunset":
            triggers["sun_phase"] = "daylight"
    elif kind == "state" and cond.get("entity_id") == "sun.sun":
        triggers["sun_phase"] = "daylight" if _list(cond.get("state")) == ["above_horizon"] else "after_sunset"
    elif kind == "state" and str(cond.get("entity_id", "")).startswith("weather."):
        buckets = [weather_bucket(s) for s in _list(cond.get("state"))]
        if buckets and buckets[0]:
            triggers["weather"] = buckets[0]
    elif kind == "numeric_state" and cond.get("attribute") == "temperature":
        bucket = _temperature_bucket(cond, unit)
        if bucket:
            triggers["outdoor_temp"] = bucket


def _read_trigger(trig: Mapping[str, Any], triggers: dict[str, str], unit: str) -> None:
    """Context a trigger implies (read only for automations without conditions)."""
    platform = trig.get("platform") or trig.get("trigger")
    found: dict[str, str] = {}
    if platform == "time" and _hhmm(trig.get("at")):
        found["time_of_day"] = time_of_day_of(_hhmm(trig["at"]))
    elif platform == "sun":
        found["sun_phase"] = "after_sunset" if trig.get("event") == "sunset" else "before_sunrise" \
            if str(trig.get("offset", "")).startswith("-") else "daylight"
    elif platform == "state" and str(trig.get("entity_id", "")).startswith("weather."):
        bucket = next((weather_bucket(s) for s in _list(trig.get("to")) if weather_bucket(s)), None)
        if bucket:
            found["weather"] = bucket
    elif platform == "numeric_state" and trig.get("attribute") == "temperature":
        bucket = _temperature_bucket(trig, unit)
        if bucket:
            found["outdoor_temp"] = bucket
    for key, value in found.items():
        triggers.setdefault(key, value)


def _read_action(call: Mapping[str, Any], by_entity: Mapping[str, str], actions: dict[str, dict[str, Any]]) -> None:
    service = call.get("service") or call.get("action")
    if not isinstance(service, str) or "." not in service:
        return
    data = call.get("data") if isinstance(call.get("data"), Mapping) else {}
    target = call.get("target") if isinstance(call.get("target"), Mapping) else {}
    entities = _list(target.get("entity_id") or call.get("entity_id") or data.get("entity_id"))
    domain, name = service.split(".", 1)
    found: dict[str, Any] = {}
    if service == "light.turn_on":
        found["on"] = True
        if "brightness_pct" in data:
            found["brightness"] = half_up(float(data["brightness_pct"]))
        elif "brightness" in data:
            found["brightness"] = half_up(float(data["brightness"]) * 100 / 255)
        kelvin = data.get("color_temp_kelvin", data.get("kelvin"))
        if kelvin is not None:
            found["color_temp"] = half_up(float(kelvin))
    elif service == "light.turn_off":
        found["on"] = False
    elif service in ("climate.set_temperature", "climate.set_hvac_mode"):
        if "temperature" in data:
            found["temperature"] = half_up(float(data["temperature"]))
        if "hvac_mode" in data:
            found["hvac_mode"] = str(data["hvac_mode"])
    elif service == "climate.turn_off":
        found["hvac_mode"] = "off"
    elif service == "media_player.volume_set" and "volume_level" in data:
        found["volume"] = percent(float(data["volume_level"]))
    elif service == "media_player.select_source" and "source" in data:
        found["source"] = str(data["source"])
    elif domain == "alarm_control_panel" and name == "alarm_disarm":
        found["armed"] = False
    elif domain == "alarm_control_panel" and name.startswith("alarm_arm_"):
        found.update(armed=True, arm_mode=name[len("alarm_arm_"):])
    elif service == "cover.set_cover_position" and "position" in data:
        found["position"] = half_up(float(data["position"]))
    elif service in ("cover.open_cover", "cover.close_cover"):
        found["position"] = 100 if name == "open_cover" else 0
    for entity in entities:
        device = by_entity.get(str(entity))
        if device is not None:
            actions.setdefault(device, {}).update(found)


def automations_to_routines(yaml_text: str, schema: DeviceSchema, *, temperature_unit: str = "°C") -> list[dict]:
    """HA automation YAML (a list, or ``automation:`` holding one) back into routines over ``schema``.

    Context comes from the conditions (from the trigger when there are
    none); actions from the service calls on the schema's entities.
    Values the schema does not allow, and entities it does not know, are left
    out. Raises :class:`InputError` when the text is not YAML or holds no list
    of automations.
    """
    yaml = _yaml()
    try:
        loaded = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise InputError(f"the automations are not valid YAML: {str(exc).splitlines()[0]}") from None
    if isinstance(loaded, Mapping) and "automation" in loaded:
        loaded = loaded["automation"]
    if loaded is None:
        return []
    if not isinstance(loaded, list) or not all(isinstance(a, Mapping) for a in loaded):
        raise InputError("expected a YAML list of Home Assistant automations")
    by_entity = {entity_of(schema, d): d for d in schema.names}
    routines = []
    for item in loaded:
        triggers: dict[str, str] = {}
        conditions = [c for c in _list(item.get("condition", item.get("conditions"))) if isinstance(c, Mapping)]
        for cond in conditions:
            _read_condition(cond, triggers, temperature_unit)
        if not conditions:  # the context is in the conditions; without any, read it off the trigger
            for trig in _list(item.get("trigger", item.get("triggers"))):
                if isinstance(trig, Mapping):
                    _read_trigger(trig, triggers, temperature_unit)
        actions: dict[str, dict[str, Any]] = {}
        for call in _list(item.get("action", item.get("actions"))):
            if isinstance(call, Mapping):
                _read_action(call, by_entity, actions)
        valid = {d: {k: v for k, v in s.items() if schema.valid(f"{d}.{k}", v)} for d, s in actions.items()}
        order = ("time_of_day", "day_of_week", "sun_phase", "weather", "outdoor_temp")
        routines.append({"triggers": {k: triggers[k] for k in order if k in triggers},
                         "actions": {d: valid[d] for d in sorted(valid) if valid[d]}})
    return routines
