"""A fourth wording of EdgeWisePersona-format sessions, ``fresh``: hard, as people talk to assistants.

Written by an author who had read neither the extractor nor the other wordings; the world, the
final settings and the answer key are the ones passed in. The sessions lean on what real assistant
logs hold and keyword rules find hard:

* the assistant often confirms with no values ("Done.");
* a value said only in the assistant's offer, which the user accepts ("Shall I put the lights on
  warm?" "Yes please"), or turns down, alone or with the value they want instead;
* a vague request, then the number ("Can the air con be a bit warmer?" ... "Make it 24.");
* devices talked about but not set: questions, complaints, plans for later, last night's settings;
* several devices in one clause ("the TV and the speaker volume to 20 and 35");
* relative changes from a state said earlier in the session ("the AC temperature is at 20" ...
  "two up").

Plus corrections, cancels, numbers in words, pronouns, settings spread over turns, casual typing,
small talk. Each phenomenon's probability is a :class:`~edgerec_bench.datasets.edgewise_synth.SynthConfig`
field, so ``hard`` raises them (see :data:`KNOBS`). The fairness promise, checked by
:func:`fairness_problems`: every final setting is said (digits, words, option name) or follows
from a relative change to a state said earlier, and a value presented as set that is not final is
taken back in words.

>>> import random
>>> from edgerec_bench.datasets.edgewise_synth import SynthConfig
>>> d = render(random.Random(2), SynthConfig(), {"time_of_day": "night"}, [("ac", "temperature", 21)], inputs={})
>>> d.messages[0]["role"], fairness_problems(d, {"ac": {"temperature": 21}})
('user', [])
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgerec_bench.datasets import edgewise_fresh_asides as asides
from edgerec_bench.datasets import edgewise_fresh_talk as talk
from edgerec_bench.datasets import edgewise_fresh_words as w
from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_dialogue import Request
from edgerec_bench.datasets.edgewise_world import random_value

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["Claim", "FreshDialogue", "render", "fairness_problems", "PHENOMENA", "KNOBS"]

#: Phenomenon names a session may record in ``.phenomena``.
PHENOMENA = (
    "bare_done", "offer_accepted", "offer_declined", "counter_offer", "vague_then_number", "mention_question",
    "mention_complaint", "mention_plan", "mention_past", "mention_leave", "several_devices_one_clause", "relative",
    "correction", "cancel", "words", "pronoun", "split_device", "multi_request", "casual", "small_talk", "closing",
    "usual",
)
#: Which SynthConfig field drives each phenomenon (per session unless said).
KNOBS = {
    "bare_done": "1 - p_confirm_repeat, per confirmation",
    "offer_accepted": "p_proposal, per setting (and every 'usual' session)",
    "counter_offer": "p_declined_proposal, per setting: a wrong value offered, refused with the right one",
    "offer_declined": "p_declined_proposal: a setting outside the session offered and refused",
    "vague_then_number": "p_indirect, per numeric setting",
    "relative": "p_relative + p_from_value, per numeric setting",
    "mention_*": "p_state_query (question) and p_distractor twice (complaint, plan or past tense)",
    "mention_leave": "p_distractor / 2, per request message: a device the session never sets is named to be left alone",
    "several_devices_one_clause": "p_multi_request, when two settings can share a clause",
    "multi_request": "p_multi_request, per following device request",
    "correction": "p_correction", "cancel": "p_cancel", "words": "p_words / p_assistant_words, per number",
    "pronoun": "p_followup_pronoun", "split_device": "p_split_device", "casual": "p_casual, per user message",
    "small_talk": "p_small_talk", "closing": "p_closing",
}


@dataclass(frozen=True)
class Claim:
    """What one message does to one setting, for the fairness check.

    ``kind``: ``set`` (presented as set), ``offer``, ``accept``, ``decline``, ``retract`` (taken
    back), ``state`` (the current value, not a request), ``past`` (an earlier value), ``plan``
    (for later, not now), ``relative`` (``value`` = the last current state said + ``delta``).
    """

    turn: int
    kind: str
    device: str
    field: str
    value: Any = None
    delta: int = 0


@dataclass
class FreshDialogue:
    """One session's messages, the phenomena used, and the claims its messages make."""

    messages: list[dict[str, str]] = field(default_factory=list)
    phenomena: set[str] = field(default_factory=set)
    claims: list[Claim] = field(default_factory=list)


