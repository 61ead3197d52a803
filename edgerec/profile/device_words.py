"""The many ways English speakers name the five modelled devices and their settings.

Written as regular-expression fragments (already lower case) so that
:mod:`edgerec.profile.lexicon` can compile them into cues. The lists aim wide:
everyday names, brand-free product words, regional words (telly, aircon,
hi-fi) and the nicknames people give to the thing on the wall or the shelf.
Words that are also verbs or very common nouns ("set", "box", "display",
"panel") only count after a determiner, so "set the lights" or "display the
menu" name nothing.

>>> import re
>>> bool(re.fullmatch(DEVICE_NOUNS["lights"], "ceiling spots"))
True
>>> bool(re.search(DEVICE_NOUNS["tv"], "set the lights"))
False
"""

from __future__ import annotations

__all__ = ["DEVICE_NOUNS", "FIELD_WORDS"]

# A determiner before a noun that would be ambiguous on its own.
_DET = "(?:" + "|".join(rf"(?<=\b{w} )" for w in ("the", "that", "this", "our", "my", "your")) + ")"

DEVICE_NOUNS: dict[str, str] = {
    "tv": (
        r"\b(?:tv set|television set|tvs?|televisions?|telly|tellies|tele|smart tv|flat ?screen|big screen|(?:tv )?screen|monitor|"
        r"projector|goggle ?box|idiot box|boob tube)\b"
        rf"|{_DET}(?:box|set|display|tube)\b(?! of\b)"
    ),
    "ac": (
        r"\b(?:ac|air ?con(?:ditioner|ditioning)?(?: unit)?|aircon|climate(?: control| system| unit)?|"
        r"thermostat|hvac(?: system| unit)?|heat ?pump|split(?: unit| system| ac)|mini[- ]?split|"
        r"air conditioning unit|cooling system|heating system|cooling unit|heating unit|heater|furnace|"
        r"air handler|temperature control|climate controller)\b"
    ),
    "lights": (
        r"\b(?:light ?bulbs?|light fixtures?|light ?strips?|overhead lights?|ceiling lights?|ceiling spots|"
        r"spot ?lights?|strip lights?|led strips?|pendant lights?|floor lamps?|table lamps?|desk lamps?|"
        r"night ?lights?|fairy lights|string lights|track lights?|track lighting|recessed lights?|can lights|"
        r"down ?lights?|down-lights?|up ?lights?|uplighters?|lights?|lighting|lamps?|bulbs?|overheads?|spots|"
        r"fixtures?|chandeliers?|leds?|sconces?|pendants?|luminaires?)\b"
    ),
    "speaker": (
        r"\b(?:speakers?|sound ?system|stereo|hi-?fi|hi fi|sound ?bar|audio(?: system| rig| setup| set-up| gear)?|"
        r"boom ?box|ghetto blaster|bluetooth speakers?|smart speakers?|music(?: system| player)?|playlist|"
        r"jukebox|tunes|amp|amplifier|sub ?woofer|radio|stereo system|speaker system|home theatre audio)\b"
    ),
    "security": (
        r"\b(?:security(?: system| panel| alarm| keypad)?|alarm(?: system| panel| keypad)?|home security|"
        r"house alarm|home alarm|burglar alarm|intruder alarm|alarm box|keypad)\b"
        rf"|{_DET}panel\b"
    ),
}

# (field, candidate devices in order of preference): words that name the setting.
FIELD_WORDS: list[tuple[str, tuple[str, tuple[str, ...]]]] = [
    (r"\b(?:alarm(?:'s)? volume|volume (?:of|on|for) the (?:security )?alarm|sirens?(?: volume| level| loudness)?|"
     r"alarm (?:loudness|sound level|sound)|chime(?: volume)?|ring(?:s|ing)?(?= at\b| to\b)|"
     r"how loud (?:it|the alarm|the siren) (?:rings|goes|sounds))\b",
     ("alarm_volume", ("security",))),
    (r"\b(?:volume|loudness|sound level|sound|louder|quieter|softer|how loud|loud|play(?:s|ing)?(?= at\b))\b",
     ("volume", ("tv", "speaker", "security"))),
    (r"\b(?:backlight|back light|picture|screen brightness)\b", ("brightness", ("tv",))),
    (r"\b(?:brightness|bright|brighter|dim|dimmer|dimmed|dimming|intensity|"
     r"luminosity|light level|glow level)\b",
     ("brightness", ("lights", "tv"))),
    (r"\b(?:temp|temperature|degrees?|deg|celsius|in here|warmer|cooler|colder|hotter|set ?point|"
     r"target(?:ing)?|holding)\b",
     ("temperature", ("ac",))),
    (r"\b(?:fan(?: speed| level| setting| power)?|blower|air ?flow)\b", ("fan_speed", ("ac",))),
    (r"\b(?:input(?: source)?|source|hdmi)\b", ("input_source", ("tv",))),
    (r"\b(?:colou?r(?: temperature)?|tone|hue|tint|shade)\b", ("color", ("lights",))),
    (r"\b(?:equali[sz]er|eq|sound profile|sound mode|preset)\b", ("equalizer", ("speaker",))),
    (r"\bmode\b", ("mode", ("ac", "lights"))),
    (r"(?:\bpercent\b|\bper ?cent\b|%)", ("percent", ("lights", "tv", "speaker", "security"))),
]
