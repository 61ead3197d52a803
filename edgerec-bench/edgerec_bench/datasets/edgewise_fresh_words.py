"""Words of the ``fresh`` wording: what devices are called, how values are said, and reading values back.

Every table here was written for the ``fresh`` phrasing (:mod:`edgerec_bench.datasets.edgewise_fresh`)
and only for it. :func:`states_value` is the reading-back half: it says whether a piece of text
states a value the way this wording says it (digits, spelled numbers, option names, arm/disarm).

>>> import random
>>> text = "Put the " + device_name(random.Random(0), "ac") + " " + fragment(random.Random(1), "ac", "temperature", 22, 0.0)
>>> states_value(text, "ac", "temperature", 22), states_value(text, "ac", "temperature", 23)
(True, False)
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Any

from edgerec_bench.datasets.spelling import number_words

__all__ = [
    "DEVICE_NAMES", "FIELD_NOUNS", "DIRECTIONAL", "device_name", "pronoun", "say_number", "fragment",
    "device_clause", "join_list", "states_value", "names_device", "number_pattern", "direction_of",
    "TAKE_BACK", "YES", "NO", "cap", "say_value", "fragment_words", "says_any", "NOUNS",
]

DEVICE_NAMES: dict[str, tuple[str, ...]] = {
    "tv": ("TV", "television", "TV set", "screen"),
    "ac": ("AC", "air con", "air conditioner", "aircon"),
    "lights": ("lights", "lamps", "ceiling lights", "bulbs"),
    "speaker": ("speaker", "stereo", "smart speaker", "music speaker"),
    "security": ("alarm", "security system", "burglar alarm", "alarm system"),
}
_PLURAL = {"lights", "lamps", "ceiling lights", "bulbs"}

#: What a numeric setting is called when its device is known ("the TV volume is at 20").
FIELD_NOUNS: dict[tuple[str, str], str] = {
    ("tv", "volume"): "volume", ("tv", "brightness"): "brightness", ("ac", "temperature"): "temperature",
    ("ac", "fan_speed"): "fan speed", ("lights", "brightness"): "brightness", ("speaker", "volume"): "volume",
    ("security", "alarm_volume"): "alarm volume",
}

#: What any setting is called, for questions and past states ("What's the AC mode?").
NOUNS: dict[tuple[str, str], str] = {
    **FIELD_NOUNS, ("tv", "input_source"): "input", ("ac", "mode"): "mode", ("lights", "color"): "colour",
    ("lights", "mode"): "mode", ("speaker", "equalizer"): "EQ",
}

#: Comparatives for a numeric setting, (up, down); they make vague requests and relative changes.
DIRECTIONAL: dict[tuple[str, str], tuple[str, str]] = {
    ("tv", "volume"): ("louder", "quieter"), ("tv", "brightness"): ("brighter", "darker"),
    ("ac", "temperature"): ("warmer", "cooler"), ("ac", "fan_speed"): ("faster", "slower"),
    ("lights", "brightness"): ("brighter", "dimmer"), ("speaker", "volume"): ("louder", "quieter"),
    ("security", "alarm_volume"): ("louder", "quieter"),
}
_UP_WORDS = ("up", "higher", "more", "add", "raise", "louder", "brighter", "warmer", "faster")
_DOWN_WORDS = ("down", "lower", "less", "off", "drop", "quieter", "darker", "dimmer", "cooler", "slower")

#: Words that take a value back, accept an offer, or turn one down. Every correction, cancel,
#: acceptance and refusal the wording writes holds one of them.
TAKE_BACK = ("no", "not", "sorry", "actually", "scratch", "wait", "forget", "undo", "instead", "never mind")
YES = ("yes", "yeah", "yep", "sure", "please", "go ahead", "do it", "sounds good", "perfect")
NO = ("no", "nah", "nope", "not", "leave", "don't")

_ENUM_WORDS: dict[tuple[str, str], dict[Any, tuple[str, ...]]] = {
    ("tv", "input_source"): {"HDMI1": ("HDMI 1", "HDMI1", "HDMI one"), "HDMI2": ("HDMI 2", "HDMI2", "HDMI two"),
                             "AV": ("AV",), "Netflix": ("Netflix",), "YouTube": ("YouTube",)},
    ("ac", "mode"): {"cool": ("cool", "cooling"), "heat": ("heat", "heating"), "auto": ("auto", "automatic")},
    ("lights", "color"): {"warm": ("warm", "warm white"), "cool": ("cool", "cool white"),
                          "neutral": ("neutral", "neutral white")},
    ("lights", "mode"): {"static": ("static",), "dynamic": ("dynamic",)},
    ("speaker", "equalizer"): {"bass boost": ("bass boost", "bass-boost"), "balanced": ("balanced",),
                               "treble boost": ("treble boost", "treble-boost")},
    ("security", "armed"): {True: ("armed", "on"), False: ("disarmed", "off")},
}
_ARMED_RE = {True: r"\barm(ed|ing)?\b|\bon\b", False: r"\bdisarm(ed|ing)?\b|\boff\b"}

_FRAGMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("tv", "volume"): ("volume {v}", "volume at {v}", "volume to {v}", "sound on {v}"),
    ("tv", "brightness"): ("brightness {v}", "brightness at {v}", "picture brightness to {v}"),
    ("tv", "input_source"): ("on {v}", "over to {v}", "input {v}", "source to {v}"),
    ("ac", "temperature"): ("to {v}", "at {v}", "on {v}", "temperature {v}", "up to {v}", "down to {v}"),
    ("ac", "mode"): ("in {v} mode", "on {v}", "mode {v}"),
    ("ac", "fan_speed"): ("fan {v}", "fan speed {v}", "fan on {v}", "fan at {v}"),
    ("lights", "brightness"): ("at {v}", "to {v}", "brightness {v}", "dimmed to {v}", "up to {v}", "down to {v}"),
    ("lights", "color"): ("{v}", "in {v}", "colour {v}", "on {v}"),
    ("lights", "mode"): ("{v} mode", "mode {v}", "on {v} mode"),
    ("speaker", "volume"): ("at {v}", "to {v}", "volume {v}", "volume at {v}", "up to {v}", "down to {v}"),
    ("speaker", "equalizer"): ("on {v}", "EQ {v}", "equalizer {v}", "sound profile {v}"),
    ("security", "alarm_volume"): ("alarm volume {v}", "siren at {v}", "siren volume {v}"),
    ("security", "armed"): ("{v}",),
}
_PERCENT = {"volume", "brightness", "alarm_volume"}
_CLAUSES = ("set the {dev} {body}", "put the {dev} {body}", "get the {dev} {body}", "have the {dev} {body}",
            "switch the {dev} {body}", "turn the {dev} {body}")


def device_name(rng: random.Random, device: str) -> str:
    """One of the device's names in this wording."""
    return rng.choice(DEVICE_NAMES[device])


