"""Rules that read the settings one clause asks for, given the device and setting talked about so far.

:func:`read_clause` turns the cues of a clause (:mod:`edgerec.profile.lexicon`)
into ``(path, value)`` settings. A number binds to the setting word nearest to
it, else to the device named (its default setting, or the setting last talked
about on it), else to the focus; a number outside its setting's range moves to
the device's one other int setting that holds it. Values without a device
("warm", "auto") take the device named nearby or in focus; on/off words set
the bool setting of the device talked about. Nothing here names a device: it
all comes from the :class:`~edgerec.profile.devices.DeviceSchema`.

>>> focus = Focus()
>>> read_clause("set the ac to 22", focus), focus
(([('ac.temperature', 22)], False), Focus(device='ac', path='ac.temperature'))
>>> read_clause("and the fan to 2", focus)
([('ac.fan_speed', 2)], False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.lexicon import Cue, find_cues, number_is_skipped
from edgerec.profile.number_words import NumberMention, find_numbers
from edgerec.profile.relative import find_relative

__all__ = ["Focus", "UNDO", "read_clause", "nearest_device", "open_field"]

UNDO = "undo"  # a clause result (UNDO, device or None): take back the last request

# Words that may follow a bare number that is a setting ("25 please", "make it 20 instead").
_AFTER_BARE_NUMBER = frozenset(
    "please pls plz thanks thank thx instead then now for is would should sounds works ok okay and too as "
    "actually if on in at or would that's thats this it's is be will i i'd i'm maybe probably ish with "
    "but so right yeah cheers ta".split()
)
_NEGATED = re.compile(r"\b(?:not|rather than|instead of|except|but not)\s+(?:the\s+|a\s+)?$")
# Nouns after "the"/"my" that name no device, so do not end the talk about one.
_GENERIC_NOUNS = frozenset(
    "room rooms house home place flat apartment living bedroom kitchen lounge office den mood vibe atmosphere evening "
    "night morning day afternoon weekend moment time way one usual same rest others other whole sun heat cold "
    "settings setting level levels value values system thing things stuff lot end best last first next".split()
)
_THING_AFTER_VERB = re.compile(
    r"^(?:\w+ )?(?:please )?(?:turn on|turn off|switch on|switch off|start|stop|open|close|feed|water|warm|heat|cool|"
    r"lock|unlock|run|empty|fill|clean|charge|boil|preheat|set|put|get|have|make|dim|turn|switch|check|"
    r"start up|fire up|power up|power on|power off) (?:up |on |off )?(?:the|my|our) (\w+)"
)
_PLACE = re.compile(r"(?:in|at|on|around) ")  # a setting word that is a place ("in here") names no device
_BACK_TO_A_VALUE = re.compile(r"\bback (?:up |down )?to\b")  # "put them back to 60%": a new value, not an undo
_EXPLICIT_UNDO = re.compile(r"back|undo|revert|as it was|as they were|(?:cancel|scratch|scrap|forget|undo) (?:that|it)")


@dataclass
class Focus:
    """The device and the numeric setting (``device.setting``) last talked about."""

    device: str | None = None
    path: str | None = None


def nearest_device(cues: Sequence[Cue], position: int, allowed: Sequence[str] | None = None) -> str | None:
    """The device (among ``allowed``; None: any) named by the cue nearest to ``position``."""
    best, best_distance = None, None
    for cue in cues:
        if cue.kind == "device" and (allowed is None or cue.payload in allowed):
            distance = abs(cue.start - position)
            if best_distance is None or distance < best_distance:
                best, best_distance = cue.payload, distance
    return best


def _numeric(cue: Cue, schema: DeviceSchema) -> tuple[str, ...]:
    """The devices a field cue can bind a number to (empty when it names no int setting)."""
    words = cue.payload
    if words.unit is not None:
        return words.devices
    return tuple(d for d, s in words.targets if schema.setting(f"{d}.{s}").type == "int")


def _numeric_field_cue(cues: Sequence[Cue], start: int, end: int, schema: DeviceSchema) -> Cue | None:
    """The setting a number at ``[start, end)`` is about: nearest field word, before (40) or after (25 chars)."""
    best, best_distance = None, None
    for unit_pass in (False, True):
        for cue in cues:
            if cue.kind != "field" or (cue.payload.unit is not None) != unit_pass or not _numeric(cue, schema):
                continue
            if cue.end <= start and start - cue.end <= 40:
                distance = start - cue.end
            elif cue.start >= end and cue.start - end <= 25:
                distance = cue.start - end + 3
            else:
                continue
            if best_distance is None or distance < best_distance:
                best, best_distance = cue, distance
        if best is not None:
            return best
    return None


def _number_path(cues: Sequence[Cue], number: Any, focus: Focus, clause: str, schema: DeviceSchema) -> str | None:
    """The ``device.setting`` path a number sets, or None when nothing ties it to a setting."""
    cue = _numeric_field_cue(cues, number.start, number.end, schema)
    if cue is not None:
        words, candidates = cue.payload, _numeric(cue, schema)
        device = nearest_device(cues, cue.start, candidates)
        if device is None and focus.device in candidates and focus.device not in words.named_only:
            device = focus.device  # a bare "volume" is the TV's or the speaker's, not the siren's
        if device is None:
            device = candidates[0]
        if words.unit is not None:
            if focus.path is not None and focus.path.startswith(f"{device}."):
                return focus.path
            return schema.unit_path(device, words.unit)
        return f"{device}.{words.setting_for(device)}"
    following = re.match(r"\s*([a-z']+)", clause[number.end:]) if clause else None
    if following and following.group(1) not in _AFTER_BARE_NUMBER:
        return None  # "two coffees", "3 kids": a count of something
    device = nearest_device(cues, number.start)
    if device is None:  # "heating up to 25", "netflix at 30": a value only one device has names it
        named_by_value = [Cue("device", c.start, c.end, c.payload[0][0]) for c in cues
                          if c.kind == "strong_value" and len({r[0] for r in c.payload}) == 1]
        device = nearest_device(named_by_value, number.start)
    lead = clause[:number.start]
    if device is None and re.fullmatch(r"\s*(?:and |with |plus )?(?:at|to|on)\s*", lead) and focus.device:
        # "... bass boost on the speaker, and at fifteen"
        return focus.path or schema.default_path(focus.device)
    if device is None and re.search(r"(?<!\bit)(?<!\bit's)(?<!\bthem)(?<!\bthat)(?<!\bthat's)"
                                    r"\s+(?:at|by|until|till|around|about|before|after)\s*$", lead):
        return None  # "the game starts at 9": a time
    if device is None:
        if focus.path is not None:
            return focus.path
        device = focus.device
    if device is None:
        return None
    if focus.path and focus.path.startswith(device + "."):
        return focus.path
    return schema.default_path(device)


def _focus_on_named_setting(cues: Sequence[Cue], focus: Focus, schema: DeviceSchema, clause: str,
                            guess: bool = True) -> None:
    """Point the focus at a numeric setting named without a value ("What brightness level?").

    With ``guess`` (False for talk about the weather outside), a setting the
    focused device does not have ends the talk about it, and a setting word
    only one device has names that device ("a bit warmer"; not a place such as
    "in here").
    """
    named = [c for c in cues if c.kind == "field" and c.payload.unit is None and _numeric(c, schema)]
    if not named:
        return
    words = named[-1].payload
    device = nearest_device(cues, named[-1].start, words.devices)
    if device is None and focus.device in words.devices:
        device = focus.device
    if device is None and guess:  # "the temperature is off", "a bit warmer": only the AC has that setting
        own = [c for c in named if len(set(c.payload.devices)) == 1 and not _PLACE.match(clause, c.start)]
        if own:
            words, device = own[-1].payload, own[-1].payload.devices[0]
    if device is None:
        if guess and focus.device is not None and focus.device not in words.devices:
            focus.device, focus.path = None, None
        return
    path = f"{device}.{words.setting_for(device)}"
    if schema.setting(path).type == "int":
        focus.device, focus.path = device, path


def _focus_on_warmth(focus: Focus, schema: DeviceSchema) -> None:
    """Point the focus at the first setting in degrees (how warm or cold the user feels)."""
    for device in schema.devices:
        path = schema.unit_path(device.name, "degrees")
        if path is not None:
            focus.device, focus.path = device.name, path
            return


def _names_unknown_thing(clause: str, cues: Sequence[Cue]) -> bool:
    """Whether the clause is an order about a thing outside the schema ("feed the fish")."""
    if any(c.kind in ("device", "field", "strong_value", "cancel") for c in cues):
        return False
    match = _THING_AFTER_VERB.search(clause)
    return bool(match) and match.group(1) not in _GENERIC_NOUNS


def _reading(cues: Sequence[Cue], implied: Sequence[Cue], cue: Cue, focus: Focus,
             fields: set[str]) -> tuple[str, str, Any] | None:
    """Which of a value cue's ``(device, setting, value)`` readings the clause means, if any."""
    readings = cue.payload
    devices = [r[0] for r in readings]
    device = nearest_device(cues, cue.start, devices)
    if device is None:
        device = nearest_device(implied, cue.start, devices)
    if device is None and focus.device in devices:
        device = focus.device
    if device is not None:
        return next(r for r in readings if r[0] == device)
    if cue.kind == "strong_value":
        return readings[0]
    return next((r for r in readings if r[1] in fields), None)


