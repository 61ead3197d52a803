"""Phrases for the device-session generator: numbers, values and one-setting clauses over any schema.

Everything here is built from a :class:`~edgerec.profile.devices.DeviceSchema`'s
generic keys only: a device's ``words`` (its key always counts), a setting's
``words``, its type, range or values, and its ``unit``. The schema's optional
extraction keys (patterns, value words, phrases...) are never read, so the
phrasing stays blind to how the extractor is told to listen. No device or
setting is named in code.

>>> import random
>>> spell(45), spell(100, random.Random(1))
('forty-five', 'a hundred')
>>> from edgerec.profile.devices import Setting
>>> say_value(random.Random(0), Setting("position", "int", min=0, max=100, unit="percent"), 45, words=0.0, unit=1.0)
'45 percent'
>>> names_of(Setting("keep_warm", "bool", words=(" warming ",)))
('warming', 'keep warm')
"""

from __future__ import annotations

import random
from typing import Any

from edgerec.profile.devices import Device, Setting
from edgerec_bench.datasets.spelling import number_words

__all__ = ["words_of", "names_of", "spell", "say_number", "say_value", "device_phrase", "setting_word", "target",
           "clause", "correction_clause", "bare_ok", "imperative", "summary", "ON_WORDS", "OFF_WORDS"]

#: Words that say a bool setting's state in these dialogues (used by tests to read them back).
ON_WORDS = ("on", "enable")
OFF_WORDS = ("off", "disable")
_IMPERATIVE = {"set", "put", "turn", "switch", "change", "bring", "make", "enable", "disable", "move"}


def words_of(thing: Device | Setting) -> tuple[str, ...]:
    """The schema's words for a device or setting, trimmed, blank ones left out."""
    return tuple(w.strip() for w in thing.words if w.strip())


def names_of(thing: Device | Setting) -> tuple[str, ...]:
    """Every way to name a device or setting: its words, then its key ("keep_warm" said "keep warm")
    when no word already says it."""
    said, key = words_of(thing), thing.name.replace("_", " ")
    return said if key.lower() in {w.lower() for w in said} else (*said, key)


def spell(n: int, rng: random.Random | None = None) -> str:
    """``n`` in words (:func:`~edgerec_bench.datasets.spelling.number_words`); ``rng`` varies them.

    With ``rng``, 100 to 199 start "a hundred" half the time and tens with ones
    are joined by a space ("forty five") 30% of the time.

    >>> spell(7), spell(63), spell(210), spell(-4), spell(1500)
    ('seven', 'sixty-three', 'two hundred and ten', 'minus four', '1500')
    """
    if rng is None:
        return number_words(n)
    size = abs(n)
    a_hundred = 100 <= size < 200 and rng.random() < 0.5
    rest = size % 100
    spaced = size < 1000 and rest > 20 and rest % 10 != 0 and rng.random() < 0.3
    return number_words(n, hyphen=not spaced, a_hundred=a_hundred)


def say_number(rng: random.Random, n: int, words: float) -> str:
    """Digits, or words with probability ``words``."""
    return spell(n, rng) if rng.random() < words else str(n)


def say_value(rng: random.Random, setting: Setting, value: Any, *, words: float, unit: float) -> str:
    """How a value is said: a number with or without its unit, an enum's value words, on/off for a bool.

    >>> from edgerec.profile.devices import Setting
    >>> say_value(random.Random(0), Setting("tilt", "enum", values=("half_open",)), "half_open", words=0, unit=0)
    'half open'
    """
    if setting.type == "bool":
        return "on" if value else "off"
    if setting.type == "enum":
        return str(value).replace("_", " ")
    number = say_number(rng, value, words)
    if setting.unit is None or rng.random() >= unit:
        return number
    digits = number.lstrip("-").isdigit()
    if setting.unit == "percent":
        return f"{number}%" if digits and rng.random() < 0.3 else f"{number} percent"
    return f"{number}°" if digits and rng.random() < 0.2 else f"{number} degrees"


def bare_ok(device: Device, setting: Setting) -> bool:
    """Whether the setting may go unnamed: it is the device's only int, or its enum value says which enum.

    (The caller still checks that the value it says is unique for an enum.)
    """
    if setting.type == "bool":
        return False
    same = [s for s in device.settings if s.type == setting.type]
    if setting.type == "int":
        return len(same) == 1
    return True


def _enum_unique(device: Device, setting: Setting, value: Any) -> bool:
    return not any(value in s.values for s in device.settings if s is not setting and s.type == "enum")


def device_phrase(rng: random.Random, device: Device) -> str:
    """ "the blinds", "the shades" ... one of the device's names with an article."""
    return f"the {rng.choice(names_of(device))}"


