"""A held-out phrasing of the synthetic EdgeWisePersona dialogues, for blind tests.

The default generator writes its dialogues with the templates of
:mod:`edgerec_bench.datasets.edgewise_phrasing`. A rule-based extractor written
while reading those templates can score well on them for the wrong reason.
This module is a second wording written from scratch, without looking at the
extractor, so that its score here measures how well it generalises.

The world stays the same: :func:`~edgerec_bench.datasets.edgewise_synth.synthesize_user`
with ``phrasing="heldout"`` draws the same routines, meta, enacted routines
and final settings as the default phrasing, then hands each session's final
settings to :func:`render` here. Only the messages (and the phenomena in the
traces) differ.

What changes is the surface: device nicknames ("the box", "climate control",
"the sound bar", "house alarm", "the overheads"), units and formats ("22°C",
"twenty-two degrees", "level 3 of 3", "volume at 40%"), requests split across
turns, clarifying questions answered with a bare value, corrections ("scratch
that", "no wait, make it", "hmm, one notch lower — 21"), vague values the
assistant turns into a number that the user confirms, small talk and noise.

Every final value is stated exactly at least once, in a user turn or in an
assistant turn the user answers: :attr:`HeldoutDialogue.mentions` records
each value said, and the last mention of a setting is its final value.

>>> import random
>>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
>>> dia = render(random.Random(0), SynthConfig(), {"time_of_day": "night"}, [("ac", "temperature", 22)],
...              inputs={"HDMI1": "Xbox", "HDMI2": "Apple TV", "AV": "DVD player"})
>>> dia.messages[0]["role"], dia.mentions[-1].value
('user', 22)
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_dialogue import plan_turns
from edgerec_bench.datasets.edgewise_world import different_value
from edgerec_bench.datasets.spelling import number_words

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["Mention", "HeldoutDialogue", "render", "value_forms", "states_value"]

Request = tuple[str, str, Any]  # (device, field, value)

# --- values (numbers are spelled by edgerec_bench.datasets.spelling) ------------

_INPUT_FORMS = {
    "HDMI1": ["HDMI #1", "HDMI1", "HDMI input 1", "HDMI one"],
    "HDMI2": ["HDMI #2", "HDMI2", "HDMI input 2", "HDMI two"],
    "AV": ["AV", "the AV jack", "composite AV"],
    "Netflix": ["Netflix"],
    "YouTube": ["YouTube"],
}
_ENUM_FORMS = {
    ("ac", "mode"): {"heat": ["heat", "heating"], "cool": ["cool", "cooling"], "auto": ["auto", "automatic"]},
    ("lights", "color"): {"warm": ["warm", "warm white"], "cool": ["cool", "cool white"], "neutral": ["neutral", "neutral white"]},
    ("lights", "mode"): {"static": ["static"], "dynamic": ["dynamic"]},
    ("speaker", "equalizer"): {"bass boost": ["bass boost", "bass-boost"], "balanced": ["balanced"],
                               "treble boost": ["treble boost", "treble-boost"]},
}


def value_forms(device: str, field: str, value: Any) -> list[str]:
    """The lower-case words that state ``value`` exactly; one of them is in every statement.

    >>> value_forms("ac", "temperature", 22)
    ['22', 'twenty-two', 'twenty two', '22c']
    >>> value_forms("security", "armed", False)
    ['disarm', 'disarmed']
    """
    if field == "armed":
        return ["arm", "armed"] if value else ["disarm", "disarmed"]
    if field == "input_source":
        return [form.lower().removeprefix("the ") for form in _INPUT_FORMS[value]]
    if (device, field) in _ENUM_FORMS:
        return list(_ENUM_FORMS[(device, field)][value])
    words = number_words(value, a_hundred=True)
    forms = [str(value), words] + ([words.replace("-", " ")] if "-" in words else [])
    return forms + [f"{value}c"] if field == "temperature" else forms


def states_value(text: str, device: str, field: str, value: Any) -> bool:
    """Whether ``text`` holds a form of ``value`` as whole words.

    >>> states_value("the alarm is disarmed", "security", "armed", True)
    False
    >>> states_value("Climate control at 22°C.", "ac", "temperature", 22)
    True
    """
    low = text.lower()
    return any(re.search(rf"(?<![\w#]){re.escape(form)}(?![\w])", low) for form in value_forms(device, field, value))


def _num(n: int, rng: random.Random, p_words: float) -> str:
    return number_words(n, a_hundred=True) if rng.random() < p_words else str(n)


def _value(device: str, field: str, value: Any, rng: random.Random, p_words: float) -> str:
    """The value alone, in a form that states it exactly (see :func:`value_forms`)."""
    if field == "armed":
        return "armed" if value else "disarmed"
    if field == "input_source":
        return rng.choice(_INPUT_FORMS[value])
    if (device, field) in _ENUM_FORMS:
        return rng.choice(_ENUM_FORMS[(device, field)][value])
    n = _num(value, rng, p_words)
    spelled = not n.isdigit()
    if field == "temperature":
        return f"{n} degrees" if spelled else rng.choice([f"{n}°C", f"{n}°C", f"{n} °C", f"{n} degrees", f"{n}C"])
    if field == "fan_speed":
        of = "three" if spelled else "3"
        return rng.choice([f"level {n} of {of}", f"{n}/3" if not spelled else f"level {n}", f"notch {n}", f"setting {n}"])
    if field == "brightness":
        return f"{n} percent" if spelled else rng.choice([f"{n}%", f"{n}%", f"{n} percent"])
    # volume, alarm_volume
    if spelled:
        return rng.choice([f"{n} percent", n])
    return rng.choice([f"{n}%", f"{n}%", f"{n} out of 100", f"level {n}"])


# Vague ways to say a value; the assistant then states the number and the user confirms.
def _vague(device: str, field: str, value: Any) -> list[str]:
    if field == "brightness" and value == 50:
        return ["half brightness", "about halfway"]
    if field == "brightness" and value == 100:
        return ["full brightness", "as bright as they go" if device == "lights" else "as bright as it goes"]
    if field in ("volume", "alarm_volume") and value == 100:
        return ["full blast", "all the way up"]
    if field in ("volume", "alarm_volume") and value == 50:
        return ["half volume", "halfway"]
    if field == "temperature" and value == 30:
        return ["as warm as it'll go", "the warmest setting"]
    if field == "temperature" and value == 16:
        return ["as cold as it'll go", "the coldest setting"]
    if field == "fan_speed" and value == 3:
        return ["the fan on full", "the strongest fan"]
    if field == "fan_speed" and value == 0:
        return ["the fan stopped", "no airflow at all"]
    return []


# --- devices --------------------------------------------------------------------

_NICKNAMES = {
    "tv": ["the box", "the screen", "the big screen", "the set", "the display", "the TV"],
    "ac": ["climate control", "the heat pump", "the HVAC", "the split unit", "the climate system"],
    "lights": ["the overheads", "the bulbs", "the downlights", "the ceiling spots", "the fixtures"],
    "speaker": ["the sound bar", "the hi-fi", "the audio rig", "the Bluetooth speaker", "the boombox"],
    "security": ["the house alarm", "the alarm panel", "the security panel", "the burglar alarm"],
}


def _nick(device: str, rng: random.Random) -> str:
    return rng.choice(_NICKNAMES[device])


def _pronoun(device: str) -> str:
    return "them" if device == "lights" else "it"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- request clauses --------------------------------------------------------------
# A clause asks for one setting. "{d}" is the nickname, "{v}" the value. A clause
# starting with "=" is a statement ("I'm after ..."), otherwise an imperative.

_CLAUSES: dict[tuple[str, str], list[str]] = {
    ("ac", "temperature"): [
        "dial {d} to {v}", "get {d} holding {v}", "have {d} target {v}", "=I'm after {v} from {d}",
        "park {d} at {v}", "={d} should sit at {v}", "aim {d} for {v}", "program {d} for {v}", "let {d} run at {v}",
    ],
    ("ac", "mode"): [
        "run {d} in {v} mode", "flip {d} over to {v}", "=I want {d} in {v} mode", "switch {d} over to {v} mode",
        "get {d} going on {v}", "={d} ought to be on {v}",
    ],
    ("ac", "fan_speed"): [
        "spin the fan on {d} at {v}", "run the blower at {v}", "={d} fan: {v}", "keep the airflow on {d} at {v}",
        "put {d}'s fan on {v}",
    ],
    ("lights", "brightness"): [
        "take {d} to {v}", "get {d} to {v}", "put {d} at {v} brightness", "=I'd love {d} at {v}",
        "let {d} glow at {v}", "have {d} at {v}", "switch {d} to {v}",
    ],
    ("lights", "color"): [
        "give {d} a {v} tint", "=I'd like a {v} glow from {d}", "change {d} to a {v} shade", "tint {d} {v}",
        "go {v} on {d}",
    ],
    ("lights", "mode"): [
        "switch {d} into {v} mode", "=I want {d} on {v}", "run {d} in {v} mode", "={d}: {v} mode",
    ],
    ("tv", "volume"): [
        "bring the sound on {d} to {v}", "=I need {d} at {v} volume", "get {d} playing at {v}",
        "have the volume on {d} at {v}", "nudge the volume on {d} to {v}",
    ],
    ("tv", "brightness"): [
        "take the picture on {d} to {v}", "set the backlight of {d} at {v}", "=I want {d} at {v} brightness",
        "run {d} at {v} brightness",
    ],
    ("tv", "input_source"): [
        "flip {d} over to {v}", "select {v} on {d}", "route {d} to {v}", "=I need {v} on {d}", "put {d} on {v}",
    ],
    ("speaker", "volume"): [
        "get {d} playing at {v}", "let {d} play at {v}", "=I'd like {d} at {v}", "run {d} at {v} volume",
        "have {d} going at {v}",
    ],
    ("speaker", "equalizer"): [
        "run {d} with the {v} preset", "=I want {d} tuned to {v}", "put the {v} EQ on {d}", "switch {d}'s EQ to {v}",
        "={d} EQ: {v}",
    ],
    ("security", "alarm_volume"): [
        "have the siren on {d} at {v}", "make {d} ring at {v}", "={d} loudness: {v}", "set {d}'s siren to {v}",
    ],
}
_APPS = ["pull up {v} on {d}", "launch {v} on {d}", "get {v} going on {d}", "bring up {v} on {d}"]
_ARM = ["get {d} {v}", "=I need {d} {v}", "make sure {d} is {v}", "switch {d} to {v}", "have {d} {v}, please"]
_MUTE = ["mute {d}, volume at {v}", "take {d} down to {v}, basically mute", "=I want {d} silent, volume {v}"]

# Fragments for a further setting of a device the clause already named.
_EXTRAS: dict[tuple[str, str], list[str]] = {
    ("ac", "temperature"): ["at {v}", "holding {v}", "targeting {v}"],
    ("ac", "mode"): ["in {v} mode", "on {v}"],
    ("ac", "fan_speed"): ["with the fan at {v}", "fan on {v}", "blower at {v}"],
    ("lights", "brightness"): ["at {v}", "dimmed to {v}", "at {v} brightness"],
    ("lights", "color"): ["in a {v} tone", "with a {v} tint", "{v} coloured"],
    ("lights", "mode"): ["in {v} mode", "on {v}"],
    ("tv", "volume"): ["with the sound at {v}", "at volume {v}"],
    ("tv", "brightness"): ["with the picture at {v}", "backlight at {v}"],
    ("tv", "input_source"): ["on {v}", "showing {v}"],
    ("speaker", "volume"): ["with the volume at {v}", "volume at {v}"],
    ("speaker", "equalizer"): ["with the {v} EQ", "on the {v} preset"],
    ("security", "armed"): ["with the system {v}"],
    ("security", "alarm_volume"): ["siren at {v}", "with the alarm loudness at {v}"],
}


def _clause(device: str, field: str, value: Any, v: str, d: str, rng: random.Random) -> str:
    if field == "armed":
        return rng.choice(_ARM).format(d=d, v=v)
    if field == "volume" and value == 0 and rng.random() < 0.5:
        return rng.choice(_MUTE).format(d=d, v=v)
    if field == "input_source" and value in ("Netflix", "YouTube") and rng.random() < 0.6:
        return rng.choice(_APPS).format(d=d, v=v)
    return rng.choice(_CLAUSES[(device, field)]).format(d=d, v=v)


def _extra(device: str, field: str, v: str, rng: random.Random) -> str:
    return rng.choice(_EXTRAS[(device, field)]).format(v=v)


_LABELLED = {"volume": "volume {v}", "brightness": "brightness {v}", "alarm_volume": "siren {v}", "fan_speed": "fan {v}"}


def _labelled(field: str, v: str) -> str:
    """A value with its field named where the unit alone would not tell (volume vs brightness)."""
    return _LABELLED.get(field, "{v}").format(v=v)


def _listing(items: Sequence[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + rng.choice([" and ", ", plus ", " & "]) + items[-1]


def _wrap(clause: str, rng: random.Random) -> str:
    """A clause as a whole sentence, politely."""
    if clause.startswith("="):
        body = clause[1:]
        return rng.choice(["{C}.", "Hmm, {c}.", "So, {c}.", "Right, {c}.", "{C}, if that's okay.", "Okay so {c}."]).format(
            c=body, C=_cap(body))
    return rng.choice([
        "{C}.", "{C}, would you?", "Quick one: {c}.", "Could you {c} for me?", "Be a star and {c}.",
        "If you could {c}, that'd be great.", "{C} when you get a sec.", "I'd appreciate it if you'd {c}.",
        "Mind if I ask you to {c}?", "Go on and {c}.",
    ]).format(c=clause, C=_cap(clause))


def _more(clause: str, rng: random.Random) -> str:
    """A further clause appended to a message that already asked for something."""
    body = clause.lstrip("=")
    if clause.startswith("="):
        return rng.choice(["Also, {c}.", "And {c}.", "Oh, and {c}."]).format(c=body)
    return rng.choice(["Also {c}.", "And {c} too.", "While you're at it, {c}.", "Then {c}.", "Oh, and {c}."]).format(c=body)


# --- assistant lines --------------------------------------------------------------

_STATE = {
    ("ac", "temperature"): ["{d} holding {v}", "{d} at {v}"],
    ("ac", "mode"): ["{d} in {v} mode", "{d} on {v}"],
    ("ac", "fan_speed"): ["the fan on {d} at {v}", "{d}'s fan at {v}"],
    ("lights", "brightness"): ["{d} at {v}", "{d} at {v} brightness"],
    ("lights", "color"): ["{d} in a {v} tone", "{d} tinted {v}"],
    ("lights", "mode"): ["{d} in {v} mode"],
    ("tv", "volume"): ["{d} at volume {v}", "the sound on {d} at {v}"],
    ("tv", "brightness"): ["{d} at {v} brightness", "the picture on {d} at {v}"],
    ("tv", "input_source"): ["{d} on {v}", "{d} showing {v}"],
    ("speaker", "volume"): ["{d} at {v}", "{d} playing at {v}"],
    ("speaker", "equalizer"): ["{d} on the {v} preset", "{d} with {v} EQ"],
    ("security", "armed"): ["{d} {v}", "{d} set to {v}"],
    ("security", "alarm_volume"): ["the siren on {d} at {v}", "{d} loudness at {v}"],
}


def _state(device: str, field: str, v: str, rng: random.Random, d: str | None = None) -> str:
    return rng.choice(_STATE[(device, field)]).format(d=d or _nick(device, rng), v=v)


_YES = ["Yep.", "Yes, go ahead.", "Correct.", "That's it.", "Perfect, do it.", "Exactly.", "Yup, thanks.", "Go for it."]
_NO = ["Nope, leave it.", "Not today.", "No need, thanks.", "Let's not.", "I'll pass."]
_DONE = ["On it.", "Consider it done.", "Sorted.", "All taken care of.", "Done and done.", "You got it."]

_SMALL_TALK = [
    ("Morning brain is not working yet.", "Take your time, I'm not going anywhere."),
    ("Do you ever get bored?", "Not really. There's always a thermostat somewhere that needs me."),
    ("My cat just knocked a plant over.", "Oh dear. I hope the plant survives."),
    ("Any idea what's good on tonight?", "I can't browse listings, but I'm happy to set the room up for whatever you pick."),
    ("I finally finished that book.", "Congrats! Was the ending worth it?"),
    ("Traffic was a nightmare today.", "Sounds exhausting. Let's make home a bit nicer."),
    ("I burned the toast again.", "Happens to the best of us."),
    ("Guess who's got a new job?", "No way! Congratulations!"),
    ("The neighbours are having a party.", "Lively evening then. I can't turn them down, sadly."),
    ("I'm trying to drink more water.", "Good plan. Small sips add up."),
]
_NOISE = [
    "My phone's at {pct}% so let's be quick.", "I've been on {calls} calls already.", "The bus was {mins} minutes late.",
    "The oven timer says {mins} minutes left.", "I owe my sister {money} quid.", "It's about {out} degrees out there.",
    "Parcel number {parcel} still hasn't arrived.",
]
_OUTSIDE = {"very cold": (-12, -2), "cold": (0, 7), "mild": (10, 16), "warm": (19, 25), "hot": (27, 36)}
_OFF_SCHEMA = [
    ("Start the dishwasher on the {mins}-minute cycle.", "Dishwasher started."),
    ("Open the garage door.", "Garage door is opening."),
    ("Water the garden for {mins} minutes.", "Sprinklers on for {mins} minutes."),
    ("Warm the towel rail, setting {small}.", "The towel rail is warming up."),
    ("Feed the fish.", "The feeder dropped a portion."),
    ("Put coffee on the shopping list.", "Coffee's on the list."),
]
_CLOSINGS = [("Cheers, that's everything.", "Enjoy!"), ("Lovely, ta.", "Anytime."), ("Brilliant.", "Happy to help."),
             ("That'll do, thanks.", "Shout if you need me."), ("Nice one.", "Have a good one.")]


@dataclass(frozen=True)
class Mention:
    """A value said in message ``index`` (its text holds ``span``), for one device setting."""

    index: int
    device: str
    field: str
    value: Any
    span: str


class HeldoutDialogue:
    """Builds one session's messages in the held-out wording; remembers what was said."""

    def __init__(self, rng: random.Random, cfg: SynthConfig, meta: dict[str, str], inputs: dict[str, str]):
        self.rng, self.cfg, self.meta, self.inputs = rng, cfg, meta, inputs
        self.messages: list[dict[str, str]] = []
        self.phenomena: set[str] = set()
        self.mentions: list[Mention] = []
        self.names: dict[str, str] = {}

    def nick(self, device: str) -> str:
        """What this session mostly calls ``device`` (now and then another nickname)."""
        if device not in self.names:
            self.names[device] = _nick(device, self.rng)
        return self.names[device] if self.rng.random() < 0.8 else _nick(device, self.rng)

    # plumbing ---------------------------------------------------------------------

    def chance(self, p: float, name: str) -> bool:
        """Draw with probability ``p``; record phenomenon ``name`` on success."""
        hit = self.rng.random() < p
        if hit:
            self.phenomena.add(name)
        return hit

    def say(self, role: str, text: str, said: Sequence[tuple[str, str, Any, str]] = ()) -> None:
        """Append a message; ``said`` lists ``(device, field, value, span)`` it states."""
        index = len(self.messages)
        self.messages.append({"role": role, "text": text})
        self.mentions.extend(Mention(index, d, f, v, span) for d, f, v, span in said)

    def value(self, device: str, field: str, value: Any, words: bool = True) -> str:
        """A user's exact phrase for ``value`` (numbers as words with ``p_words``)."""
        return _value(device, field, value, self.rng, self.cfg.p_words if words else 0.0)

    def request(self, text: str, said: Sequence[tuple[str, str, Any, str]]) -> None:
        """A user message asking for something, with optional noise and casual typing."""
        rng = self.rng
        if self.chance(self.cfg.p_distractor, "distractor"):
            lo, hi = _OUTSIDE.get(self.meta.get("outdoor_temp", "mild"), (10, 16))
            noise = rng.choice(_NOISE).format(pct=rng.randint(3, 19), calls=rng.randint(2, 6), mins=rng.choice([10, 15, 25]),
                                              money=rng.randint(5, 40), out=rng.randint(lo, hi), parcel=rng.randint(1000, 9999))
            text = f"{noise} {text}" if rng.random() < 0.5 else f"{text} {noise}"
        if self.chance(self.cfg.p_casual, "casual"):
            text = text.lower().rstrip(".").replace("could you", "could u").replace("thanks", "thx").replace("you're", "ur")
        self.say("user", text, said)

    def confirm(self, changes: Sequence[Request]) -> None:
        """The assistant reports what it did, restating the values or not."""
        rng = self.rng
        if not changes or rng.random() >= self.cfg.p_confirm_repeat:
            self.say("assistant", rng.choice(_DONE))
            return
        body, said = self.describe(changes, self.cfg.p_assistant_words)
        text = rng.choice(["Done — {b}.", "All set: {b}.", "Okay! {B}.", "{B}, as requested.", "There you go: {b}."])
        self.say("assistant", text.format(b=body, B=_cap(body)), said)

    def describe(self, changes: Sequence[Request], p_words: float = 0.0) -> tuple[str, list[tuple[str, str, Any, str]]]:
        """The assistant's account of settings, one phrase per device, and what it states."""
        rng, said, parts = self.rng, [], []
        by_device: dict[str, list[tuple[str, Any]]] = {}
        for device, field, value in changes:
            by_device.setdefault(device, []).append((field, value))
        for device, settings in by_device.items():
            values = [_value(device, f, v, rng, p_words) for f, v in settings]
            said += [(device, f, v, val) for (f, v), val in zip(settings, values)]
            first = _state(device, settings[0][0], values[0], rng, self.nick(device))
            parts.append(", ".join([first] + [_extra(device, f, val, rng) for (f, _), val in zip(settings[1:], values[1:])]))
        return _listing(parts, rng), said

    def clause(self, device: str, settings: Sequence[tuple[str, Any]], values: Sequence[str] | None = None) -> str:
        """One clause asking for several settings of one device."""
        rng = self.rng
        values = list(values) if values is not None else [self.value(device, f, v) for f, v in settings]
        d = self.nick(device)
        (f0, v0), *rest = settings
        text = _clause(device, f0, v0, values[0], d, rng)
        extras = [_extra(device, f, val, rng) for (f, _), val in zip(rest, values[1:])]
        if extras:
            text += rng.choice([", ", " and ", " — "]) + _listing(extras, rng)
        return text

    # turn styles --------------------------------------------------------------------

    def direct(self, units: list[tuple[str, list[tuple[str, Any]]]]) -> None:
        """The user asks outright, maybe several devices in one message; a spec-list style sometimes."""
        rng, said, changes = self.rng, [], []
        sentences = []
        for device, settings in units:
            values = [self.value(device, f, v) for f, v in settings]
            said += [(device, f, v, val) for (f, v), val in zip(settings, values)]
            changes += [(device, f, v) for f, v in settings]
            if len(settings) >= 2 and rng.random() < 0.3:
                self.phenomena.add("spec_list")
                listed = ", ".join(_labelled(f, val) for (f, _), val in zip(settings, values))
                sentences.append(f"{_cap(self.nick(device))} → {listed}.")
            else:
                clause = self.clause(device, settings, values)
                sentences.append(_wrap(clause, rng) if not sentences else _more(clause, rng))
        self.request(" ".join(sentences), said)
        if self.chance(self.cfg.p_double_check, "double_check"):
            self.read_back(changes)
        else:
            self.confirm(changes)

    def read_back(self, changes: Sequence[Request]) -> None:
        """The assistant reads the values back as a question; the user agrees; it acts."""
        rng = self.rng
        body, said = self.describe(changes)
        self.say("assistant", rng.choice(["Just so I've got it right — {b}?", "Quick check: {b}. Yes?",
                                          "Before I do it: {b}, correct?"]).format(b=body), said)
        self.say("user", rng.choice(_YES))
        self.say("assistant", rng.choice(_DONE))

    def corrected(self, device: str, settings: list[tuple[str, Any]]) -> None:
        """A request with one wrong value, fixed in the same message, the next one, or after a mishearing."""
        rng = self.rng
        kind = rng.choice(["same_turn", "next_turn", "misheard"])
        self.phenomena |= {"correction", f"correction_{kind}"}
        field, right = settings[-1]
        wrong, notch = _wrong(device, field, right, rng)
        values = [self.value(device, f, v) for f, v in settings]
        right_text = self.value(device, field, right, words=False)
        if kind == "misheard":
            text = _wrap(self.clause(device, settings, values), rng)
            self.request(text, [(device, f, v, val) for (f, v), val in zip(settings, values)])
            w = _value(device, field, wrong, rng, 0.0)
            self.say("assistant", f"Okay — {_state(device, field, w, rng, self.nick(device))}.", [(device, field, wrong, w)])
            fixes = ["No no, {v} — not {w}.", "That's not what I said. {V}.", "You misheard me, I said {v}."]
            fix = rng.choice(fixes + (["Eh, wrong number. {V}, please."] if field in _LABELLED or field == "temperature" else []))
            self.say("user", fix.format(v=right_text, V=_cap(right_text), w=w), [(device, field, right, right_text)])
            self.confirm([(device, field, right)])
            return
        wrong_text = self.value(device, field, wrong)
        head = settings[:-1] + [(field, wrong)]
        text = _wrap(self.clause(device, head, values[:-1] + [wrong_text]), rng)
        said = [(device, f, v, val) for (f, v), val in zip(settings[:-1], values[:-1])] + [(device, field, wrong, wrong_text)]
        fix = _fix_text(right_text, notch, rng)
        if kind == "same_turn":
            self.request(f"{text[:-1]} — {fix}" if text.endswith(".") else f"{text} {_cap(fix)}",
                         said + [(device, field, right, right_text)])
            self.confirm([(device, f, v) for f, v in settings])
            return
        self.request(text, said)
        self.confirm([(device, f, v) for f, v in head])
        self.say("user", _cap(fix), [(device, field, right, right_text)])
        self.confirm([(device, field, right)])

    def topic_first(self, device: str, settings: list[tuple[str, Any]]) -> None:
        """The user names the device, the assistant asks what to change, the user lists values."""
        rng = self.rng
        d = self.nick(device)
        self.request(rng.choice([f"Can we sort out {d}?", f"I want to tweak {d}.", f"Let's do something about {d}.",
                                 f"{_cap(d)} needs attention."]), [])
        self.say("assistant", rng.choice(["Sure — what should I change?", "Of course. What did you have in mind?",
                                          f"Happy to. What should {d} do?"]))
        values = [self.value(device, f, v) for f, v in settings]
        answer = _listing([_labelled(f, val) for (f, _), val in zip(settings, values)], rng)
        self.say("user", rng.choice(["{B}.", "{B}, please.", "Hmm… {b}.", "{B} would be great."]).format(b=answer, B=_cap(answer)),
                 [(device, f, v, val) for (f, v), val in zip(settings, values)])
        self.confirm([(device, f, v) for f, v in settings])

    def ask_value(self, device: str, field: str, value: Any) -> None:
        """The user names the setting, the assistant asks for the value, the user answers with just it."""
        rng = self.rng
        d = self.nick(device)
        label = _LABEL[field]
        opener = _OPEN_ASK.get(field) or rng.choice(["Change {d}'s {label}.", "Can you adjust the {label} on {d}?"])
        self.request(opener.format(d=d, label=label), [])
        question = _QUESTION[field] if field != "mode" else ["Static or dynamic?"] if device == "lights" else ["Heat, cool or auto?"]
        self.say("assistant", rng.choice(question))
        v = self.value(device, field, value)
        self.say("user", rng.choice(["{V}.", "{V}", "{V}, I think.", "Erm, {v}."]).format(v=v, V=_cap(v)), [(device, field, value, v)])
        self.confirm([(device, field, value)])

    def which_device(self, device: str, field: str, value: Any) -> None:
        """The value comes first without a device; the assistant asks which one."""
        rng = self.rng
        v = self.value(device, field, value)
        self.request(rng.choice([f"{_cap(_LABEL[field])} to {v}.", f"Can I get {v} {_LABEL[field]}?",
                                 f"{_cap(_LABEL[field])}: {v}, please."]), [(device, field, value, v)])
        a, b = ("tv", "speaker") if field == "volume" else ("tv", "lights")
        if rng.random() < 0.5:
            a, b = b, a
        self.say("assistant", f"For {self.nick(a)} or {self.nick(b)}?")
        self.say("user", rng.choice(["{D}.", "{D}, sorry.", "Oh — {d}."]).format(d=self.nick(device), D=_cap(self.nick(device))))
        self.confirm([(device, field, value)])

    def vague(self, device: str, field: str, value: Any) -> None:
        """A vague value; the assistant turns it into the number and the user confirms."""
        rng = self.rng
        d = self.nick(device)
        phrase = rng.choice(_vague(device, field, value))
        self.request(rng.choice([f"Can I have {phrase} on {d}?", f"{_cap(d)}, {phrase}.", f"Let's go with {phrase} on {d}."]), [])
        v = _value(device, field, value, rng, 0.0)
        self.say("assistant", rng.choice([f"That would be {v} — shall I?", f"So {_state(device, field, v, rng, d)}, right?",
                                          f"Got it, {v}. Go ahead?"]), [(device, field, value, v)])
        self.say("user", rng.choice(_YES))
        self.say("assistant", rng.choice(_DONE))

    def indirect(self, device: str, field: str, value: Any) -> None:
        """A complaint; the assistant offers the setting (or asks a number) and the user agrees."""
        rng = self.rng
        key = (device, field, value) if (device, field, value) in _HINTS else (device, field)
        complaint, offer = rng.choice(_HINTS[key])
        d = self.nick(device)
        self.request(complaint.format(d=d), [])
        if key == (device, field):
            self.say("assistant", offer.format(d=d))
            v = self.value(device, field, value)
            self.say("user", rng.choice(["{V}.", "Try {v}.", "{V} should do it."]).format(v=v, V=_cap(v)), [(device, field, value, v)])
            self.confirm([(device, field, value)])
            return
        v = _value(device, field, value, rng, 0.0)
        self.say("assistant", offer.format(d=d, v=v), [(device, field, value, v)])
        self.say("user", rng.choice(_YES))
        self.say("assistant", rng.choice(_DONE))

    def named_input(self, source: str) -> None:
        """The user names the plugged-in gadget; the assistant names its input; the user agrees."""
        rng, thing = self.rng, self.inputs[source]
        self.request(rng.choice([f"Fire up the {thing}.", f"I feel like using the {thing}.", f"Get the {thing} on screen."]), [])
        v = rng.choice(_INPUT_FORMS[source])
        self.say("assistant", rng.choice([f"The {thing} is on {v}. Switch the box over?", f"That's {v} — change the input to it?"]),
                 [("tv", "input_source", source, v)])
        self.say("user", rng.choice(_YES))
        self.say("assistant", rng.choice(_DONE))

    def followup(self, device: str, settings: list[tuple[str, Any]]) -> None:
        """More settings for the device just handled, named only by a pronoun."""
        rng = self.rng
        values = [self.value(device, f, v) for f, v in settings]
        extras = _listing([_extra(device, f, val, rng) for (f, _), val in zip(settings, values)], rng)
        p = _pronoun(device)
        self.request(rng.choice([f"Have {p} {extras} as well.", f"Let's have {p} {extras} too.",
                                 f"Oh, and I want {p} {extras}."]), [(device, f, v, val) for (f, v), val in zip(settings, values)])
        self.confirm([(device, f, v) for f, v in settings])

    def usual(self, requests: Sequence[Request]) -> None:
        """The user asks for their habitual setup; the assistant lists it and the user agrees."""
        rng = self.rng
        tod, day = self.meta.get("time_of_day", "evening"), self.meta.get("day_of_week", "weekday")
        self.request(rng.choice([f"Run my {tod} scene.", f"Do my usual {day} {tod} thing.", "Same setup as always, please.",
                                 "You know the drill."]), [])
        body, said = self.describe(requests)
        self.say("assistant", rng.choice(["Here's your usual: {b}. Apply it?", "I have {b} saved for this. Go?"]).format(b=body), said)
        self.say("user", rng.choice(_YES))
        self.say("assistant", rng.choice(_DONE))

    # interludes that set nothing final -----------------------------------------------

    def state_query(self, requests: Sequence[Request], before_requests: bool) -> None:
        """The user asks what a setting is at; the answer is not a final value."""
        rng = self.rng
        if before_requests and requests and rng.random() < 0.5:
            device, field, final = rng.choice(list(requests))
            value = different_value(device, field, final, rng)
            leave = None
        else:
            unused = _unused(requests, rng)
            if unused is None:  # the session sets every setting there is: nothing else to ask about
                return
            device, field, value = unused
            leave = rng.choice(["Fine, leave it there.", "Okay, no change.", "Cool, that's fine."])
        d = self.nick(device)
        self.say("user", rng.choice([f"Where's {d} at right now?", f"What's {d} on at the moment?"]))
        v = _value(device, field, value, rng, 0.0)
        self.say("assistant", f"Right now: {_state(device, field, v, rng, d)}.", [(device, field, value, v)])
        if leave:
            self.say("user", leave)
            self.say("assistant", rng.choice(["Okay.", "Leaving it.", "Noted."]))

    def declined(self, requests: Sequence[Request]) -> None:
        """The assistant offers an unrelated setting; the user says no."""
        rng = self.rng
        unused = _unused(requests, rng)
        if unused is None:  # the session sets every setting there is
            return
        device, field, value = unused
        v = _value(device, field, value, rng, 0.0)
        d, label = self.nick(device), _LABEL[field]
        offer = [f"I could also set the {label} on {d} to {v} if you like.", f"Shall I switch {d} to {v} {label} as well?"]
        if field == "armed":
            offer = [f"Want {d} {v} too?", f"I could also get {d} {v}, if you like."]
        self.messages[-1]["text"] += " " + rng.choice(offer)
        self.say("user", rng.choice(_NO))
        self.say("assistant", rng.choice(["No worries.", "Leaving it alone.", "Understood."]))

    def cancelled(self, requests: Sequence[Request]) -> None:
        """The user asks for an unrelated setting, then takes it back."""
        rng = self.rng
        unused = _unused(requests, rng)
        if unused is None:  # the session sets every setting there is
            return
        device, field, value = unused
        v = self.value(device, field, value)
        self.request(_wrap(self.clause(device, [(field, value)], [v]), rng), [])
        self.confirm([])
        self.say("user", rng.choice(["Actually, undo that last one.", "Hmm, forget that, put it back how it was.",
                                     "Revert that, I changed my mind."]))
        self.say("assistant", rng.choice(["Reverted.", "Back to how it was.", "Undone."]))

    def off_schema(self) -> None:
        """A request for something the schema does not model."""
        rng = self.rng
        user, reply = rng.choice(_OFF_SCHEMA)
        mins, small = rng.choice([20, 45, 90]), rng.randint(1, 3)
        self.request(user.format(mins=mins, small=small), [])
        self.say("assistant", reply.format(mins=mins))


