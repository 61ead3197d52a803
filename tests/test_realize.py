"""Grammar-constrained realization of the NL profile: the grammar text, the vocabulary, the fluency check."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.profile.devices import resolve
from edgerec.profile.nl_profile import fact_terms, faithful
from edgerec.profile.realize import (
    ADVERBS,
    ARTICLES,
    MAX_ROUTINES,
    VERBS,
    fluency_problems,
    fluent,
    routine_spans,
    safe_vocabulary,
    sentence_grammar,
    unused_words,
)
from home_sessions import HOME, MORNING

MORNING_AC = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"},
              "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm"}}}
NIGHT = {"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}
AFTERNOON = {"triggers": {"time_of_day": "afternoon", "outdoor_temp": "mild"},
             "actions": {"speaker": {"equalizer": "treble boost"}, "tv": {"volume": 20}}}


def test_grammar_fixes_the_facts_in_order_and_frees_only_the_words_between():
    grammar = sentence_grammar(MORNING_AC)
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines())
    assert set(rules) == {"root", "adverb", "verb", "article", "join"}
    assert rules["root"] == ('"On weekday mornings" "," " you" adverb " " verb article " " '
                             '"AC heat mode, at 23 degrees" join " " "lights warm" "."')
    assert rules["join"] == '"," " and"? (" " verb)? article'
    offered = re.findall(r'"(\w+)"', rules["verb"] + rules["adverb"] + rules["article"])
    assert set(offered) == set(VERBS) | set(ADVERBS) | set(ARTICLES)


def test_a_later_sentence_starts_with_a_space_and_offers_only_unused_words():
    said = "On weekday mornings, you usually keep the AC heat mode, at 23 degrees, and set the lights warm."
    grammar = sentence_grammar(NIGHT, vocabulary=unused_words(said), first=False)
    assert grammar.startswith('root ::= " At night" ","')
    verbs = re.findall(r'"(\w+)"', grammar.splitlines()[2])
    assert "keep" not in verbs and "set" not in verbs and "have" in verbs
    assert '"usually"' not in grammar and '"often"' in grammar


def test_with_every_verb_used_all_verbs_are_offered_again():
    grammar = sentence_grammar(NIGHT, vocabulary=["the"])
    assert set(re.findall(r'"(\w+)"', grammar.splitlines()[2])) == set(VERBS)
    assert grammar.splitlines()[1] == 'adverb ::= ""'


def test_the_vocabulary_leaves_out_every_word_of_the_schema():
    assert "warm" not in safe_vocabulary(words=["warm", "lights", "speakers", "mornings", "the"])
    assert safe_vocabulary(words=["warm", "lights", "speakers", "mornings", "the", "off", "2x"]) == ["the"]
    # a custom schema whose kettle "keeps warm": "keep" is no longer a connecting word
    assert "keep" in safe_vocabulary() and "keep" not in safe_vocabulary(HOME)
    for schema in (None, HOME):
        vocabulary = " ".join(safe_vocabulary(schema, VERBS + ADVERBS + ARTICLES))
        assert fact_terms(vocabulary, schema) == frozenset()


def test_spans_of_a_custom_schema():
    assert routine_spans({"triggers": {"time_of_day": "morning"}, "actions": MORNING}, HOME) == (
        "In the morning", ["blinds position 80", "kettle keeps warm, at 90 degrees"])


def test_grammar_text_is_escaped():
    odd = {"triggers": {}, "actions": {"tv": {"input_source": 'say "hi" \\ there'}}}
    root = sentence_grammar(odd).splitlines()[0]
    assert '"TV on say \\"hi\\" \\\\ there"' in root


# -- fluency ----------------------------------------------------------------------------------

GOOD = ("On weekday mornings, you usually keep the AC heat mode, at 23 degrees, and the lights warm. "
        "At night, you set the security armed. "
        "In the afternoon, when it is mild outside, you like the speaker treble boost, and the TV volume 20.")


def test_a_realized_profile_is_fluent_and_faithful():
    routines = [MORNING_AC, NIGHT, AFTERNOON]
    assert fluency_problems(GOOD, routines) == [] and faithful(GOOD, routines)


def test_fixed_wording_may_repeat_but_the_models_words_may_not():
    cold = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday", "outdoor_temp": "cold"},
            "actions": {"ac": {"mode": "heat"}}}
    hot = {"triggers": {"time_of_day": "morning", "day_of_week": "weekday", "outdoor_temp": "hot"},
           "actions": {"ac": {"mode": "cool"}}}
    varied = ("On weekday mornings, when it is cold outside, you keep the AC heat mode. "
              "On weekday mornings, when it is hot outside, you prefer the AC cool mode.")
    assert fluent(varied, [cold, hot])
    same = varied.replace("prefer", "keep")
    assert fluency_problems(same, [cold, hot]) == ["repeated phrase: you keep the"]


def test_each_routine_once():
    twice = GOOD + " At night, you have your security armed."
    assert fluency_problems(twice, [MORNING_AC, NIGHT, AFTERNOON]) == ["routine 1 stated 2 times"]
    missing = GOOD.split(". ")[0] + "."
    assert fluency_problems(missing, [MORNING_AC, NIGHT, AFTERNOON]) == [
        "routine 1 stated 0 times", "routine 2 stated 0 times"]


def test_sentence_length_bounds():
    assert fluency_problems("At night, armed.", [NIGHT]) == ["sentence of 3 words: At night, armed"]
    long = "At night, " + "you really do so " * 10 + "the security armed."
    assert any(p.startswith("sentence of 45 words") for p in fluency_problems(long, [NIGHT], n=50))


def test_only_the_first_routines_must_be_stated():
    many = [{"triggers": {"time_of_day": "night"}, "actions": {"tv": {"volume": v}}} for v in range(10)]
    problems = fluency_problems("", many)
    assert problems == [f"routine {i} stated 0 times" for i in range(MAX_ROUTINES)]


# -- by construction: whatever words the model picks, the fact check passes -----------------

SCHEMA = resolve(None)
_CONTEXTS = {"time_of_day": ["morning", "afternoon", "evening", "night"], "day_of_week": ["weekday", "weekend"],
             "weather": ["sunny", "rainy"], "outdoor_temp": ["cold", "mild"], "sun_phase": ["after_sunset"]}


@st.composite
def routines(draw):
    out = []
    for index in range(draw(st.integers(1, 4))):
        fields = draw(st.lists(st.sampled_from(sorted(_CONTEXTS)), min_size=1, max_size=3, unique=True))
        triggers = {f: draw(st.sampled_from(_CONTEXTS[f])) for f in fields}
        triggers["time_of_day"] = ["morning", "afternoon", "evening", "night"][index]  # routines differ
        devices = draw(st.lists(st.sampled_from(["tv", "ac", "lights", "speaker", "security"]), min_size=1,
                                max_size=3, unique=True))
        actions = {}
        for device in devices:
            setting = draw(st.sampled_from(SCHEMA.device(device).settings))
            if setting.type == "enum":
                value = draw(st.sampled_from(setting.values))
            elif setting.type == "bool":
                value = draw(st.booleans())
            else:
                value = draw(st.integers(0, 100))
            actions[device] = {setting.name: value}
        out.append({"triggers": triggers, "actions": actions})
    return out


def _walk(routine, vocabulary, draw, first):
    """One sentence the grammar allows, with the words drawn at random (the grammar's structure, by hand)."""
    grammar = sentence_grammar(routine, vocabulary=vocabulary, first=first)
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines())
    verbs = re.findall(r'"(\w+)"', rules["verb"])
    adverbs = re.findall(r'"(\w+)"', rules["adverb"])
    when, what = routine_spans(routine)
    adverb = draw(st.sampled_from(["", *adverbs]))
    text = (" " if not first else "") + f"{when}, you{' ' + adverb if adverb else ''} {draw(st.sampled_from(verbs))}"
    for k, span in enumerate(what):
        if k:
            text += "," + draw(st.sampled_from(["", " and"])) + draw(st.sampled_from(["", *(" " + v for v in verbs)]))
        text += f" {draw(st.sampled_from(ARTICLES))} {span}"
    return text + "."


@settings(max_examples=60, deadline=None)
@given(found=routines(), data=st.data())
def test_any_walk_through_the_grammars_passes_the_fact_check(found, data):
    written = ""
    for i, routine in enumerate(found):
        written += _walk(routine, unused_words(written), data.draw, first=not i)
    assert faithful(written, found), written
    stated = [p for p in fluency_problems(written, found) if p.startswith("routine")]
    assert stated == [], written


def test_degenerate_input():
    assert fluency_problems("Nothing to say here at all.", []) == []
    with pytest.raises(ValueError, match="nothing to state"):
        sentence_grammar({"triggers": {}, "actions": {}})
