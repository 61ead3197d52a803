"""How the synthetic smart-home dialogues say settings: device names, value
phrases, numbers as words, requests, confirmations, corrections, proposals.

Everything here is a pure function of its arguments and a ``random.Random``;
:mod:`edgerec_bench.datasets.edgewise_dialogue` decides *what* is said and calls
these to decide *how* (talk that states no setting is in
:mod:`edgerec_bench.datasets.edgewise_chatter`). Every phrase that states a setting states its value in a form
a careful reader recovers exactly (digits, words, "half", "max", "mute"...).

>>> import random
>>> number_words(24), number_words(100), number_words(7)
('twenty-four', 'one hundred', 'seven')
>>> say_request("ac", [("temperature", 22)], random.Random(1), p_words=0.0) != ""
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

__all__ = [
    "number_words",
    "say_number",
    "device_name",
    "say_request",
    "say_confirmation",
    "say_value_answer",
    "ask_for_value",
    "say_open_request",
    "say_fix",
    "say_followup",
    "say_topic_request",
    "say_from_to",
    "say_habit_contrast",
    "say_state_query",
    "say_usual",
    "say_clamped",
    "say_double_check",
    "say_which_device",
    "say_cancel",
    "household_inputs",
    "say_named_input",
    "say_indirect",
    "say_relative",
    "say_proposal",
    "polite",
    "join_clauses",
    "acceptance",
    "declination",
]

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int, hyphen: bool = True) -> str:
    """English words for 0..100 (``hyphen=False`` writes "twenty four").

    >>> number_words(45, hyphen=False)
    'forty five'
    """
    if not 0 <= n <= 100:
        raise ValueError(f"number_words covers 0..100, got {n}")
    if n == 100:
        return "one hundred"
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    if not ones:
        return _TENS[tens]
    return f"{_TENS[tens]}{'-' if hyphen else ' '}{_ONES[ones]}"


def say_number(n: int, rng: random.Random, p_words: float) -> str:
    """Digits, or (with probability ``p_words``) words, sometimes unhyphenated.

    >>> say_number(30, random.Random(0), p_words=1.0) in {"thirty"}
    True
    """
    if rng.random() < p_words:
        if n == 100 and rng.random() < 0.5:
            return "a hundred"
        return number_words(n, hyphen=rng.random() < 0.7)
    return str(n)


_DEVICE_NAMES = {
    "tv": ["TV", "TV", "telly", "television", "living room TV", "smart TV", "tv"],
    "ac": ["AC", "AC", "aircon", "air conditioning", "A/C", "air con", "climate control", "thermostat"],
    "lights": ["lights", "lights", "lamps", "lighting", "living room lights", "ceiling lights", "lamp"],
    "speaker": ["speaker", "speaker", "sound system", "soundbar", "smart speaker", "stereo", "music"],
    "security": ["alarm", "security system", "home security", "alarm system", "security"],
}
_CANONICAL = {"tv": "TV", "ac": "AC", "lights": "lights", "speaker": "speaker", "security": "security system"}

_ENUM_WORDS: dict[tuple[str, str], dict[Any, list[str]]] = {
    ("tv", "input_source"): {
        "HDMI1": ["HDMI 1", "HDMI one", "HDMI1", "the first HDMI input", "HDMI port 1", "HDMI-1"],
        "HDMI2": ["HDMI 2", "HDMI two", "HDMI2", "the second HDMI input", "HDMI port 2", "HDMI-2", "HDMI input two"],
        "AV": ["AV", "the AV input", "AV in", "the composite AV input"],
        "Netflix": ["Netflix", "Netflix", "netflix", "the Netflix app"],
        "YouTube": ["YouTube", "YouTube", "youtube", "the YouTube app"],
    },
    ("ac", "mode"): {
        "heat": ["heat", "heating", "heat mode", "heating mode"],
        "cool": ["cool", "cooling", "cool mode", "cooling mode"],
        "auto": ["auto", "automatic", "auto mode", "automatic mode"],
    },
    ("lights", "color"): {
        "warm": ["warm", "warm white", "a warm tone", "warm light"],
        "cool": ["cool", "cool white", "cold white", "a cool tone"],
        "neutral": ["neutral", "neutral white", "natural white", "a neutral tone"],
    },
    ("lights", "mode"): {
        "static": ["static", "steady", "static mode", "solid"],
        "dynamic": ["dynamic", "dynamic mode", "cycling", "animated"],
    },
    ("speaker", "equalizer"): {
        "bass boost": ["bass boost", "bass boost", "boosted bass", "the bass boost preset", "extra bass", "the bass-heavy preset"],
        "balanced": ["balanced", "balanced", "a flat EQ", "the balanced preset", "neutral sound"],
        "treble boost": ["treble boost", "treble boost", "boosted treble", "the treble boost preset", "extra treble", "the treble-heavy preset"],
    },
}

_FAN_WORDS = {0: ["off"], 1: ["low", "one", "1"], 2: ["medium", "two", "2"], 3: ["high", "max", "three", "3"]}


def device_name(device: str, rng: random.Random) -> str:
    """A way to name a device ("aircon", "telly"...)."""
    return rng.choice(_DEVICE_NAMES[device])


def _enum(device: str, field: str, value: Any, rng: random.Random) -> str:
    return rng.choice(_ENUM_WORDS[(device, field)][value])


def _percent(n: int, rng: random.Random, p_words: float) -> str:
    if n == 50 and rng.random() < 0.25:
        return "half"
    if n == 100 and rng.random() < 0.35:
        return rng.choice(["full", "max", "maximum"])
    text = say_number(n, rng, p_words)
    return text + rng.choice(["", "", "%", " percent"]) if text[0].isdigit() else text + rng.choice(["", " percent"])


def _degrees(n: int, rng: random.Random, p_words: float) -> str:
    text = say_number(n, rng, p_words)
    if text[0].isdigit():
        return text + rng.choice(["", " degrees", "°", "°C", " degrees", " C", " degrees Celsius"])
    return text + rng.choice(["", " degrees", " degrees"])


def _value_text(device: str, field: str, value: Any, rng: random.Random, p_words: float) -> str:
    """The value alone, as a user would say it (no device, no field name)."""
    if (device, field) in _ENUM_WORDS:
        return _enum(device, field, value, rng)
    if field == "temperature":
        return _degrees(value, rng, p_words)
    if field == "fan_speed":
        return rng.choice(_FAN_WORDS[value]) if rng.random() < 0.5 else say_number(value, rng, p_words)
    if field == "brightness":
        return _percent(value, rng, p_words)
    if field == "armed":
        return "armed" if value else "disarmed"
    return say_number(value, rng, p_words)


_HEDGES = ["around ", "about ", "something like ", "maybe ", "roughly "]


def _solo(device: str, field: str, value: Any, rng: random.Random, p_words: float, p_hedge: float = 0.0) -> str:
    """A clause asking for one setting; names the device or makes it obvious.

    With ``p_hedge`` a number gets a hedge ("around 40"); the value is still 40.
    """
    d = device_name(device, rng)
    v = _value_text(device, field, value, rng, p_words)
    if field in ("volume", "brightness", "temperature", "alarm_volume") and rng.random() < p_hedge:
        v = rng.choice(_HEDGES) + v
    key = (device, field)
    if key in (("tv", "volume"), ("speaker", "volume")):
        if value == 0 and rng.random() < 0.6:
            return rng.choice([f"mute the {d}", f"silence the {d}", f"put the {d} on mute"])
        options = [
            f"turn the {d} up to {v}", f"turn the {d} down to {v}", f"set the {d} volume to {v}",
            f"~{d} volume to {v}", f"make the {d} volume {v}", f"put the volume on the {d} at {v}",
            f"change the {d} sound level to {v}", f"~volume {v} on the {d}", f"crank the {d} up to {v}",
            f"lower the {d} to {v}", f"I'd like the {d} at volume {v}", f"get the {d} volume to {v}",
        ]
        if device == "speaker":
            options += [f"play some music at volume {v}", f"~music at {v}", f"bring the {d} to {v}"]
        return rng.choice(options)
    if key == ("tv", "brightness"):
        return rng.choice([
            f"set the {d} brightness to {v}", f"~{d} brightness {v}", f"make the {d} picture {v} bright",
            f"turn the {d} backlight to {v}", f"dim the {d} screen to {v}", f"~the screen brightness on the {d} to {v}",
        ])
    if key == ("tv", "input_source"):
        if value in ("Netflix", "YouTube"):
            return rng.choice([
                f"put {v} on", f"put {v} on the {d}", f"open {v} on the {d}", f"start {v}",
                f"I want {v} on the {d}", f"fire up {v}", f"switch the {d} to {v}",
            ])
        return rng.choice([
            f"switch to {v}", f"switch the {d} to {v}", f"change the input to {v}", f"~{d} input {v}",
            f"set the {d} source to {v}", f"go to {v} on the {d}",
        ])
    if key == ("ac", "temperature"):
        return rng.choice([
            f"set the {d} to {v}", f"make it {v} in here", f"~{d} to {v}", f"I want {v} on the {d}",
            f"bump the {d} to {v}", f"have the {d} hold {v}", f"set the temperature to {v}",
            f"change the {d} temperature to {v}", f"keep the {d} at {v}", f"~{v} on the {d}",
            f"I'd like it at {v} in here",
        ])
    if key == ("ac", "mode"):
        extra = {
            "heat": ["turn the heating on", "start heating with the {d}", "switch the {d} to heat"],
            "cool": ["turn on the cooling", "put the {d} on cool", "get the {d} cooling"],
            "auto": ["let the {d} run on auto", "set the {d} to automatic"],
        }[value]
        return rng.choice([f"put the {d} on {v}", f"switch the {d} to {v}", f"~{d} in {v}", f"set the {d} mode to {v}"]
                          + [e.format(d=d) for e in extra])
    if key == ("ac", "fan_speed"):
        if value == 0 and rng.random() < 0.5:
            return rng.choice([f"turn the {d} fan off", "switch the fan off", "~no fan"])
        return rng.choice([
            f"set the {d} fan to {v}", f"~{d} fan speed {v}", f"put the fan on {v}", f"~fan to {v} on the {d}",
            f"make the {d} fan {v}",
        ])
    if key == ("lights", "brightness"):
        if value == 0 and rng.random() < 0.5:
            return rng.choice([f"turn the {d} all the way down to zero", f"dim the {d} to 0"])
        return rng.choice([
            f"dim the {d} to {v}", f"set the {d} to {v}", f"brighten the {d} to {v}", f"~{d} at {v}",
            f"~{d} brightness {v}", f"put the {d} at {v} brightness", f"bring the {d} to {v}",
            f"turn the {d} down to {v}", f"turn the {d} up to {v}", f"I'd like the {d} at {v}",
        ])
    if key == ("lights", "color"):
        return rng.choice([
            f"make the {d} {v}", f"switch the {d} to {v}", f"set the {d} colour to {v}",
            f"set the {d} color to {v}", f"change the {d} to {v}", f"~{v} {d}",
        ])
    if key == ("lights", "mode"):
        return rng.choice([
            f"put the {d} on {v}", f"set the {d} to {v}", f"make the {d} {v}", f"switch the {d} mode to {v}",
        ])
    if key == ("speaker", "equalizer"):
        return rng.choice([
            f"set the {d} EQ to {v}", f"~{v} on the {d}", f"put the {d} equalizer on {v}",
            f"switch the {d} to {v}", f"give me {v} on the {d}",
        ])
    if key == ("security", "armed"):
        if value:
            return rng.choice([f"arm the {d}", f"turn on the {d}", f"activate the {d}", f"switch the {d} on",
                               f"set the {d} to armed", f"enable the {d}", f"lock up and arm the {d}"])
        return rng.choice([f"disarm the {d}", f"turn off the {d}", f"deactivate the {d}", f"switch the {d} off",
                           f"set the {d} to disarmed", f"disable the {d}"])
    if key == ("security", "alarm_volume"):
        return rng.choice([
            f"set the {d} volume to {v}", f"~alarm volume {v}", f"make the siren {v}", f"~{d} loudness to {v}",
            f"set the siren volume on the {d} to {v}", f"set the {d} loudness to {v}",
        ])
    raise KeyError(key)


def _part(device: str, field: str, value: Any, rng: random.Random, p_words: float) -> str:
    """A fragment for a further setting of a device already named in the clause."""
    v = _value_text(device, field, value, rng, p_words)
    key = (device, field)
    table = {
        ("tv", "volume"): [f"volume {v}", f"at volume {v}", f"with the sound at {v}", f"volume on {v}"],
        ("tv", "brightness"): [f"brightness {v}", f"picture brightness at {v}", f"backlight {v}"],
        ("tv", "input_source"): [f"on {v}", f"input {v}", f"switched to {v}"],
        ("ac", "temperature"): [f"at {v}", f"to {v}", f"temperature {v}", f"holding {v}"],
        ("ac", "mode"): [f"on {v}", f"in {v}", f"mode {v}"],
        ("ac", "fan_speed"): [f"fan {v}", f"fan speed {v}", f"with the fan on {v}", f"fan at {v}"],
        ("lights", "brightness"): [f"at {v}", f"brightness {v}", f"dimmed to {v}", f"{v} brightness"],
        ("lights", "color"): [f"{v}", f"in {v}", f"colour {v}", f"color {v}"],
        ("lights", "mode"): [f"{v}", f"on {v}", f"mode {v}"],
        ("speaker", "volume"): [f"volume {v}", f"at {v}", f"volume at {v}"],
        ("speaker", "equalizer"): [f"with {v}", f"EQ on {v}", f"equalizer {v}"],
        ("security", "armed"): [v],
        ("security", "alarm_volume"): [f"siren volume {v}", f"alarm volume at {v}", f"alarm at {v}"],
    }
    return rng.choice(table[key])


def say_request(
    device: str, settings: Sequence[tuple[str, Any]], rng: random.Random, *, p_words: float, p_hedge: float = 0.0
) -> str:
    """One clause asking for one or more settings of one device.

    >>> say_request("tv", [("input_source", "HDMI2")], random.Random(3), p_words=0).lower().count("hdmi")
    1
    """
    first, *rest = settings
    clause = _solo(device, *first, rng, p_words, p_hedge)
    if not rest:
        return clause
    parts = [_part(device, f, v, rng, p_words) for f, v in rest]
    if len(parts) == 1:
        joiner = rng.choice([", ", " and ", " with ", ", and "])
        if joiner == " with " and parts[0].split()[0] in ("with", "at", "on", "in", "to", "holding", "switched", "dimmed"):
            joiner = ", "
        return clause + joiner + parts[0]
    return clause + ", " + ", ".join(parts[:-1]) + rng.choice([" and ", ", and ", ", "]) + parts[-1]


def _confirm_value(device: str, field: str, value: Any, rng: random.Random, p_words: float = 0.0) -> str:
    key = (device, field)
    if isinstance(value, int) and not isinstance(value, bool) and rng.random() < p_words:
        word = number_words(value)
        return {"temperature": f"{word} degrees", "fan_speed": f"fan speed {word}", "brightness": f"{word} percent brightness",
                "alarm_volume": f"alarm volume {word}"}.get(field, f"volume {word}")
    if key in _ENUM_WORDS:
        word = _enum(device, field, value, rng) if rng.random() < 0.4 else str(value)
        return {
            ("tv", "input_source"): f"input {word}",
            ("ac", "mode"): f"{word} mode" if "mode" not in word else word,
            ("lights", "color"): f"{word} colour",
            ("lights", "mode"): f"{word} mode" if "mode" not in word else word,
            ("speaker", "equalizer"): f"{word} EQ",
        }[key]
    if field == "armed":
        return "armed" if value else "disarmed"
    if field == "temperature":
        return rng.choice([f"{value}°C", f"{value} degrees", f"{value}°"])
    if field == "fan_speed":
        return rng.choice([f"fan speed {value}", f"fan at {value}", f"fan {_FAN_WORDS[value][0]}"])
    if field == "brightness":
        return rng.choice([f"brightness {value}%", f"{value}% brightness", f"brightness at {value}"])
    if field == "alarm_volume":
        return f"alarm volume {value}"
    return rng.choice([f"volume {value}", f"volume at {value}"])


def say_confirmation(
    changes: Sequence[tuple[str, str, Any]], rng: random.Random, *, p_repeat: float, p_words: float = 0.0
) -> str:
    """The assistant's reply after settings were made: repeats the values or not.

    >>> "24" in say_confirmation([("ac", "temperature", 24)], random.Random(0), p_repeat=1.0)
    True
    """
    if not changes or rng.random() >= p_repeat:
        return rng.choice([
            "Done!", "Sure, all set.", "On it.", "Okay, done.", "Consider it done.", "Got it, that's taken care of.",
            "No problem, it's done.", "Right away.",
        ])
    by_device: dict[str, list[str]] = {}
    for device, field, value in changes:
        by_device.setdefault(device, []).append(_confirm_value(device, field, value, rng, p_words))
    if rng.random() < 0.35:
        # Sentence style: "I've set the AC to heat mode and 24°C."
        pieces = [f"the {_CANONICAL[d] if rng.random() < 0.6 else device_name(d, rng)} to {_join(v, rng)}"
                  for d, v in by_device.items()]
        text = rng.choice(["I've set ", "I've adjusted ", "I have switched ", "Okay, I've put ", "Sure! I set "]) + _join(pieces, rng)
        return text + rng.choice([".", ". Enjoy!", ". Let me know if you need anything else.", ". Anything else?",
                                  " for you.", ". Have a nice evening."])
    pieces = []
    for device, values in by_device.items():
        name = _CANONICAL[device] if rng.random() < 0.6 else device_name(device, rng)
        plural = name.endswith(("lights", "lamps"))
        verb = rng.choice(["are now at ", "are set to ", "— ", "now on "] if plural else ["is now at ", "is set to ", "— ", "now on "])
        pieces.append(f"the {name} " + verb + _join(values, rng))
    body = _join(pieces, rng)
    text = rng.choice(["Done: ", "Okay, ", "Sure thing, ", "All set: ", "Got it, ", "", "Alright, "]) + body
    return text[:1].upper() + text[1:] + rng.choice([".", ".", "!", ". Anything else?", ". Enjoy!"])


def _join(items: Sequence[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + rng.choice([" and ", ", and ", " plus "]) + items[-1]


def ask_for_value(device: str, field: str, rng: random.Random) -> str:
    """The assistant asks which value the user wants for a setting."""
    questions = {
        "volume": ["What volume would you like?", "Sure, to what volume?", "How loud should it be?"],
        "brightness": ["What brightness level?", "How bright do you want it?", "To what level?"],
        "temperature": ["What temperature should I set?", "Sure, how many degrees?", "Which temperature would you like?"],
        "fan_speed": ["Which fan speed, from 0 to 3?", "What fan speed?"],
        "input_source": ["Which input or app?", "What should I switch it to?"],
        "mode": ["Which mode?", "Which mode would you like?"],
        "color": ["Which colour tone: warm, cool or neutral?", "What colour would you like?"],
        "equalizer": ["Which equalizer preset?", "Bass boost, balanced or treble boost?"],
        "alarm_volume": ["How loud should the alarm be?", "What alarm volume?"],
        "armed": ["Should I arm it or disarm it?"],
    }
    return rng.choice(questions[field])


def say_value_answer(device: str, field: str, value: Any, rng: random.Random, *, p_words: float) -> str:
    """The user's short answer to :func:`ask_for_value`."""
    v = _value_text(device, field, value, rng, p_words)
    return rng.choice([f"{v}", f"{v}, please", f"Make it {v}.", f"{v} is fine", f"Let's go with {v}.", f"Um, {v}.", f"{v} I think"])


