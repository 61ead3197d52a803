"""The JSON form of a :class:`~edgerec.profile.devices.DeviceSchema`: reading with clear errors, and writing.

Every key is described in ``docs/devices.md``. Reading names the device and
setting at fault; unknown keys are refused, so a typo does not pass silently.

>>> schema_from_dict({"devices": {"fan": {"settings": {"on": {"type": "bool"}}}}}).paths
('fan.on',)
>>> schema_from_dict({"devices": {"fan": {"settings": {"on": {"type": "switch"}}}}})
Traceback (most recent call last):
...
edgerec.errors.InputError: device 'fan': setting 'on': type must be one of int, enum, bool, got 'switch'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from edgerec.errors import InputError
from edgerec.profile.devices import UNITS, Device, DeviceSchema, Phrase, Setting, ValueWords

__all__ = ["read_schema_file", "schema_from_dict", "schema_to_dict", "actions_json_schema"]

_SETTING_KEYS = {"type", "min", "max", "values", "unit", "words", "patterns", "patterns_if_named", "value_words",
                 "rank", "phrase", "phrase_true", "phrase_false"}
_DEVICE_KEYS = {"settings", "words", "patterns", "label", "default_setting"}
_TOP_KEYS = {"devices", "other_devices", "unit_words", "phrases", "name"}
_VALUE_KEYS = {"value", "words", "patterns", "strong"}


def _object(value: Any, where: str, keys: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{where} must be a JSON object, got {type(value).__name__}")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(keys))})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{where} must be a list")
    return value


def _setting_from(name: str, data: Any) -> Setting:
    spec = dict(_object(data, f"setting {name!r}", _SETTING_KEYS))
    if "type" not in spec:
        raise InputError(f"setting {name!r}: type is missing (int, enum or bool)")
    entries = []
    for entry in _list(spec.pop("value_words", []), f"setting {name!r}: value_words"):
        entry = _object(entry, f"setting {name!r}: a value_words entry", _VALUE_KEYS)
        if "value" not in entry:
            raise InputError(f"setting {name!r}: a value_words entry has no value")
        try:
            entries.append(ValueWords(entry["value"], tuple(_list(entry.get("words", []), "words")),
                                      tuple(_list(entry.get("patterns", []), "patterns")), bool(entry.get("strong"))))
        except InputError as exc:
            raise InputError(f"setting {name!r}: {exc}") from None
    for key in ("words", "patterns", "patterns_if_named", "values"):
        if key in spec:
            spec[key] = tuple(_list(spec[key], f"setting {name!r}: {key}"))
    return Setting(name, value_words=tuple(entries), **spec)


def schema_from_dict(data: Any) -> DeviceSchema:
    """A schema from its JSON form (an :class:`InputError` names what is wrong)."""
    data = _object(data, "the device schema", _TOP_KEYS)
    devices_data = data.get("devices")
    if not isinstance(devices_data, Mapping) or not devices_data:
        raise InputError("the device schema has no devices")
    devices = []
    for name, spec in devices_data.items():
        try:
            spec = _object(spec, f"device {name!r}", _DEVICE_KEYS)
            settings = spec.get("settings")
            if not isinstance(settings, Mapping) or not settings:
                raise InputError(f"device {name!r}: settings must be a non-empty JSON object")
            devices.append(Device(name, tuple(_setting_from(s, v) for s, v in settings.items()),
                                  tuple(_list(spec.get("words", []), "words")),
                                  tuple(_list(spec.get("patterns", []), "patterns")),
                                  spec.get("label"), spec.get("default_setting")))
        except InputError as exc:
            message = str(exc)
            raise InputError(message if message.startswith(f"device {name!r}") else f"device {name!r}: {message}") \
                from None
    unit_words = data.get("unit_words")
    if unit_words is not None:
        unit_words = tuple((u, tuple(_list(p, f"unit_words.{u}")))
                           for u, p in _object(unit_words, "unit_words", set(UNITS)).items())
    phrases = []
    for entry in _list(data.get("phrases", []), "phrases"):
        entry = _object(entry, "a phrases entry", {"pattern", "say"})
        if not isinstance(entry.get("pattern"), str) or not isinstance(entry.get("say"), str):
            raise InputError("a phrases entry needs a string pattern and a string say")
        phrases.append(Phrase(entry["pattern"], entry["say"]))
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise InputError("name must be a string")
    return DeviceSchema(tuple(devices), tuple(_list(data.get("other_devices", []), "other_devices")), unit_words,
                        tuple(phrases), name)


def _setting_dict(s: Setting) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.type}
    if s.type == "int":
        out.update(min=s.min, max=s.max)
    if s.type == "enum":
        out["values"] = list(s.values)
    for key in ("unit", "phrase", "phrase_true", "phrase_false"):
        if getattr(s, key) is not None:
            out[key] = getattr(s, key)
    for key in ("words", "patterns", "patterns_if_named"):
        if getattr(s, key):
            out[key] = list(getattr(s, key))
    if s.rank:
        out["rank"] = s.rank
    if s.value_words:
        out["value_words"] = [_value_dict(v) for v in s.value_words]
    return out


def _value_dict(v: ValueWords) -> dict[str, Any]:
    out: dict[str, Any] = {"value": v.value}
    if v.words:
        out["words"] = list(v.words)
    if v.patterns:
        out["patterns"] = list(v.patterns)
    if v.strong:
        out["strong"] = True
    return out


def _device_dict(d: Device) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("label", "default_setting"):
        if getattr(d, key) is not None:
            out[key] = getattr(d, key)
    for key in ("words", "patterns"):
        if getattr(d, key):
            out[key] = list(getattr(d, key))
    out["settings"] = {s.name: _setting_dict(s) for s in d.settings}
    return out


def schema_to_dict(schema: DeviceSchema) -> dict[str, Any]:
    """The JSON form of ``schema``; keys left at their defaults are left out."""
    out: dict[str, Any] = {}
    if schema.name is not None:
        out["name"] = schema.name
    out["devices"] = {d.name: _device_dict(d) for d in schema.devices}
    if schema.other_devices:
        out["other_devices"] = list(schema.other_devices)
    if schema.unit_words is not None:
        out["unit_words"] = {u: list(p) for u, p in schema.unit_words}
    if schema.phrases:
        out["phrases"] = [{"pattern": p.pattern, "say": p.say} for p in schema.phrases]
    return out


def read_schema_file(path: Path) -> DeviceSchema:
    """Read a device schema file; an :class:`InputError` names the file and what is wrong in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the device schema ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: the device schema is not valid JSON ({exc})") from None
    return DeviceSchema.from_dict(data, source=path.name)


def actions_json_schema(schema: DeviceSchema) -> dict[str, Any]:
    """JSON schema of one session's actions over ``schema``'s devices (for grammar-constrained generation)."""
    devices = {}
    for device in schema.devices:
        props: dict[str, Any] = {}
        for s in device.settings:
            if s.type == "bool":
                props[s.name] = {"type": "boolean"}
            elif s.type == "int":
                props[s.name] = {"type": "integer", "minimum": s.min, "maximum": s.max}
            else:
                props[s.name] = {"type": "string", "enum": list(s.values)}
        devices[device.name] = {"type": "object", "properties": props, "additionalProperties": False}
    return {"type": "object", "properties": devices, "additionalProperties": False}