def _switch(clause: str, cues: Sequence[Cue], implied: Sequence[Cue], cue: Cue,
            focus: Focus) -> tuple[str, str, Any] | None:
    """Which bool setting an on/off word sets: the one of the device talked about."""
    readings = cue.payload
    devices = [r[0] for r in readings]
    if cue.kind == "strong_switch":  # "disarm", "lock up": only a device with that setting does it
        device = nearest_device(cues, cue.start)
        if device is None:
            return readings[0]
        return next((r for r in readings if r[0] == device), None)
    device = nearest_device(cues, cue.start) or nearest_device(implied, cue.start, devices)
    bare = clause[cue.start:cue.end] in ("on", "off")  # "I'm off to bed" switches nothing
    if device is None and not bare:
        device = focus.device
    return next((r for r in readings if r[0] == device), None)


def read_clause(clause: str, focus: Focus, schema: DeviceSchema | None = None) -> tuple[list[tuple[str, Any]], bool]:
    """Settings one clause asks for, in text order, and whether it named a setting left unfilled.

    A relative change ("two degrees warmer", "halve the volume") comes as a
    :class:`~edgerec.profile.relative.Relative` value, for the reader of the
    dialogue to apply to the setting's last known value. Updates ``focus`` in place.
    """
    schema = resolve(schema)
    cues = find_cues(clause, schema)
    if any(c.kind == "other_device" for c in cues) and not any(c.kind == "device" for c in cues):
        return [], False  # "close the blinds halfway", "fridge to 2 degrees"
    if _names_unknown_thing(clause, cues):
        focus.device, focus.path = None, None
        return [], False  # "warm the towel rail", "feed the fish": a thing we do not model
    cancel = next((c for c in cues if c.kind == "cancel"), None)
    back_to = _BACK_TO_A_VALUE.search(clause)
    if cancel is not None and back_to and any(n.start > back_to.start() for n in find_numbers(clause)):
        cues = [c for c in cues if c is not cancel]
        cancel = None
    if cancel is not None:
        device = nearest_device(cues, cancel.start)
        if device is not None or _EXPLICIT_UNDO.search(clause):
            return [(UNDO, device)], False
    if any(c.kind in ("negation", "cancel") for c in cues):
        return [], False
    found: list[tuple[int, str, Any]] = []
    value_spans = [(c.start, c.end) for c in cues if c.kind in ("value", "strong_value")]
    devices = [c.payload for c in cues if c.kind == "device"]
    fields = {c.payload.name for c in cues if c.kind == "field"}
    # a setting word that only one device has names that device ("fan on auto", "siren 60, armed")
    implied = [Cue("device", c.start, c.end, c.payload.devices[0]) for c in cues
               if c.kind == "field" and len(c.payload.targets) == 1]

    for cue in cues:
        if cue.kind in ("value", "strong_value", "switch", "strong_switch") and _NEGATED.search(clause[:cue.start]):
            continue  # "armed, not disarmed", "treble boost, not bass boost"
        if cue.kind in ("value", "strong_value"):
            chosen = _reading(cues, implied, cue, focus, fields)
        elif cue.kind in ("switch", "strong_switch"):
            chosen = _switch(clause, cues, implied, cue, focus)
        else:
            continue
        if chosen is not None:
            found.append((cue.start, f"{chosen[0]}.{chosen[1]}", chosen[2]))

    near_outside = [c for c in cues if c.kind == "outside"]
    change = find_relative(clause)
    if change is not None and (change.amount is not None or change.factor is not None):
        value_spans.append((change.start, change.end))  # "two degrees warmer": the two is an amount
        path = _number_path(cues, NumberMention(0, change.start, change.start, ""), focus, "", schema)
        if path is not None and schema.setting(path).type == "int":
            found.append((change.start, path, change))
    for number in find_numbers(clause):
        if any(s <= number.start < e for s, e in value_spans):
            continue
        if number.text == "one" and _numeric_field_cue(cues, number.start, number.end, schema) is None:
            continue  # "have a nice one", "which one"
        if number_is_skipped(clause, number.start, number.end):
            continue
        if any(abs(c.start - number.start) <= 30 for c in near_outside):
            continue
        path = _number_path(cues, number, focus, clause, schema)
        if path is None:
            continue
        if not schema.valid(path, number.value):
            path = schema.other_int_path(path, number.value) or path
        if schema.valid(path, number.value):
            found.append((number.start, path, number.value))

    found.sort(key=lambda item: item[0])
    settings = [(path, value) for _, path, value in found]
    if settings:
        focus.device = settings[-1][0].split(".")[0]
        numeric = [p for p, _ in settings if schema.setting(p).type == "int"]
        focus.path = numeric[-1] if numeric else focus.path
    if devices:
        focus.device = devices[-1]
    if focus.path and not focus.path.startswith(f"{focus.device}."):
        focus.path = None
    if not settings:
        _focus_on_named_setting(cues, focus, schema, clause, guess=not near_outside)
    if not settings and not devices and not near_outside and any(c.kind == "warmth" for c in cues):
        _focus_on_warmth(focus, schema)  # "it's chilly in here": the next bare number is a temperature
    named_setting = any(c.kind == "field" and c.payload.unit is None for c in cues)
    return settings, bool(named_setting and not settings and not near_outside)


def open_field(clause: str, schema: DeviceSchema | None = None) -> str | None:
    """The last setting word of a clause (its first reading), or None."""
    names = [c.payload.name for c in find_cues(clause, schema) if c.kind == "field"]
    return names[-1] if names else None