def say_open_request(device: str, field: str, rng: random.Random) -> str:
    """The user names a setting to change without giving the value."""
    d = device_name(device, rng)
    label = {
        "volume": "volume", "brightness": "brightness", "temperature": "temperature", "fan_speed": "fan speed",
        "input_source": "input", "mode": "mode", "color": "colour", "equalizer": "equalizer", "alarm_volume": "alarm volume",
        "armed": "security",
    }[field]
    return rng.choice([
        f"Can you change the {d} {label}?", f"I need to adjust the {label} on the {d}.", f"The {d} {label}, please.",
        f"Could you do something about the {d} {label}?", f"Let's change the {label} of the {d}.",
    ])


_LABELS = {
    "volume": "volume", "brightness": "brightness", "temperature": "temperature", "fan_speed": "fan speed",
    "input_source": "input", "mode": "mode", "color": "colour", "equalizer": "EQ", "alarm_volume": "alarm volume",
    "armed": "alarm",
}


def say_fix(device: str, field: str, value: Any, rng: random.Random, *, p_words: float, kind: str, explicit: bool) -> str:
    """A correction to ``value``: ``kind`` is ``same_turn`` (a clause tail),
    ``next_turn`` or ``misheard`` (a whole message). With ``explicit`` the
    setting is named, for when the value alone would be ambiguous.

    >>> say_fix("ac", "temperature", 24, random.Random(0), p_words=0, kind="misheard", explicit=True).count("24")
    1
    """
    v = _value_text(device, field, value, rng, p_words)
    if explicit:
        d = device_name(device, rng)
        label = _LABELS[field]
        if (device, field) in _ENUM_WORDS or field == "armed":
            target = f"the {d} {label}" if field != "armed" else f"the {d}"
        else:
            target = f"the {d} {label}"
        if kind == "same_turn":
            return rng.choice([f"... actually make {target} {v}", f", no wait, {target} should be {v}",
                               f" — sorry, I mean {target} at {v}"])
        if kind == "next_turn":
            return rng.choice([f"Actually, change {target} to {v}.", f"On second thought, {target} should be {v}.",
                               f"Hmm, make {target} {v} instead."])
        return rng.choice([f"No, I said {target} at {v}!", f"That's wrong, {target} should be {v}.",
                           f"You misheard me: {target} {v}."])
    if kind == "same_turn":
        return rng.choice([f"... actually make it {v}", f", no wait, {v}", f" — sorry, I mean {v}",
                           f". Hmm, no, {v} instead", f", or rather {v}"])
    if kind == "next_turn":
        return rng.choice([f"Actually, change that to {v}.", f"On second thought, {v}.",
                           f"Hmm, can you make the {device_name(device, rng)} {v} instead?",
                           f"Wait, {v} would be better.", f"Let's do {v} after all."])
    return rng.choice([f"No, I said {v}!", f"That's wrong, {v} please.", f"Not that, {v}.", f"You misheard me, {v}."])


