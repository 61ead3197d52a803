"""Turns of the ``fresh`` wording: one function per way a setting gets asked for.

:class:`Talk` collects a session's messages, the phenomena used and the claims each message
makes (:class:`~edgerec_bench.datasets.edgewise_fresh.Claim`); each renderer here writes one unit
(``device``, ``pair``, ``relative``, ...). :func:`~edgerec_bench.datasets.edgewise_fresh.render`
plans the units and calls them; the asides are in :mod:`edgerec_bench.datasets.edgewise_fresh_asides`.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from edgerec_bench.datasets import edgewise_fresh_words as w
from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_dialogue import Request, wrong_value

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_synth import SynthConfig

__all__ = ["Talk", "BARE", "device", "devices", "pair", "relative", "vague", "offer", "counter", "decline_extra",
           "cancel", "usual", "relative_step"]

BARE = ("Done.", "OK.", "Okay, done.", "Sure.", "All set.", "There you go.", "On it.", "Got it.", "Will do.")
_READBACK = ("Done: {x}.", "Okay, {x}.", "All set, {x}.", "{X} - done.", "Sure thing: {x}.")
_WRAP = ("Can you {c}?", "Please {c}.", "{C}, please.", "Could you {c}?", "I'd like you to {c}.", "{C}.",
         "Hey, {c}.", "Would you {c} for me?")
_JOIN = ("{a}, and {b}", "{a}. Also {b}", "{a}; {b} too", "{a}, then {b}")


class Talk:
    """Builds one session: messages, phenomena, claims, and a nickname per device."""

    def __init__(self, rng: random.Random, cfg: SynthConfig, untouched: tuple[str, ...] = ()):
        from edgerec_bench.datasets.edgewise_fresh import Claim

        self.rng, self.cfg, self._claim = rng, cfg, Claim
        self.messages: list[dict[str, str]] = []
        self.phenomena: set[str] = set()
        self.claims: list[Any] = []
        self._names: dict[str, str] = {}
        self.untouched = untouched  # devices the session never sets: "leave the TV alone" may name them
        self.known: dict[tuple[str, str], Any] = {}  # values said as current states (not past ones)

    def chance(self, p: float, name: str | None) -> bool:
        """Draw with probability ``p``; record phenomenon ``name`` (if any) on success."""
        hit = self.rng.random() < p
        if hit and name:
            self.phenomena.add(name)
        return hit

    def name(self, device: str) -> str:
        """The session's nickname for ``device``, now and then another one."""
        if device not in self._names:
            self._names[device] = w.device_name(self.rng, device)
        return w.device_name(self.rng, device) if self.rng.random() < 0.2 else self._names[device]

    def frag(self, r: Request, *, assistant: bool = False) -> str:
        """One setting said after its device ("volume at 30"); "down to 20" only from a higher known state."""
        known = self.known.get(r[:2])
        moves = () if assistant else ("up", "down") if known is None else \
            ("up",) if r[2] > known else ("down",) if r[2] < known else ()
        text, words = w.fragment_words(self.rng, *r, self._p_words(assistant), moves=moves)
        if words:
            self.phenomena.add("words")
        return text

    def thing(self, device: str, name: str, *, noun: bool = True) -> str:
        """"the AC temperature", "the alarm volume" (never "the alarm alarm volume")."""
        called = self.name(device)
        if not noun:
            return f"the {called}"
        what = w.NOUNS[device, name]
        return f"the {called} {what.removeprefix('alarm ') if called.endswith('alarm') else what}"

    def value(self, r: Request, *, assistant: bool = False, digits: bool = False) -> str:
        """The value alone ("24 degrees", "bass boost"); ``digits`` never spells it out."""
        text, words = w.say_value(self.rng, *r, 0.0 if digits else self._p_words(assistant))
        if words:
            self.phenomena.add("words")
        return text

    def number(self, n: int) -> str:
        text, words = w.say_number(self.rng, n, self.cfg.p_words)
        if words:
            self.phenomena.add("words")
        return text

    def _p_words(self, assistant: bool) -> float:
        return self.cfg.p_assistant_words if assistant else self.cfg.p_words

    def _stamp(self, claims: list[tuple], turn: int | None = None) -> None:
        turn = len(self.messages) - 1 if turn is None else turn
        for c in claims:
            self.claims.append(self._claim(turn, *c))
            if c[0] in ("state", "set", "relative") and len(c) > 3:
                self.known[c[1], c[2]] = c[3]

    def user(self, text: str, claims: list[tuple] = ()) -> None:
        """A user message (typed casually with ``p_casual``) and its claims ``(kind, device, field, value[, delta])``."""
        if self.chance(self.cfg.p_casual, "casual"):
            text = text.lower().rstrip(".").replace(" please", " pls")
        self.messages.append({"role": "user", "text": text})
        self._stamp(list(claims))

    def assistant(self, text: str, claims: list[tuple] = (), *, join: bool = False) -> None:
        """An assistant message; ``join`` appends to the previous one when that is the assistant's."""
        if join and self.last_is_assistant:
            self.messages[-1]["text"] += " " + text
            self._stamp(list(claims))
            return
        self.messages.append({"role": "assistant", "text": text})
        self._stamp(list(claims))

    @property
    def last_is_assistant(self) -> bool:
        return bool(self.messages) and self.messages[-1]["role"] == "assistant"

    def settings_text(self, rs: list[Request], *, assistant: bool = False) -> str:
        """Several settings grouped by device: "the TV volume 20 and on Netflix, the lights warm"."""
        by_device: dict[str, list[Request]] = {}
        for r in rs:
            by_device.setdefault(r[0], []).append(r)
        parts = [f"the {self.name(d)} " + w.join_list([self.frag(r, assistant=assistant) for r in group])
                 for d, group in by_device.items()]
        return w.join_list(parts)

    def confirm(self, rs: list[Request], *, shown: dict[tuple[str, str], Any] | None = None) -> None:
        """The assistant acts: reads the values back with ``p_confirm_repeat``, else a bare "Done."

        ``shown`` forces a read-back and replaces some values (a mishearing).
        """
        if shown is None and not self.rng.random() < self.cfg.p_confirm_repeat:
            self.phenomena.add("bare_done")
            self.assistant(self.rng.choice(BARE))
            return
        said = [(d, f, (shown or {}).get((d, f), v)) for d, f, v in rs]
        x = self.settings_text(said, assistant=True)
        self.assistant(self.rng.choice(_READBACK).format(x=x, X=w.cap(x)), [("set", *r) for r in said])