def render(
    rng: random.Random,
    cfg: SynthConfig,
    meta: dict[str, str],
    requests: list[Request],
    *,
    inputs: dict[str, str],
    usual: bool = False,
) -> FreshDialogue:
    """Messages for a session whose final settings are ``requests`` (same signature as the other wordings).

    ``inputs`` (what is plugged into each TV input) is accepted for the shared interface; this
    wording names inputs by their option names only. With ``usual`` the user asks for "the usual"
    and the assistant spells it out as an offer.
    """
    del inputs
    t = talk.Talk(rng, cfg, untouched=tuple(d for d in sorted(DEVICE_FIELDS) if d not in {r[0] for r in requests}))
    taken = {(d, f) for d, f, _ in requests}
    mentions = asides.plan_mentions(t, list(requests))
    if t.chance(cfg.p_small_talk, "small_talk"):
        asides.small_talk(t, meta)
    units = [("usual", list(requests))] if usual else _plan(t, list(requests))
    steps: list[tuple[str, Any]] = list(units)
    if t.chance(cfg.p_declined_proposal, "offer_declined"):
        steps.insert(rng.randint(1, max(1, len(steps))), ("decline_extra", _outside(rng, taken)))
    if t.chance(cfg.p_cancel, "cancel"):
        steps.insert(rng.randint(1, max(1, len(steps))), ("cancel", _outside(rng, taken)))
    for step in mentions:  # one about a setting of this session comes before it is asked for
        steps.insert(0 if step[0] == "early_mention" else rng.randint(0, len(steps)), step)
    correction = _correction_target(t, units)
    for kind, payload in steps:
        RENDERERS[kind](t, payload, correction)
    if t.chance(cfg.p_closing, "closing"):
        asides.closing(t)
    return FreshDialogue(t.messages, t.phenomena, t.claims)


#: One function per unit kind: ``renderer(talk, payload, correction)``.
RENDERERS = {
    "device": talk.device, "devices": talk.devices, "pair": talk.pair, "relative": talk.relative,
    "vague": talk.vague, "offer": talk.offer, "counter": talk.counter, "decline_extra": talk.decline_extra,
    "cancel": talk.cancel, "usual": talk.usual, "mention": asides.mention, "early_mention": asides.early_mention,
}


def _outside(rng: random.Random, taken: set[tuple[str, str]]) -> Request:
    pairs = [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in taken]
    d, f = rng.choice(pairs)
    return d, f, random_value(d, f, rng)


#: Settings of different devices that one noun covers, so one clause can set both.
SHARED_NOUN = {("tv", "volume"): "volume", ("speaker", "volume"): "volume", ("security", "alarm_volume"): "volume",
               ("tv", "brightness"): "brightness", ("lights", "brightness"): "brightness",
               ("ac", "mode"): "mode", ("lights", "mode"): "mode"}


def _pairable(a: Request, b: Request) -> bool:
    """Whether two settings of different devices can share one clause and stay readable."""
    if a[0] == b[0]:
        return False
    noun = SHARED_NOUN.get(a[:2])
    if noun and noun == SHARED_NOUN.get(b[:2]):
        return True
    same_word = {a[:2], b[:2]} == {("ac", "mode"), ("lights", "color")} and a[2] == b[2]
    percent = {a[:2], b[:2]} == {("lights", "brightness"), ("speaker", "volume")} and a[2] == b[2]
    return same_word or percent


def _plan(t: talk.Talk, pool: list[Request]) -> list[tuple[str, list[Request]]]:
    """Cut the settings into units, each said one way (pair, relative, vague, offer, counter, device)."""
    cfg, rng, units = t.cfg, t.rng, []
    pairs = [(a, b) for i, a in enumerate(pool) for b in pool[i + 1:] if _pairable(a, b)]
    if pairs and t.chance(cfg.p_multi_request, "several_devices_one_clause"):
        a, b = rng.choice(pairs)
        units.append(("pair", [a, b]))
        pool = [r for r in pool if r not in (a, b)]
    for r in list(pool):
        numeric = (r[0], r[1]) in w.DIRECTIONAL
        if numeric and t.chance(cfg.p_relative + cfg.p_from_value, "relative"):
            kind = "relative"
        elif numeric and t.chance(cfg.p_indirect, "vague_then_number"):
            kind = "vague"
        elif t.chance(cfg.p_proposal, "offer_accepted"):
            kind = "offer"
        elif t.chance(cfg.p_declined_proposal, "counter_offer"):
            kind = "counter"
        else:
            continue
        units.append((kind, [r]))
        pool.remove(r)
    by_device: dict[str, list[Request]] = {}
    for r in pool:
        by_device.setdefault(r[0], []).append(r)
    units += [("device", rs) for rs in by_device.values()]
    rng.shuffle(units)
    merged: list[tuple[str, list[Request]]] = []
    for kind, rs in units:  # a device request may join the previous one in the same message
        if kind == "device" and merged and merged[-1][0] in ("device", "devices") \
                and t.chance(cfg.p_multi_request, "multi_request"):
            merged[-1] = ("devices", merged[-1][1] + rs)
        else:
            merged.append((kind, rs))
    return merged