_LABEL = {"volume": "volume", "brightness": "brightness", "temperature": "temperature", "fan_speed": "fan",
          "input_source": "input", "mode": "mode", "color": "colour", "equalizer": "EQ", "armed": "alarm state",
          "alarm_volume": "siren loudness"}
_OPEN_ASK = {
    "temperature": "I'd like to change the temperature on {d}.", "armed": "Do something with {d}, would you?",
    "input_source": "Change what's showing on {d}.", "equalizer": "The sound on {d} needs a different EQ.",
}
_QUESTION = {
    "volume": ["What level?", "How loud, out of 100?"],
    "brightness": ["How bright — give me a percentage?", "What level?"],
    "temperature": ["To how many degrees?", "What temperature?"],
    "fan_speed": ["Fan level 0 to 3 — which one?", "Which fan level?"],
    "input_source": ["Which source?", "Which input or app?"],
    "color": ["Warm, cool or neutral?", "Which tone?"],
    "equalizer": ["Bass boost, balanced or treble boost?", "Which preset?"],
    "armed": ["Armed or disarmed?", "Should it be armed or disarmed?"],
    "alarm_volume": ["How loud, out of 100?"],
}
_HINTS: dict[Any, list[tuple[str, str]]] = {
    ("ac", "mode", "heat"): [("I can see my breath in here.", "Shall I put {d} on {v}?")],
    ("ac", "mode", "cool"): [("I'm roasting.", "Want {d} on {v}?"), ("It's like a sauna in here.", "Shall I switch {d} to {v}?")],
    ("security", "armed", True): [("Off to work, bye!", "Want {d} {v} while you're away?")],
    ("security", "armed", False): [("Just walked in the door.", "Welcome home. Want {d} {v}?")],
    ("lights", "color", "warm"): [("Make it feel snug in here.", "How about {d} in {v}?")],
    ("speaker", "equalizer", "bass boost"): [("This track sounds thin.", "Shall I try the {v} preset on {d}?")],
    ("tv", "input_source", "Netflix"): [("Movie night!", "Shall I open {v} on {d}?")],
    ("ac", "temperature"): [("The room feels off, temperature-wise.", "What should {d} aim for?")],
    ("tv", "volume"): [("I can't hear a word on {d}.", "What level should it go to?")],
    ("speaker", "volume"): [("The tunes are way too loud.", "What level would you like on {d}?")],
    ("lights", "brightness"): [("I'm squinting at this page.", "How bright should {d} be, in percent?")],
}