def _ask(t: Talk, clauses: list[str]) -> str:
    """Wrap verb phrases into one request message."""
    text = clauses[0]
    for c in clauses[1:]:
        text = t.rng.choice(_JOIN).format(a=text, b=c)
    return t.rng.choice(_WRAP).format(c=text, C=w.cap(text))


def _request(t: Talk, rs: list[Request], correction: Request | None) -> None:
    """One user message asking for ``rs`` (one clause per device), with an optional correction."""
    rng, fix = t.rng, correction if correction in rs else None
    kind = rng.choice(["same", "readback", "misheard"]) if fix else None
    wrong = wrong_value(*fix, rng) if fix else None
    claims, clauses, by_device = [], [], {}
    for r in rs:
        by_device.setdefault(r[0], []).append(r)
    for d, group in by_device.items():
        said = [(x[0], x[1], wrong) if x == fix and kind != "misheard" else x for x in group]
        clauses.append(w.device_clause(rng, t.name(d), [t.frag(x) for x in said]))
        claims += [("set", *x) for x in said]
    text = _ask(t, clauses)
    if t.untouched and t.chance(t.cfg.p_distractor / 2, "mention_leave"):
        other = t.name(rng.choice(t.untouched))
        be = "are" if w.pronoun(other) == "them" else "is"
        text += " " + rng.choice(["Don't touch the {o} though.", "The {o} {be} fine as {q} {be}.",
                                  "Not the {o}, leave {p} alone."]).format(o=other, be=be, p=w.pronoun(other), q="they" if be == "are" else "it")
    if kind == "same":
        again = rng.choice(["No, sorry - {f}.", "Wait, not {w}: {f}.", "Actually, make that {f}.",
                            "Scratch that, {f} instead."])
        text += " " + again.format(f=t.frag(fix), w=t.value((fix[0], fix[1], wrong)))
        claims += [("retract", *fix[:2]), ("set", *fix)]
    t.user(text, claims)
    if kind in ("readback", "misheard"):
        t.confirm(rs, shown={fix[:2]: wrong})  # the wrong value read back, so the user can object
        again = ("Sorry, I meant {f}.", "Hmm, no - {f}.", "Actually, {n} {f}, not {w}.") if kind == "readback" \
            else ("No, I said {v}!", "Not {w} - {v}.", "No no, {f}.")
        line = rng.choice(again).format(f=t.frag(fix), v=t.value(fix), w=t.value((fix[0], fix[1], wrong)),
                                        n=t.name(fix[0]))
        t.user(line, [("retract", *fix[:2]), ("set", *fix)])
    t.confirm(rs)


