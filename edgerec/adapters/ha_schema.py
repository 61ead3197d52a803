"""A device schema derived from the Home Assistant entities seen in the events.

Each ``light``, ``climate``, ``media_player``, ``alarm_control_panel`` and
``cover`` entity with at least one known state becomes a device. Its key is
the entity id with the dot replaced (``light.kitchen`` -> ``light_kitchen``),
because routine paths are ``device.setting``; its first word is the entity id
itself, which :func:`entity_of` reads back when writing automations. Settings
are the ones the entity actually showed. Other domains (switches, sensors...)
are imported into the store but are not devices of the schema.

>>> entities = {"light.kitchen": {"domain": "light", "name": "Kitchen", "values": {"on": [False, True],
...             "brightness": [40, 60]}, "attributes": {}}}
>>> schema = derive_schema(entities)
>>> schema.paths, entity_of(schema, "light_kitchen")
(('light_kitchen.on', 'light_kitchen.brightness'), 'light.kitchen')
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from edgerec.adapters.ha_states import DOMAINS
from edgerec.errors import InputError
from edgerec.profile.devices import Device, DeviceSchema, Setting

__all__ = ["device_key", "entity_of", "derive_schema", "SCHEMA_NAME"]

SCHEMA_NAME = "home-assistant"
#: Ranges used when an entity does not report its own (kelvin; degrees Celsius).
_KELVIN, _DEGREES = (2000, 6500), (7, 35)


def device_key(entity_id: str) -> str:
    """The schema's device name of an entity: lower case, the dot and anything unusual as ``_``.

    >>> device_key("media_player.Living_Room"), device_key("cover.2nd-floor")
    ('media_player_living_room', 'cover_2nd_floor')
    """
    return re.sub(r"[^a-z0-9_]", "_", entity_id.lower())


def entity_of(schema: DeviceSchema, device: str) -> str | None:
    """The HA entity id behind a device of a derived schema, or None.

    >>> entity_of(DeviceSchema.default(), "tv") is None
    True
    """
    found = schema.device(device)
    if found is None:
        return None
    if found.words and "." in found.words[0]:
        return found.words[0]
    domain = next((d for d in sorted(DOMAINS, key=len, reverse=True) if device.startswith(d + "_")), None)
    return f"{domain}.{device[len(domain) + 1:]}" if domain else None


def _numbers(values: list[Any]) -> list[int]:
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _strings(values: list[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and v]


def _range(seen: list[int], low: Any, high: Any, default: tuple[int, int]) -> tuple[int, int]:
    lo = math.floor(low) if isinstance(low, (int, float)) and not isinstance(low, bool) else default[0]
    hi = math.ceil(high) if isinstance(high, (int, float)) and not isinstance(high, bool) else default[1]
    return min([lo, *seen]), max([hi, *seen])


def _enum(seen: list[str], listed: Any) -> tuple[str, ...]:
    values = [v for v in (listed if isinstance(listed, list) else []) if isinstance(v, str) and v]
    return tuple(dict.fromkeys([*values, *seen]))


def _settings(domain: str, values: Mapping[str, list[Any]], attrs: Mapping[str, Any]) -> list[Setting]:
    out: list[Setting] = []
    seen = {name: list(values.get(name) or []) for name in DOMAINS[domain]}
    percent = dict(type="int", min=0, max=100, unit="percent")
    if domain == "light":
        if seen["on"]:
            out.append(Setting("on", "bool", words=("on", "off"), phrase_true="on", phrase_false="off"))
        if _numbers(seen["brightness"]):
            out.append(Setting("brightness", **percent))
        if _numbers(seen["color_temp"]):
            lo, hi = _range(_numbers(seen["color_temp"]), attrs.get("min_color_temp_kelvin"),
                            attrs.get("max_color_temp_kelvin"), _KELVIN)
            out.append(Setting("color_temp", "int", min=lo, max=hi, words=("colour temperature", "color temperature")))
    elif domain == "climate":
        modes = _enum(_strings(seen["hvac_mode"]), attrs.get("hvac_modes"))
        if _strings(seen["hvac_mode"]):
            out.append(Setting("hvac_mode", "enum", values=modes, words=("mode",)))
        if _numbers(seen["temperature"]):
            lo, hi = _range(_numbers(seen["temperature"]), attrs.get("min_temp"), attrs.get("max_temp"), _DEGREES)
            out.append(Setting("temperature", "int", min=lo, max=hi, unit="degrees"))
    elif domain == "media_player":
        if _numbers(seen["volume"]):
            out.append(Setting("volume", **percent))
        if _strings(seen["source"]):
            out.append(Setting("source", "enum", values=_enum(_strings(seen["source"]), attrs.get("source_list")),
                               words=("source", "input")))
    elif domain == "alarm_control_panel":
        if seen["armed"]:
            out.append(Setting("armed", "bool", phrase_true="armed", phrase_false="disarmed"))
        if _strings(seen["arm_mode"]):
            out.append(Setting("arm_mode", "enum", values=tuple(_strings(seen["arm_mode"])), words=("arm mode",)))
    elif domain == "cover" and _numbers(seen["position"]):
        out.append(Setting("position", **percent))
    return out


def derive_schema(entities: Mapping[str, Mapping[str, Any]]) -> DeviceSchema:
    """The device schema of the controllable entities in ``entities`` (as from ``observe_entities``).

    Devices are ordered by entity id. Int ranges come from the entity's own
    attributes when it reports them (``min_temp``/``max_temp``,
    ``min_color_temp_kelvin``/``max_color_temp_kelvin``), widened to every value
    seen; enums are the listed values (``hvac_modes``, ``source_list``) plus
    every value seen. Raises :class:`InputError` when no entity qualifies.
    """
    devices = []
    taken: set[str] = set()
    for entity in sorted(entities):
        info = entities[entity]
        domain = info.get("domain") or entity.split(".", 1)[0]
        if domain not in DOMAINS:
            continue
        settings = _settings(domain, info.get("values") or {}, info.get("attributes") or {})
        key = device_key(entity)
        if not settings or key in taken or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            continue
        taken.add(key)
        name = info.get("name")
        words = (entity, entity.split(".", 1)[1].replace("_", " "))
        devices.append(Device(key, settings=tuple(settings), words=words,
                              label=name if isinstance(name, str) and name.strip() else None))
    if not devices:
        raise InputError("no light, climate, media_player, alarm_control_panel or cover entity with a known "
                         "state in these events, so there are no devices to mine routines over")
    return DeviceSchema(tuple(devices), name=SCHEMA_NAME)
