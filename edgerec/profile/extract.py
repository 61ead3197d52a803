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
previous device, so its numbers bind to nothing. One clause is read by
:mod:`edgerec.profile.clause`; device, setting and value words come from the
device schema (default: the shipped EdgeWisePersona one).

What the user only mentions (a question about the state of things, a plan,
something done earlier: :mod:`edgerec.profile.mention`) sets nothing; the
assistant's answer to a state question, like the user's "it's at 70", is
known state. A relative change ("two degrees warmer",
:mod:`edgerec.profile.relative`) is applied to the last known value of its
setting: set earlier in the dialogue, reported, or given as ``prior_state``.
A clause that only names a device ("the TV and the speaker to 10") takes its
neighbour's request (:mod:`edgerec.profile.several`).

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

from edgerec.profile.clause import UNDO, Focus, open_field, read_clause
from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.lexicon import find_cues, lexicon
from edgerec.profile.mention import turn_mentions
from edgerec.profile.redact import mask_contact_details
from edgerec.profile.normalize import normalize, split_clauses
from edgerec.profile.relative import Relative, apply_relative
from edgerec.profile.schema import flatten_actions, unflatten_items
from edgerec.profile.several import share_with_named_devices

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
_MEANT_DEVICE = re.compile(r"\b(?:i meant|i mean|meant|wrong one|not that one|i was talking about|i said)\b")
_STATE_REPORT = re.compile(r"\b(?:currently|right now|at the moment|is already|are already|was|were|used to)\b")


@dataclass(frozen=True)
class Unresolved:
    """A user clause that names a device or setting the rules could not fill."""

    turn: int
    clause: str
    device: str | None
    field: str | None


@dataclass
class Extraction:
    """What one dialogue asked for: final settings, the clauses left unresolved, and the prior state used.

    ``prior_used`` maps each setting a relative change was resolved against
    ``prior_state`` to the prior value it used, or to None where the prior state
    had none (so the change stayed unresolved). The reading holds for any prior
    state that gives those settings the same values.
    """

    actions: dict[str, dict[str, Any]]
    unresolved: list[Unresolved] = field(default_factory=list)
    prior_used: dict[str, Any] = field(default_factory=dict)