def device(t: Talk, rs: list[Request], correction: Request | None) -> None:
    """One device's settings, in one message or one setting per turn."""
    if len(rs) < 2 or not t.chance(t.cfg.p_split_device, "split_device"):
        _request(t, rs, correction)
        return
    _request(t, rs[:1], correction)
    named = True  # whether the last request named the device; "it" never follows "it"
    for r in rs[1:]:
        if named and r != correction and t.chance(t.cfg.p_followup_pronoun, "pronoun"):
            form = t.rng.choice(["Can you put {p} {f} too?", "Set {p} {f} as well.", "And put {p} {f}."])
            t.user(form.format(p=w.pronoun(t.name(r[0])), f=t.frag(r)), [("set", *r)])
            t.confirm([r])
            named = False
        else:
            _request(t, [r], correction)
            named = True


def devices(t: Talk, rs: list[Request], correction: Request | None) -> None:
    """Several devices asked for in one message, one clause each."""
    _request(t, rs, correction)


def pair(t: Talk, rs: list[Request], _: Request | None) -> None:
    """Two devices in one clause: "the TV and the speaker volume to 20 and 35"."""
    rng, (a, b) = t.rng, rs
    n1, n2 = t.name(a[0]), t.name(b[0])
    from edgerec_bench.datasets.edgewise_fresh import SHARED_NOUN

    noun = SHARED_NOUN.get(a[:2], "")
    if noun and noun == SHARED_NOUN.get(b[:2]):
        if a[2] == b[2]:
            form = rng.choice(["Set the {n1} and the {n2} {noun} to {v1}.", "{N1} and {n2} {noun} both at {v1}, please.",
                               "Put the {n1} and {n2} at {v1} {noun}."])
        else:
            form = rng.choice(["Set the {n1} and the {n2} {noun} to {v1} and {v2}.",
                               "{N1} and {n2} {noun}: {v1} and {v2} respectively.",
                               "Can you put the {n1} and {n2} {noun} at {v1} and {v2}?"])
    else:
        form = rng.choice(["Put the {n1} and the {n2} on {v1}.", "{N1} and {n2} to {v1}, please.",
                           "Can you set the {n1} and {n2} to {v1}?"])
    # "a hundred and five" would read as 105: a hundred is said in digits next to another number
    v1, v2 = t.value(a, digits=a[2] == 100), t.value(b, digits=b[2] == 100)
    if a[2] == b[2] and isinstance(a[2], str):
        v1 = a[2]  # "cool" names both the AC mode and the light colour
    t.user(form.format(n1=n1, n2=n2, N1=w.cap(n1), noun=noun, v1=v1, v2=v2), [("set", *a), ("set", *b)])
    t.confirm(rs)


def relative_step(rng: random.Random, r: Request) -> int:
    """A signed step ``delta`` such that ``value - delta`` is a valid earlier state."""
    spec = DEVICE_FIELDS[r[0]][r[1]]
    sizes = {"temperature": [1, 2, 3, 4], "fan_speed": [1, 2]}.get(r[1], [2, 3, 5, 10, 10, 15, 20])
    steps = [s * sign for s in sizes for sign in (1, -1) if r[2] - s * sign in spec]
    return rng.choice(steps or [1 if r[2] - 1 in spec else -1])


def _step_text(t: Talk, r: Request, delta: int) -> tuple[str, bool]:
    up = delta > 0
    d = t.number(abs(delta)) + (" degrees" if r[1] == "temperature" and t.rng.random() < 0.5 else "")
    comp = w.DIRECTIONAL[r[0], r[1]][0 if up else 1]
    short = ["{d} up", "up {d}", "{d} higher", "{d} {c}"] if up else ["{d} down", "down {d}", "{d} lower", "{d} {c}"]
    verb = ["bump it up by {d}", "raise it by {d}", "add {d}"] if up else ["drop it by {d}", "take {d} off",
                                                                            "bring it down {d}"]
    form = t.rng.choice(short + verb)
    return form.format(d=d, c=comp), form in short