def _correction_target(t: talk.Talk, units: Sequence[tuple[str, list[Request]]]) -> Request | None:
    candidates = [r for kind, rs in units if kind in ("device", "devices") for r in rs]
    if candidates and t.chance(t.cfg.p_correction, "correction"):
        return t.rng.choice(candidates)
    return None


def fairness_problems(dia: FreshDialogue, actions: dict[str, dict[str, Any]]) -> list[str]:
    """What breaks the fairness promise in one session (empty when it holds).

    Replays the claims: the last value set, accepted or reached by a relative change must be the
    final one for every setting, and nothing else may end up set. Each claim's value must be in
    its message's words (:func:`~edgerec_bench.datasets.edgewise_fresh_words.states_value`), its
    device named in that message or the three before, a relative change must say its step and
    direction from a state said earlier, acceptances, refusals and take-backs must say so, a
    refused offer never holds the final value, a current state never contradicts a value just set,
    and a non-final value presented as set must be taken back later.
    """
    final = {(d, f): v for d, settings in actions.items() for f, v in settings.items()}
    texts = [m["text"] for m in dia.messages]
    problems: list[str] = []
    now: dict[tuple[str, str], Any] = {}
    state: dict[tuple[str, str], Any] = {}
    pending: dict[tuple[str, str], Any] = {}
    shown: list[tuple[int, tuple[str, str], Any]] = []  # (claim index, key, value) presented as set
    retracted: list[tuple[int, tuple[str, str]]] = []
    for i, c in enumerate(dia.claims):
        key, text, where = (c.device, c.field), texts[c.turn], f"turn {c.turn} {c.kind} {c.device}.{c.field}"
        if c.kind in ("set", "offer", "state", "plan", "past") and not w.states_value(text, c.device, c.field, c.value):
            problems.append(f"{where}: value {c.value!r} not in {text!r}")
        if c.kind in ("set", "offer", "state", "plan", "past", "relative") and not any(
                w.names_device(texts[j], c.device) for j in range(max(0, c.turn - 3), c.turn + 1)):
            problems.append(f"{where}: device not named nearby")
        if c.kind == "set":
            now[key] = state[key] = c.value
            shown.append((i, key, c.value))
        elif c.kind == "offer":
            pending[key] = c.value
        elif c.kind in ("accept", "decline"):
            if key not in pending:
                problems.append(f"{where}: nothing offered")
                continue
            value = pending.pop(key)
            if not w.says_any(text, w.YES if c.kind == "accept" else w.NO):
                problems.append(f"{where}: {text!r} does not say so")
            if c.kind == "accept":
                now[key] = value
                shown.append((i, key, value))
            elif final.get(key) == value:
                problems.append(f"{where}: the final value was declined")
        elif c.kind == "retract":
            now.pop(key, None)
            retracted.append((i, key))
            if not w.says_any(text, w.TAKE_BACK):
                problems.append(f"{where}: take-back without words for it in {text!r}")
        elif c.kind == "state":
            if key in now and now[key] != c.value:
                problems.append(f"{where}: said to be {c.value!r} right after being set to {now[key]!r}")
            state[key] = c.value
        elif c.kind == "relative":
            base = state.get(key)
            said = w.states_value(text, c.device, c.field, abs(c.delta))
            if base is None or base + c.delta != c.value or not said or w.direction_of(text) != (c.delta > 0) - (c.delta < 0):
                problems.append(f"{where}: {base!r} {c.delta:+d} -> {c.value!r} not readable from {text!r}")
            now[key] = state[key] = c.value
    if now != final:
        problems.append(f"replayed settings {sorted(now.items())} != final {sorted(final.items())}")
    for i, key, value in shown:
        if final.get(key) != value and not any(j > i and k == key for j, k in retracted):
            problems.append(f"{key} {value!r} presented as set and never taken back")
    return problems
