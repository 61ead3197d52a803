"""One Home Assistant state, read as edgerec settings and context (pure functions).

A state is what HA's event bus carries in ``new_state``: a ``state`` string and
an ``attributes`` object. :func:`state_settings` maps the five controlled
domains to settings; :func:`weather_bucket`, :func:`temperature_bucket` and
:func:`sun_phase` read the hub's own ``weather.*`` and ``sun.sun`` entities as
the EdgeWisePersona context fields.

>>> state_settings("light", "on", {"brightness": 153, "color_temp_kelvin": 2700})
{'on': True, 'brightness': 60, 'color_temp': 2700}
>>> state_settings("alarm_control_panel", "armed_away", {})
{'armed': True, 'arm_mode': 'away'}
>>> weather_bucket("pouring"), temperature_bucket(50, "°F")
('rainy', 'mild')
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any, Mapping

from edgerec.timectx import parse_iso, to_local

__all__ = ["HUB_USER", "EVENT_TYPE", "DOMAINS", "CONTEXT_DOMAINS", "KEPT_ATTRIBUTES", "WEATHER_STATES",
           "TEMPERATURE_BUCKETS", "state_settings", "weather_bucket", "temperature_bucket", "celsius", "sun_phase",
           "percent", "half_up"]

#: The store user of state changes no person made (devices, automations, the sun, the weather).
HUB_USER = "ha:hub"
#: The store event type of an imported state change.
EVENT_TYPE = "ha_state"
#: Domains whose entities become devices of the derived schema, with the settings each can have.
DOMAINS: dict[str, tuple[str, ...]] = {
    "light": ("on", "brightness", "color_temp"),
    "climate": ("hvac_mode", "temperature"),
    "media_player": ("volume", "source"),
    "alarm_control_panel": ("armed", "arm_mode"),
    "cover": ("position",),
}
#: Domains read as context, not as devices.
CONTEXT_DOMAINS = ("sun", "weather")
#: Attributes kept with each stored state (what the schema and the context read); the rest is dropped.
KEPT_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "light": ("friendly_name", "min_color_temp_kelvin", "max_color_temp_kelvin"),
    "climate": ("friendly_name", "min_temp", "max_temp", "hvac_modes"),
    "media_player": ("friendly_name", "source_list"),
    "alarm_control_panel": ("friendly_name",),
    "cover": ("friendly_name",),
    "sun": ("next_rising", "next_setting"),
    "weather": ("temperature", "temperature_unit"),
}
#: HA weather conditions in each EdgeWisePersona weather value ("exceptional" is in none).
WEATHER_STATES: dict[str, tuple[str, ...]] = {
    "sunny": ("sunny", "clear-night"),
    "cloudy": ("cloudy", "partlycloudy", "fog", "windy", "windy-variant"),
    "rainy": ("rainy", "pouring", "lightning", "lightning-rainy", "hail"),
    "snowy": ("snowy", "snowy-rainy"),
}
#: Outdoor temperature buckets in °C: (name, lowest temperature in it); each runs up to the next one.
TEMPERATURE_BUCKETS: tuple[tuple[str, float], ...] = (
    ("very cold", -math.inf), ("cold", 0.0), ("mild", 10.0), ("warm", 20.0), ("hot", 28.0))

_GONE = {"unavailable", "unknown", "", None}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def half_up(value: float) -> int:
    """Round to the nearest integer, halves up (21.5 -> 22, 20.5 -> 21), unlike :func:`round`.

    >>> half_up(20.5), half_up(21.49), half_up(-0.5)
    (21, 21, 0)
    """
    return int(math.floor(value + 0.5))


def percent(fraction: float) -> int:
    """A 0-1 level (volume) as a whole percentage.

    >>> percent(0.35), percent(0.355)
    (35, 36)
    """
    return half_up(fraction * 100)


def _light(state: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    if state not in ("on", "off"):
        return {}
    if state == "off":
        return {"on": False}
    out: dict[str, Any] = {"on": True}
    pct, raw = _number(attrs.get("brightness_pct")), _number(attrs.get("brightness"))
    if pct is not None:
        out["brightness"] = half_up(pct)
    elif raw is not None:
        out["brightness"] = half_up(raw * 100 / 255)
    kelvin, mireds = _number(attrs.get("color_temp_kelvin")), _number(attrs.get("color_temp"))
    if kelvin is not None:
        out["color_temp"] = half_up(kelvin)
    elif mireds is not None and mireds > 0:
        out["color_temp"] = half_up(1_000_000 / mireds)
    return out


def _climate(state: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"hvac_mode": state}
    target = _number(attrs.get("temperature"))
    if target is not None:
        out["temperature"] = half_up(target)
    return out


def _media(state: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    level = _number(attrs.get("volume_level"))
    if level is not None and 0.0 <= level <= 1.0:
        out["volume"] = percent(level)
    if isinstance(attrs.get("source"), str) and attrs["source"]:
        out["source"] = attrs["source"]
    return out


def _alarm(state: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    if state == "disarmed":
        return {"armed": False}
    if state.startswith("armed_") and len(state) > len("armed_"):
        return {"armed": True, "arm_mode": state[len("armed_"):]}
    return {}  # arming, pending, triggered: on the way, not a setting


def _cover(state: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    position = _number(attrs.get("current_position"))
    if position is not None and 0 <= position <= 100:
        return {"position": half_up(position)}
    if "current_position" not in attrs and state in ("open", "closed"):
        return {"position": 100 if state == "open" else 0}
    return {}


_READERS = {"light": _light, "climate": _climate, "media_player": _media, "alarm_control_panel": _alarm,
            "cover": _cover}


def state_settings(domain: str, state: Any, attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The settings a state shows for an entity of ``domain``; ``{}`` for other domains and unknown states.

    Light brightness 0-255 becomes a percentage (``brightness_pct`` is taken as
    is), colour temperature is kelvin (mireds converted); climate gives its hvac
    mode (the state) and target temperature in whole degrees; a media player
    its volume in percent and source; an alarm panel whether it is armed and
    how; a cover its position (open/closed as 100/0 when it has none).

    >>> state_settings("climate", "heat", {"temperature": 20.5})
    {'hvac_mode': 'heat', 'temperature': 21}
    >>> state_settings("light", "on", {"color_temp": 370})
    {'on': True, 'color_temp': 2703}
    >>> state_settings("switch", "on", {}), state_settings("light", "unavailable", {})
    ({}, {})
    """
    reader = _READERS.get(domain)
    if reader is None or not isinstance(state, str) or state in _GONE:
        return {}
    return reader(state, attributes if isinstance(attributes, Mapping) else {})