def pronoun(name: str) -> str:
    """"them" for a plural name, else "it"."""
    return "them" if name in _PLURAL else "it"


def say_number(rng: random.Random, n: int, p_words: float) -> tuple[str, bool]:
    """``n`` in digits or, with ``p_words``, in words; and whether words were used."""
    if rng.random() < p_words:
        return number_words(n, hyphen=rng.random() < 0.6, a_hundred=rng.random() < 0.5), True
    return str(n), False


def say_value(rng: random.Random, device: str, name: str, value: Any, p_words: float) -> tuple[str, bool]:
    if (device, name) in _ENUM_WORDS:
        return rng.choice(_ENUM_WORDS[device, name][value]), False
    said, words = say_number(rng, value, p_words)
    if name == "temperature":
        unit = rng.choice(["", " degrees", "°"] if not words else ["", " degrees"])
        return said + unit, words
    if name in _PERCENT:
        unit = rng.choice(["", "%", " percent"] if not words else ["", " percent"])
        return said + unit, words
    return said, words


def fragment(rng: random.Random, device: str, name: str, value: Any, p_words: float) -> str:
    """How one setting is said once its device is named ("volume at 30", "in heat mode")."""
    return fragment_words(rng, device, name, value, p_words)[0]


def fragment_words(
    rng: random.Random, device: str, name: str, value: Any, p_words: float, *, moves: tuple[str, ...] = ("up", "down")
) -> tuple[str, bool]:
    """:func:`fragment`, and whether a number was spelled out. ``moves`` says whether "up to {v}"
    and "down to {v}" may be used (not when they would contradict a state said earlier)."""
    said, words = say_value(rng, device, name, value, p_words)
    forms = [f for f in _FRAGMENTS[device, name] if not (f.startswith(("up ", "down ")) and f.split()[0] not in moves)]
    return rng.choice(forms).format(v=said), words