def say_followup(device: str, settings: Sequence[tuple[str, Any]], rng: random.Random, *, p_words: float) -> str:
    """A request about the device just discussed, naming it only by pronoun.

    >>> text = say_followup("lights", [("color", "warm")], random.Random(0), p_words=0)
    >>> "warm" in text and ("them" in text or "their" in text)
    True
    """
    (first, value), *rest = settings
    plural = device == "lights"
    it, its = ("them", "their") if plural else ("it", "its")
    v = _value_text(device, first, value, rng, p_words)
    if first == "armed":
        clause = rng.choice([f"{'arm' if value else 'disarm'} {it} now", f"and set {it} to {v}"])
    elif (device, first) in _ENUM_WORDS:
        clause = rng.choice([f"put {it} on {v}", f"switch {it} to {v}", f"make {it} {v}", f"and {v} for {it}"])
    else:
        label = _LABELS[first]
        clause = rng.choice([f"set {its} {label} to {v}", f"and {its} {label} to {v}", f"make {its} {label} {v}",
                             f"bring {its} {label} to {v}"])
    if rest:
        clause += ", " + ", ".join(_part(device, f, val, rng, p_words) for f, val in rest)
    return rng.choice(["Also, {c}.", "And {c}.", "Oh, {c} too.", "{C} as well.", "Now {c}.", "{C}, please."]).format(
        c=clause, C=clause[:1].upper() + clause[1:]
    ).replace("And and ", "And ").replace("Also, and ", "Also, ").replace("Now and ", "Now ")