def _fix_text(right: str, notch: str | None, rng: random.Random) -> str:
    """How the user corrects a value (the right one always spelled out)."""
    options = ["scratch that, {v}.", "no wait, make it {v}.", "actually {v} is better.", "sorry, I meant {v}."]
    if notch:
        options.append(f"hmm, one notch {notch} — {{v}}.")
    return rng.choice(options).format(v=right)


def _wrong(device: str, field: str, value: Any, rng: random.Random) -> tuple[Any, str | None]:
    """A wrong value for a correction, and "lower"/"higher" if the right one is one step from it."""
    spec = DEVICE_FIELDS[device][field]
    if isinstance(spec, range):
        step = 1 if field in ("temperature", "fan_speed") else 5
        if rng.random() < 0.5:
            options = [(value + step, "lower"), (value - step, "higher")]
            options = [(w, n) for w, n in options if w in spec]
            if options:
                return rng.choice(options)
        near = [w for w in range(value - 4 * step, value + 4 * step + 1, step) if w != value and w in spec]
        return rng.choice(near), None
    return different_value(device, field, value, rng), None


def _unused(requests: Sequence[Request], rng: random.Random) -> Request | None:
    """A random setting on a device field that ``requests`` does not touch (None: they touch every one)."""
    taken = {(d, f) for d, f, _ in requests}
    pairs = [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in taken]
    if not pairs:
        return None
    device, field = rng.choice(pairs)
    spec = DEVICE_FIELDS[device][field]
    if spec is bool:
        return device, field, rng.random() < 0.5
    if isinstance(spec, tuple):
        return device, field, rng.choice(spec)
    if field in ("temperature", "fan_speed"):
        return device, field, rng.randrange(spec.start, spec.stop)
    return device, field, rng.randrange(10, 91, 5)


