"""Read a device schema file (DESIGN.md "Device schema file") for the device-session generator.

Only the format's generic keys are read: ``devices`` -> key -> ``words``,
``settings`` -> key -> ``type`` (``int`` with ``min``/``max``, ``enum`` with
``values``, ``bool``), ``words`` and ``unit`` (``percent`` or ``degrees``).
Any other key is an error, so a file this accepts is one any app could write.

>>> home = read_schema({"devices": {"kettle": {"words": ["kettle"], "settings": {
...     "temperature": {"type": "int", "min": 40, "max": 100, "unit": "degrees"},
...     "keep_warm": {"type": "bool", "words": ["keep warm"]}}}}})
>>> home.devices["kettle"].settings["keep_warm"].names
('keep warm',)
>>> home.field_specs()["kettle"]["temperature"]
range(40, 101)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgerec.errors import InputError

__all__ = ["Setting", "Device", "HomeSchema", "read_schema", "UNITS", "TYPES"]

UNITS = ("percent", "degrees")
TYPES = ("int", "enum", "bool")
_DEVICE_KEYS = {"words", "settings"}
_SETTING_KEYS = {"type", "min", "max", "values", "unit", "words"}


def _spoken(key: str) -> str:
    return key.replace("_", " ")


def _names(key: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The words, then the key itself when no word already says it."""
    said = {w.lower() for w in words}
    return words if _spoken(key).lower() in said else (*words, _spoken(key))


@dataclass(frozen=True)
class Setting:
    """One setting of a device: its type, its allowed values, and what people call it."""

    key: str
    type: str
    words: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    values: tuple[str, ...] = ()
    unit: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every way to name the setting: its words, and its key when the words do not say it."""
        return _names(self.key, self.words)

    def spec(self) -> Any:
        """The setting as a field spec of :mod:`edgerec.profile.schema`: range, tuple of values, or bool."""
        if self.type == "int":
            return range(self.low, self.high + 1)
        if self.type == "enum":
            return self.values
        return bool

    def allows(self, value: Any) -> bool:
        """Whether ``value`` is valid for this setting (a bool is not an int here)."""
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "int":
            return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high
        return value in self.values


@dataclass(frozen=True)
class Device:
    """One device: its settings and what people call it."""

    key: str
    settings: dict[str, Setting]
    words: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return _names(self.key, self.words)


@dataclass(frozen=True)
class HomeSchema:
    """The devices of one home, keyed as in the file."""

    devices: dict[str, Device]

    def field_specs(self) -> dict[str, dict[str, Any]]:
        """``{device: {setting: spec}}`` in the shape of ``edgerec.profile.schema.DEVICE_FIELDS``."""
        return {d: {s: setting.spec() for s, setting in dev.settings.items()} for d, dev in self.devices.items()}

    def setting(self, device: str, name: str) -> Setting:
        return self.devices[device].settings[name]


def _words(obj: Mapping, where: str) -> tuple[str, ...]:
    words = obj.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise InputError(f"{where}.words must be a list of non-empty strings")
    return tuple(w.strip() for w in words)


def _int(obj: Mapping, key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"{where}: an int setting needs an integer {key!r}, got {value!r}")
    return value


def _setting(key: str, obj: Any, where: str) -> Setting:
    if not isinstance(obj, Mapping):
        raise InputError(f"{where} must be an object")
    unknown = set(obj) - _SETTING_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key(s) {sorted(unknown)} (known: {', '.join(sorted(_SETTING_KEYS))})")
    kind = obj.get("type")
    if kind not in TYPES:
        raise InputError(f"{where}.type must be one of {', '.join(TYPES)}, got {kind!r}")
    unit = obj.get("unit")
    if unit is not None and unit not in UNITS:
        raise InputError(f"{where}.unit must be one of {', '.join(UNITS)}, got {unit!r}")
    words = _words(obj, where)
    if kind == "int":
        low, high = _int(obj, "min", where), _int(obj, "max", where)
        if low > high:
            raise InputError(f"{where}: min {low} is above max {high}")
        return Setting(key, kind, words, low=low, high=high, unit=unit)
    if unit is not None:
        raise InputError(f"{where}: only an int setting has a unit")
    if kind == "enum":
        values = obj.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise InputError(f"{where}.values must be a non-empty list of strings")
        if len(set(values)) != len(values):
            raise InputError(f"{where}.values repeats a value")
        return Setting(key, kind, words, values=tuple(values))
    return Setting(key, kind, words)


def read_schema(source: str | Path | Mapping) -> HomeSchema:
    """A :class:`HomeSchema` from a JSON file path or an already parsed dict; bad input raises InputError."""
    if isinstance(source, Mapping):
        data, where = source, "schema"
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: device schema file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the device schema ({exc})") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
        where = path.name
    if not isinstance(data, Mapping) or set(data) != {"devices"}:
        raise InputError(f"{where}: a device schema is an object with the single key 'devices'")
    raw = data["devices"]
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(f"{where}: 'devices' must be a non-empty object")
    devices = {}
    for key, obj in raw.items():
        at = f"{where}: devices.{key}"
        if not isinstance(obj, Mapping):
            raise InputError(f"{at} must be an object")
        unknown = set(obj) - _DEVICE_KEYS
        if unknown:
            raise InputError(f"{at}: unknown key(s) {sorted(unknown)} (known: settings, words)")
        settings = obj.get("settings")
        if not isinstance(settings, Mapping) or not settings:
            raise InputError(f"{at}.settings must be a non-empty object")
        parsed = {name: _setting(name, spec, f"{at}.settings.{name}") for name, spec in settings.items()}
        devices[key] = Device(key, parsed, _words(obj, at))
    return HomeSchema(devices)