def say_topic_request(device: str, settings: Sequence[tuple[str, Any]], rng: random.Random, *, p_words: float) -> str:
    """A whole message naming the device first, then its settings in another sentence.

    >>> text = say_topic_request("tv", [("volume", 30), ("input_source", "Netflix")], random.Random(1), p_words=0)
    >>> "30" in text and "etflix" in text
    True
    """
    d = device_name(device, rng)
    needs = "need" if d.endswith(("lights", "lamps")) else "needs"
    opener = rng.choice([f"Can you help me with the {d}?", f"About the {d}:", f"The {d} {needs} a few changes.",
                         f"Okay, the {d}.", f"Let's sort out the {d}."])
    parts = [_part(device, f, v, rng, p_words) for f, v in settings]
    body = _join(parts, rng)
    ask = rng.choice(["I'd like it {b}.", "Make it {b}.", "{B}, please.", "I want it {b}.", "Set it {b}."])
    if device == "lights":
        ask = ask.replace(" it ", " them ")
    return f"{opener} " + ask.format(b=body, B=body[:1].upper() + body[1:])


def say_from_to(device: str, field: str, old: int, value: int, rng: random.Random, *, p_words: float) -> str:
    """A clause naming the current value and the wanted one ("from 40 down to 20").

    >>> text = say_from_to("tv", "volume", 40, 20, random.Random(2), p_words=0)
    >>> text.index("40") < text.index("20")
    True
    """
    d = device_name(device, rng)
    label = _LABELS[field]
    o = say_number(old, rng, p_words)
    v = _value_text(device, field, value, rng, p_words)
    direction = "up" if value > old else "down"
    return rng.choice([
        f"take the {d} {label} from {o} {direction} to {v}",
        f"the {d} {label} is on {o} right now, set it to {v}",
        f"the {d} is at {o}, can you make it {v}",
        f"change the {d} {label} from {o} to {v}",
        f"{d} {label} {o} is no good, go to {v}",
    ])