def _single_style(dia: HeldoutDialogue, device: str, field: str, value: Any) -> str | None:
    """Which special style a one-setting turn gets (None: a direct request)."""
    cfg = dia.cfg
    if field == "input_source" and value in dia.inputs and dia.chance(cfg.p_named_input, "named_input"):
        return "named_input"
    if _vague(device, field, value) and dia.chance(min(1.0, cfg.p_relative + cfg.p_clamped), "vague_value"):
        return "vague"
    if field in ("volume", "brightness") and dia.chance(cfg.p_which_device, "which_device"):
        return "which_device"
    hint = (device, field, value) in _HINTS or (device, field) in _HINTS
    if hint and dia.chance(cfg.p_indirect, "indirect"):
        return "indirect"
    if dia.chance(cfg.p_ask_value, "ask_value"):
        return "ask_value"
    return None


def render(
    rng: random.Random,
    cfg: SynthConfig,
    meta: dict[str, str],
    requests: list[Request],
    *,
    inputs: dict[str, str],
    usual: bool = False,
) -> HeldoutDialogue:
    """Held-out messages for a session whose final settings are ``requests``.

    Takes the same arguments as :func:`edgerec_bench.datasets.edgewise_dialogue.render`
    and uses the same :class:`~edgerec_bench.datasets.edgewise_synth.SynthConfig`
    probabilities for the phenomena both have, so ``"easy"`` stays plain.
    """
    dia = HeldoutDialogue(rng, cfg, meta, inputs)
    talk = rng.sample(_SMALL_TALK, rng.randint(1, 2)) if dia.chance(cfg.p_small_talk, "small_talk") else []
    if talk and rng.random() < 0.5:
        greeting = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}.get(meta.get("time_of_day", ""), "Hey")
        talk[0] = (rng.choice([f"{greeting}!", f"{greeting}, you there?", "Hiya."]),
                   rng.choice(["Hi! What can I do?", "Here and listening.", "Hello! What's up?"]))

    turns = plan_turns(dia, requests, usual)

    def at(p: float, name: str) -> int | None:
        return rng.randrange(len(turns) + 1) if dia.chance(p, name) else None

    fix_at = rng.randrange(len(turns)) if turns and dia.chance(cfg.p_correction, "correction") else None
    decline_after = rng.randrange(len(turns)) if turns and dia.chance(cfg.p_declined_proposal, "declined_proposal") else None
    off_at, query_at, cancel_at = at(cfg.p_off_schema, "off_schema"), at(cfg.p_state_query, "state_query"), at(cfg.p_cancel, "cancel")
    dia.phenomena.discard("correction")  # set again by the turn that renders it

    def interludes(index: int) -> None:
        if off_at == index:
            dia.off_schema()
        if query_at == index:
            dia.state_query(requests, before_requests=index == 0)
        if cancel_at == index:
            dia.cancelled(requests)

    def chat(pairs: list[tuple[str, str]]) -> None:
        for user, reply in pairs:
            dia.say("user", user)
            dia.say("assistant", reply)

    chat(talk[:1])
    if usual:
        interludes(0)
        dia.usual(requests)
    previous = None
    for index, turn in enumerate(turns):
        interludes(index)
        if index == len(turns) // 2:
            chat(talk[1:])
        device, settings = turn[0]
        field, value = settings[0]
        single = len(turn) == 1 and len(settings) == 1
        style = _single_style(dia, device, field, value) if single and fix_at != index else None
        if fix_at == index:
            dia.corrected(device, list(settings))
            if len(turn) > 1:
                dia.direct(turn[1:])
        elif len(turn) == 1 and device == previous and dia.chance(cfg.p_followup_pronoun, "pronoun_followup"):
            dia.followup(device, settings)
        elif len(turn) == 1 and len(settings) >= 2 and dia.chance(cfg.p_topic, "topic_first"):
            dia.topic_first(device, settings)
        elif style == "named_input":
            dia.named_input(value)
        elif style:
            getattr(dia, style)(device, field, value)
        else:
            dia.direct(turn)
        if decline_after == index:
            dia.declined(requests)
        previous = turn[-1][0]
    if turns:
        interludes(len(turns))
    else:
        chat(talk[1:])
    if dia.chance(cfg.p_closing, "closing"):
        chat([rng.choice(_CLOSINGS)])
    return dia
