"""Words that name smart-home devices, their settings and setting values, compiled from a device schema.

Each cue is a compiled pattern with what it means. :func:`find_cues` returns
every cue in a (lower-cased) text, left to right, longest match first when two
overlap. The extraction rules in :mod:`edgerec.profile.clause` read these cues.
The device, setting and value words come from a
:class:`~edgerec.profile.devices.DeviceSchema` (by default the shipped
EdgeWisePersona one); the words for cancelling, negating, times, counts and the
weather outside are English, and live here.

>>> [(c.kind, getattr(c.payload, "targets", c.payload)) for c in find_cues("turn the tv volume up")]
[('device', 'tv'), ('field', (('tv', 'volume'), ('speaker', 'volume'), ('security', 'alarm_volume')))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from edgerec.profile.devices import DeviceSchema, Setting, resolve

__all__ = ["Cue", "FieldWords", "Lexicon", "find_cues", "lexicon", "number_is_skipped"]


@dataclass(frozen=True)
class Cue:
    """A span of text and what it says.

    kind is one of ``device`` (payload: device name), ``other_device`` (a
    thing outside the schema: a fridge...), ``field`` (payload:
    :class:`FieldWords`), ``value`` (payload: tuple of ``(device, field,
    value)`` readings, first preferred), ``strong_value`` (like value, but the
    words name the device too: "netflix"), ``switch`` / ``strong_switch``
    (like value and strong_value, for bool settings: "turn on", "disarm"),
    ``negation``, ``cancel`` (take back what was asked for a device: "never
    mind the TV, put it back"), ``outside`` (talk about the weather or the
    outdoors), ``warmth`` (how warm or cold the user feels: "chilly").
    """

    kind: str
    start: int
    end: int
    payload: Any = None


@dataclass(frozen=True)
class FieldWords:
    """What a setting word can mean: ``(device, setting)`` targets, first preferred.

    ``unit`` is set for a unit word ("%"): its targets are devices with a
    setting in that unit (setting None). ``named_only``: devices a number
    binds to only when the device is named in the clause.
    """

    name: str
    targets: tuple[tuple[str, str | None], ...]
    unit: str | None = None
    named_only: frozenset[str] = frozenset()
    order: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)  # (rank, device index)

    def merged(self, other: "FieldWords") -> "FieldWords":
        """One reading of two setting words that match the same text ("volume" said by two schema entries)."""
        both = sorted(set(zip(self.order, self.targets)) | set(zip(other.order, other.targets)))
        return FieldWords(both[0][1][1] or self.name, tuple(t for _, t in both), self.unit,
                          self.named_only | other.named_only, tuple(o for o, _ in both))

    @property
    def devices(self) -> tuple[str, ...]:
        """The target devices, first preferred."""
        return tuple(d for d, _ in self.targets)

    def setting_for(self, device: str) -> str | None:
        """The setting this word names on ``device`` (None for a unit word or another device)."""
        return next((s for d, s in self.targets if d == device), None)


def _word(word: str) -> str:
    """A plain word as a pattern: case-folded, any spacing, an optional plural s."""
    parts = [re.escape(p) for p in word.lower().replace("_", " ").split()]
    return r"\b" + r"\s+".join(parts) + r"s?\b"


def _covered(word: str, patterns: list[str]) -> bool:
    """Whether one of ``patterns`` already reads ``word`` as a whole (then it adds nothing)."""
    text = word.lower().replace("_", " ")
    return any(re.fullmatch(p, text) for p in patterns)


def _setting_patterns(s: Setting) -> list[str]:
    value_patterns = [p for v in s.value_words for p in v.patterns]
    own = list(s.patterns)
    for word in (s.name, *s.words):
        if not _covered(word, own + value_patterns):
            own.append(_word(word))
    return own


_GENERIC = [
    ("cancel", r"\b(?:never ?mind|forget|cancel|undo|revert|scrap (?:that|it)|scratch that|put (?:it|them|that) back|"
               r"(?:leave|keep) (?:it|them) as (?:it|they) (?:was|were)|change (?:it|that|them) back|"
               r"go back to how it was|as it was)\b"),
    ("negation", r"\b(?:don'?t|do not|dont|no need|never ?mind|leave (?:it|them|the \w+)(?: alone| as)|"
                 r"not now|no thanks|no thank you|skip (?:it|that|the)|hold off|keep it as is|"
                 r"don't bother|not necessary|not needed)\b"),
    ("warmth", r"\bbrr+\b|\b(?:i'?m|i am|feel(?:s|ing)?|it'?s|it is|getting|so|too|bit|little|very|really|quite|"
               r"pretty|kind of|kinda) (?:\w+ )?(?:chilly|cold|freezing|frozen|nippy|boiling|roasting|"
               r"sweltering|stuffy|hot|baking)\b(?! white| light| tones?| colou?r| blue)"),
    ("outside", r"\b(?:outside|outdoors?|out there|forecast|weather|the high|the low|windchill|wind chill|feels like|"
                r"(?:degrees|celsius) out(?: today| now| this \w+)?(?=\s*$|\W)|out today|in the shade)\b"),
]
_SKIP_BEFORE = re.compile(r"\b(?:not|from|by|instead of|rather than|than|was|were|used to be|channel|episode|season|"
                          r"page|number|room|floor|level of|around the|top|last|past|next|every|each)\s*$")
_TIME_AFTER = re.compile(
    r"^\s*(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|pm|am|p\.m\.|a\.m\.|o'?clock|days?|"
    r"weeks?|months?|years?|times|people|guests|friends|kids|episodes?|movies?|songs?|"
    r"tracks?|items?|things|bucks|dollars|euros|pounds|quid|calls|meetings|emails|texts|messages|"
    r"steps|miles|km|kilometers|calories|"
    r"percent chance|% chance|minute|hour|day|year|th|st|nd|rd|:\d\d)\b")


# Unit words for a schema that gives none of its own.
_DEFAULT_UNIT_WORDS = {"percent": (r"(?:\bpercent\b|\bper ?cent\b|%)",), "degrees": (r"\b(?:degrees?|deg|celsius)\b",)}
# On/off words for a bool value that the schema gives no (weak) words of its own.
_SWITCH_ON = r"\b(?:turn(?:ed)? on|switch(?:ed)? on|enabled?|activated?|start(?:ed)?)\b"
_SWITCH_OFF = r"\b(?:turn(?:ed)? off|switch(?:ed)? off|disabled?|deactivated?|stop(?:ped)?|off)\b"


def _value_patterns(s: Setting) -> list[tuple[Any, bool, tuple[str, ...]]]:
    """``(value, strong, patterns)`` for each value words entry, and built-in on/off words for a bool setting.

    A bool value without weak words of its own is switched by "turn on",
    "enable", "<setting word> on" (True) or "turn off", "off" (False).
    """
    found = [(v.value, v.strong, (*v.patterns, *(_word(w) for w in v.words))) for v in s.value_words]
    if s.type == "bool":
        own = {v.value for v in s.value_words if not v.strong}
        after = "|".join(rf"(?<=\b{re.escape(w.lower().replace('_', ' '))} )" for w in (s.name, *s.words))
        if True not in own:
            found.append((True, False, (_SWITCH_ON, rf"(?:{after})on\b")))
        if False not in own:
            found.append((False, False, (_SWITCH_OFF,)))
    return found


class Lexicon:
    """The cues of one device schema, compiled once.

    >>> from edgerec.profile.devices import Device, Setting
    >>> blinds = Device("blinds", (Setting("position", "int", min=0, max=100, unit="percent"),), words=("shades",))
    >>> [(c.kind, c.payload) for c in Lexicon(DeviceSchema((blinds,))).find_cues("the shades") ]
    [('device', 'blinds')]
    """

    def __init__(self, schema: DeviceSchema):
        self.schema = schema
        order = {d.name: i for i, d in enumerate(schema.devices)}
        cues: list[tuple[str, re.Pattern[str], Any]] = []
        for device in schema.devices:
            own = list(device.patterns)
            for word in (device.name, *device.words):
                if not _covered(word, own):
                    own.append(_word(word))
            cues.append(("device", re.compile("|".join(own)), device.name))
        if schema.other_devices:
            cues.append(("other_device", re.compile("|".join(schema.other_devices)), None))

        fields: dict[str, list[tuple[int, int, str, str, bool]]] = {}
        values: dict[tuple[str, str], list[tuple[int, int, str, str, Any]]] = {}
        for device in schema.devices:
            for s in device.settings:
                rank = (s.rank, order[device.name])
                for pattern in _setting_patterns(s):
                    fields.setdefault(pattern, []).append((*rank, device.name, s.name, False))
                for pattern in s.patterns_if_named:
                    fields.setdefault(pattern, []).append((*rank, device.name, s.name, True))
                for value, strong, patterns in _value_patterns(s):
                    kind = ("strong_" if strong else "") + ("switch" if s.type == "bool" else "value")
                    for pattern in patterns:
                        values.setdefault((kind, pattern), []).append((*rank, device.name, s.name, value))
                if s.type == "enum":
                    for value in s.values:
                        said = [p for v in s.value_words if v.value == value for p in v.patterns]
                        if not _covered(value, said):
                            values.setdefault(("value", _word(value)), []).append(
                                (*rank, device.name, s.name, value))
        for pattern, targets in fields.items():
            targets.sort(key=lambda t: t[:2])
            payload = FieldWords(targets[0][3], tuple((d, s) for _, _, d, s, _ in targets),
                                 named_only=frozenset(d for _, _, d, _, only in targets if only),
                                 order=tuple(t[:2] for t in targets))
            cues.append(("field", re.compile(pattern), payload))
        units = _DEFAULT_UNIT_WORDS.items() if schema.unit_words is None else schema.unit_words
        for unit, patterns in units:
            having = sorted((min(s.rank for s in d.settings if s.unit == unit), order[d.name], d.name)
                            for d in schema.devices if any(s.unit == unit for s in d.settings))
            if having:
                payload = FieldWords(unit, tuple((d, None) for _, _, d in having), unit=unit)
                cues.append(("field", re.compile("|".join(patterns)), payload))
        for kind in ("value", "strong_value", "switch", "strong_switch"):
            for (found_kind, pattern), readings in values.items():
                if found_kind == kind:
                    readings.sort(key=lambda r: r[:2])
                    cues.append((kind, re.compile(pattern), tuple((d, s, v) for _, _, d, s, v in readings)))
        cues.extend((kind, re.compile(pattern), None) for kind, pattern in _GENERIC)
        self._cues = cues
        self.field_cues = tuple(payload for kind, _, payload in cues if kind == "field" and payload.unit is None)
        self._cache: dict[str, tuple[Cue, ...]] = {}

    def find_cues(self, text: str) -> list[Cue]:
        """All cues in ``text`` (already lower-cased), left to right, without overlaps.

        When two cues overlap, the longer one wins ("alarm volume" is one field
        cue, not a device plus a field).
        """
        found = self._cache.get(text)
        if found is None:
            found = self._find(text)
            if len(self._cache) >= 8192:  # assistants and users repeat the same clauses
                self._cache.clear()
            self._cache[text] = found
        return list(found)

    def _find(self, text: str) -> tuple[Cue, ...]:
        found: list[Cue] = []
        fields: dict[tuple[int, int], int] = {}  # setting words of different entries on the same span read as one
        for kind, pattern, payload in self._cues:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    span = (match.start(), match.end())
                    if kind == "field" and payload.unit is None and span in fields:
                        at = fields[span]
                        found[at] = Cue(kind, *span, found[at].payload.merged(payload))
                        continue
                    if kind == "field" and payload.unit is None:
                        fields[span] = len(found)
                    found.append(Cue(kind, *span, payload))
        found.sort(key=lambda c: (c.start, -(c.end - c.start)))
        kept: list[Cue] = []
        for cue in sorted(found, key=lambda c: -(c.end - c.start)):  # longest first among overlapping spans
            if all(cue.end <= k.start or cue.start >= k.end for k in kept):
                kept.append(cue)
        kept.sort(key=lambda c: c.start)
        return tuple(kept)


def lexicon(schema: DeviceSchema | None = None) -> Lexicon:
    """The compiled :class:`Lexicon` of ``schema`` (None: the shipped EdgeWisePersona schema), kept on the schema."""
    schema = resolve(schema)
    found = schema.__dict__.get("_lexicon")
    if found is None:
        found = Lexicon(schema)
        object.__setattr__(schema, "_lexicon", found)  # a cache, not a field: equality and to_dict ignore it
    return found


def find_cues(text: str, schema: DeviceSchema | None = None) -> list[Cue]:
    """All cues in ``text`` (already lower-cased) for ``schema``, left to right, without overlaps.

    >>> [(c.kind, c.payload) for c in find_cues("hdmi 2 please")]
    [('strong_value', (('tv', 'input_source', 'HDMI2'),))]
    """
    return lexicon(schema).find_cues(text)


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
