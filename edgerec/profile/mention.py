"""Whether a user clause only mentions a device: a question, a plan or something already done.

"Is the alarm on?", "it's at 70", "tomorrow I might need the heating", "I
turned the lights off earlier" name devices and values without asking for
them. The dialogue
reader still follows the device talked about (so "arm it then" lands), but
sets nothing from such a clause. An order ("set", "turn", "could you ...")
is never a mention, even next to a time word ("put the AC on 22 like
yesterday").

>>> mention("is the alarm on", question=True)
'question'
>>> mention("the speaker is too loud, it's at 70".split(", ")[1], question=False)
'state'
>>> mention("tomorrow i might need the heating", question=False)
'plan'
>>> mention("i turned the lights off earlier", question=False)
'past'
>>> mention("could you set the tv to 20", question=True) is None
True
>>> mention("set the ac to 22 like yesterday", question=False) is None
True
"""

from __future__ import annotations

import re
from typing import Sequence

__all__ = ["gives_order", "mention", "turn_mentions"]

_LEAD = r"^(?:(?:and|so|oh|ok|okay|well|hey|hmm+|um+|also|but|now|then|just|please)\b[\s,]*)*"
_ORDER = re.compile(
    _LEAD + r"(?:can|could|would|will|won't) (?:you|we)\b|" + _LEAD +
    r"(?:set|turn|put|make|switch|change|bring|get|dim|brighten|raise|lower|mute|arm|disarm|bump|crank|keep|have|"
    r"give|go|start|open|fire|drop|halve|double|let'?s|i'?d like|i want|i need|i'?ll (?:have|take|go)|"
    r"i would like|how about|what about|why not|is it (?:ok|okay|possible|alright|fine)|are you able|"
    r"is there (?:any|a) way)\b")
_STATE_QUESTION = re.compile(_LEAD + r"(?:is|are|was|were|has|have|did|does|do|what|what's|whats|which|where|"
                             r"how|why|isn't|aren't|hasn't|didn't)\b")
# "can you check whether the alarm is on", "tell me if the telly is on hdmi 1"
_CHECK = re.compile(r"\b(?:check|see|tell me|let me know|find out|know) (?:if|whether|what|how|which)\b")
# "it's at 70", "the heater is on 25 right now": the user says how things are
_STATE = re.compile(_LEAD + r"(?:it'?s|it is|they'?re|they are|that'?s|(?:the|my) [\w' ]{2,30}? (?:is|are)|"
                    r"(?:the|my) [\w' ]{2,30}?'s) (?:currently |now |still |already |set )*(?:at|on)\b"
                    r"(?!.*\b(?:please|pls|instead)\b)")
_FUTURE = re.compile(r"\b(?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to|'m gonna| plan to|"
                     r"'m planning to| am planning to|'re planning to)\b")
_MAYBE = re.compile(r"\b(?:i|we)(?: (?:probably|maybe|perhaps))? (?:might|may)(?: (?:want|need|use|watch|turn|"
                    r"put|arm|switch|have|like|be))?\b|\b(?:thinking (?:of|about)|planning on)\b")
_LATER = re.compile(r"\b(?:later|tomorrow|tonight|this (?:weekend|evening|afternoon)|next (?:week|weekend|time)|"
                    r"in a (?:bit|while)|at some point|eventually|soon)\b")
_PAST_VERB = re.compile(
    r"\b(?:i|we|you|someone|somebody|he|she|they|my \w+)(?: just| already)? (?:turned|switched|left|changed|watched|"
    r"listened|disarmed|armed|dimmed|raised|lowered|muted|used|cranked|forgot|kept|was|were|had (?:the|it|them|my))\b")
_PAST_TIME = re.compile(r"\b(?:yesterday|last (?:night|week|time|weekend)|earlier|the other day|"
                        r"(?:an hour|a while|two days|a week) ago|when i (?:came|got) (?:in|home|back))\b")


def gives_order(clause: str) -> bool:
    """Whether a (normalized) clause opens with an order or a request ("set ...", "could you ...").

    >>> gives_order("could you dim the lamps"), gives_order("the lamps are dim")
    (True, False)
    """
    return bool(_ORDER.search(clause))


def mention(clause: str, *, question: bool) -> str | None:
    """What a (normalized) user clause is when it only mentions settings, else None.

    ``'question'`` about the state of things, ``'state'`` (the user says how
    things are: "it's at 70"), ``'plan'`` or ``'past'``.

    ``question``: the clause belongs to a sentence that ends with a question mark.
    """
    if question and _CHECK.search(clause):
        return "question"
    if gives_order(clause):
        return None
    if question and _STATE_QUESTION.search(clause):
        return "question"
    if not question and _STATE.search(clause):
        return "state"
    if (_FUTURE.search(clause) and _LATER.search(clause)) or _MAYBE.search(clause):
        return "plan"
    if _PAST_VERB.search(clause) or _PAST_TIME.search(clause):
        return "past"
    return None


def turn_mentions(sentences: Sequence[tuple[Sequence[str], bool]]) -> list[str | None]:
    """:func:`mention` for each clause of a user turn, given as ``(clauses, ends_with_a_question)`` sentences.

    In a question, the clauses after the asking one are part of it ("is the TV
    on HDMI 2 and at volume 20?"), unless they give an order of their own.

    >>> turn_mentions([(["is the tv on hdmi 2", "at volume 20"], True), (["set it to 30"], False)])
    ['question', 'question', None]
    """
    out: list[str | None] = []
    for clauses, question in sentences:
        asking = None
        for clause in clauses:
            said = mention(clause, question=question)
            if said is None and asking and not gives_order(clause):
                said = asking
            asking = "question" if said == "question" else asking
            out.append(said)
    return out