def say_habit_contrast(device: str, field: str, usual: Any, rng: random.Random, *, p_words: float) -> str:
    """A preface naming a habitual value that is *not* wanted this time.

    >>> say_habit_contrast("ac", "temperature", 23, random.Random(0), p_words=0).count("23")
    1
    """
    d = device_name(device, rng)
    label = _LABELS[field]
    v = _value_text(device, field, usual, rng, p_words)
    return rng.choice([f"I normally keep the {d} {label} at {v}, but today",
                       f"Usually it's {v} on the {d}; this time",
                       f"I know I always want {v} for the {d} {label}, but right now"])


def say_state_query(device: str, field: str, value: Any, rng: random.Random) -> tuple[str, str, str]:
    """``(user question, assistant answer with the current value, user: leave it)``."""
    d = device_name(device, rng)
    label = _LABELS[field]
    is_ = "are" if d.endswith(("lights", "lamps")) else "is"
    return (
        rng.choice([f"What's the {d} {label} at right now?", f"What is the {label} on the {d}?",
                    f"Remind me what the {d} {label} {is_} set to?"]),
        rng.choice([f"The {d} {is_} currently at {_confirm_value(device, field, value, rng)}.",
                    f"Right now it's {_confirm_value(device, field, value, rng)}."]),
        rng.choice(["Okay, leave it like that.", "Fine, keep it.", "Alright, no change then.", "Hm, okay. Leave it.", "Good."]),
    )


