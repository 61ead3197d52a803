"""Grammar-constrained realization of the NL profile, and the fluency check (pure functions).

The small model is not trusted to copy facts. :func:`sentence_grammar` writes a
llama.cpp GBNF grammar for one sentence per routine in which the routine's
context and settings are fixed strings, in order; the model only chooses the
connecting words, a few at a time, from :func:`safe_vocabulary`: lower-case
words with no digit, no negation and no schema word (device, value, context),
so that the fact check (:func:`edgerec.profile.nl_profile.faithful`) passes by
construction. :func:`unused_words` keeps each verb or adverb to one sentence.
:func:`fluency_problems` then rejects what a grammar cannot stop: repeated
phrases, repeated sentences, a routine said twice or not at all, sentences too
short or too long.

>>> r = {"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}
>>> routine_spans(r)
('At night', ['security armed'])
>>> fluency_problems("At night, you keep the security armed.", [r])
[]
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Mapping, Sequence

from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.nl_profile import (
    _fact_words,
    _stated,
    describe_actions,
    describe_routine,
    describe_triggers,
    fact_terms,
)

__all__ = ["ADVERBS", "VERBS", "ARTICLES", "FUNCTION_WORDS", "CONNECTING_WORDS", "MAX_ROUTINES", "safe_vocabulary",
           "routine_spans", "sentence_grammar", "unused_words", "profile_messages", "fluency_problems", "fluent"]

#: At most this many routines are realized (the rest stay in the template's list).
MAX_ROUTINES = 8

#: The words the model chooses between the fixed spans, by slot: "<context>, you [adverb] <verb>
#: <article> <device span>", then per further device "," or ", and", [verb], <article> <span>.
#: No numbers, no negations ("not", "off", "never"), nothing that names a device or a value.
#: Articles may recur; each verb and adverb is offered once per profile (:func:`unused_words`).
ADVERBS = tuple("usually often always typically mostly generally also then".split())
VERBS = tuple("keep set have like prefer want turn switch put leave run use".split())
ARTICLES = ("the", "your")
FUNCTION_WORDS = ("you", "and", *ARTICLES)
CONNECTING_WORDS = FUNCTION_WORDS + ADVERBS + VERBS
_NEGATIONS = frozenset("not no off never none nothing without don dont".split())


def safe_vocabulary(schema: DeviceSchema | None = None, words: Sequence[str] = CONNECTING_WORDS) -> list[str]:
    """``words`` minus anything the fact check would read as a fact (or its plural), a digit or a negation.

    >>> "the" in safe_vocabulary() and "warm" not in safe_vocabulary(words=["warm", "the"])
    True
    """
    facts = _fact_words(resolve(schema))
    safe = []
    for word in words:
        if not re.fullmatch(r"[a-z]+", word) or word in _NEGATIONS:
            continue
        if word in facts or (word.endswith("s") and word[:-1] in facts):
            continue
        if word not in safe:
            safe.append(word)
    return safe


def routine_spans(routine: Mapping[str, Any], schema: DeviceSchema | None = None) -> tuple[str, list[str]]:
    """The fixed text of one routine: its context (capitalised, starts the sentence) and one span per device.

    >>> routine_spans({"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
    ...                "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}}})
    ('On weekday mornings', ['AC heat mode, at 23 degrees', 'lights warm'])
    """
    when = describe_triggers(routine.get("triggers") or {})
    actions = routine.get("actions") or {}
    what = [describe_actions({device: fields}, schema) for device, fields in actions.items()]
    return when[:1].upper() + when[1:], what


def _literal(text: str) -> str:
    """A GBNF string literal (JSON escaping is a subset of what GBNF reads)."""
    return json.dumps(text, ensure_ascii=False)


def _choice(words: Sequence[str]) -> str:
    return " | ".join(_literal(w) for w in words)


def sentence_grammar(routine: Mapping[str, Any], schema: DeviceSchema | None = None, *,
                     vocabulary: Sequence[str] | None = None, first: bool = True) -> str:
    """GBNF for one sentence stating ``routine``, with its facts fixed and the connecting words chosen.

    The sentence is ``<context>, you [adverb] <verb> <article> <device span>``,
    then for each further device ``"," [" and"] [verb] <article> <span>``, then
    ``"."``. Adverbs and verbs are those of :data:`ADVERBS` / :data:`VERBS` in
    ``vocabulary`` (default: all), after :func:`safe_vocabulary`; with no verb
    left, all verbs are offered again. A sentence that is not ``first`` starts
    with a space.

    >>> print(sentence_grammar({"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}},
    ...                        vocabulary=["often", "keep", "set"]), end="")
    root ::= "At night" "," " you" adverb " " verb article " " "security armed" "."
    adverb ::= (" " ("often"))?
    verb ::= "keep" | "set"
    article ::= " " ("the" | "your")
    join ::= "," " and"? (" " verb)? article
    """
    schema = resolve(schema)
    when, what = routine_spans(routine, schema)
    offered = CONNECTING_WORDS if vocabulary is None else vocabulary
    adverbs = safe_vocabulary(schema, [w for w in ADVERBS if w in offered])
    verbs = safe_vocabulary(schema, [w for w in VERBS if w in offered]) or safe_vocabulary(schema, VERBS)
    articles = safe_vocabulary(schema, ARTICLES)
    if not verbs or not articles:
        raise ValueError("the schema's words leave no safe verb or article")
    if not what:
        raise ValueError("a routine without actions has nothing to state")
    parts = [_literal(when if first else " " + when), '","', '" you"', "adverb", '" "', "verb", "article"]
    for k, span in enumerate(what):
        if k:
            parts += ["join"]
        parts += ['" "', _literal(span)]
    return "\n".join([
        "root ::= " + " ".join(parts + ['"."']),
        "adverb ::= " + (f'(" " ({_choice(adverbs)}))?' if adverbs else '""'),
        "verb ::= " + _choice(verbs),
        f'article ::= " " ({_choice(articles)})',
        'join ::= "," " and"? (" " verb)? article',
    ]) + "\n"


def unused_words(written: str, vocabulary: Sequence[str] = CONNECTING_WORDS) -> list[str]:
    """``vocabulary`` minus the verbs and adverbs already in ``written``: each one once.

    >>> unused_words("At night, you usually keep the security armed.", ["you", "usually", "often", "keep"])
    ['you', 'often']
    """
    used = set(_words(written)) - set(FUNCTION_WORDS)
    return [w for w in vocabulary if w not in used]


def profile_messages(routines: Sequence[Mapping[str, Any]], schema: DeviceSchema | None = None) -> list[dict[str, str]]:
    """The chat given to the model before its grammar-bound sentences: the routine lines and the task."""
    facts = "\n".join(f"- {describe_routine(r, schema)}" for r in list(routines)[:MAX_ROUTINES])
    return [
        {"role": "system", "text": "You write short, friendly summaries of a person's smart-home habits, "
                                   "one sentence per habit, speaking to the person as 'you'."},
        {"role": "user", "text": f"Habits:\n{facts}\n\nWrite one sentence for each habit, in this order."},
    ]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[.!?\n]+", text) if s.strip()]


def fluency_problems(text: str, routines: Sequence[Mapping[str, Any]], schema: DeviceSchema | None = None, *,
                     n: int = 3, min_words: int = 4, max_words: int = 40) -> list[str]:
    """What makes ``text`` read badly as a profile of ``routines``; empty when it is fluent.

    * a word ``n``-gram of the text's own words said twice: the routines' fixed
      wording (:func:`routine_spans`, which may rightly repeat "weekday mornings")
      is cut out first, and n-grams do not run across it;
    * a sentence said twice;
    * a sentence shorter than ``min_words`` or longer than ``max_words`` words;
    * a routine (of the first :data:`MAX_ROUTINES`) stated in no sentence, or in more than one.

    >>> r = [{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}]
    >>> fluency_problems("At night, you keep it so you keep it so the security armed.", r)
    ['repeated phrase: you keep it', 'repeated phrase: keep it so']
    >>> fluency_problems("At night, the security armed. At night, the security armed.", r)
    ['repeated sentence: At night, the security armed', 'routine 0 stated 2 times']
    """
    schema = resolve(schema)
    chosen = list(routines)[:MAX_ROUTINES]
    problems = []
    own = Counter(gram for piece in _own_words(text, chosen, schema) for gram in _ngrams(piece, n))
    problems += ["repeated phrase: " + " ".join(gram) for gram, count in own.items() if count > 1]
    sentences = _sentences(text)
    for sentence, count in Counter(s.lower() for s in sentences).items():
        if count > 1:
            problems.append("repeated sentence: " + next(s for s in sentences if s.lower() == sentence))
    for sentence in sentences:
        if not min_words <= len(_words(sentence)) <= max_words:
            problems.append(f"sentence of {len(_words(sentence))} words: {sentence}")
    lines = [fact_terms(describe_routine(r, schema), schema) for r in chosen]
    said: Counter = Counter()
    for sentence in sentences:
        terms = fact_terms(sentence, schema)
        for i, (routine, line) in enumerate(zip(chosen, lines)):
            if terms <= line and _stated(terms, routine, schema):
                said[i] += 1
    problems += [f"routine {i} stated {said[i]} times" for i in range(len(chosen)) if said[i] != 1]
    return problems


def _own_words(text: str, routines: Sequence[Mapping[str, Any]], schema: DeviceSchema) -> list[str]:
    """The stretches of ``text`` between sentence ends and the routines' fixed spans (longest cut first)."""
    spans = set()
    for routine in routines:
        when, what = routine_spans(routine, schema)
        spans.update(span.lower() for span in (when, *what))
    pieces = re.split(r"[.!?\n]+", text.lower())
    for span in sorted(spans, key=len, reverse=True):
        pieces = [part for piece in pieces for part in piece.split(span)]
    return pieces


def fluent(text: str, routines: Sequence[Mapping[str, Any]], schema: DeviceSchema | None = None) -> bool:
    """Whether :func:`fluency_problems` finds nothing.

    >>> fluent("", [{"triggers": {}, "actions": {"tv": {"volume": 20}}}])
    False
    """
    return not fluency_problems(text, routines, schema)


def _ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    """Word ``n``-grams of ``text`` (lower case, letters and digits)."""
    words = _words(text)
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