def _step_line(talk: Talk, forms_short: list[str], forms_verb: list[str], step: tuple[str, bool], **kw: str) -> str:
    """A line around a step; some lines fit only "two up" ("Let's go two up"), not "add two"."""
    text, short = step
    form = talk.rng.choice(forms_short + forms_verb if short else forms_verb)
    return form.format(s=text, S=w.cap(text), **kw)


def relative(t: Talk, rs: list[Request], _: Request | None) -> None:
    """A state said first (by the user, or by the assistant when asked), then a step from it.

    When the session already said the setting's current value, the step starts from that.
    """
    r, rng = rs[0], t.rng
    known = t.known.get(r[:2])
    delta = relative_step(rng, r) if known is None or known == r[2] else r[2] - known
    base = (r[0], r[1], r[2] - delta)
    thing = t.thing(r[0], r[1])
    step = _step_text(t, r, delta)
    if known == base[2]:  # its current value was said earlier in the session: a step from there
        t.user(_step_line(t, ["Can you take {t} {s}?"], ["{T}: {s}, please.", "Right, {t} - {s}."], step,
                          t=thing, T=w.cap(thing)), [("relative", *r, delta)])
    elif rng.random() < 0.5:
        line = _step_line(t, ["So {t} is showing {b}. Can you go {s}?"],
                          ["{T} is at {b} right now - {s}, please.", "{T} is on {b} at the moment. {S}."], step,
                          t=thing, T=w.cap(thing), b=t.value(base))
        t.user(line, [("state", *base), ("relative", *r, delta)])
    else:
        t.user(rng.choice(["What's {t} at?", "What is {t} set to right now?", "Where's {t} at the moment?"])
               .format(t=thing))
        t.assistant(rng.choice(["It's at {b}.", "Currently {b}.", "{B} at the moment."])
                    .format(b=(bv := t.value(base, assistant=True)), B=w.cap(bv)), [("state", *base)])
        t.user(_step_line(t, ["Let's go {s}."], ["{S}, please.", "Okay, {s}.", "Hmm. {S} then."], step),
               [("relative", *r, delta)])
    t.confirm([r])


def vague(t: Talk, rs: list[Request], _: Request | None) -> None:
    """A request with a direction and no number, then the number."""
    r, rng = rs[0], t.rng
    known = t.known.get(r[:2])
    up, down = w.DIRECTIONAL[r[0], r[1]]
    if known is None or known == r[2]:  # no state said: the direction fits where the value sits in its range
        spec = DEVICE_FIELDS[r[0]][r[1]]
        high = r[2] > (spec.start + spec.stop - 1) / 2
        edge = r[2] in (spec.start, spec.stop - 1)
        comp = (up if high else down) if edge or rng.random() < 0.75 else rng.choice([up, down])
    else:
        comp = up if r[2] > known else down
    plain = (r[1] == "temperature") or (r[1] == "volume") or (r[0], r[1]) == ("lights", "brightness")
    thing = t.thing(r[0], r[1], noun=not plain)
    ask = rng.choice(["Can you make {t} a bit {c}?", "{T} could be a little {c}.", "{T} a touch {c}, please.",
                      "Hmm, {t} needs to be {c}."]).format(t=thing, T=w.cap(thing), c=comp)
    number = rng.choice(["Make it {v}.", "{V}, please.", "Let's say {v}.", "Put it on {v}.", "{V} should do.",
                         "Go with {v}."])
    if rng.random() < 0.25:  # "a bit warmer... make it 24" in one breath
        v = t.value(r)
        t.user(ask + " " + rng.choice(["Actually, make it {v}.", "Like {v}.", "Say {v}."]).format(v=v), [("set", *r)])
    else:
        t.user(ask)
        t.assistant(rng.choice(["Sure - to what?", "How much {c}?", "What would you like it at?", "Okay, what number?",
                                f"Making it {comp}.", "A little, or a lot?"]).format(c=comp))
        v = t.value(r)
        t.user(number.format(v=v, V=w.cap(v)), [("set", *r)])
    t.confirm([r])


