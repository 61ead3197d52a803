"""A third, independently written wording of EdgeWisePersona-format sessions.

The ``blind`` phrasing renders the same world (meta, final settings) as the
other phrasings but in words chosen without looking at them or at the rule
extractor, so it tests whether extraction generalizes to unseen wording.
Users chat, hedge, correct themselves, ask what a setting is at, accept or
turn down the assistant's suggestions, and cancel; the assistant confirms.

Fair but hard: every final setting's value is said in the dialogue (digits,
words, an explicit option name, or the name of what is plugged into a TV
input), and a setting that is declined or cancelled is said to be so.
:func:`states_value` checks the first half of that promise.

Phenomena (names in ``.phenomena``), drawn with the matching ``SynthConfig.p_*``:
context_preface, small_talk, distractor, off_schema, closing, casual, words,
assistant_words, hedge, pronoun, topic, multi_request and split_device (from
``plan_turns``), indirect, ask_value, relative, proposal, declined_proposal,
cancel, state_query, which_device, clamped, named_input, habit_contrast,
from_value, double_check, usual, and correction with its kind
(correction_same_turn, correction_next_turn, correction_misheard). ``compact``
(several settings of one device in one clause) has no config field.

>>> import random
>>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
>>> d = render(random.Random(3), SynthConfig(), {"time_of_day": "night"}, [("ac", "temperature", 21)], inputs={})
>>> d.messages[0]["role"], states_value(" ".join(m["text"] for m in d.messages), "ac", "temperature", 21)
('user', True)
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_dialogue import Request, plan_turns, wrong_value

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["BlindDialogue", "render", "states_value", "number_words", "value_forms"]

Unit = tuple[str, list[tuple[str, Any]]]

# --- numbers ------------------------------------------------------------------

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


def number_words(n: int) -> str:
    """English words for 0..100.

    >>> number_words(24), number_words(70), number_words(100)
    ('twenty-four', 'seventy', 'one hundred')
    """
    if n == 100:
        return "one hundred"
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


# --- how things are called ----------------------------------------------------

_DEVICE_NAMES = {
    "tv": ["the TV", "the telly", "the television", "the TV", "the big screen"],
    "ac": ["the AC", "the air con", "the air conditioning", "the aircon", "the AC unit", "the climate control"],
    "lights": ["the lights", "the lamps", "the lighting", "the living room lights", "the lights"],
    "speaker": ["the speaker", "the smart speaker", "the music speaker", "the speaker"],
    "security": ["the alarm system", "the security system", "the house alarm", "security"],
}
_PLURAL = {"lights"}

# User clause templates: {d} device ("the TV" / "it"), {ds} possessive ("the TV's" / "its"), {v} value.
_CLAUSES: dict[tuple[str, str], list[str]] = {
    ("tv", "volume"): ["set {ds} volume to {v}", "put {ds} sound at {v}", "make {ds} volume {v}",
                       "bring {ds} volume to {v}", "adjust {ds} volume to {v}"],
    ("tv", "brightness"): ["set {ds} brightness to {v}", "put {ds} picture brightness at {v}",
                           "change {ds} backlight to {v}", "make {ds} screen brightness {v}",
                           "adjust {ds} brightness to {v}"],
    ("tv", "input_source"): ["switch {d} to {v}", "change {ds} input to {v}", "flip {d} over to {v}",
                             "put {d} on {v}"],
    ("ac", "temperature"): ["set {d} to {v}", "set {ds} temperature to {v}", "put {d} on {v}",
                            "have {d} hold {v}", "get {d} to {v}", "adjust {ds} thermostat to {v}",
                            "keep {d} at {v}"],
    ("ac", "mode"): ["put {d} in {v} mode", "switch {d} to {v} mode", "set {ds} mode to {v}",
                     "run {d} on {v}"],
    ("ac", "fan_speed"): ["set {ds} fan to {v}", "put {ds} fan on {v}", "make {ds} fan speed {v}",
                          "run {ds} blower at {v}", "adjust {ds} fan to {v}"],
    ("lights", "brightness"): ["set {d} to {v}", "dim {d} to {v}", "bring {d} to {v}",
                               "put {ds} brightness at {v}", "adjust {ds} brightness to {v}"],
    ("lights", "color"): ["make {d} {v}", "switch {d} to {v}", "change {ds} colour to {v}",
                          "set {ds} color to {v}"],
    ("lights", "mode"): ["put {d} on {v} mode", "set {ds} mode to {v}", "switch {d} to {v} mode"],
    ("speaker", "volume"): ["set {ds} volume to {v}", "put {d} at {v} volume", "make {ds} volume {v}",
                            "turn {d} to {v}"],
    ("speaker", "equalizer"): ["set {ds} EQ to {v}", "put {d} on {v}", "switch {ds} sound profile to {v}",
                               "change {ds} equalizer to {v}"],
    ("security", "alarm_volume"): ["set {ds} alarm volume to {v}", "make {ds} siren volume {v}",
                                   "put {ds} siren at {v}"],
}
_ARM = ["arm {d}", "switch {d} on", "activate {d}", "set {d} to armed"]
_DISARM = ["disarm {d}", "switch {d} off", "deactivate {d}", "set {d} to disarmed"]

_FIELD_NOUN = {
    ("tv", "volume"): ["volume", "sound"], ("tv", "brightness"): ["brightness", "backlight"],
    ("tv", "input_source"): ["input", "source"], ("ac", "temperature"): ["temperature", "temp"],
    ("ac", "mode"): ["mode"], ("ac", "fan_speed"): ["fan speed", "fan"],
    ("lights", "brightness"): ["brightness", "dimmer level"], ("lights", "color"): ["colour", "color tone"],
    ("lights", "mode"): ["mode", "effect mode"], ("speaker", "volume"): ["volume"],
    ("speaker", "equalizer"): ["EQ", "equalizer setting", "sound profile"],
    ("security", "armed"): ["status"], ("security", "alarm_volume"): ["alarm volume", "siren volume"],
}

# Explicit spoken forms of the options (lower case); the first is the plain one.
_OPTION_FORMS: dict[tuple[str, str, Any], list[str]] = {
    ("tv", "input_source", "HDMI1"): ["HDMI 1", "HDMI1", "HDMI one", "HDMI port 1"],
    ("tv", "input_source", "HDMI2"): ["HDMI 2", "HDMI2", "HDMI two", "HDMI port 2"],
    ("tv", "input_source", "AV"): ["AV", "the AV input", "AV in"],
    ("tv", "input_source", "Netflix"): ["Netflix"],
    ("tv", "input_source", "YouTube"): ["YouTube"],
    ("ac", "mode", "cool"): ["cool", "cooling"],
    ("ac", "mode", "heat"): ["heat", "heating"],
    ("ac", "mode", "auto"): ["auto", "automatic"],
    ("lights", "color", "warm"): ["warm", "warm white"],
    ("lights", "color", "cool"): ["cool", "cool white"],
    ("lights", "color", "neutral"): ["neutral", "neutral white"],
    ("lights", "mode", "static"): ["static"],
    ("lights", "mode", "dynamic"): ["dynamic"],
    ("speaker", "equalizer", "bass boost"): ["bass boost", "bass-boost"],
    ("speaker", "equalizer", "balanced"): ["balanced", "the balanced preset"],
    ("speaker", "equalizer", "treble boost"): ["treble boost", "treble-boost"],
}
_ARMED_WORDS = {True: ["armed", "arm", "arming", "activate", "activated"],
                False: ["disarmed", "disarm", "disarming", "deactivate", "deactivated"]}
_SWITCHED = {True: r"\bswitch(?:ed)?\s+(?:[\w']+\s+){1,4}on\b", False: r"\bswitch(?:ed)?\s+(?:[\w']+\s+){1,4}off\b"}

_NUMBER_SHAPES = {
    "volume": ["{n}", "{n}", "{n}%", "{n} percent", "{n} out of 100", "level {n}", "{n} per cent"],
    "alarm_volume": ["{n}", "{n}%", "{n} percent", "{n} out of 100"],
    "brightness": ["{n}%", "{n} percent", "{n}", "{n} out of 100", "{n} per cent"],
    "temperature": ["{n} degrees", "{n}°C", "{n} degrees Celsius", "{n}", "{n}°"],
    "fan_speed": ["{n}", "speed {n}", "{n} out of 3", "level {n}"],
}


def value_forms(device: str, name: str, value: Any, inputs: Mapping[str, str] | None = None) -> list[str]:
    """Lower-case surface forms that state ``value`` for one device field.

    >>> value_forms("ac", "mode", "heat")
    ['heat', 'heating']
    >>> value_forms("ac", "fan_speed", 2)
    ['2', 'two']
    """
    spec = DEVICE_FIELDS[device][name]
    if spec is bool:
        return list(_ARMED_WORDS[bool(value)])
    if isinstance(spec, range):
        return [str(value), number_words(value)]
    forms = [f.lower() for f in _OPTION_FORMS[(device, name, value)]]
    if name == "input_source" and inputs and inputs.get(value):
        forms.append(_plain_name(inputs[value]).lower())
    return forms


def _plain_name(thing: str) -> str:
    """What is plugged into an input, without a leading article."""
    return re.sub(r"^(the|my|our|a)\s+", "", thing.strip(), flags=re.I)


def states_value(text: str, device: str, name: str, value: Any, inputs: Mapping[str, str] | None = None) -> bool:
    """Whether ``text`` says ``value`` for the field (digits, words, option name or plugged-in thing).

    A loose check of fairness: the value must be written somewhere, as a whole
    word; "disarm" never counts as "arm".

    >>> states_value("Put the AC on twenty-two degrees", "ac", "temperature", 22)
    True
    >>> states_value("disarm it", "security", "armed", True)
    False
    >>> states_value("switch to the console", "tv", "input_source", "HDMI2", {"HDMI2": "the console"})
    True
    """
    low = text.lower()
    if name == "armed" and re.search(_SWITCHED[bool(value)], low):
        return True
    for form in value_forms(device, name, value, inputs):
        body = r"[-\s]+".join(re.escape(part) for part in re.split(r"[-\s]+", form))
        pattern = r"(?<![\w-])" + body + r"(?![\w-])"
        if re.search(pattern, low):
            return True
    return False


# --- the dialogue object ------------------------------------------------------

@dataclass
class BlindDialogue:
    """One session being written: messages, phenomena, and the random stream."""

    rng: random.Random
    cfg: SynthConfig
    meta: Mapping[str, str]
    inputs: Mapping[str, str]
    messages: list[dict[str, str]] = field(default_factory=list)
    phenomena: set[str] = field(default_factory=set)
    preface: str | None = None
    """Said before the first user message ("Just walked in the door.")."""

    def chance(self, p: float, name: str) -> bool:
        """Draw with probability ``p``; record phenomenon ``name`` on success."""
        hit = self.rng.random() < p
        if hit:
            self.phenomena.add(name)
        return hit

    def user(self, text: str) -> None:
        """Append a user message (merged into the previous one if that was the user's too).

        The first user message starts with the preface, if any.
        """
        if self.preface:
            text, self.preface = self.preface + " " + text, None
        self._say("user", text)

    def assistant(self, text: str) -> None:
        """Append an assistant message (merged if the previous one was the assistant's)."""
        self._say("assistant", text)

    def _say(self, role: str, text: str) -> None:
        text = text.strip()
        if self.messages and self.messages[-1]["role"] == role:
            self.messages[-1]["text"] += " " + text
        else:
            self.messages.append({"role": role, "text": text})

    def pick(self, options: Sequence[str]) -> str:
        """One of ``options``, from the dialogue's stream."""
        return self.rng.choice(list(options))


# --- phrases ------------------------------------------------------------------

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _join(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _device_ref(dia: BlindDialogue, device: str, pronoun: bool) -> tuple[str, str]:
    """(name, possessive) of a device: "the telly"/"the telly's", or "it"/"its"."""
    if pronoun:
        return ("them", "their") if device in _PLURAL else ("it", "its")
    name = dia.pick(_DEVICE_NAMES[device])
    return name, (name + "'" if name.endswith("s") else name + "'s")


def _number(dia: BlindDialogue, n: int, p_words: float, name: str = "words") -> str:
    return number_words(n) if dia.chance(p_words, name) else str(n)


def _value_phrase(dia: BlindDialogue, device: str, name: str, value: Any, *, by_user: bool = True,
                  hedge: bool = False) -> str:
    """How a value is said: "22 degrees", "forty percent", "HDMI two", "the PlayStation"."""
    spec = DEVICE_FIELDS[device][name]
    if isinstance(spec, range):
        p = dia.cfg.p_words if by_user else dia.cfg.p_assistant_words
        n = _number(dia, value, p, "words" if by_user else "assistant_words")
        shape = dia.pick(_NUMBER_SHAPES[name])
        said = shape.format(n=n)
        if not n.isdigit():
            said = said.replace("%", " percent").replace("°C", " degrees").replace("°", " degrees")
        if hedge:
            said = dia.pick(["around ", "about ", "roughly ", "something like ", "say, "]) + said
        return said
    if name == "input_source" and by_user and value in ("HDMI1", "HDMI2", "AV") and dia.inputs.get(value) \
            and dia.chance(dia.cfg.p_named_input, "named_input"):
        return "the " + _plain_name(dia.inputs[value])
    forms = _OPTION_FORMS[(device, name, value)]
    return forms[0] if not by_user or dia.rng.random() < 0.5 else dia.pick(forms)


def _clause(dia: BlindDialogue, device: str, name: str, value: Any, *, pronoun: bool, hedge: bool = False,
            by_user: bool = True) -> str:
    """An imperative clause asking for one setting ("set the telly's volume to 30")."""
    d, ds = _device_ref(dia, device, pronoun)
    if name == "armed":
        return dia.pick(_ARM if value else _DISARM).format(d=d)
    v = _value_phrase(dia, device, name, value, hedge=hedge, by_user=by_user)
    return dia.pick(_CLAUSES[(device, name)]).format(d=d, ds=ds, v=v)


def _state(dia: BlindDialogue, device: str, name: str, value: Any, *, pronoun: bool = False) -> str:
    """A declarative phrase of a setting, as the assistant says it ("the AC in heating mode")."""
    d, ds = _device_ref(dia, device, pronoun and name not in ("armed", "input_source", "mode", "color"))
    if name == "armed":
        return f"{d} {'armed' if value else 'disarmed'}"
    v = _value_phrase(dia, device, name, value, by_user=False)
    noun = dia.pick(_FIELD_NOUN[(device, name)])
    if name == "input_source":
        return f"{d} on {v}"
    if name == "mode":
        return f"{d} in {v} mode"
    if name == "color":
        return f"{d} set to {v}"
    if name == "equalizer":
        return f"{ds} {noun} on {v}"
    if (device, name) in (("ac", "temperature"), ("lights", "brightness")) and not pronoun \
            and dia.rng.random() < 0.5:
        return f"{d} at {v}"
    return f"{ds} {noun} at {v}"


def _confirm(dia: BlindDialogue, settings: Sequence[Request], *, force_values: bool = False) -> None:
    """The assistant's confirmation: the values repeated, or a short "done"."""
    if force_values or dia.rng.random() < dia.cfg.p_confirm_repeat:
        states, last = [], None
        for device, name, value in settings:
            states.append(_state(dia, device, name, value, pronoun=device == last and dia.rng.random() < 0.5))
            last = device
        listed = _join(states)
        dia.assistant(dia.pick([
            f"Done — {listed}.", f"All set: {listed}.", f"Okay! I've got {listed}.",
            f"Sure thing. You now have {listed}.", f"No problem, {listed}.", f"Got it — {listed}.",
            f"Done! {_cap(listed)} 👍", f"{_cap(listed)} — all done.",
        ]))
    else:
        dia.assistant(dia.pick(["Done!", "All done.", "Sure, it's done.", "Taken care of.", "You got it.",
                                "Okay, done.", "Consider it done."]))


def _frame(dia: BlindDialogue, body: str, voice: str) -> str:
    """Wrap request clauses in a sentence in the session's voice."""
    if voice == "terse":
        return _cap(body) + dia.pick([".", ", please.", " pls.", "."])
    if voice == "polite":
        return dia.pick([f"Could you {body}, please?", f"Would you {body} for me?", f"Please {body}.",
                         f"Can you {body}?", f"I'd like you to {body}, if you don't mind."])
    return dia.pick([f"Okay so, could you {body}?", f"Right, let's {body}.", f"Hey, {body}, would you?",
                     f"Can you {body}? Thanks a bunch.", f"Ooh, and {body}.", f"Let's {body}!",
                     f"So I was thinking — {body}."])


def _casual(text: str) -> str:
    text = text.lower().replace(", please", " pls").replace("please", "pls")
    return text.rstrip(".!")


# --- filler -------------------------------------------------------------------

_SMALL_TALK = [
    ("Did you know I ran {c} kilometres this morning?", "That's impressive! Your legs must be tired."),
    ("My sister is visiting in {a} days, I can't wait.", "How lovely! I hope you have a great time together."),
    ("I've been reading the same book for {a} weeks now, it's endless.", "Some books are worth taking slowly."),
    ("Guess what, my team won {c} to {b} last night!", "Congratulations, that sounds like a great match."),
    ("Ugh, I have {a} emails waiting for me.", "That's a lot — one at a time!"),
    ("Any idea how long it takes to bake bread? The recipe says {a} minutes.", "Usually about that long, yes."),
    ("I planted {c} tomato seedlings today.", "Nice, you'll have plenty of tomatoes this summer."),
    ("Do you ever get bored?", "Not really — I enjoy helping out around the house."),
    ("Tell me something nice.", "You've already done {a} good things today, I'm sure of it."),
    ("I finally fixed the bike after {a} tries.", "Persistence pays off!"),
]
_DISTRACTORS = [
    "I've got {c} people coming over at {b}.", "The bus was {a} minutes late again.",
    "It's {a} degrees outside, apparently.", "My phone is on {a} percent battery.",
    "I'm meeting Sam at {b} o'clock.", "I just did {a} push-ups.", "Only {a} more days till the holidays.",
]
_OFF_SCHEMA = [
    ("Preheat the oven to {o} degrees as well.", "Sorry, I can't control the oven from here."),
    ("And close the blinds about {a} percent of the way.", "I'm afraid the blinds aren't connected to me."),
    ("Set a timer for {a} minutes too.", "I can't set timers, sorry — only your home devices."),
    ("Can you start the robot vacuum at {b}?", "The vacuum isn't something I can control, unfortunately."),
    ("Boil the kettle to {a} degrees, please.", "Sorry, the kettle isn't one of my devices."),
]
_GREETINGS = ["Hi!", "Hey there.", "Hello!", "Evening!", "Morning!", "Hi, it's me again."]


def _fill(dia: BlindDialogue, template: str) -> str:
    a, b, c = dia.rng.randint(2, 95), dia.rng.randint(1, 12), dia.rng.randint(2, 12)
    o = dia.rng.randrange(150, 250, 10)
    words = dia.rng.random() >= 0.7
    return template.format(a=number_words(a) if words else a, b=b, c=number_words(c) if words else c, o=o)


def _preface(dia: BlindDialogue) -> str:
    tod, weather = dia.meta.get("time_of_day"), dia.meta.get("weather")
    options = ["Just walked in the door.", "Long day, finally home.", "Okay, settling in for a bit."]
    if tod == "morning":
        options += ["Just woke up, still groggy.", "Getting ready for work."]
    if tod in ("evening", "night"):
        options += ["Winding down for the night.", "About to crawl into bed soon."]
    if weather == "rainy":
        options.append("It's pouring out there.")
    if weather == "snowy":
        options.append("Snow everywhere again!")
    if weather == "sunny":
        options.append("What a gorgeous day.")
    return dia.pick(options)


# --- special single-setting turns ---------------------------------------------

def _indirect_cue(device: str, name: str, value: Any, inputs: Mapping[str, str]) -> str | None:
    """What a user says instead of the setting, or None when no hint fits."""
    if (device, name) == ("ac", "temperature"):
        return "I'm roasting in here." if value <= 22 else "Brr, it's chilly in here."
    if (device, name) == ("ac", "mode"):
        return {"cool": "It's sweltering today.", "heat": "I'm absolutely freezing.",
                "auto": "I don't want to babysit the air con today."}[value]
    if (device, name) == ("ac", "fan_speed"):
        return "I can barely feel any air moving." if value >= 2 else "The fan is way too noisy."
    if (device, name) == ("lights", "brightness"):
        return "I can hardly see what I'm reading." if value >= 60 else "The lights feel way too harsh."
    if (device, name) == ("lights", "color"):
        return {"warm": "The lighting feels so clinical.", "cool": "I need to focus and the light is too yellow.",
                "neutral": "The colours in here look off."}[value]
    if (device, name) == ("lights", "mode"):
        return "It's a bit dull in here, liven it up." if value == "dynamic" else \
            "All that colour shifting is giving me a headache."
    if name == "volume":
        thing = "the TV" if device == "tv" else "the music"
        return f"I can't hear {thing} at all." if value >= 40 else f"{_cap(thing)} is way too loud."
    if (device, name) == ("tv", "brightness"):
        return "I can barely make out the picture." if value >= 50 else "The TV is blinding me."
    if (device, name) == ("tv", "input_source"):
        if value == "Netflix":
            return "I feel like bingeing a series."
        if value == "YouTube":
            return "I want to watch some videos."
        return f"I feel like using the {_plain_name(inputs[value])}." if inputs.get(value) else None
    if (device, name) == ("speaker", "equalizer"):
        return {"bass boost": "This song needs more punch in the low end.",
                "treble boost": "The vocals sound muffled.", "balanced": "The music sounds lopsided."}[value]
    if (device, name) == ("security", "armed"):
        return "Let's make sure nobody can get in while I'm not watching." if value else \
            "I keep setting the alarm off by accident, it's driving me mad."
    if (device, name) == ("security", "alarm_volume"):
        return "I'm not sure I'd hear the alarm from upstairs." if value >= 50 else "That siren is ear-splitting."
    return None


_ACCEPT = ["Yes please.", "Sure, go for it.", "Yeah, do it.", "Sounds good.", "Perfect, yes.", "Please do."]
_DECLINE = ["No thanks, leave it as it is.", "Nah, don't touch that.", "No, that's fine as is.",
            "Hmm, no. Leave it alone."]


def _proposal_question(dia: BlindDialogue, device: str, name: str, value: Any) -> str:
    clause = _clause(dia, device, name, value, pronoun=False, by_user=False)
    return dia.pick(["want me to {s}?", "shall I {s}?", "would you like me to {s}?", "how about I {s}?"]).format(
        s=clause)


def _relative_turn(dia: BlindDialogue, device: str, name: str, value: int) -> None:
    spec = DEVICE_FIELDS[device][name]
    low, high = spec.start, spec.stop - 1
    span = high - low
    if value - low <= span * 0.2:
        up = False
    elif high - value <= span * 0.2:
        up = True
    else:
        up = dia.rng.random() < 0.5
    d, _ = _device_ref(dia, device, False)
    words = {
        "volume": ("louder", "quieter"), "alarm_volume": ("louder", "softer"),
        "brightness": ("brighter", "dimmer"), "temperature": ("warmer", "cooler"),
    }[name]
    what = dia.pick(["a bit", "a touch", "a little", "slightly"])
    target = "the siren" if name == "alarm_volume" else d
    dia.user(_cap(dia.pick([f"make {target} {what} {words[0 if up else 1]}?",
                            f"can you make {target} {what} {words[0 if up else 1]}?",
                            f"{target}, {what} {words[0 if up else 1]} please."])))
    v = _value_phrase(dia, device, name, value, by_user=False)
    dia.assistant(dia.pick([f"Sure — I've turned it {'up' if up else 'down'} to {v}.",
                            f"Okay, {'raised' if up else 'lowered'} it to {v}.",
                            f"Done, it's at {v} now."]))


def _clamped_turn(dia: BlindDialogue, device: str, name: str, value: int) -> None:
    d, ds = _device_ref(dia, device, False)
    if name == "temperature":
        asked = value - dia.rng.randint(1, 3) if value == 16 else value + dia.rng.randint(1, 3)
        dia.user(f"{_cap(d)} to {asked} degrees, please.")
        edge = "lowest" if value == 16 else "highest"
        v = _value_phrase(dia, device, name, value, by_user=False)
        dia.assistant(f"The {edge} it goes is {v}, so I've set it to that.")
    else:
        asked = dia.rng.randint(4, 6)
        dia.user(f"Crank {ds} fan up to {asked}!")
        dia.assistant(f"The fan tops out at {value}, so it's on {value} now — full blast.")


# --- the session --------------------------------------------------------------

_P_COMPACT = 0.3
"""Per unit of two or more settings: one clause names the device once ("the AC to cool, 21 degrees")."""

_SHORT = {
    ("tv", "volume"): ["volume {v}", "{v} volume"], ("tv", "brightness"): ["brightness {v}", "{v} brightness"],
    ("tv", "input_source"): ["{v}"], ("ac", "temperature"): ["{v}"], ("ac", "mode"): ["{v} mode"],
    ("ac", "fan_speed"): ["fan speed {v}", "the fan on {v}"],
    ("lights", "brightness"): ["{v} brightness", "brightness {v}"], ("lights", "color"): ["{v} light", "a {v} colour"],
    ("lights", "mode"): ["{v} mode"], ("speaker", "volume"): ["volume {v}", "{v} volume"],
    ("speaker", "equalizer"): ["{v}", "the {v} EQ"], ("security", "alarm_volume"): ["siren volume {v}",
                                                                                    "alarm volume {v}"],
}


def _short(dia: BlindDialogue, device: str, name: str, value: Any) -> str:
    """A setting as a noun phrase for a compact clause ("fan speed 2", "22 degrees", "warm white")."""
    if name == "armed":
        return "armed" if value else "disarmed"
    if name == "temperature":
        n = _number(dia, value, dia.cfg.p_words)
        v = dia.pick([f"{n} degrees", f"{n}°C" if n.isdigit() else f"{n} degrees"])
    elif name in ("volume", "brightness", "alarm_volume", "fan_speed"):
        v = _number(dia, value, dia.cfg.p_words)
        if name != "fan_speed" and dia.rng.random() < 0.4:
            v += "%" if v.isdigit() else " percent"
    else:
        v = _value_phrase(dia, device, name, value)
    return dia.pick(_SHORT[(device, name)]).format(v=v)


def _compact_clause(dia: BlindDialogue, device: str, settings: list[tuple[str, Any]], *, pronoun: bool) -> str:
    """Several settings of one device in one clause, the device named once."""
    d, _ = _device_ref(dia, device, pronoun)

    def order(setting: tuple[str, Any]) -> int:  # options first, then temperature, then the rest
        spec = DEVICE_FIELDS[device][setting[0]]
        return 0 if not isinstance(spec, range) else 1 if setting[0] == "temperature" else 2

    parts = [_short(dia, device, name, value) for name, value in sorted(settings, key=order)]
    form = dia.rng.random()
    if form < 0.5:
        return f"set {d} to {parts[0]}, with {_join(parts[1:])}"
    if form < 0.8:
        return f"get {d} going with {_join(parts)}"
    return f"have {d} on {_join(parts)}".replace(" on armed", " armed").replace(" on disarmed", " disarmed")


def _direct_turn(dia: BlindDialogue, units: list[Unit], *, voice: str, last_device: str | None,
                 correction: tuple[int, int, str] | None) -> None:
    """One user request for the turn's units, and the assistant's reply."""
    clauses, said = [], []
    wrong: tuple[str, str, Any] | None = None
    mistake = None
    single = len(units) == 1 and len(units[0][1]) == 1
    sentences_before: list[str] = []
    framed = True
    for u, (device, settings) in enumerate(units):
        pronoun = u == 0 and device == last_device and dia.chance(dia.cfg.p_followup_pronoun, "pronoun")
        topic = not pronoun and len(units) == 1 and len(settings) >= 2 and dia.chance(dia.cfg.p_topic, "topic")
        if topic:
            d, _ = _device_ref(dia, device, False)
            sentences_before.append(dia.pick([f"About {d}.", f"Okay, {d}.", f"Now, about {d}."]))
            pronoun = True
        fixing_here = correction is not None and correction[0] == u
        if len(settings) >= 2 and not fixing_here and dia.rng.random() < _P_COMPACT:
            dia.phenomena.add("compact")
            clauses.append(_compact_clause(dia, device, settings, pronoun=pronoun))
            said += [(device, name, value) for name, value in settings]
            continue
        for s, (name, value) in enumerate(settings):
            pron = pronoun or s > 0
            numeric = isinstance(DEVICE_FIELDS[device][name], range)
            hedge = numeric and dia.chance(dia.cfg.p_hedge, "hedge")
            if correction and correction[0] == u and correction[1] == s:
                bad = wrong_value(device, name, value, dia.rng)
                if correction[2] == "same_turn":
                    first_try = _clause(dia, device, name, bad, pronoun=pron)
                    fix = _value_phrase(dia, device, name, value) if name != "armed" else \
                        ("arm it" if value else "disarm it")
                    clauses.append(first_try + dia.pick([" — no wait, ", " — sorry, I mean ", "... actually, ",
                                                         " — scratch that, "]) + fix)
                elif correction[2] == "next_turn":
                    clauses.append(_clause(dia, device, name, bad, pronoun=pron))
                    wrong = (device, name, bad)
                else:  # misheard by the assistant
                    clauses.append(_clause(dia, device, name, value, pronoun=pron))
                    mistake = (device, name, bad)
                said.append((device, name, value))
                continue
            if single and numeric and not hedge and dia.chance(dia.cfg.p_habit_contrast, "habit_contrast"):
                usual_value = wrong_value(device, name, value, dia.rng)
                d, ds = _device_ref(dia, device, pron)
                clauses.append(f"I usually keep {ds} {dia.pick(_FIELD_NOUN[(device, name)])} at {usual_value}, "
                               f"but today please {_clause(dia, device, name, value, pronoun=True)}")
                framed = False
            elif single and numeric and name != "fan_speed" and dia.chance(dia.cfg.p_from_value, "from_value"):
                start = wrong_value(device, name, value, dia.rng)
                d, ds = _device_ref(dia, device, pron)
                way = "up" if value > start else "down"
                noun = dia.pick(_FIELD_NOUN[(device, name)])
                clauses.append(f"take {ds} {noun} from {start} {way} to {_value_phrase(dia, device, name, value)}")
            else:
                clauses.append(_clause(dia, device, name, value, pronoun=pron, hedge=hedge))
            said.append((device, name, value))
    body = _join(clauses) if len(clauses) <= 2 or dia.rng.random() < 0.5 else \
        ", ".join(clauses[:-1]) + ", and also " + clauses[-1]
    text = " ".join(sentences_before + [_frame(dia, body, voice) if framed else _cap(body) + "."])
    if dia.chance(dia.cfg.p_distractor, "distractor"):
        extra = _fill(dia, dia.pick(_DISTRACTORS))
        text = extra + " " + text if dia.rng.random() < 0.5 else text + " " + extra
    if dia.chance(dia.cfg.p_casual, "casual"):
        text = _casual(text)
    dia.user(text)
    if wrong is not None:
        _confirm(dia, [wrong] + [r for r in said if r[:2] != wrong[:2]], force_values=True)
        device, name, value = next(r for r in said if r[:2] == wrong[:2])
        v = _value_phrase(dia, device, name, value) if name != "armed" else ("armed" if value else "disarmed")
        dia.user(dia.pick([f"Hmm, actually make that {v}.", f"On second thought, {v} instead.",
                           f"Wait, change that to {v}."]))
        dia.assistant(f"No problem, I've changed it: {_state(dia, device, name, value)}.")
    elif mistake is not None:
        dia.assistant(f"Okay, {_state(dia, *mistake)}" + (" and the rest as asked." if len(said) > 1 else "."))
        device, name, value = next(r for r in said if r[:2] == mistake[:2])
        v = _value_phrase(dia, device, name, value) if name != "armed" else ("armed" if value else "disarmed")
        dia.user(dia.pick([f"No, I said {v}!", f"That's not what I said — {v}.", f"Nope, {v}, not that."]))
        dia.assistant(f"Sorry about that! Fixed: {_state(dia, device, name, value)}.")
    elif correction is None and dia.chance(dia.cfg.p_double_check, "double_check"):
        listed = _join([_state(dia, *r) for r in said])
        dia.assistant(dia.pick([f"Just to double-check: {listed}?", f"So that's {listed} — right?"]))
        dia.user(dia.pick(["Yep.", "Exactly.", "That's right.", "Yes."]))
        dia.assistant(dia.pick(["Great, done.", "Done.", "Okay, all set."]))
    else:
        _confirm(dia, said)


def _single_turn(dia: BlindDialogue, device: str, name: str, value: Any, *, index: int) -> bool:
    """A special form for a lone setting; False when none was drawn (say it directly then)."""
    cfg, numeric = dia.cfg, isinstance(DEVICE_FIELDS[device][name], range)
    if name in ("volume", "brightness") and dia.chance(cfg.p_which_device, "which_device"):
        v = _value_phrase(dia, device, name, value)
        dia.user(_cap(dia.pick([f"set the {name} to {v}", f"{name} to {v}, please",
                                f"can you put the {name} on {v}?"])))
        choices = {"volume": ("the TV", "the speaker"), "brightness": ("the TV", "the lights")}[name]
        dia.assistant(f"Sure — {choices[0]} or {choices[1]}?")
        d, _ = _device_ref(dia, device, False)
        dia.user(dia.pick([f"{_cap(d)}.", f"Oh, {d}, sorry.", f"{_cap(d)}, please."]))
        _confirm(dia, [(device, name, value)])
        return True
    cue = _indirect_cue(device, name, value, dia.inputs)
    if cue and dia.chance(cfg.p_indirect, "indirect"):
        dia.user(cue)
        dia.assistant(_cap(_proposal_question(dia, device, name, value)))
        dia.user(dia.pick(_ACCEPT))
        dia.assistant(dia.pick(["Done.", "Okay, done!", "There you go."]))
        return True
    if dia.chance(cfg.p_ask_value, "ask_value"):
        d, ds = _device_ref(dia, device, False)
        noun = dia.pick(_FIELD_NOUN[(device, name)])
        if name == "armed":
            dia.user(f"Can you do something about {d}?")
            dia.assistant("Sure — should I arm it or disarm it?")
            dia.user(dia.pick(["Arm it.", "Arm it, please."]) if value else dia.pick(["Disarm it.", "Disarm, please."]))
        else:
            dia.user(dia.pick([f"I want to change {ds} {noun}.", f"Can you adjust {ds} {noun}?"]))
            dia.assistant(dia.pick([f"Of course. What should the {noun} be?", f"Sure, to what?"]))
            dia.user(_cap(_value_phrase(dia, device, name, value)) + dia.pick([", please.", ".", " would be great."]))
        _confirm(dia, [(device, name, value)])
        return True
    if numeric and name != "fan_speed" and dia.chance(cfg.p_relative, "relative"):
        _relative_turn(dia, device, name, value)
        return True
    if index > 0 and dia.chance(cfg.p_proposal, "proposal"):
        dia.assistant(_cap(dia.pick(["By the way, ", "Also — ", ""]) + _proposal_question(dia, device, name, value)))
        dia.user(dia.pick(_ACCEPT))
        dia.assistant(dia.pick(["Done.", "Okay, it's set.", "Great, done."]))
        return True
    at_bound = (name == "temperature" and value in (16, 30)) or (name == "fan_speed" and value == 3)
    if at_bound and dia.chance(cfg.p_clamped, "clamped"):
        _clamped_turn(dia, device, name, value)
        return True
    return False


def _free_fields(requests: Sequence[Request]) -> list[tuple[str, str]]:
    taken = {(d, f) for d, f, _ in requests}
    return [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in taken]


def _other_value(dia: BlindDialogue, device: str, name: str) -> Any:
    spec = DEVICE_FIELDS[device][name]
    if spec is bool:
        return dia.rng.random() < 0.5
    if isinstance(spec, tuple):
        return dia.pick(spec)
    return dia.rng.randrange(spec.start, spec.stop)


def _state_query(dia: BlindDialogue, device: str, name: str, value: Any, *, changes_later: bool) -> None:
    d, ds = _device_ref(dia, device, False)
    noun = dia.pick(_FIELD_NOUN[(device, name)])
    dia.user(dia.pick([f"What's {ds} {noun} at right now?", f"Quick question — what is {ds} {noun} set to?",
                       f"Remind me, what's {ds} {noun}?"]) if name != "armed" else f"Is {d} armed at the moment?")
    if name == "armed":
        dia.assistant("It's armed right now." if value else "No, it's disarmed at the moment.")
    else:
        v = _value_phrase(dia, device, name, value, by_user=False)
        dia.assistant(dia.pick([f"It's currently on {v}.", f"Right now it's at {v}.",
                                f"It's set to {v} at the moment."]))
    if not changes_later:
        dia.user(dia.pick(["Okay, leave it like that.", "Fine, keep it.", "Good, no change then."]))
        dia.assistant(dia.pick(["Okay, leaving it.", "Sure, I won't change it."]))


def _cancelled(dia: BlindDialogue, device: str, name: str, value: Any) -> None:
    ask = _clause(dia, device, name, value, pronoun=False)
    if dia.rng.random() < 0.5:
        dia.user(_cap(ask) + dia.pick([". Actually no, forget that, cancel it.",
                                       "... hmm, no, never mind that one. Cancel it."]))
        dia.assistant(dia.pick(["Okay, cancelled — I haven't changed anything there.",
                                "No worries, I'll leave that as it was."]))
    else:
        dia.user(_frame(dia, ask, "polite"))
        dia.assistant(f"Okay, {_state(dia, device, name, value)}.")
        dia.user(dia.pick(["Wait, undo that. Cancel it and put it back how it was.",
                           "Hmm, no, cancel that — revert it please."]))
        dia.assistant(dia.pick(["Cancelled, it's back to what it was before.",
                                "Undone — back to the previous setting."]))


def _declined(dia: BlindDialogue, device: str, name: str, value: Any) -> None:
    dia.assistant(_cap(dia.pick(["By the way, ", "Oh, and ", ""]) + _proposal_question(dia, device, name, value)))
    dia.user(dia.pick(_DECLINE))
    dia.assistant(dia.pick(["Alright, I'll leave it as it is.", "Okay, no change there.", "Sure, not touching it."]))


def _usual(dia: BlindDialogue, requests: Sequence[Request]) -> None:
    dia.user(dia.pick(["The usual, please.", "Can you do my usual setup?", "You know the drill — the usual.",
                       "Same as always, please."]))
    states, last = [], None
    for device, name, value in requests:
        states.append(_state(dia, device, name, value, pronoun=device == last))
        last = device
    dia.assistant(dia.pick(["Your usual it is: {s}.", "Setting up the usual — {s}.", "Okay! {S}, like always."])
                  .format(s=_join(states), S=_cap(_join(states))))


def render(
    rng: random.Random,
    cfg: SynthConfig,
    meta: Mapping[str, str],
    requests: Sequence[Request],
    *,
    inputs: Mapping[str, str],
    usual: bool = False,
) -> BlindDialogue:
    """Write one session asking for ``requests`` (their final values); see the module doc.

    ``inputs`` maps wired TV inputs (HDMI1, HDMI2, AV) to what is plugged in.
    The result has ``.messages`` (user first, roles alternating) and
    ``.phenomena``.
    """
    dia = BlindDialogue(rng, cfg, meta, inputs)
    if dia.chance(cfg.p_context_preface, "context_preface"):
        dia.preface = _preface(dia)
    elif rng.random() < 0.2:
        dia.preface = dia.pick(_GREETINGS)
    turns = plan_turns(dia, requests, usual)
    voice = dia.pick(["terse", "polite", "chatty", "chatty"])
    free = _free_fields(requests)
    rng.shuffle(free)

    extras: list[tuple[str, tuple[str, str]]] = []
    for phenomenon, p in (("declined_proposal", cfg.p_declined_proposal), ("cancel", cfg.p_cancel)):
        if free and dia.chance(p, phenomenon):
            extras.append((phenomenon, free.pop()))
    query = None
    if dia.chance(cfg.p_state_query, "state_query"):
        if requests and rng.random() < 0.4:  # asked before it is changed to another value
            device, name, final = rng.choice(list(requests))
            query = (device, name, wrong_value(device, name, final, rng), True)
        elif free:
            device, name = free.pop()
            query = (device, name, _other_value(dia, device, name), False)
    correction = None
    slots_to_fix = [(t, u, s) for t, turn in enumerate(turns) for u, (_, settings) in enumerate(turn)
                    for s in range(len(settings))]
    if slots_to_fix and dia.chance(cfg.p_correction, "correction"):
        t, u, s = rng.choice(slots_to_fix)
        kind = rng.choice(["same_turn", "next_turn", "misheard"])
        dia.phenomena.add(f"correction_{kind}")
        correction = (t, (u, s, kind))
    talk = rng.randint(1, 3) if dia.chance(cfg.p_small_talk, "small_talk") else 0
    off = dia.chance(cfg.p_off_schema, "off_schema")
    # Interludes go before turn i (0 <= i < len(turns)) or at the end (i == len(turns));
    # a declined proposal or a cancel never comes before the first request.
    end = len(turns)
    talk_at = [rng.randint(0, end) for _ in range(talk)]
    chit_chat = rng.sample(_SMALL_TALK, talk)
    extra_at = [rng.randint(min(1, end), end) for _ in extras]
    off_at = rng.randint(0, end)

    def interlude(i: int) -> None:
        for at, (said, reply) in zip(talk_at, chit_chat):
            if at != i:
                continue
            dia.user(_fill(dia, said))
            dia.assistant(_fill(dia, reply))
        if off and off_at == i:
            said, reply = rng.choice(_OFF_SCHEMA)
            dia.user(_fill(dia, said))
            dia.assistant(reply)
        for (kind, (device, name)), at in zip(extras, extra_at):
            if at != i:
                continue
            value = _other_value(dia, device, name)
            if kind == "declined_proposal":
                if not dia.messages:
                    dia.user(dia.pick(_GREETINGS))
                _declined(dia, device, name, value)
            else:
                _cancelled(dia, device, name, value)

    if query is not None:
        device, name, current, changes_later = query
        _state_query(dia, device, name, current, changes_later=changes_later)
    if usual:
        _usual(dia, requests)
    last_device = None
    for t, turn in enumerate(turns):
        interlude(t)
        fix = correction[1] if correction and correction[0] == t else None
        done = False
        if len(turn) == 1 and len(turn[0][1]) == 1 and fix is None:
            device, (name, value) = turn[0][0], turn[0][1][0]
            done = _single_turn(dia, device, name, value, index=t)
        if not done:
            _direct_turn(dia, turn, voice=voice, last_device=last_device, correction=fix)
        last_device = turn[-1][0]
    interlude(end)
    if dia.chance(cfg.p_closing, "closing"):
        dia.user(dia.pick(["Thanks!", "Cheers, that's all.", "Perfect, thank you.", "Great, thanks a lot.",
                           "That's everything, thanks."]))
        dia.assistant(dia.pick(["You're welcome!", "Anytime.", "Enjoy!", "Happy to help."]))
    if not dia.messages:
        dia.user("Hi, just checking in.")
        dia.assistant("Hello! Let me know if you need anything.")
    return dia