def say_double_check(changes: Sequence[tuple[str, str, Any]], rng: random.Random) -> str:
    """The assistant reads the request back as a question before acting.

    >>> "24" in say_double_check([("ac", "temperature", 24)], random.Random(0))
    True
    """
    values = _join([f"the {_CANONICAL[d]} at {_confirm_value(d, f, v, rng)}" for d, f, v in changes], rng)
    return rng.choice([f"Just to confirm: {values}?", f"You want {values}, right?", f"So that's {values}. Shall I go ahead?",
                       f"Let me check I got it: {values}. Correct?"])


def say_clamped(device: str, field: str, asked: int, bound: int, rng: random.Random, *, p_words: float) -> tuple[str, str]:
    """``(user asks for an out-of-range value, assistant sets the bound instead)``."""
    d = device_name(device, rng)
    label = _LABELS[field]
    asked_text = say_number(asked, rng, p_words)
    user = rng.choice([f"set the {d} {label} to {asked_text}", f"{d} {label} {asked_text} please", f"put the {d} {label} on {asked_text}"])
    limit = "maximum" if asked > bound else "minimum"
    unit = "°C" if field == "temperature" else ""
    reply = rng.choice([
        f"The {d} only goes {'up' if asked > bound else 'down'} to {bound}{unit}, so I've set it to {bound}{unit}.",
        f"{asked} is out of range; the {limit} is {bound}{unit}. I've set the {label} to {bound}{unit}.",
    ])
    return user[:1].upper() + user[1:] + ".", reply


_SHARED_FIELDS = {"volume": ("tv", "speaker"), "brightness": ("tv", "lights")}


def say_which_device(device: str, field: str, value: Any, rng: random.Random, *, p_words: float) -> tuple[str, str, str]:
    """``(user asks without naming the device, assistant asks which, user names it)``.

    Only for fields two devices share (volume: TV/speaker, brightness: TV/lights).
    """
    v = _value_text(device, field, value, rng, p_words)
    label = _LABELS[field]
    user = rng.choice([f"{label[:1].upper() + label[1:]} to {v}, please.", f"Can you set the {label} to {v}?",
                       f"Put the {label} at {v}.", f"Change the {label} to {v}."])
    a, b = _SHARED_FIELDS[field]
    if rng.random() < 0.5:
        a, b = b, a
    question = rng.choice([f"Sure, on the {_CANONICAL[a]} or the {_CANONICAL[b]}?", f"Which one, the {_CANONICAL[a]} or the {_CANONICAL[b]}?"])
    answer = rng.choice([f"The {device_name(device, rng)}.", f"{device_name(device, rng)}, please", f"Oh, the {device_name(device, rng)}."])
    return user, question, answer


