"""Rules that read the device settings a user asked for out of one dialogue.

The dialogue is read turn by turn, clause by clause, keeping a *focus*: the
device and setting last talked about, so that "and make it 25" or "brightness
40 too" land on the right field. What the user says is applied in order, so a
correction wins ("20... actually 25" gives 25). What the assistant proposes is
held back: a question ("Shall I dim the lights to 30%?") counts only when the
user agrees; a statement ("Done, the TV is on HDMI 2") counts unless the user
objects. Numbers that are times, counts, outdoor temperatures or negated ("not
20") are ignored.

Each user request is remembered with the values it replaced, so that "undo
that" / "revert that" / "forget that, put it back" takes back only the last
request (a named device: only its settings), while "scratch that, 23" is a
correction. When the assistant asks "the TV or the speaker?", or the user says
"I meant the TV", the last request's settings move to the device picked; an
assistant confirmation that puts a value on another device than the one the
rules guessed replaces the guess. An order about something outside the schema
("feed the fish", "warm the towel rail, setting 2") ends the talk about the
previous device, so its numbers bind to nothing. Device and setting words come
from :mod:`edgerec.profile.device_words`.

Clauses where the user named a device or a setting but the rules found no value
are returned as :class:`Unresolved`, for a model to look at (see
:mod:`edgerec.profile.hybrid`).

>>> extract_actions([{"role": "user", "text": "Set the AC to twenty two degrees and the lights to warm, 40%."}])
{'ac': {'temperature': 22}, 'lights': {'brightness': 40, 'color': 'warm'}}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from edgerec.profile.lexicon import DEVICE_DEFAULT_FIELD, Cue, find_cues, number_is_skipped
from edgerec.profile.number_words import find_numbers
from edgerec.profile.schema import unflatten_items, valid_value

__all__ = ["Extraction", "Unresolved", "extract", "extract_actions", "normalize", "split_clauses"]

_AFFIRM = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ya|sure|ok|okay|please|go ahead|do it|do that|sounds (?:good|great|perfect|nice|lovely)|"
    r"perfect|great|that works|works for me|absolutely|definitely|alright|all right|fine|that'?d be|that would be|"
    r"of course|why not|let'?s do|good idea|lovely|excellent|exactly|correct|right|go for it|go on|that'?s it|"
    r"spot on|bingo|affirmative|indeed|make it so|please do|i'?d like that|i would like that|love (?:that|it)|"
    r"that'?s right|you got it|sounds about right|brilliant|cheers|nice one|lovely stuff)\b"
)
_REJECT = re.compile(
    r"^\W*(?:no|nope|nah|not really|not now|not today|don'?t|do not|never ?mind|leave|skip|i'?m good|i am good|"
    r"i'?d rather not|let'?s not|hold off|actually,? no|no need|not necessary|maybe later|not this time|"
    r"i'?ll pass|pass|i'?m fine|i'?m ok(?:ay)?|i'?m alright|all good|negative|wrong|that'?s wrong|not quite|"
    r"not what i|you misheard|that'?s not|rather not|best not|better not|no ?thanks|not for now|leave it)\b"
)
_QUESTION = re.compile(
    r"\?|\b(?:would you like|shall i|should i|do you want|want me to|how about|may i|can i|could i|"
    r"what about|would it help|prefer|i could|i can also|if you(?:'d)? like|if you want|if you wish|"
    r"should you want|let me know if you(?:'d)? (?:like|want))\b"
)
_INTERJECTION = re.compile(r"^(?:cool|warm|neutral|fine|great|nice)\s*[,!.]+\s*(?=\S)")
_STATE_QUESTION = re.compile(r"^(?:what|what's|which|how|is|are|was|were|do|does)\b")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_STATE_REPORT = re.compile(r"\b(?:currently|right now|at the moment|is already|are already|was|were|used to)\b")
_CLAUSE_SPLIT = re.compile(r"[.!?;]+(?:\s|$)|,\s*|\s+(?:—|–|--|-)\s+|\s*(?:—|–)\s*|\s+(?:and then|and also|and|then|but|also|plus|while|after that)\s+")
_NUMBER_TOKEN = r"\d+|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ])?(?:one|two|three|four|five|six|seven|eight|nine)|zero|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|(?:a |one )?hundred"
_NUMERIC_FIELDS = ("alarm_volume", "volume", "brightness", "temperature", "fan_speed")
_NUMERIC_PATHS = frozenset({"tv.volume", "tv.brightness", "ac.temperature", "ac.fan_speed", "lights.brightness",
                            "speaker.volume", "security.alarm_volume"})
# Words that may follow a bare number that is a setting ("25 please", "make it 20 instead").
_AFTER_BARE_NUMBER = frozenset(
    "please pls plz thanks thank thx instead then now for is would should sounds works ok okay and too as "
    "actually if on in at or would that's thats this it's is be will i i'd i'm maybe probably ish with "
    "but so right yeah cheers ta".split()
)


@dataclass(frozen=True)
class Unresolved:
    """A user clause that names a device or setting the rules could not fill."""

    turn: int
    clause: str
    device: str | None
    field: str | None


@dataclass
class Extraction:
    """What one dialogue asked for: final settings and the clauses left unresolved."""

    actions: dict[str, dict[str, Any]]
    unresolved: list[Unresolved] = field(default_factory=list)


@dataclass
class _Focus:
    device: str | None = None
    path: str | None = None


def normalize(text: str) -> str:
    """Lower-case text with units and abbreviations spelled one way.

    >>> normalize("Set the A/C to 22°C — 50%!")
    'set the ac to 22 degrees — 50 %!'
    """
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"°\s*[cf]?\b|º", " degrees", text)
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    text = re.sub(r"(\d)\s*c\b", r"\1 degrees", text)
    text = re.sub(r"\b(brightness|backlight|volume|loudness)((?: to| at| on)?) (?:max|maximum|full)\b", r"\1\2 100", text)
    text = re.sub(r"\b(?:max|maximum|full) (brightness|volume)\b", r"100 \1", text)
    text = re.sub(r"(?<!\bfan )(?<!\bspeed )\b(to|at|on) (?:the )?(?:max|maximum|full)\b(?! (?:fan|speed|blast|power))",
                  r"\1 100 %", text)
    text = re.sub(r"\ba\s*/\s*c\b|\ba\.c\.(?=\s|$)", "ac", text)
    # "80 out of 100", "2/3", "level 2 of 3": the scale is not a setting
    text = re.sub(rf"\b({_NUMBER_TOKEN})\s*(?:/|\bout of\b|\bof\b)\s*(?:a |one )?(?:100|hundred|10|ten|3|three)\b",
                  r"\1", text)
    text = _vague_values(text)
    text = re.sub(r"#\s*(?=\d)|\bno\.\s*(?=\d)", "", text)  # "HDMI #1", "no. 2"
    text = re.sub(r"\s*(?:&|\+|→|->|=>)\s*", " and ", text)
    text = re.sub(r"\bt\.v\.(?=\s|$)|\bt\s*/\s*v\b", "tv", text)
    return re.sub(r"\s+", " ", text).strip()


_VAGUE = [
    (r"\b(?:put (?:it|them|the \w+) on mute|(?<!un)mute|(?<!un)silence)\b", "volume 0"),
    (r"\b(?:full blast|as loud as (?:it|they) (?:can |will |'ll )?(?:go|goes|get|gets))\b", "volume 100"),
    (r"\bas bright as (?:it|they) (?:can |will |'ll )?(?:go|goes|get|gets)\b", "brightness 100"),
    (r"\ball the way up\b", "100 %"),
    (r"\b(?:as (?:warm|hot) as (?:it|they) (?:can |will |'ll )?(?:go|goes|get|gets)|the (?:warmest|hottest) setting)\b",
     "30 degrees"),
    (r"\b(?:as (?:cold|cool) as (?:it|they) (?:can |will |'ll )?(?:go|goes|get|gets)|the (?:coldest|coolest) setting)\b",
     "16 degrees"),
    (r"\bhalf(?:way)?(?! an? | past\b|-time| time\b| hour)(?= (?:brightness|volume|bright|loud|up|way|$)|\W*$|\W)",
     "50 %"),
]


def _vague_values(text: str) -> str:
    """Values said without a number ("mute", "full blast", "half brightness") written as numbers.

    >>> _vague_values("mute the telly and half brightness on the lamps")
    'volume 0 the telly and 50 % brightness on the lamps'
    """
    for pattern, replacement in _VAGUE:
        text = re.sub(pattern, replacement, text)
    return text


def split_clauses(text: str) -> list[str]:
    """Clauses of a normalized turn, split at punctuation and joining words.

    >>> split_clauses("turn on the tv, volume 20 and then netflix. thanks")
    ['turn on the tv', 'volume 20', 'netflix', 'thanks']
    """
    return [part.strip() for part in _CLAUSE_SPLIT.split(text) if part and part.strip()]


def _nearest(cues: Sequence[Cue], position: int, allowed: Sequence[str]) -> str | None:
    """The allowed device named by the cue nearest to ``position``."""
    best, best_distance = None, None
    for cue in cues:
        if cue.kind == "device" and cue.payload in allowed:
            distance = abs(cue.start - position)
            if best_distance is None or distance < best_distance:
                best, best_distance = cue.payload, distance
    return best


def _resolve_device(cues: Sequence[Cue], position: int, candidates: Sequence[str], focus: _Focus) -> str | None:
    device = _nearest(cues, position, candidates)
    if device is None and focus.device in candidates:
        device = focus.device
    return device


def _numeric_field_cue(cues: Sequence[Cue], start: int, end: int) -> Cue | None:
    """The setting a number at ``[start, end)`` is about: nearest field word, before (40) or after (25 chars)."""
    best, best_distance = None, None
    for percent_pass in (False, True):
        for cue in cues:
            if cue.kind != "field":
                continue
            name = cue.payload[0]
            if (name == "percent") != percent_pass or (name not in _NUMERIC_FIELDS and name != "percent"):
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


def _number_path(
    cues: Sequence[Cue], number: Any, focus: _Focus, clause_text: str = ""
) -> str | None:
    """The ``device.field`` path a number sets, or None when nothing ties it to a setting."""
    cue = _numeric_field_cue(cues, number.start, number.end)
    if cue is not None:
        name, candidates = cue.payload
        device = _nearest(cues, cue.start, candidates)
        if device is None and focus.device in candidates and not (name == "volume" and focus.device == "security"):
            device = focus.device  # a bare "volume" is the TV's or the speaker's, not the siren's
        if device is None:
            device = candidates[0]
        if name == "percent":
            same_device = focus.path is not None and focus.path.startswith(f"{device}.")
            name = focus.path.split(".")[1] if same_device else DEVICE_DEFAULT_FIELD[device]
        if name == "brightness" and device not in ("tv", "lights"):
            device = "lights"
        if name == "volume" and device not in ("tv", "speaker"):
            device = "tv" if device != "security" else device
            name = "alarm_volume" if device == "security" else name
        return f"{device}.{name}"
    following = re.match(r"\s*([a-z']+)", clause_text[number.end:]) if clause_text else None
    if following and following.group(1) not in _AFTER_BARE_NUMBER:
        return None  # "two coffees", "3 kids": a count of something
    device = _nearest(cues, number.start, list(DEVICE_DEFAULT_FIELD))
    if device is None:  # "heating up to 25", "netflix at 30": a value only one device has names it
        named_by_value = [Cue("device", c.start, c.end, c.payload[0][0]) for c in cues
                          if c.kind == "strong_value" and len({r[0] for r in c.payload}) == 1]
        device = _nearest(named_by_value, number.start, list(DEVICE_DEFAULT_FIELD))
    lead = clause_text[:number.start]
    if device is None and re.fullmatch(r"\s*(?:and |with |plus )?(?:at|to|on)\s*", lead) and focus.device:
        # "... bass boost on the speaker, and at fifteen"
        return focus.path or f"{focus.device}.{DEVICE_DEFAULT_FIELD[focus.device]}"
    if device is None and re.search(r"(?<!\bit)(?<!\bthem)(?<!\bthat)\s+(?:at|by|until|till|around|about|before|after)\s*$",
                                    lead):
        return None  # "the game starts at 9": a time
    if device is None:
        if focus.path is not None:
            return focus.path
        device = focus.device
    if device is None:
        return None
    if focus.path and focus.path.startswith(device + "."):
        return focus.path
    if device == "ac" and 0 <= number.value <= 3:
        return "ac.fan_speed"
    return f"{device}.{DEVICE_DEFAULT_FIELD[device]}"


def _focus_on_named_setting(cues: Sequence[Cue], focus: _Focus) -> None:
    """Point the focus at a numeric setting named without a value ("What brightness level?")."""
    named = [c for c in cues if c.kind == "field" and c.payload[0] in _NUMERIC_FIELDS]
    if not named:
        return
    name, candidates = named[-1].payload
    device = _resolve_device(cues, named[-1].start, candidates, focus)
    if device is None:
        return
    if name == "volume" and device == "security":
        name = "alarm_volume"
    if f"{device}.{name}" in _NUMERIC_PATHS:
        focus.device, focus.path = device, f"{device}.{name}"


_NEGATED = re.compile(r"\b(?:not|rather than|instead of|except|but not)\s+(?:the\s+|a\s+)?$")
_MEANT_DEVICE = re.compile(r"\b(?:i meant|i mean|meant|wrong one|not that one|i was talking about|i said)\b")
_UNDO = "undo"  # a clause result (_UNDO, device or None): take back the last request
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


def _names_unknown_thing(clause: str, cues: Sequence[Cue]) -> bool:
    """Whether the clause is an order about a thing outside the schema ("feed the fish")."""
    if any(c.kind in ("device", "field", "strong_value", "cancel") for c in cues):
        return False
    match = _THING_AFTER_VERB.search(clause)
    return bool(match) and match.group(1) not in _GENERIC_NOUNS


def read_clause(clause: str, focus: _Focus) -> tuple[list[tuple[str, Any]], bool]:
    """Settings one clause asks for, in text order, and whether it named a setting left unfilled.

    Updates ``focus`` in place.
    """
    cues = find_cues(clause)
    if any(c.kind == "other_device" for c in cues) and not any(c.kind == "device" for c in cues):
        return [], False  # "close the blinds halfway", "fridge to 2 degrees"
    if _names_unknown_thing(clause, cues):
        focus.device, focus.path = None, None
        return [], False  # "warm the towel rail", "feed the fish": a thing we do not model
    cancel = next((c for c in cues if c.kind == "cancel"), None)
    if cancel is not None:
        device = _nearest(cues, cancel.start, list(DEVICE_DEFAULT_FIELD))
        explicit = re.search(r"back|undo|revert|as it was|as they were|(?:cancel|scratch|scrap|forget|undo) (?:that|it)",
                             clause)
        if device is not None or explicit:
            return [(_UNDO, device)], False
    if any(c.kind in ("negation", "cancel") for c in cues):
        return [], False
    found: list[tuple[int, str, Any]] = []
    value_spans = [(c.start, c.end) for c in cues if c.kind in ("value", "strong_value")]
    devices = [c.payload for c in cues if c.kind == "device"]
    fields = {c.payload[0] for c in cues if c.kind == "field"}
    # a setting word that only one device has names that device ("fan on auto", "siren 60, armed")
    implied = [Cue("device", c.start, c.end, c.payload[1][0]) for c in cues
               if c.kind == "field" and len(c.payload[1]) == 1]

    for cue in cues:
        if cue.kind in ("value", "strong_value", "arm", "strong_arm") and _NEGATED.search(clause[:cue.start]):
            continue  # "armed, not disarmed", "treble boost, not bass boost"
        if cue.kind in ("value", "strong_value"):
            readings = cue.payload
            chosen = None
            reading_devices = [r[0] for r in readings]
            device = _nearest(cues, cue.start, reading_devices)
            if device is None:
                device = _nearest(implied, cue.start, reading_devices)
            if device is None and focus.device in reading_devices:
                device = focus.device
            if device is not None:
                chosen = next(r for r in readings if r[0] == device)
            elif cue.kind == "strong_value":
                chosen = readings[0]
            else:
                chosen = next((r for r in readings if r[1] in fields), None)
            if chosen is not None:
                found.append((cue.start, f"{chosen[0]}.{chosen[1]}", chosen[2]))
        elif cue.kind == "strong_arm":  # "disarm", "lock up": only the alarm is armed
            device = _nearest(cues, cue.start, list(DEVICE_DEFAULT_FIELD))
            if device in ("security", None):
                found.append((cue.start, "security.armed", cue.payload))
        elif cue.kind == "arm":
            device = _nearest(cues, cue.start, list(DEVICE_DEFAULT_FIELD)) or _nearest(implied, cue.start, ["security"])
            bare = clause[cue.start:cue.end] in ("on", "off")  # "I'm off to bed" arms nothing
            if device == "security" or (device is None and focus.device == "security" and not bare):
                found.append((cue.start, "security.armed", cue.payload))

    near_outside = [c for c in cues if c.kind == "outside"]
    for number in find_numbers(clause):
        if any(s <= number.start < e for s, e in value_spans):
            continue
        if number.text == "one" and _numeric_field_cue(cues, number.start, number.end) is None:
            continue  # "have a nice one", "which one"
        if number_is_skipped(clause, number.start, number.end):
            continue
        if any(abs(c.start - number.start) <= 30 for c in near_outside):
            continue
        path = _number_path(cues, number, focus, clause)
        if path is None:
            continue
        if not valid_value(path, number.value) and path.startswith("ac."):
            path = "ac.fan_speed" if path == "ac.temperature" else "ac.temperature"
        if valid_value(path, number.value):
            found.append((number.start, path, number.value))

    found.sort(key=lambda item: item[0])
    settings = [(path, value) for _, path, value in found]
    if settings:
        focus.device = settings[-1][0].split(".")[0]
        numeric = [p for p, _ in settings if p.split(".")[1] in _NUMERIC_FIELDS]
        focus.path = numeric[-1] if numeric else focus.path
    if devices:
        focus.device = devices[-1]
    if focus.path and not focus.path.startswith(f"{focus.device}."):
        focus.path = None
    if not settings:
        _focus_on_named_setting(cues, focus)
    named_setting = bool(fields & {"volume", "brightness", "temperature", "fan_speed", "color", "equalizer",
                                   "input_source", "alarm_volume", "mode"})
    return settings, bool(named_setting and not settings and not near_outside)


def extract(messages: Sequence[Mapping[str, str]], *, trust_statements: bool = True) -> Extraction:
    """Read a dialogue and return the settings the user asked for, last value winning.

    ``trust_statements``: apply what the assistant says it did unless the user
    objects (questions always need a yes).

    >>> msgs = [{"role": "user", "text": "It's so dark in here."},
    ...         {"role": "assistant", "text": "Shall I set the lights to 70%?"},
    ...         {"role": "user", "text": "Yes please, and the TV volume to 20. Actually, make it 25."}]
    >>> extract(msgs).actions
    {'lights': {'brightness': 70}, 'tv': {'volume': 25}}
    """
    settings: dict[str, Any] = {}
    unresolved: list[Unresolved] = []
    asked = False  # the last assistant message asked something
    groups: list[dict[str, Any]] = []  # per request: the paths it set and their values before it
    focus = _Focus()
    asks_which: set[str] = set()  # the devices the assistant asked to choose from ("the TV or the lights?")
    offered: list[tuple[str, Any]] = []  # proposed in a question: needs a yes
    told: list[tuple[str, Any]] = []  # stated as done: stands unless the user objects
    for turn, message in enumerate(messages):
        text = normalize(message.get("text") or "")
        clauses = split_clauses(text)
        if message.get("role") == "assistant":
            asked = bool(_QUESTION.search(text))
            listed = {c.payload for c in find_cues(text) if c.kind == "device"}
            asks_which = listed if re.search(r"\bor\b[^.!]*\?", text) and len(listed) >= 2 else set()
            offered, told = [], []
            for sentence in _SENTENCE_SPLIT.split(text):
                asking = bool(_QUESTION.search(sentence))
                reporting = bool(_STATE_REPORT.search(sentence))
                for clause in split_clauses(sentence):
                    found, _ = read_clause(clause, focus)
                    if not reporting:
                        (offered if asking else told).extend(found)
            continue
        if not asked:  # "Cool, thanks": an interjection, unless it answers a question
            text = _INTERJECTION.sub("", text)
            clauses = split_clauses(text)
        if offered or told:
            agreed = bool(_AFFIRM.search(text)) and not _REJECT.search(text)
            if trust_statements and (offered or not _REJECT.search(text)):
                # statements restate the last request: they join its group
                last = groups[-1] if groups else {}
                for path, value in told:
                    _follow_confirmation(settings, last, path, value)
                    _apply(settings, last, path, value)
                if last and not groups:
                    groups.append(last)
            if agreed and offered:
                accepted: dict[str, Any] = {}
                for path, value in offered:
                    _apply(settings, accepted, path, value)
                groups.append(accepted)
            offered, told = [], []
        if asks_which and groups:
            _move_to_named(settings, groups[-1], focus, text, asks_which)
        elif groups and _MEANT_DEVICE.search(text) and not any(
                found for found, _ in (read_clause(c, _Focus()) for c in clauses)):
            # "Oh wait, I meant the TV": the last request was for another device
            _move_to_named(settings, groups[-1], focus, text, set(DEVICE_DEFAULT_FIELD))
        asks_which = set()
        turn_group: dict[str, Any] = {}
        read = [read_clause(clause, focus) for clause in clauses]
        for index, (clause, (found, open_setting)) in enumerate(zip(clauses, read)):
            for path, value in found:
                if path == _UNDO:
                    later = any(p != _UNDO for f, _ in read[index + 1:] for p, _ in f)
                    if value is None and later:
                        continue  # "scratch that, 23": a correction, the new value follows
                    target = turn_group if turn_group else (groups[-1] if groups else {})
                    if not _undo(settings, target, value) and value is not None:
                        for key in [k for k in settings if k.startswith(value + ".")]:
                            del settings[key]
                    continue
                _apply(settings, turn_group, path, value)
            if open_setting and not _STATE_QUESTION.search(clause):
                unresolved.append(Unresolved(turn, clause, focus.device, _open_field(clause)))
        if turn_group:
            groups.append(turn_group)
    if told and trust_statements:
        last = groups[-1] if groups else {}
        for path, value in told:
            _follow_confirmation(settings, last, path, value)
            _apply(settings, last, path, value)
    return Extraction(unflatten_items(settings.items()), unresolved)


_ABSENT = object()


def _apply(settings: dict[str, Any], group: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` to ``value``, remembering in ``group`` what it was before the request."""
    if path not in group:
        group[path] = settings.get(path, _ABSENT)
    settings.pop(path, None)
    settings[path] = value