def cap(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def join_list(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def device_clause(rng: random.Random, name: str, bodies: list[str]) -> str:
    """A verb phrase that sets one device: "put the TV on Netflix and volume at 20"."""
    return rng.choice(_CLAUSES).format(dev=name, body=join_list(bodies))


@lru_cache(maxsize=None)
def number_pattern(n: int) -> str:
    """A regex alternation for ``n`` as digits or in any spelling :func:`say_number` writes."""
    spelled = {number_words(n, hyphen=h, a_hundred=a) for h in (True, False) for a in (True, False)}
    words = "|".join(re.escape(w) for w in sorted(spelled, key=len, reverse=True))
    ones = "one|two|three|four|five|six|seven|eight|nine"
    tail = rf"(?! and (?:{ones}|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b)"
    return (rf"(?<![\d.]){n}(?!\d)|(?<!ty-)(?<!ty )(?<!hundred and )\b(?:{words})\b"
            rf"(?![- ](?:{ones})\b)" + (tail if n % 100 == 0 else ""))


@lru_cache(maxsize=None)
def _value_regex(device: str, name: str, value: Any) -> re.Pattern[str]:
    if (device, name) == ("security", "armed"):
        return re.compile(_ARMED_RE[value], re.I)
    if (device, name) in _ENUM_WORDS:
        forms = _ENUM_WORDS[device, name][value]
        return re.compile("|".join(rf"\b{re.escape(f)}\b" for f in forms), re.I)
    return re.compile(number_pattern(value), re.I)


def states_value(text: str, device: str, name: str, value: Any) -> bool:
    """Whether ``text`` says ``value`` of ``device.name`` the way this wording says values.

    >>> states_value("Sure, the speakers on bass-boost", "speaker", "equalizer", "bass boost")
    True
    >>> states_value("make it twenty-four", "ac", "temperature", 24), states_value("make it 240", "ac", "temperature", 24)
    (True, False)
    """
    return bool(_value_regex(device, name, value).search(text))


def names_device(text: str, device: str) -> bool:
    """Whether ``text`` calls ``device`` by one of its names.

    >>> names_device("turn the telly up", "tv"), names_device("the Lamps, please", "lights")
    (False, True)
    """
    return any(re.search(rf"\b{re.escape(n)}\b", text, re.I) for n in DEVICE_NAMES[device])


def direction_of(text: str) -> int:
    """+1 if ``text`` holds an upward word only, -1 for downward only, 0 if neither or both.

    >>> direction_of("two up, please"), direction_of("take five off"), direction_of("make it 24")
    (1, -1, 0)
    """
    up = any(re.search(rf"\b{w}\b", text, re.I) for w in _UP_WORDS)
    down = any(re.search(rf"\b{w}\b", text, re.I) for w in _DOWN_WORDS)
    return 0 if up == down else (1 if up else -1)


def says_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``words`` as whole words (any case).

    >>> says_any("Nah, leave it", NO), says_any("Notify me", NO)
    (True, False)
    """
    return any(re.search(rf"\b{re.escape(x)}\b", text, re.I) for x in words)