def setting_word(rng: random.Random, setting: Setting) -> str:
    """One of the setting's words; its key (spaced) only now and then when it has words of its own."""
    own = words_of(setting)
    if own and rng.random() < 0.85:
        return rng.choice(own)
    return rng.choice(names_of(setting))


def target(rng: random.Random, device: Device, setting: Setting, *, pronoun: bool = False) -> str:
    """A noun phrase for one setting of a device: "the kettle temperature", "the fan's swing", "its tilt"."""
    word = setting_word(rng, setting)
    if pronoun:
        return rng.choice([f"its {word}", f"the {word}"])
    dev = device_phrase(rng, device)
    owner = f"{dev}'" if dev.endswith("s") else f"{dev}'s"
    return rng.choice([f"{dev} {word}", f"{owner} {word}", f"the {word} on {dev}", f"the {word} of {dev}"])


def _int_clause(rng: random.Random, thing: str, said: str) -> str:
    return rng.choice([
        f"set {thing} to {said}", f"put {thing} at {said}", f"{thing} to {said}", f"bring {thing} to {said}",
        f"change {thing} to {said}", f"I'd like {thing} at {said}", f"{thing} at {said}",
    ])


def _enum_clause(rng: random.Random, thing: str, said: str) -> str:
    return rng.choice([
        f"set {thing} to {said}", f"switch {thing} to {said}", f"change {thing} to {said}",
        f"{thing} on {said}", f"make {thing} {said}", f"put {thing} on {said}", f"I want {thing} on {said}",
    ])


def _bool_clause(rng: random.Random, thing: str, value: bool) -> str:
    if value:
        return rng.choice([f"turn on {thing}", f"switch {thing} on", f"enable {thing}", f"{thing} on",
                           f"put {thing} on", f"I'd like {thing} on"])
    return rng.choice([f"turn off {thing}", f"switch {thing} off", f"disable {thing}", f"{thing} off",
                       f"I want {thing} off"])


def clause(
    rng: random.Random, device: Device, setting: Setting, value: Any, *,
    words: float, unit: float, bare: float = 0.0, pronoun: bool = False,
) -> str:
    """One request clause (no capital, no full stop) that states ``value`` for one setting.

    ``pronoun`` refers to the device as "it"/"its"; ``bare`` is the chance of
    leaving the setting unnamed when :func:`bare_ok` allows it ("put the heater on eco").
    """
    said = say_value(rng, setting, value, words=words, unit=unit)
    unnamed = (setting.type != "bool" and bare_ok(device, setting) and rng.random() < bare
               and (setting.type == "int" or _enum_unique(device, setting, value)))
    if unnamed:
        dev = "it" if pronoun else device_phrase(rng, device)
        if setting.type == "int":
            return rng.choice([f"set {dev} to {said}", f"put {dev} at {said}", f"turn {dev} to {said}",
                               f"{dev} to {said}"])
        return rng.choice([f"put {dev} on {said}", f"switch {dev} to {said}", f"set {dev} to {said}",
                           f"{dev} on {said}"])
    thing = target(rng, device, setting, pronoun=pronoun)
    if setting.type == "bool":
        return _bool_clause(rng, thing, value)
    if setting.type == "int":
        return _int_clause(rng, thing, said)
    return _enum_clause(rng, thing, said)


def correction_clause(
    rng: random.Random, device: Device, setting: Setting, wrong: Any, right: Any, *, words: float, unit: float
) -> str:
    """A clause that says a value and corrects it at once: "the fan speed to 2 ... no, 3"."""
    first = clause(rng, device, setting, wrong, words=words, unit=unit)
    again = say_value(rng, setting, right, words=words, unit=unit)
    if setting.type == "bool":
        again = rng.choice(["on", "enable it"]) if right else rng.choice(["off", "leave it off"])
    return rng.choice([
        f"{first} ... no, {again}", f"{first}, sorry, I mean {again}", f"{first}, actually make that {again}",
        f"{first} - wait, no, {again}",
    ])


def imperative(text: str) -> bool:
    """Whether a clause starts with a verb, so "can you ..." may go before it."""
    return text.split(" ", 1)[0].lower() in _IMPERATIVE


def summary(rng: random.Random, device: Device, settings: list[tuple[Setting, Any]], *, words: float) -> str:
    """An assistant's read-back of one device's new values: "the kettle: temperature 80 degrees, keep warm on"."""
    parts = []
    for setting, value in settings:
        said = say_value(rng, setting, value, words=words, unit=1.0)
        word = setting_word(rng, setting)
        parts.append(f"{word} {said}" if setting.type != "bool" else f"{word} {'on' if value else 'off'}")
    return f"{device_phrase(rng, device)}: {', '.join(parts)}"