def _follow_confirmation(settings: dict[str, Any], group: dict[str, Any], path: str, value: Any) -> None:
    """The assistant confirms ``value`` on another device than the one guessed: drop the guess.

    ("stereo to 60" ... "AV input with volume 70" -> "the telly on AV, volume 70": the 70 was the TV's.)
    """
    if path in group:
        return
    device, field_name = path.split(".")
    for other in [p for p in group if p in settings and settings[p] == value and p.split(".")[1] == field_name]:
        old = group.pop(other)
        settings.pop(other)
        if old is not _ABSENT:
            settings[other] = old


def _undo(settings: dict[str, Any], group: dict[str, Any], device: str | None) -> bool:
    """Put back what ``group`` changed (only ``device``'s settings when given); whether anything was."""
    paths = [p for p in group if device is None or p.startswith(device + ".")]
    for path in paths:
        old = group.pop(path)
        settings.pop(path, None)
        if old is not _ABSENT:
            settings[path] = old
    return bool(paths)


def _move_to_named(settings: dict[str, Any], group: dict[str, Any], focus: _Focus, reply: str,
                   listed: set[str]) -> None:
    """Move the last request's settings to the device the user picks in ``reply`` ("the TV or the speaker?")."""
    named = [c.payload for c in find_cues(reply) if c.kind == "device"]
    if not named:
        return
    device = named[0]
    for path in [p for p in group if p in settings and p.split(".")[0] in listed and not p.startswith(device + ".")]:
        field_name = path.split(".")[1]
        if field_name in ("volume", "alarm_volume"):
            field_name = "alarm_volume" if device == "security" else "volume"
        target, value = f"{device}.{field_name}", settings[path]
        if not valid_value(target, value):
            continue
        old = group.pop(path)
        settings.pop(path)
        if old is not _ABSENT:
            settings[path] = old
        _apply(settings, group, target, value)
        focus.device, focus.path = device, target


def _open_field(clause: str) -> str | None:
    names = [c.payload[0] for c in find_cues(clause) if c.kind == "field"]
    return names[-1] if names else None


def extract_actions(messages: Sequence[Mapping[str, str]]) -> dict[str, dict[str, Any]]:
    """Shortcut for ``extract(messages).actions``."""
    return extract(messages).actions