def say_cancel(device: str, rng: random.Random) -> tuple[str, str]:
    """``(user cancels the request just made, assistant undoes it)``."""
    d = device_name(device, rng)
    return (
        rng.choice([f"Actually, never mind the {d}, put it back.", "Wait, cancel that.", f"Hmm, forget the {d}, leave it as it was.",
                    "No, scrap that last one."]),
        rng.choice([f"Okay, I've put the {d} back the way it was.", "Cancelled, nothing changed.", "Alright, I've undone that."]),
    )


_PLUGGED = {
    "HDMI1": ["PlayStation", "Xbox", "Nintendo Switch", "game console"],
    "HDMI2": ["cable box", "Apple TV", "Chromecast", "Fire Stick"],
    "AV": ["DVD player", "old VCR", "record player amp"],
}


def household_inputs(rng: random.Random) -> dict[str, str]:
    """What one household has plugged into each wired TV input.

    >>> sorted(household_inputs(random.Random(0)))
    ['AV', 'HDMI1', 'HDMI2']
    """
    return {source: rng.choice(things) for source, things in _PLUGGED.items()}


def say_named_input(source: str, thing: str, rng: random.Random) -> tuple[str, str]:
    """``(user names the plugged-in thing, assistant names the input it is on)``."""
    user = rng.choice([f"Switch to the {thing}.", f"I want to use the {thing}.", f"Put the {thing} on the TV.",
                       f"Time for the {thing}!", f"Can you put the {thing} on?"])
    shown = rng.choice(_ENUM_WORDS[("tv", "input_source")][source][:3])
    reply = rng.choice([f"Switching the TV to {shown}, where the {thing} is.", f"The TV is on {shown} now ({thing}).",
                        f"Done, input {shown} for the {thing}."])
    return user, reply


def say_usual(meta: dict[str, str], rng: random.Random) -> str:
    """The user asks for their habitual setup without naming any value."""
    tod = meta.get("time_of_day", "evening")
    return rng.choice([
        "The usual, please.", f"Set things up like every {tod}.", f"Can you do my {tod} setup?",
        "You know what I like, set it up.", "Same as always, please.", f"Get the house ready the usual {tod} way.",
    ])


# Indirect openers: (user complaint, assistant proposal template). The proposal
# names the value, which the user then accepts (or gives a number for).
_INDIRECT: dict[tuple[str, str, Any], list[tuple[str, str]]] = {
    ("ac", "mode", "heat"): [
        ("It's freezing in here.", "Shall I switch the AC to heat mode?"),
        ("Brr, I'm so cold.", "Would you like me to turn on the heating?"),
        ("My hands are like ice, this room is chilly.", "Should I put the air conditioning on heat?"),
    ],
    ("ac", "mode", "cool"): [
        ("It's boiling in here.", "Want me to put the AC on cool?"),
        ("I'm sweating, it's way too hot.", "Shall I switch the air con to cooling mode?"),
        ("The room is stuffy and warm.", "Should I turn on cooling?"),
    ],
    ("ac", "mode", "auto"): [
        ("I never know what to set the aircon to.", "I can put it on auto mode and let it decide. Okay?"),
    ],
    ("security", "armed", True): [
        ("I'm heading out now.", "Do you want me to arm the security system?"),
        ("Going to bed, make sure the house is safe.", "Shall I arm the alarm?"),
    ],
    ("security", "armed", False): [
        ("I'm home!", "Welcome back. Should I disarm the security system?"),
        ("The dog walker is coming over.", "Do you want me to disarm the alarm?"),
    ],
    ("speaker", "equalizer", "bass boost"): [
        ("This song has no punch at all.", "Shall I turn on bass boost on the speaker?"),
    ],
    ("speaker", "equalizer", "treble boost"): [
        ("The vocals sound muffled.", "Would treble boost on the speaker help?"),
    ],
    ("lights", "color", "warm"): [
        ("I want it to feel cosy in here.", "How about warm white light?"),
    ],
    ("lights", "color", "cool"): [
        ("I need to focus on some work.", "Shall I switch the lights to cool white?"),
    ],
    ("tv", "input_source", "Netflix"): [
        ("I want to catch up on my series.", "Shall I open Netflix on the TV?"),
    ],
    ("tv", "input_source", "YouTube"): [
        ("I'd like to watch some videos.", "Should I open YouTube on the TV?"),
    ],
}

