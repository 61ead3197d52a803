"""The devices an app controls, as data: a :class:`DeviceSchema` of devices and their settings.

A schema is read from JSON (format: ``docs/devices.md``) or built in Python.
Each setting is an ``int`` with a range, an ``enum`` with values, or a
``bool``, with an optional unit (``percent`` or ``degrees``) and the words
people use for it. Extraction, value checks, the LLM's JSON-schema grammar and
the profile text all read it; :meth:`DeviceSchema.default` is the shipped
EdgeWisePersona five (``edgerec/profile/schemas/edgewise.json``).

>>> kettle = Device("kettle", settings=(Setting("temperature", "int", min=40, max=100, unit="degrees"),
...                                     Setting("keep_warm", "bool", words=("keep warm",))))
>>> schema = DeviceSchema((kettle,))
>>> schema.paths
('kettle.temperature', 'kettle.keep_warm')
>>> schema.valid("kettle.temperature", 80), schema.valid("kettle.temperature", 120)
(True, False)
>>> DeviceSchema.from_dict(schema.to_dict()) == schema
True
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from edgerec.errors import InputError

__all__ = ["DeviceSchema", "Device", "Setting", "ValueWords", "Phrase", "TYPES", "UNITS"]

TYPES = ("int", "enum", "bool")
UNITS = ("percent", "degrees")


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what} must be a list of strings")
    return tuple(value)


def _patterns(value: Any, what: str) -> tuple[str, ...]:
    found = _strings(value, what)
    for pattern in found:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"{what}: bad regular expression {pattern!r} ({exc})") from None
    return found


@dataclass(frozen=True)
class ValueWords:
    """Words that mean one value of a setting.

    ``strong`` words name the device by themselves ("netflix" is the TV's);
    other words count only when the device is talked about ("cool" could be a
    colour or a mode).
    """

    value: Any
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    strong: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", _strings(self.words, f"the words of value {self.value!r}"))
        object.__setattr__(self, "patterns", _patterns(self.patterns, f"the patterns of value {self.value!r}"))


@dataclass(frozen=True)
class Setting:
    """One setting of a device: ``int`` (min, max), ``enum`` (values) or ``bool``.

    ``rank``: when several devices' settings answer to the same word, lower
    ranks are read first (ties: device order). ``patterns_if_named``: words
    that bind a number to this setting only when the device is named in the
    same clause. ``phrase`` (``phrase_true``/``phrase_false`` for a bool) is
    how a profile says a value.

    >>> Setting("level", "int", min=0, max=5).problem(7)
    'must be within 0..5, got 7'
    """

    name: str
    type: str
    min: int | None = None
    max: int | None = None
    values: tuple[Any, ...] = ()
    unit: str | None = None
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    patterns_if_named: tuple[str, ...] = ()
    value_words: tuple[ValueWords, ...] = ()
    rank: int = 0
    phrase: str | None = None
    phrase_true: str | None = None
    phrase_false: str | None = None

    def __post_init__(self) -> None:
        where = f"setting {self.name!r}"
        if not isinstance(self.name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise InputError(f"{where}: a setting name is lower-case letters, digits and _")
        if self.type not in TYPES:
            raise InputError(f"{where}: type must be one of {', '.join(TYPES)}, got {self.type!r}")
        if self.type == "int":
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (self.min, self.max)):
                raise InputError(f"{where}: an int setting needs integer min and max")
            if self.min > self.max:
                raise InputError(f"{where}: min {self.min} is above max {self.max}")
        elif self.min is not None or self.max is not None:
            raise InputError(f"{where}: min and max are for int settings only")
        object.__setattr__(self, "values", tuple(self.values))
        if self.type == "enum":
            if not self.values or not all(isinstance(v, str) and v for v in self.values):
                raise InputError(f"{where}: an enum setting needs a non-empty list of string values")
            if len(set(self.values)) != len(self.values):
                raise InputError(f"{where}: enum values repeat")
        elif self.values:
            raise InputError(f"{where}: values are for enum settings only")
        if self.unit is not None and (self.unit not in UNITS or self.type != "int"):
            raise InputError(f"{where}: unit must be one of {', '.join(UNITS)} on an int setting, got {self.unit!r}")
        if not isinstance(self.rank, int) or isinstance(self.rank, bool):
            raise InputError(f"{where}: rank must be an integer")
        for key in ("phrase", "phrase_true", "phrase_false"):
            if getattr(self, key) is not None and not isinstance(getattr(self, key), str):
                raise InputError(f"{where}: {key} must be a string")
        object.__setattr__(self, "words", _strings(self.words, f"{where}: words"))
        object.__setattr__(self, "patterns", _patterns(self.patterns, f"{where}: patterns"))
        object.__setattr__(self, "patterns_if_named",
                           _patterns(self.patterns_if_named, f"{where}: patterns_if_named"))
        object.__setattr__(self, "value_words", tuple(self.value_words))
        for entry in self.value_words:
            problem = self.problem(entry.value)
            if problem is not None:
                raise InputError(f"{where}: value_words value {problem}")

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed here, or None when it is."""
        if self.type == "bool":
            return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
        if self.type == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                return f"must be an integer, got {value!r}"
            return None if self.min <= value <= self.max else f"must be within {self.min}..{self.max}, got {value}"
        if value not in self.values:
            return f"must be one of {', '.join(map(repr, self.values))}, got {value!r}"
        return None

    def valid(self, value: Any) -> bool:
        """Whether ``value`` is allowed for this setting."""
        return self.problem(value) is None

    def spec(self) -> Any:
        """The setting as ``bool``, ``range(min, max + 1)`` or a tuple of values."""
        if self.type == "bool":
            return bool
        if self.type == "int":
            return range(self.min, self.max + 1)
        return self.values


@dataclass(frozen=True)
class Device:
    """A device, its settings, and what people call it.

    ``default_setting``: the int setting a number is about when only the
    device is named (default: the first int setting).
    """

    name: str
    settings: tuple[Setting, ...] = ()
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    label: str | None = None
    default_setting: str | None = None

    def __post_init__(self) -> None:
        where = f"device {self.name!r}"
        if not isinstance(self.name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise InputError(f"{where}: a device name is lower-case letters, digits and _")
        object.__setattr__(self, "settings", tuple(self.settings))
        if not self.settings:
            raise InputError(f"{where}: it has no settings")
        names = [s.name for s in self.settings]
        if len(set(names)) != len(names):
            raise InputError(f"{where}: setting names repeat")
        object.__setattr__(self, "words", _strings(self.words, f"{where}: words"))
        object.__setattr__(self, "patterns", _patterns(self.patterns, f"{where}: patterns"))
        if self.label is not None and not isinstance(self.label, str):
            raise InputError(f"{where}: label must be a string")
        if self.default_setting is not None:
            chosen = self.setting(self.default_setting)
            if chosen is None or chosen.type != "int":
                raise InputError(f"{where}: default_setting {self.default_setting!r} is not one of its int settings")

    def setting(self, name: str) -> Setting | None:
        """The setting called ``name``, or None."""
        return next((s for s in self.settings if s.name == name), None)

    @property
    def default(self) -> str | None:
        """The int setting a bare number is about (None when the device has no int setting)."""
        if self.default_setting is not None:
            return self.default_setting
        return next((s.name for s in self.settings if s.type == "int"), None)

    @property
    def title(self) -> str:
        """How a profile names the device."""
        return self.label if self.label is not None else self.name.replace("_", " ")


@dataclass(frozen=True)
class Phrase:
    """A text rewrite applied while normalizing a turn (``re.sub(pattern, say, text)``).

    ``say`` may hold ``{max:UNIT}`` / ``{min:UNIT}``: the range end of the
    schema's first setting with that unit ("the warmest setting" -> its max).
    """

    pattern: str
    say: str

    def __post_init__(self) -> None:
        _patterns([self.pattern], "phrase pattern")


@dataclass(frozen=True)
class DeviceSchema:
    """The devices of one app. See ``docs/devices.md`` for the JSON format.

    ``other_devices``: patterns for things the app does not control (a clause
    about them sets nothing); ``unit_words``: words for each unit (None: the
    built-in ones in :mod:`edgerec.profile.lexicon`); ``phrases``: text rewrites for values said without a number.
    """

    devices: tuple[Device, ...]
    other_devices: tuple[str, ...] = ()
    unit_words: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    phrases: tuple[Phrase, ...] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "devices", tuple(self.devices))
        if not self.devices:
            raise InputError("a device schema needs at least one device")
        names = [d.name for d in self.devices]
        if len(set(names)) != len(names):
            raise InputError("device names repeat")
        object.__setattr__(self, "other_devices", _patterns(self.other_devices, "other_devices"))
        object.__setattr__(self, "phrases", tuple(self.phrases))
        if self.unit_words is not None:
            units = tuple((u, _patterns(p, f"unit_words.{u}")) for u, p in self.unit_words)
            bad = [u for u, _ in units if u not in UNITS]
            if bad:
                raise InputError(f"unit_words: unknown unit {bad[0]!r} (known: {', '.join(UNITS)})")
            object.__setattr__(self, "unit_words", units)

    # -- loading and saving ---------------------------------------------------------

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "DeviceSchema":
        """The EdgeWisePersona devices shipped with edgerec (tv, ac, lights, speaker, security)."""
        text = resources.files("edgerec.profile").joinpath("schemas/edgewise.json").read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text), source="edgewise.json")

    @classmethod
    def load(cls, path: str | Path) -> "DeviceSchema":
        """Read a device schema file; :class:`InputError` names the file and the bad device or setting."""
        from edgerec.profile.device_file import read_schema_file

        return read_schema_file(Path(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "") -> "DeviceSchema":
        """A schema from its JSON form.

        >>> DeviceSchema.from_dict({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0}}}}})
        Traceback (most recent call last):
        ...
        edgerec.errors.InputError: device 'fan': setting 'speed': an int setting needs integer min and max
        """
        from edgerec.profile.device_file import schema_from_dict

        prefix = f"{source}: " if source else ""
        try:
            return schema_from_dict(data)
        except InputError as exc:
            raise InputError(prefix + str(exc)) from None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (keys left at their defaults are left out)."""
        from edgerec.profile.device_file import schema_to_dict

        return schema_to_dict(self)

    @cached_property
    def digest(self) -> str:
        """A short digest of the schema (changes when anything in it does)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode("utf-8")).hexdigest()[:16]

    # -- questions ------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        """The device names, in schema order."""
        return tuple(d.name for d in self.devices)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every ``device.setting`` path, in schema order."""
        return tuple(f"{d.name}.{s.name}" for d in self.devices for s in d.settings)

    def device(self, name: str | None) -> Device | None:
        """The device called ``name``, or None."""
        return self._by_name.get(name or "")

    @cached_property
    def _by_name(self) -> dict[str, Device]:
        return {d.name: d for d in self.devices}

    def setting(self, path: str) -> Setting | None:
        """The setting at ``path`` ("device.setting"), or None."""
        device, _, name = path.partition(".")
        found = self.device(device)
        return found.setting(name) if found is not None else None

    def problem(self, path: str, value: Any) -> str | None:
        """Why ``value`` cannot be set at ``path``, or None when it can."""
        device, _, name = path.partition(".")
        if self.device(device) is None:
            return f"unknown device {device!r} (known: {', '.join(self.names)})"
        setting = self.setting(path)
        if setting is None:
            return f"unknown field {path} (known: {', '.join(s.name for s in self.device(device).settings)})"
        problem = setting.problem(value)
        return None if problem is None else f"{path} {problem}"

    def valid(self, path: str, value: Any) -> bool:
        """Whether ``value`` is allowed at ``path``.

        >>> s = DeviceSchema.default()
        >>> s.valid("ac.temperature", 22), s.valid("ac.temperature", 40), s.valid("security.armed", 1)
        (True, False, False)
        """
        setting = self.setting(path)
        return setting is not None and setting.valid(value)

    def int_settings(self, device: str) -> tuple[str, ...]:
        """The int settings of ``device``."""
        found = self.device(device)
        return tuple(s.name for s in found.settings if s.type == "int") if found else ()

    def options(self, device: str | None, setting: str | None) -> list[Any] | None:
        """The closed set of values of ``device.setting``, or None when it is not an enum."""
        found = self.setting(f"{device}.{setting}")
        return list(found.values) if found is not None and found.type == "enum" else None

    def default_path(self, device: str) -> str | None:
        """The path a bare number said about ``device`` sets, or None."""
        found = self.device(device)
        default = found.default if found else None
        return f"{device}.{default}" if default else None

    def other_int_path(self, path: str, value: Any) -> str | None:
        """The one other int setting of the path's device that holds ``value``, or None (none or several)."""
        device = path.split(".")[0]
        fits = [f"{device}.{n}" for n in self.int_settings(device)
                if f"{device}.{n}" != path and self.valid(f"{device}.{n}", value)]
        return fits[0] if len(fits) == 1 else None

    def unit_path(self, device: str, unit: str) -> str | None:
        """The setting of ``device`` a number with ``unit`` sets: its default when it has the unit, else its first."""
        found = self.device(device)
        if found is None:
            return None
        default = found.setting(found.default or "")
        if default is not None and default.unit == unit:
            return f"{device}.{default.name}"
        return next((f"{device}.{s.name}" for s in found.settings if s.unit == unit), None)

    def extreme(self, unit: str, end: str) -> int | None:
        """``max`` or ``min`` of the first setting with ``unit``."""
        setting = next((s for d in self.devices for s in d.settings if s.unit == unit), None)
        return None if setting is None else (setting.max if end == "max" else setting.min)

    def field_specs(self) -> dict[str, dict[str, Any]]:
        """Every device's settings as ``bool`` / ``range`` / tuple specs.

        >>> DeviceSchema.default().field_specs()["ac"]["fan_speed"]
        range(0, 4)
        """
        return {d.name: {s.name: s.spec() for s in d.settings} for d in self.devices}

    def json_schema(self) -> dict[str, Any]:
        """JSON schema of one session's actions, for grammar-constrained generation.

        >>> sorted(DeviceSchema.default().json_schema()["properties"])
        ['ac', 'lights', 'security', 'speaker', 'tv']
        """
        from edgerec.profile.device_file import actions_json_schema

        return actions_json_schema(self)


def resolve(schema: DeviceSchema | None) -> DeviceSchema:
    """``schema``, or the shipped EdgeWisePersona schema when None."""
    return DeviceSchema.default() if schema is None else schema
