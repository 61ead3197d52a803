"""Words that name smart-home devices, their settings and setting values.

Each cue is a compiled pattern with what it means. :func:`find_cues` returns
every cue in a (lower-cased) text, left to right, longest match first when two
overlap. The extraction rules in :mod:`edgerec.profile.extract` read these cues.

>>> [(c.kind, c.payload) for c in find_cues("turn the tv volume up")]
[('device', 'tv'), ('field', ('volume', ('tv', 'speaker', 'security')))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from edgerec.profile.device_words import DEVICE_NOUNS, FIELD_WORDS

__all__ = ["Cue", "find_cues", "DEVICE_DEFAULT_FIELD"]


@dataclass(frozen=True)
class Cue:
    """A span of text and what it says.

    kind is one of ``device`` (payload: device name), ``other_device`` (a
    device outside the schema: blinds, fridge...), ``field`` (payload:
    ``(field, candidate devices)``, first candidate preferred), ``value``
    (payload: tuple of ``(device, field, value)`` readings), ``arm`` (payload:
    True/False, meaningful for the security system only), ``negation``,
    ``strong_value`` (like value, but the words name the device too: "netflix"),
    ``cancel`` (take back what was asked for a device: "never mind the TV,
    put it back"), ``skip_number`` (a number after it is not a setting, e.g. "not 20", "from 20"),
    ``time_unit`` (a number before it is a time or count), ``outside`` (talk
    about the weather or the outdoors).
    """

    kind: str
    start: int
    end: int
    payload: Any = None


def _cue(kind: str, pattern: str, payload: Any = None) -> tuple[str, re.Pattern[str], Any]:
    return kind, re.compile(pattern), payload


def _strong(pattern: str, payload: Any) -> tuple[str, re.Pattern[str], Any]:
    """A value cue that names its device by itself ("netflix", "bass boost")."""
    return "strong_value", re.compile(pattern), payload


_DEVICES = [_cue("device", pattern, device) for device, pattern in DEVICE_NOUNS.items()]

# Devices outside the schema: a clause about them sets nothing we model.
_OTHER_DEVICES = [
    _cue("other_device", r"\b(?:blinds?|curtains?|shades|shutters?|fridge|refrigerator|freezer|oven|stove|kettle|"
                         r"timer|washing machine|washer|dryer|dishwasher|garage|door|gate|sprinklers?|coffee (?:machine|maker)|"
                         r"vacuum|robot|microwave|fan heater|humidifier|dehumidifier|purifier|window|oven|car|phone|"
                         r"fireplace|hot tub|pool|boiler|water heater|camera|doorbell)\b"),
]

_FIELDS = [_cue("field", pattern, payload) for pattern, payload in FIELD_WORDS]

_V = "value"
_VALUES = [
    # tv input sources
    _strong(r"\bhdmi[ -]?(?:1|one)\b|\b(?:first|1st) hdmi\b|\bhdmi (?:port|input) (?:1|one)\b",
         (("tv", "input_source", "HDMI1"),)),
    _strong(r"\bhdmi[ -]?(?:2|two)\b|\b(?:second|2nd) hdmi\b|\bhdmi (?:port|input) (?:2|two)\b",
         (("tv", "input_source", "HDMI2"),)),
    _cue(_V, r"\b(?:av|a/v|a\.v\.|av input|composite)\b", (("tv", "input_source", "AV"),)),
    _strong(r"\bnetflix\b", (("tv", "input_source", "Netflix"),)),
    _strong(r"\byou ?tube\b", (("tv", "input_source", "YouTube"),)),
    # speaker equalizer
    _strong(r"\b(?:bass[- ]?boost(?:ed)?|boost(?:ing|ed)? (?:the )?bass|more bass|bass[- ]heavy|heavy bass|"
             r"extra bass|bass up|low[- ]end boost|crank (?:up )?the bass|pump up the bass)\b", (("speaker", "equalizer", "bass boost"),)),
    _strong(r"\b(?:treble[- ]?boost(?:ed)?|boost(?:ing|ed)? (?:the )?treble|more treble|treble up|treble[- ]heavy|"
             r"crisp(?:er)? highs|extra treble)\b", (("speaker", "equalizer", "treble boost"),)),
    _cue(_V, r"\b(?:balanced|flat eq|flat sound|even sound|flat|neutral eq|neutral sound|default eq|normal eq)\b", (("speaker", "equalizer", "balanced"),)),
    # ac modes (explicit)
    _strong(r"\b(?:cool(?:ing)? mode|mode (?:to |on )?cool(?:ing)?|cooling|a\.?c\.? (?:on )?cool)\b",
            (("ac", "mode", "cool"),)),
    _cue(_V, r"\bheat\b", (("ac", "mode", "heat"),)),
    _strong(r"\b(?:heat(?:ing)? mode|mode (?:to |on )?heat(?:ing)?|heating)\b", (("ac", "mode", "heat"),)),
    _strong(r"\bfan(?: speed)?(?: to| on| at)? (?:off|zero|stopped|none)\b|\b(?:no airflow|fan stopped|stop the fan)\b",
            (("ac", "fan_speed", 0),)),
    _strong(r"\bfan(?: speed)?(?: to| on| at)? (?:high|max(?:imum)?|full)\b|\b(?:high|max(?:imum)?|full) fan\b",
            (("ac", "fan_speed", 3),)),
    _strong(r"\bfan(?: speed)?(?: to| on| at)? (?:medium|mid|middle)\b|\b(?:medium|mid) fan\b", (("ac", "fan_speed", 2),)),
    _strong(r"\bfan(?: speed)?(?: to| on| at)? (?:low|min(?:imum)?)\b|\blow fan\b", (("ac", "fan_speed", 1),)),
    # bare fan levels ("on second thought, medium"): only when the AC is being talked about
    _cue(_V, r"\b(?:high|max(?:imum)?)\b", (("ac", "fan_speed", 3),)),
    _cue(_V, r"\b(?:medium|mid)\b", (("ac", "fan_speed", 2),)),
    _cue(_V, r"\blow\b", (("ac", "fan_speed", 1),)),
    _cue(_V, r"\b(?:auto(?:matic)?(?: mode)?|mode (?:to |on )?auto(?:matic)?)\b",
         (("ac", "mode", "auto"), ("lights", "mode", "dynamic"))),
    # light colours and modes
    _cue(_V, r"\b(?:warm(?: white| light| glow| tones?| colou?r| yellow)?|cozy glow|soft yellow)\b",
         (("lights", "color", "warm"),)),
    _cue(_V, r"\b(?:cool(?: white| light| tones?| colou?r| blue)?|cold white|bluish white|daylight white)\b",
         (("lights", "color", "cool"), ("ac", "mode", "cool"))),
    _cue(_V, r"\b(?:neutral(?: white| light| tones?| colou?r)?|natural white|plain white|pure white)\b",
         (("lights", "color", "neutral"), ("speaker", "equalizer", "balanced"))),
    _cue(_V, r"\b(?:static|steady|solid|constant|fixed)\b(?! (?:on|to|at)\b)", (("lights", "mode", "static"),)),
    _cue(_V, r"\b(?:dynamic|animated|colou?r[- ](?:changing|cycling|shifting)|shifting colou?rs?|changing colou?rs?|cycling(?! (?:to|home|in|on)\b))\b",
         (("lights", "mode", "dynamic"),)),
]

_OTHERS = [
    # words that arm or disarm only when the alarm is what is talked about
    _cue("arm", r"\b(?:activate|activated|enable|enabled|engage|turn on|switch on|set up|secure)\b|(?:(?<=alarm )|(?<=system )|(?<=security )|(?<=panel ))on\b", True),
    _cue("arm", r"\b(?:deactivate|deactivated|disable|disabled|disengage|"
                r"turn off|switch off|shut off|off|unlock(?:ed)?|stand down)\b", False),
    # words that only an alarm does
    _cue("strong_arm", r"\b(?:arm|arms|armed|arming|lock up|lock the house|lock everything)\b", True),
    _cue("strong_arm", r"\b(?:disarm|disarms|disarmed|disarming|unarmed|unarm)\b", False),
    _cue("cancel", r"\b(?:never ?mind|forget|cancel|undo|revert|scrap (?:that|it)|scratch that|put (?:it|them|that) back|(?:leave|keep) (?:it|them) as "
                   r"(?:it|they) (?:was|were)|change (?:it|that|them) back|go back to how it was|as it was)\b"),
    _cue("negation", r"\b(?:don'?t|do not|dont|no need|never ?mind|leave (?:it|them|the \w+)(?: alone| as)|"
                     r"not now|no thanks|no thank you|skip (?:it|that|the)|hold off|keep it as is|"
                     r"don't bother|not necessary|not needed)\b"),
    _cue("skip_number", r"\b(?:not|from|by|instead of|rather than|than|was|were|used to be|channel|episode|season|"
                        r"page|number|room|floor|level of|around the|top|last|past|next|every|each)\s*$"),
    _cue("time_unit", r"^\s*(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|pm|am|p\.m\.|a\.m\.|o'?clock|days?|"
                      r"weeks?|months?|years?|times|people|guests|friends|kids|episodes?|movies?|songs?|"
                      r"tracks?|items?|things|bucks|dollars|euros|pounds|quid|calls|meetings|emails|texts|messages|"
                      r"steps|miles|km|kilometers|calories|"
                      r"percent chance|% chance|minute|hour|day|year|th|st|nd|rd|:\d\d)\b"),
    _cue("outside", r"\b(?:outside|outdoors?|out there|forecast|weather|the high|the low|windchill|wind chill|feels like|"
                    r"(?:degrees|celsius) out(?: today| now| this \w+)?(?=\s*$|\W)|out today|in the shade)\b"),
]

_MAIN_CUES = _DEVICES + _OTHER_DEVICES + _FIELDS + _VALUES + [c for c in _OTHERS if c[0] not in ("skip_number", "time_unit")]
_SKIP_BEFORE = next(c[1] for c in _OTHERS if c[0] == "skip_number")
_TIME_AFTER = next(c[1] for c in _OTHERS if c[0] == "time_unit")

# The numeric field a number is most likely about when only the device is named.
DEVICE_DEFAULT_FIELD = {
    "tv": "volume",
    "lights": "brightness",
    "speaker": "volume",
    "security": "alarm_volume",
    "ac": "temperature",
}


def find_cues(text: str) -> list[Cue]:
    """All cues in ``text`` (already lower-cased), left to right, without overlaps.

    When two cues overlap, the longer one wins ("alarm volume" is one field cue,
    not a device plus a field).

    >>> [(c.kind, c.payload) for c in find_cues("hdmi 2 please")]
    [('strong_value', (('tv', 'input_source', 'HDMI2'),))]
    """
    return list(_find_cues(text))


@lru_cache(maxsize=8192)
def _find_cues(text: str) -> tuple[Cue, ...]:
    """:func:`find_cues`, remembered: assistants and users repeat the same clauses."""
    found = []
    for kind, pattern, payload in _MAIN_CUES:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                found.append(Cue(kind, match.start(), match.end(), payload))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    # Longest first among overlapping spans.
    for cue in sorted(found, key=lambda c: -(c.end - c.start)):
        if all(cue.end <= k.start or cue.start >= k.end for k in kept):
            kept.append(cue)
    kept.sort(key=lambda c: c.start)
    return tuple(kept)


def number_is_skipped(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is a time, a count, or a negated value.

    >>> number_is_skipped("back in 20 minutes", 8, 10), number_is_skipped("volume to 20", 10, 12)
    (True, False)
    >>> number_is_skipped("not 20, 25", 4, 6)
    True
    """
    before = text[max(0, start - 16):start]
    after = text[end:end + 24]
    if before.endswith(":") or after.startswith(":"):  # a clock time, 5:00
        return True
    return bool(_SKIP_BEFORE.search(before) or _TIME_AFTER.search(after))