def weather_bucket(condition: Any) -> str | None:
    """The EdgeWisePersona weather of an HA weather condition, or None (``exceptional``, unknown).

    >>> weather_bucket("partlycloudy"), weather_bucket("snowy-rainy"), weather_bucket("exceptional")
    ('cloudy', 'snowy', None)
    """
    return next((bucket for bucket, states in WEATHER_STATES.items() if condition in states), None)


def celsius(value: float, unit: Any) -> float:
    """A temperature in °C from ``unit`` (``°F`` or ``F`` converted; anything else taken as °C).

    >>> celsius(212, "°F"), celsius(21.5, "°C")
    (100.0, 21.5)
    """
    return (value - 32.0) * 5.0 / 9.0 if isinstance(unit, str) and unit.strip("° ").upper() == "F" else float(value)


def temperature_bucket(value: Any, unit: Any = "°C") -> str | None:
    """The outdoor-temperature bucket of a reading: very cold < 0 °C <= cold < 10 <= mild < 20 <= warm < 28 <= hot.

    >>> [temperature_bucket(t) for t in (-3, 0, 12.5, 20, 31)]
    ['very cold', 'cold', 'mild', 'warm', 'hot']
    >>> temperature_bucket("n/a") is None
    True
    """
    number = _number(value)
    if number is None:
        return None
    c = celsius(number, unit)
    return [name for name, low in TEMPERATURE_BUCKETS if c >= low][-1]


def sun_phase(state: Any, attributes: Mapping[str, Any] | None, moment: datetime, tz: str | tzinfo | None) -> str | None:
    """``daylight``, ``before_sunrise`` or ``after_sunset`` at ``moment``, from the latest ``sun.sun`` state.

    Below the horizon it is ``before_sunrise`` when the next sunrise (the
    ``next_rising`` attribute) falls on the same local date as ``moment``, else
    ``after_sunset``: the split is at local midnight, as HA's ``condition: sun``
    reads ``before: sunrise`` and ``after: sunset``. Without a usable
    ``next_rising`` (missing, or already past) the split is local noon.

    >>> from datetime import timezone
    >>> night = {"next_rising": "2026-01-06T07:40:00+00:00"}
    >>> sun_phase("below_horizon", night, datetime(2026, 1, 6, 3, 0, tzinfo=timezone.utc), "UTC")
    'before_sunrise'
    >>> sun_phase("below_horizon", night, datetime(2026, 1, 5, 21, 0, tzinfo=timezone.utc), "UTC")
    'after_sunset'
    """
    if state == "above_horizon":
        return "daylight"
    if state != "below_horizon":
        return None
    local = to_local(moment, tz)
    rising = (attributes or {}).get("next_rising")
    if isinstance(rising, str):
        try:
            next_rising = to_local(parse_iso(rising), tz)
        except ValueError:
            next_rising = None
        if next_rising is not None and next_rising >= local:
            return "before_sunrise" if next_rising.date() == local.date() else "after_sunset"
    return "before_sunrise" if local.hour < 12 else "after_sunset"