def extract(messages: Sequence[Mapping[str, str]], *, trust_statements: bool = True,
            schema: DeviceSchema | None = None,
            prior_state: Mapping[str, Mapping[str, Any]] | None = None) -> Extraction:
    """Read a dialogue and return the settings the user asked for, last value winning.

    ``trust_statements``: apply what the assistant says it did unless the user
    objects (questions always need a yes). ``schema``: the devices (None: the
    shipped EdgeWisePersona schema). ``prior_state``: the devices' settings
    before the dialogue (``{"ac": {"temperature": 21}}``), used only to resolve
    a relative change ("two degrees warmer") when the dialogue itself states no
    value for that setting; it is never returned as a setting of its own. The
    prior values the reading rested on are in ``prior_used``.

    >>> extract([{"role": "user", "text": "Two degrees warmer."}], prior_state={"ac": {"temperature": 21}})
    Extraction(actions={'ac': {'temperature': 23}}, unresolved=[], prior_used={'ac.temperature': 21})
    >>> msgs = [{"role": "user", "text": "It's so dark in here."},
    ...         {"role": "assistant", "text": "Shall I set the lights to 70%?"},
    ...         {"role": "user", "text": "Yes please, and the TV volume to 20. Actually, make it 25."}]
    >>> extract(msgs).actions
    {'lights': {'brightness': 70}, 'tv': {'volume': 25}}
    """
    schema = resolve(schema)
    settings: dict[str, Any] = {}
    unresolved: list[Unresolved] = []
    asked = False  # the last assistant message asked something
    groups: list[dict[str, Any]] = []  # per request: the paths it set and their values before it
    focus = Focus()
    asks_which: set[str] = set()  # the devices the assistant asked to choose from ("the TV or the lights?")
    offered: list[tuple[str, Any]] = []  # proposed in a question: needs a yes
    told: list[tuple[str, Any]] = []  # stated as done: stands unless the user objects
    known: dict[str, Any] = {}  # values the assistant reported ("it's at 20 now"), for relative changes
    prior = dict(flatten_actions(dict(prior_state or {})))
    prior_used: dict[str, Any] = {}  # the prior values a relative change was resolved against (None: none known)
    user_asked_state = False  # the last user turn only asked about the state of things

    def settled(found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """``found`` with relative changes applied to the last known value of their setting."""
        out = []
        for path, value in found:
            if isinstance(value, Relative):
                current = settings.get(path, known.get(path))
                if current is None and (value.amount is not None or value.factor is not None):
                    current = prior_used[path] = prior.get(path)
                setting = schema.setting(path)
                value = None if current is None else apply_relative(value, current, setting.min, setting.max)
            if value is not None or path == UNDO:
                out.append((path, value))
        return out

    for turn, message in enumerate(messages):
        # phone numbers, emails and addresses are never read for values (edgerec.profile.redact)
        text = normalize(mask_contact_details(message.get("text") or ""), schema)
        if message.get("role") == "assistant":
            asked = bool(_QUESTION.search(text))
            listed = {c.payload for c in find_cues(text, schema) if c.kind == "device"}
            asks_which = listed if re.search(r"\bor\b[^.!]*\?", text) and len(listed) >= 2 else set()
            offered, told = [], []
            for sentence in _SENTENCE_SPLIT.split(text):
                asking = bool(_QUESTION.search(sentence))
                reporting = (user_asked_state and not asking) or bool(_STATE_REPORT.search(sentence))
                for clause in split_clauses(sentence):
                    found = settled(read_clause(clause, focus, schema)[0])
                    if reporting:
                        known.update((p, v) for p, v in found if p != UNDO)
                    else:
                        (offered if asking else told).extend(found)
            continue
        if not asked:  # "Cool, thanks": an interjection, unless it answers a question
            text = _INTERJECTION.sub("", text)
        sentences = [(split_clauses(sentence), "?" in sentence) for sentence in _SENTENCE_SPLIT.split(text)]
        clauses = [clause for parts, _ in sentences for clause in parts]
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
            _move_to_named(settings, groups[-1], focus, text, asks_which, schema)
        elif groups and _MEANT_DEVICE.search(text) and not any(
                found for found, _ in (read_clause(c, Focus(), schema) for c in clauses)):
            # "Oh wait, I meant the TV": the last request was for another device
            _move_to_named(settings, groups[-1], focus, text, set(schema.names), schema)
        asks_which = set()
        turn_group: dict[str, Any] = {}
        read = [read_clause(clause, focus, schema) for clause in clauses]
        mentions = turn_mentions(sentences)
        for said, (found, _) in zip(mentions, read):
            if said == "state":  # "it's at 70": how things are, for a relative change later
                known.update((p, v) for p, v in found if p != UNDO and not isinstance(v, Relative))
        read = [([], False) if said else (found, open_setting) for said, (found, open_setting) in zip(mentions, read)]
        read = share_with_named_devices(clauses, read, schema)
        read = [(settled(found), open_setting) for found, open_setting in read]
        user_asked_state = not any(found for found, _ in read) and any(  # about the home, not "how are you?"
            said == "question" and any(c.kind in ("device", "field") for c in find_cues(clause, schema))
            for said, clause in zip(mentions, clauses))
        for index, (clause, (found, open_setting)) in enumerate(zip(clauses, read)):
            for path, value in found:
                if path == UNDO:
                    later = any(p != UNDO for f, _ in read[index + 1:] for p, _ in f)
                    if value is None and later:
                        continue  # "scratch that, 23": a correction, the new value follows
                    target = turn_group if turn_group else (groups[-1] if groups else {})
                    if not _undo(settings, target, value) and value is not None:
                        for key in [k for k in settings if k.startswith(value + ".")]:
                            del settings[key]
                    continue
                _apply(settings, turn_group, path, value)
            if open_setting and not _STATE_QUESTION.search(clause):
                unresolved.append(Unresolved(turn, clause, focus.device, open_field(clause, schema)))
        if turn_group:
            groups.append(turn_group)
    if told and trust_statements:
        last = groups[-1] if groups else {}
        for path, value in told:
            _follow_confirmation(settings, last, path, value)
            _apply(settings, last, path, value)
    return Extraction(unflatten_items(settings.items()), unresolved, prior_used)


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


def _move_to_named(settings: dict[str, Any], group: dict[str, Any], focus: Focus, reply: str,
                   listed: set[str], schema: DeviceSchema) -> None:
    """Move the last request's settings to the device the user picks in ``reply`` ("the TV or the speaker?")."""
    named = [c.payload for c in find_cues(reply, schema) if c.kind == "device"]
    if not named:
        return
    device = named[0]
    for path in [p for p in group if p in settings and p.split(".")[0] in listed and not p.startswith(device + ".")]:
        target, value = _counterpart(path, device, schema), settings[path]
        if target is None or not schema.valid(target, value):
            continue
        old = group.pop(path)
        settings.pop(path)
        if old is not _ABSENT:
            settings[path] = old
        _apply(settings, group, target, value)
        focus.device, focus.path = device, target


def _counterpart(path: str, device: str, schema: DeviceSchema) -> str | None:
    """The setting of ``device`` that matches ``path``'s: the same name, else one sharing a setting word.

    >>> _counterpart("tv.volume", "security", DeviceSchema.default())
    'security.alarm_volume'
    """
    name = path.split(".")[1]
    found = schema.device(device)
    if found is None:
        return None
    if found.setting(name) is not None:
        return f"{device}.{name}"
    other, _, _ = path.partition(".")
    for cue in lexicon(schema).field_cues:
        if cue.setting_for(other) == name and cue.setting_for(device) is not None:
            return f"{device}.{cue.setting_for(device)}"
    return None


def extract_actions(messages: Sequence[Mapping[str, str]], *,
                    schema: DeviceSchema | None = None) -> dict[str, dict[str, Any]]:
    """Shortcut for ``extract(messages, schema=schema).actions``."""
    return extract(messages, schema=schema).actions