def _open_for_offer(t: Talk, r: Request) -> None:
    """Make room for an assistant offer about ``r``'s device (joined to its last reply, or asked for)."""
    if not (t.last_is_assistant and t.rng.random() < 0.6):
        t.user(t.rng.choice(["Could you sort out the {n}?", "The {n}, please.", "Can you do something with the {n}?",
                             "What about the {n}?"]).format(n=t.name(r[0])))


def _offer_text(t: Talk, r: Request, joined: bool) -> str:
    clause = w.device_clause(t.rng, t.name(r[0]), [t.frag(r, assistant=True)])
    forms = ["Shall I {c} while I'm at it?", "Want me to {c}?", "I could {c}, if you like."] if joined \
        else ["Sure - {c}?", "Should I {c}?", "How about I {c}?"]
    return t.rng.choice(forms).format(c=clause)


def offer(t: Talk, rs: list[Request], _: Request | None) -> None:
    """Only the assistant says the value; the user says yes."""
    r = rs[0]
    _open_for_offer(t, r)
    joined = t.last_is_assistant
    t.assistant(_offer_text(t, r, joined), [("offer", *r)], join=True)
    t.user(t.rng.choice(["Yes please.", "Yeah, do that.", "Sure, go ahead.", "Sounds good.", "Perfect, yes.", "Yep."]),
           [("accept", *r[:2])])
    t.confirm([r])


def counter(t: Talk, rs: list[Request], _: Request | None) -> None:
    """The assistant offers a wrong value; the user refuses it and says the right one."""
    r, rng = rs[0], t.rng
    bad = (r[0], r[1], wrong_value(*r, rng))
    _open_for_offer(t, r)
    t.assistant(_offer_text(t, bad, t.last_is_assistant), [("offer", *bad)], join=True)
    form = rng.choice(["No, {f}.", "Not {w} - {v}.", "Nah, make it {v}.", "No thanks, {f} instead."])
    t.user(form.format(f=t.frag(r), v=t.value(r), w=t.value(bad)), [("decline", *r[:2]), ("set", *r)])
    t.confirm([r])


def decline_extra(t: Talk, r: Request, _: Request | None) -> None:
    """The assistant offers a setting outside the session; the user turns it down."""
    if not t.messages:
        t.user("Hi.")
    t.assistant(_offer_text(t, r, t.last_is_assistant), [("offer", *r)], join=True)
    name = t.name(r[0])
    t.user(t.rng.choice(["No thanks.", "Nah, leave {p} as {p} is.", "No, that's fine.", "Nope, not now.",
                         "Don't bother."]).format(p=w.pronoun(name)).replace("them as them is", "them as they are"),
           [("decline", *r[:2])])
    t.assistant(t.rng.choice(["Okay.", "Sure, leaving it.", "No problem."]))


def cancel(t: Talk, r: Request, _: Request | None) -> None:
    """The user asks for a setting outside the session, then takes it back."""
    clause = w.device_clause(t.rng, t.name(r[0]), [t.frag(r)])
    if t.rng.random() < 0.5:
        t.user(t.rng.choice(["Oh, and {c}... actually, forget it.", "And {c} - no, wait, never mind."]).format(c=clause),
               [("set", *r), ("retract", *r[:2])])
        t.assistant(t.rng.choice(["Okay, I'll leave it.", "Sure, nothing changed there."]))
        return
    t.user(_ask(t, [clause]), [("set", *r)])
    t.confirm([r])
    t.user(t.rng.choice(["Hmm, actually undo that.", "Wait, never mind, put it back.", "Sorry, scratch that one."]),
           [("retract", *r[:2])])
    t.assistant(t.rng.choice(["Undone.", "Okay, back how it was."]))


def usual(t: Talk, rs: list[Request], _: Request | None = None) -> None:
    """"The usual": the assistant spells it out as an offer, the user says yes."""
    t.phenomena |= {"usual", "offer_accepted"}
    t.user(t.rng.choice(["The usual, please.", "Same as always.", "You know what I like - the usual."]))
    t.assistant(t.rng.choice(["The usual: {x}?", "So {x}?", "That's {x} - right?"])
                .format(x=t.settings_text(rs, assistant=True)), [("offer", *r) for r in rs])
    t.user(t.rng.choice(["Yes, that's it.", "Yep, go ahead.", "Perfect, yes please."]), [("accept", *r[:2]) for r in rs])
    t.confirm(rs)
