"""Smart-home actions as nested dicts and as flat (path, value) items.

Actions are nested dicts ``{"tv": {"volume": 20}}``. For mining they are
flattened into a frozenset of ``("tv.volume", 20)`` items and back.

>>> items = flatten_actions({"tv": {"volume": 20}, "ac": {"mode": "cool"}})
>>> sorted(items)
[('ac.mode', 'cool'), ('tv.volume', 20)]
>>> unflatten_items(items)
{'ac': {'mode': 'cool'}, 'tv': {'volume': 20}}
"""

from __future__ import annotations

from typing import Any, Iterable

from edgerec.profile.devices import DeviceSchema, resolve

META_FIELDS: dict[str, tuple[str, ...]] = {
    "time_of_day": ("morning", "afternoon", "evening", "night"),
    "day_of_week": ("weekday", "weekend"),
    "sun_phase": ("before_sunrise", "daylight", "after_sunset"),
    "weather": ("sunny", "cloudy", "rainy", "snowy"),
    "outdoor_temp": ("very cold", "cold", "mild", "warm", "hot"),
}

# The shipped EdgeWisePersona devices as field specs: a tuple of allowed values, an
# inclusive (low, high) int range written as range(low, high + 1), or bool. The
# schema itself (and the one owner of value checks) is edgerec.profile.devices.
DEVICE_FIELDS: dict[str, dict[str, Any]] = DeviceSchema.default().field_specs()

__all__ = ["DEVICE_FIELDS", "META_FIELDS", "Item", "flatten_actions", "unflatten_items", "valid_value"]

#: (path, value), e.g. ("ac.temperature", 22); value is int, bool or str.
Item = tuple[str, Any]


def valid_value(path: str, value: Any, schema: DeviceSchema | None = None) -> bool:
    """Whether ``value`` is allowed for ``path`` ("device.field") in ``schema`` (None: EdgeWisePersona).

    >>> valid_value("ac.temperature", 22), valid_value("ac.temperature", 40)
    (True, False)
    >>> valid_value("tv.input_source", "Netflix"), valid_value("security.armed", 1)
    (True, False)
    """
    return resolve(schema).valid(path, value)


def flatten_actions(actions: dict[str, dict[str, Any]] | None) -> frozenset[Item]:
    """The (path, value) items of an actions dict; null fields are dropped."""
    items = set()
    for device, fields in (actions or {}).items():
        for field, value in (fields or {}).items():
            if value is not None:
                items.add((f"{device}.{field}", value))
    return frozenset(items)


def unflatten_items(items: Iterable[Item]) -> dict[str, dict[str, Any]]:
    """Nested actions from (path, value) items, devices and fields sorted."""
    nested: dict[str, dict[str, Any]] = {}
    for path, value in sorted(items, key=lambda item: item[0]):
        device, _, field = path.partition(".")
        nested.setdefault(device, {})[field] = value
    return {device: nested[device] for device in sorted(nested)}
