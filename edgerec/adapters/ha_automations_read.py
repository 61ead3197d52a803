"""Home Assistant automation YAML back into routines (the inverse of :mod:`~edgerec.adapters.ha_automations`).

Both spellings HA reads are accepted: ``trigger`` / ``condition`` / ``action``
with ``platform:`` and ``service:``, and the newer ``triggers`` / ``conditions``
/ ``actions`` with ``trigger:`` and ``action:``. A person's hand edits (a
trigger without conditions, ``brightness`` 0-255, ``cover.close_cover``, a
list of entity ids) are read too.

>>> from edgerec.adapters.ha_schema import derive_schema
>>> schema = derive_schema({"light.desk": {"domain": "light", "values": {"on": [True], "brightness": [50]}}})
>>> automations_to_routines("- trigger: {platform: time, at: '20:15:00'}\\n"
...                         "  action: {service: light.turn_on, entity_id: light.desk, data: {brightness_pct: 40}}", schema)
[{'triggers': {'time_of_day': 'evening'}, 'actions': {'light_desk': {'on': True, 'brightness': 40}}}]
"""

from __future__ import annotations

from typing import Any, Mapping

from edgerec.adapters.ha_automations import WEEKDAYS, WINDOWS, temperature_bounds, time_of_day_of, yaml_module
from edgerec.adapters.ha_schema import entity_of
from edgerec.adapters.ha_states import TEMPERATURE_BUCKETS, celsius, half_up, percent, weather_bucket
from edgerec.errors import InputError
from edgerec.profile.devices import DeviceSchema

__all__ = ["automations_to_routines"]


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
        bounds = temperature_bounds(name, unit)
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
    yaml = yaml_module()
    try:
        loaded = yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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