# Complaints that lead to a number the assistant asks for.
_INDIRECT_NUMERIC: dict[tuple[str, str], list[str]] = {
    ("tv", "volume"): ["I can barely hear the TV.", "The telly is way too loud.", "Can't make out what they're saying on TV."],
    ("speaker", "volume"): ["The music is too quiet.", "The music is blasting, it's too much."],
    ("lights", "brightness"): ["It's too dark to read in here.", "These lights are way too harsh.", "I can hardly see anything."],
    ("tv", "brightness"): ["The TV picture is really dim.", "The TV screen is blinding me."],
    ("ac", "temperature"): ["It's not quite comfortable in here.", "The temperature is off."],
    ("security", "alarm_volume"): ["The alarm was deafening last time."],
}


def say_indirect(device: str, field: str, value: Any, rng: random.Random) -> tuple[str, str] | None:
    """An indirect opener ``(user line, assistant reply)`` for this setting, or None.

    For enum/bool values the assistant's reply proposes the value itself; for
    numbers it asks for one. The caller adds the user's answer.
    """
    if (device, field, value) in _INDIRECT:
        return rng.choice(_INDIRECT[(device, field, value)])
    if (device, field) in _INDIRECT_NUMERIC:
        return rng.choice(_INDIRECT_NUMERIC[(device, field)]), ask_for_value(device, field, rng)
    return None


def say_relative(device: str, field: str, value: Any, start: int, rng: random.Random) -> tuple[str, str]:
    """``(user line, assistant line)``: a relative change, the assistant states the result.

    ``start`` is where the setting was before; only the assistant says ``value``.
    """
    d = device_name(device, rng)
    up = value > start
    label = {"volume": "volume", "brightness": "brightness", "temperature": "temperature", "alarm_volume": "alarm volume", "fan_speed": "fan"}[field]
    if field == "temperature":
        user = rng.choice(["Make it a bit warmer.", "A couple of degrees warmer, please."] if up else ["Make it a bit cooler.", "Can you cool it down a little?"])
        reply = rng.choice([f"I've set the {d} to {value} degrees.", f"Okay, the {d} is now at {value}°C."])
    elif field in ("volume", "alarm_volume"):
        user = rng.choice([f"Turn the {d} up a bit.", f"A little louder on the {d}.", f"{d} louder please"] if up
                          else [f"Turn the {d} down a bit.", f"Quieter on the {d}, please.", f"{d} a bit softer"])
        reply = rng.choice([f"The {d} {label} is now {value}.", f"Done, {label} set to {value}.", f"I've changed the {label} to {value}."])
    else:
        user = rng.choice([f"Brighter {d}, please.", f"Turn the {d} up a notch."] if up else [f"Dim the {d} a bit.", f"The {d} a little darker."])
        reply = rng.choice([f"Okay, {label} is at {value}% now.", f"I've set the {d} {label} to {value}."])
    return user, reply


def say_proposal(device: str, field: str, value: Any, rng: random.Random) -> str:
    """The assistant offers a further setting (the user will accept or decline)."""
    text = _confirm_value(device, field, value, rng)
    name = device_name(device, rng)
    return rng.choice([
        f"Would you like me to set the {name} to {text} as well?",
        f"Should I also put the {name} on {text}?",
        f"Last time you had the {name} at {text}. Want that too?",
        f"Shall I set the {name} to {text} too?",
    ])


def acceptance(rng: random.Random) -> str:
    """A user's yes."""
    return rng.choice(["Yes please.", "Yeah, do it.", "Sure.", "Yes.", "Sounds good.", "Perfect, thanks.", "Yep!", "Please do."])


def declination(rng: random.Random) -> str:
    """A user's no."""
    return rng.choice(["No, leave it as it is.", "No thanks.", "Nah, that's fine.", "Not now.", "No, don't touch that."])


def polite(clause: str, rng: random.Random) -> str:
    """Wrap a request clause as a whole user message.

    A clause starting with ``~`` is nominal ("TV volume to 30") and only gets
    wrappers that read well without a verb; the markers are removed.

    >>> polite("~TV input HDMI 2", random.Random(0)).count("~")
    0
    """
    nominal = clause.startswith("~")
    clause = clause.replace("~", "")
    if nominal:
        form = rng.choice(["{C}.", "{c}", "{C} please.", "{C}, thanks.", "Hey, {c}.", "Okay, {c}.", "{C}, please."])
    else:
        form = rng.choice([
            "Could you {c}?", "Please {c}.", "{C}, thanks.", "Hey, {c}.", "I'd like you to {c}.", "Can you {c}?",
            "{C}.", "{c}", "{C} please.", "Would you {c}?", "Okay, {c}.", "Hi! {C}.", "Is it possible to {c}?",
            "Any chance you could {c}?", "I need you to {c}.", "Go ahead and {c}.", "Let's {c}.",
            "Would you be so kind as to {c}?",
        ])
    return form.format(c=clause, C=clause[:1].upper() + clause[1:])


def join_clauses(clauses: Sequence[str], rng: random.Random) -> str:
    """Several requests in one clause ("A and B", "A, then B", "A. Also, B")."""
    if len(clauses) == 1:
        return clauses[0]
    text = clauses[0]
    for clause in clauses[1:]:
        text += rng.choice([" and ", ", and ", ", then ", ", also ", "; oh and ", " and also "]) + clause
    return text
