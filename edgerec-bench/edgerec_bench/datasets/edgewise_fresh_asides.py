"""Asides of the ``fresh`` wording: devices talked about but not set, small talk, the closing.

Part of :mod:`edgerec_bench.datasets.edgewise_fresh`; each function writes one exchange into a
:class:`~edgerec_bench.datasets.edgewise_fresh_talk.Talk`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgerec_bench.datasets import edgewise_fresh_words as w
from edgerec_bench.datasets.edgewise import DEVICE_FIELDS
from edgerec_bench.datasets.edgewise_dialogue import Request
from edgerec_bench.datasets.edgewise_world import different_value, random_value

if TYPE_CHECKING:
    from edgerec_bench.datasets.edgewise_fresh_talk import Talk

__all__ = ["mention", "early_mention", "plan_mentions", "small_talk", "closing"]


def mention(t: Talk, payload: tuple[str, Request], _: Request | None, *, early: bool = False) -> None:
    """A device talked about but not set: a question, a complaint, a plan, or last night's setting.

    ``early``: the setting is one the session changes later, so the user does not say to leave it.
    """
    kind, r = payload
    rng, name = t.rng, t.name(r[0])
    thing = t.thing(r[0], r[1], noun=r[1] != "armed")
    t.phenomena.add(f"mention_{kind}")
    if kind == "question":
        t.user(rng.choice(["What's {t} set to?", "Quick question: what's {t} right now?"]).format(t=thing)
               if r[1] != "armed" else f"Is the {name} on?")
        state = ("armed" if r[2] else "disarmed") if r[1] == "armed" else t.value(r, assistant=True)
        t.assistant(rng.choice(["It's {s}.", "Currently {s}.", "Right now it's {s}."]).format(
            s=state if r[1] == "armed" else f"on {state}"), [("state", *r)])
        t.user(rng.choice(["Hm, okay.", "I see."] if early else ["Okay, leave it.", "Fine, thanks.", "Good."]))
        t.assistant(rng.choice(["Sure.", "Okay.", "Leaving it."]))
        return
    if kind == "complaint":
        t.user(rng.choice(["The {n} {keep} disconnecting.", "The {n} made a weird noise earlier.",
                           "Why {be} the {n} so slow to respond today?", "The {n} beeped like {k} times this morning."])
               .format(n=name, k=t.number(rng.randint(3, 9)), be="are" if w.pronoun(name) == "them" else "is",
                       keep="keep" if w.pronoun(name) == "them" else "keeps"))
        t.assistant(rng.choice(["Sorry about that.", "That sounds annoying. I'll keep an eye on it.", "Noted."]))
        return
    if kind == "plan":
        clause = w.device_clause(rng, name, [t.frag(r)])
        t.user(rng.choice(["Later I'll want to {c}, but not yet.", "Tonight I might {c}. Leave it for now though.",
                           "Tomorrow morning remind me to {c}."]).format(c=clause), [("plan", *r)])
        t.assistant(rng.choice(["Okay, I'll leave it for now.", "Got it, not yet."]))
        return
    past = ("armed" if r[2] else "disarmed") if r[1] == "armed" else "on " + t.value(r)
    t.user(rng.choice(["Last night {t} was {s} and it was way too much.", "Yesterday {t} was {s} all evening.",
                       "My partner had {t} {s} this morning, can you believe it?"]).format(t=thing, s=past),
           [("past", *r)])
    t.assistant(rng.choice(["Noted.", "Good to know.", "Ha, okay."]))


def early_mention(t: Talk, payload: tuple[str, Request], correction: Request | None) -> None:
    """:func:`mention` of a setting the session goes on to change."""
    mention(t, payload, correction, early=True)


def plan_mentions(t: Talk, requests: list[Request]) -> list[tuple[str, tuple[str, Request]]]:
    """Mention steps for this session: a question with ``p_state_query``, others with ``p_distractor``.

    Mostly about settings the session leaves alone; now and then about one it sets, with another
    value ("Last night the AC was on 18"), as an ``early_mention`` that comes before any request.
    """
    taken = {(d, f) for d, f, _ in requests}
    pairs = [(d, f) for d in sorted(DEVICE_FIELDS) for f in sorted(DEVICE_FIELDS[d]) if (d, f) not in taken]
    kinds = ["question"] if t.chance(t.cfg.p_state_query, None) else []
    kinds += [t.rng.choice(["complaint", "plan", "past"]) for _ in range(2) if t.chance(t.cfg.p_distractor, None)]
    out = []
    for kind in kinds:
        if kind in ("question", "past") and t.rng.random() < 0.3:
            d, f, v = t.rng.choice(requests)
            out.append(("early_mention", (kind, (d, f, different_value(d, f, v, t.rng)))))
        elif pairs:  # (a session that sets every setting there is leaves nothing to mention)
            d, f = t.rng.choice(pairs)
            out.append(("mention", (kind, (d, f, random_value(d, f, t.rng)))))
    return out


def small_talk(t: Talk, meta: dict[str, str]) -> None:
    """A line about the day or the weather, and the assistant's answer; no numbers."""
    weather = {"sunny": "Lovely sunshine out there.", "cloudy": "Grey one today, isn't it?",
               "rainy": "Still raining, ugh.", "snowy": "Look at all that snow."}[meta.get("weather", "cloudy")]
    day = {"morning": "Morning!", "afternoon": "Afternoon.", "evening": "Evening!", "night": "Long day."}[
        meta.get("time_of_day", "evening")]
    t.user(t.rng.choice([weather, day, f"{day} {weather}"]))
    t.assistant(t.rng.choice(["Hi! What can I do for you?", "Hello. Anything I can set up?", "Hey there."]))


def closing(t: Talk) -> None:
    t.user(t.rng.choice(["Thanks, that's all.", "Cheers.", "Great, thank you."]))
    t.assistant(t.rng.choice(["Anytime.", "You're welcome.", "Enjoy!"]))
