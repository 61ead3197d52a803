"""The NL profile: template wording, and the fact check applied to the model's summary."""

from edgerec.profile.nl_profile import (
    EMPTY_LABEL,
    REJECTED_LABEL,
    TEMPLATE_LABEL,
    describe_triggers,
    faithful,
    summarize,
    template_profile,
)

ROUTINES = [
    {"triggers": {"time_of_day": "morning", "day_of_week": "weekday", "weather": "sunny"},
     "actions": {"ac": {"mode": "auto", "temperature": 25}, "security": {"armed": True, "alarm_volume": 100}}},
    {"triggers": {"time_of_day": "afternoon", "outdoor_temp": "mild"},
     "actions": {"speaker": {"equalizer": "treble boost"}, "tv": {"volume": 20}}},
]


class ScriptedModel:
    """Returns a fixed text as its first sentence and nothing after: a given wrong (or right) summary
    cannot be caused reliably with the real model, whose own path is exercised in test_llm.py."""

    path = "scripted.gguf"

    def __init__(self, text):
        self.text = text
        self.grammars = []

    def generate_grammar(self, messages, gbnf, max_tokens=64, prefix=""):
        self.grammars.append(gbnf)
        return "" if prefix else self.text


def test_template_lists_every_routine():
    text = template_profile(ROUTINES, sessions=200)
    assert text.splitlines()[0] == "Habits found in your history (200 sessions):"
    assert len(text.splitlines()) == 3 and "TV volume 20" in text


def test_trigger_wording():
    assert describe_triggers({"day_of_week": "weekend"}) == "on weekends"
    assert describe_triggers({"time_of_day": "night", "sun_phase": "after_sunset"}) == "at night, after sunset"


def test_a_summary_mixing_two_routines_is_rejected():
    # the model's actual failure mode: the afternoon TV volume put on weekday mornings
    mixed = "On weekday mornings the AC is on auto and the TV volume is 20."
    assert not faithful(mixed, ROUTINES)
    assert summarize(ROUTINES, ScriptedModel(mixed)) == (template_profile(ROUTINES), REJECTED_LABEL)


def test_a_faithful_and_fluent_summary_is_used_and_labelled():
    good = "You like the AC on auto at 25 on sunny weekday mornings. Mild afternoons mean treble boost."
    model = ScriptedModel(good)
    text, source = summarize(ROUTINES, model)
    assert text == good and source == "llm: scripted.gguf"
    assert len(model.grammars) == 2  # one grammar-bound sentence per routine
    assert '"On weekday mornings, when it is sunny outside"' in model.grammars[0]
    assert '" In the afternoon, when it is mild outside"' in model.grammars[1]


def test_a_faithful_but_repetitive_summary_is_rejected():
    # passes the fact check, fails fluency: the same connecting phrase twice
    looping = ("On sunny weekday mornings you really like the AC on auto at 25. "
               "In mild afternoons you really like the treble boost.")
    assert faithful(looping, ROUTINES)
    assert summarize(ROUTINES, ScriptedModel(looping)) == (template_profile(ROUTINES), REJECTED_LABEL)


def test_no_routines_need_no_model():
    model = ScriptedModel("anything")
    assert summarize([], model) == (template_profile([]), EMPTY_LABEL) and model.grammars == []


def test_invented_numbers_fail():
    assert not faithful("Your TV is at 35 in the afternoon.", ROUTINES)


def test_without_a_model_the_template_is_labelled():
    assert summarize(ROUTINES)[1] == TEMPLATE_LABEL


def test_a_summary_that_states_nothing_checkable_is_rejected():
    # what the 135M model writes when it does not copy: true-sounding and empty
    fluff = ("This person has a unique set of habits. They prioritize lighting, sound and entertainment, "
             "which can be tailored to fit their lifestyle.")
    assert not faithful(fluff, ROUTINES)
    assert summarize(ROUTINES, ScriptedModel(fluff)) == (template_profile(ROUTINES), REJECTED_LABEL)


def test_one_routine_stated_of_two_is_not_enough():
    assert not faithful("On sunny weekday mornings the AC runs on auto at 25.", ROUTINES)
    assert faithful("On sunny weekday mornings the AC runs on auto at 25.", ROUTINES[:1])
