"""Extraction on the turns real assistants see: bare confirmations, offers, vague requests, mentions,
several devices in one clause, relative changes.

Every dialogue here was written for this test (issue 12, part 2); none comes from a dataset generator.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgerec.profile.devices import DeviceSchema
from edgerec.profile.extract import extract, extract_actions
from edgerec.profile.mention import mention
from edgerec.profile.relative import Relative, apply_relative, find_relative


def dialogue(*turns):
    roles = ["user", "assistant"]
    return [{"role": roles[i % 2], "text": text} for i, text in enumerate(turns)]


# 1. A confirmation without a value: the request's value stands.
@pytest.mark.parametrize("messages, expected", [
    (dialogue("Set the heater to 21.", "Done."), {"ac": {"temperature": 21}}),
    (dialogue("Lamps to 35% please.", "Sure thing."), {"lights": {"brightness": 35}}),
    (dialogue("Speaker volume 40.", "OK, changed."), {"speaker": {"volume": 40}}),
    (dialogue("Telly on YouTube and volume 18.", "All set!", "Cheers."),
     {"tv": {"input_source": "YouTube", "volume": 18}}),
    (dialogue("Aircon to 19, no wait, 20.", "Consider it done."), {"ac": {"temperature": 20}}),
    (dialogue("Put the lamps on cool white.", "Changed it for you.", "Great, and the alarm on.", "Okay!"),
     {"lights": {"color": "cool"}, "security": {"armed": True}}),
])
def test_a_bare_confirmation_keeps_the_requested_value(messages, expected):
    assert extract_actions(messages) == expected


# 2. A value only in the assistant's offer: a yes sets it, a no does not, a counter-offer sets its own value.
_OFFERS = [
    ("It's chilly in here.", "Shall I set it to 22?", {"ac": {"temperature": 22}}),
    ("Brr, I'm freezing.", "Want me to put the heater on 24?", {"ac": {"temperature": 24}}),
    ("Bit gloomy in the lounge.", "I can bring the lamps up to 70% if you like.", {"lights": {"brightness": 70}}),
    ("Time for a film.", "Want me to put on Netflix?", {"tv": {"input_source": "Netflix"}}),
    ("The telly is rather loud.", "Should I turn it down to 15?", {"tv": {"volume": 15}}),
]


@pytest.mark.parametrize("answer", ["Yes.", "Sounds good.", "Go for it!", "Yeah, please do.", "Perfect, thanks."])
@pytest.mark.parametrize("opening, offer, expected", _OFFERS)
def test_an_accepted_offer_sets_its_value(opening, offer, expected, answer):
    assert extract_actions(dialogue(opening, offer, answer)) == expected


@pytest.mark.parametrize("answer", ["No thanks.", "Leave it.", "Not now.", "Nah, I'm fine.", "No, leave it as it is."])
@pytest.mark.parametrize("opening, offer, expected", _OFFERS)
def test_a_declined_offer_sets_nothing(opening, offer, expected, answer):
    assert extract_actions(dialogue(opening, offer, answer)) == {}


@pytest.mark.parametrize("messages, expected", [
    (dialogue("It's chilly in here.", "Shall I set it to 22?", "Make it 23 instead."), {"ac": {"temperature": 23}}),
    (dialogue("Brr, I'm freezing.", "Want me to put the heater on 24?", "No, 25."), {"ac": {"temperature": 25}}),
    (dialogue("Bit gloomy in here.", "Shall I set the lamps to 60%?", "Eighty would be better."),
     {"lights": {"brightness": 80}}),
    (dialogue("The telly is rather loud.", "Should I turn it down to 15?", "Go a little lower, 10."),
     {"tv": {"volume": 10}}),
])
def test_a_counter_offer_sets_its_own_value(messages, expected):
    assert extract_actions(messages) == expected


# 3. A vague request, then a number.
@pytest.mark.parametrize("messages, expected", [
    (dialogue("Can you make it a bit warmer in here? Make it 24."), {"ac": {"temperature": 24}}),
    (dialogue("A little warmer please... say 24."), {"ac": {"temperature": 24}}),
    (dialogue("Turn the telly up — 30 is fine."), {"tv": {"volume": 30}}),
    (dialogue("Could the lamps be brighter?", "How bright?", "Oh, 85."), {"lights": {"brightness": 85}}),
    (dialogue("The music's too quiet.", "How loud would you like it?", "Forty."), {"speaker": {"volume": 40}}),
    (dialogue("Cooler in here please.", "What temperature?", "Nineteen."), {"ac": {"temperature": 19}}),
])
def test_a_vague_request_then_a_number(messages, expected):
    assert extract_actions(messages) == expected


# 4. Devices mentioned without being set.
@pytest.mark.parametrize("messages", [
    # complaints
    dialogue("The TV is so loud."),
    dialogue("Ugh, the lamps are way too bright tonight.", "That sounds uncomfortable."),
    dialogue("The heater is blasting again.", "I'm sorry to hear that."),
    # questions
    dialogue("Is the alarm on?"),
    dialogue("Is the alarm armed?", "Yes, it is."),
    dialogue("Is the telly on HDMI 2?", "It is."),
    dialogue("Are the lamps on warm white?", "They are on warm white right now."),
    dialogue("What's the heater set to?", "It's at 20 now.", "Okay, thanks."),
    # plans
    dialogue("I'll watch TV later."),
    dialogue("Tomorrow I might need the heating."),
    dialogue("Later tonight I'm going to put Netflix on.", "Enjoy!"),
    dialogue("This weekend we might arm the alarm before the trip."),
    # past tense
    dialogue("I turned the lights off earlier."),
    dialogue("I had the heater on 25 yesterday and it was too much."),
    dialogue("We watched Netflix last night.", "Nice!"),
    dialogue("I disarmed the alarm when I came in.", "Welcome home."),
])
def test_a_mention_sets_nothing(messages):
    assert extract_actions(messages) == {}


@pytest.mark.parametrize("messages, expected", [
    (dialogue("The TV is so loud. Turn it down to 12."), {"tv": {"volume": 12}}),
    (dialogue("Is the alarm on?", "No, it's disarmed.", "Arm it then."), {"security": {"armed": True}}),
    (dialogue("I'll watch TV later, but for now put the speaker on 30."), {"speaker": {"volume": 30}}),
    (dialogue("I turned the lamps off earlier. Put them back to 60% please."), {"lights": {"brightness": 60}}),
    (dialogue("Tomorrow I might need the heating.", "Noted.", "Actually, switch the heater to heat mode now."),
     {"ac": {"mode": "heat"}}),
])
def test_a_request_after_a_mention_sets(messages, expected):
    assert extract_actions(messages) == expected


# 5. Several devices in one clause: the same words apply to each device that has such a setting.
@pytest.mark.parametrize("text, expected", [
    ("Set the TV and the speaker volume to 10.", {"tv": {"volume": 10}, "speaker": {"volume": 10}}),
    ("TV and speaker volume to 10.", {"tv": {"volume": 10}, "speaker": {"volume": 10}}),
    ("Both the telly and the soundbar at 25 please.", {"tv": {"volume": 25}, "speaker": {"volume": 25}}),
    ("Mute the TV and the speaker.", {"tv": {"volume": 0}, "speaker": {"volume": 0}}),
    ("Turn the speaker and the TV down to 5.", {"speaker": {"volume": 5}, "tv": {"volume": 5}}),
    ("Turn down the telly and the soundbar to 20.", {"tv": {"volume": 20}, "speaker": {"volume": 20}}),
    # a percentage only fits the lights here; a temperature has no percent
    ("Set the lights and the AC to 20%.", {"lights": {"brightness": 20}}),
    # distinct values for each device stay distinct
    ("Set the lamps to warm and the telly to 30.", {"lights": {"color": "warm"}, "tv": {"volume": 30}}),
])
def test_several_devices_in_one_clause(text, expected):
    assert extract_actions(dialogue(text)) == expected


POWER = DeviceSchema.from_dict({"devices": {
    "tv": {"words": ["telly"], "settings": {"power": {"type": "bool"},
                                            "volume": {"type": "int", "min": 0, "max": 100, "unit": "percent"}}},
    "lights": {"words": ["lamps"], "settings": {"power": {"type": "bool"},
                                                "brightness": {"type": "int", "min": 0, "max": 100,
                                                               "unit": "percent"}}},
    "kettle": {"settings": {"temperature": {"type": "int", "min": 40, "max": 100, "unit": "degrees"}}}}})


@pytest.mark.parametrize("text, expected", [
    ("Turn off the lights and the TV.", {"lights": {"power": False}, "tv": {"power": False}}),
    ("Lights and TV off.", {"lights": {"power": False}, "tv": {"power": False}}),
    ("Switch on the telly and the lamps, please.", {"tv": {"power": True}, "lights": {"power": True}}),
    # the kettle has no on/off: it is not switched
    ("Turn off the TV and the kettle.", {"tv": {"power": False}}),
])
def test_several_devices_switched_in_one_clause(text, expected):
    assert extract(dialogue(text), schema=POWER).actions == expected


# 6. Relative changes, against the last known state of that device in the session.
@pytest.mark.parametrize("messages, expected", [
    (dialogue("Set the AC to 20.", "Done.", "Two degrees warmer."), {"ac": {"temperature": 22}}),
    (dialogue("What's the AC at?", "It's at 20 now.", "Make it two degrees warmer."), {"ac": {"temperature": 22}}),
    (dialogue("Heater to 23.", "Okay.", "Hmm, drop it by three."), {"ac": {"temperature": 20}}),
    (dialogue("Volume on the speaker to 40.", "Done.", "Halve the volume."), {"speaker": {"volume": 20}}),
    (dialogue("Lights to 50.", "Done.", "Brighter by 10."), {"lights": {"brightness": 60}}),
    (dialogue("Telly volume 30.", "Done.", "Turn it up by 15."), {"tv": {"volume": 45}}),
    (dialogue("Lamps at 30%.", "Done.", "Double the brightness."), {"lights": {"brightness": 60}}),
    (dialogue("Lamps 80%.", "Done.", "Cut the brightness in half."), {"lights": {"brightness": 40}}),
    (dialogue("Soundbar at 60.", "Done.", "Bit quieter, 10 lower."), {"speaker": {"volume": 50}}),
    (dialogue("How loud is the TV?", "The TV volume is currently 24.", "Five louder please."),
     {"tv": {"volume": 29}}),
    # clamped to the setting's range
    (dialogue("AC to 29.", "Done.", "Three degrees warmer."), {"ac": {"temperature": 30}}),
    # the assistant's confirmation of the new value wins over the arithmetic
    (dialogue("Lights to 50.", "Done.", "Brighter by 10.", "Okay, lights at 65%."), {"lights": {"brightness": 65}}),
])
def test_a_relative_change_resolves_against_the_known_state(messages, expected):
    assert extract_actions(messages) == expected


@pytest.mark.parametrize("messages", [
    dialogue("Two degrees warmer please."),
    dialogue("Raise the temperature by 2 degrees."),
    dialogue("Make the TV a bit louder.", "Done."),
    dialogue("Halve the speaker volume."),
    dialogue("Lamps a touch brighter, by ten.", "Okay."),
])
def test_a_relative_change_without_a_known_state_sets_nothing(messages):
    assert extract_actions(messages) == {}


def test_a_relative_change_does_not_set_a_number_elsewhere():
    # "two" is an amount, not a fan speed
    assert extract_actions(dialogue("AC to 21.", "Done.", "Two degrees cooler.")) == {"ac": {"temperature": 19}}


def test_prior_state_resolves_a_relative_change():
    messages = dialogue("Two degrees warmer please.", "Done.")
    assert extract(messages, prior_state={"ac": {"temperature": 21}}).actions == {"ac": {"temperature": 23}}
    # the session's own values come first
    messages = dialogue("Heater to 18.", "Done.", "Two degrees warmer.")
    assert extract(messages, prior_state={"ac": {"temperature": 25}}).actions == {"ac": {"temperature": 20}}


def test_prior_state_alone_sets_nothing():
    messages = dialogue("Telly on Netflix.", "Done.")
    assert extract(messages, prior_state={"tv": {"volume": 30}, "ac": {"temperature": 22}}).actions == {
        "tv": {"input_source": "Netflix"}}


# The pure parts on their own.
@pytest.mark.parametrize("clause, sign, amount, factor", [
    ("two degrees warmer", 1, 2, None),
    ("turn it down by 5", -1, 5, None),
    ("up three notches", 1, 3, None),
    ("a couple of degrees cooler", -1, 2, None),
    ("halve the volume", 1, None, 0.5),
    ("twice as bright", 1, None, 2.0),
    ("a bit louder", 1, None, None),
])
def test_find_relative(clause, sign, amount, factor):
    change = find_relative(clause)
    assert (change.sign, change.amount, change.factor) == (sign, amount, factor)


@pytest.mark.parametrize("clause", ["turn the tv up to 30", "turn it down 15", "back by 9 pm", "20 more minutes",
                                    "set the lamps to 40"])
def test_find_relative_ignores_where_a_setting_ends(clause):
    assert find_relative(clause) is None


@given(st.integers(-3, 3).filter(bool), st.integers(0, 40), st.integers(0, 100), st.integers(0, 100))
def test_apply_relative_stays_in_range(sign, amount, current, width):
    low, high = 10, 10 + width
    moved = apply_relative(Relative(1 if sign > 0 else -1, amount, None, 0, 0), current, low, high)
    assert low <= moved <= high
    if low <= current <= high and low <= current + (1 if sign > 0 else -1) * amount <= high:
        assert moved == current + (1 if sign > 0 else -1) * amount


@pytest.mark.parametrize("clause, question, kind", [
    ("are the lamps on warm", True, "question"),
    ("how loud is the telly", True, "question"),
    ("could you put the telly on hdmi 1", True, None),
    ("is it ok to set the heater to 22", True, None),
    ("we're going to watch netflix tonight", False, "plan"),
    ("i might want the lamps dimmer", False, "plan"),
    ("i'll have the heater at 22", False, None),
    ("someone switched the alarm off", False, "past"),
    ("put the heater back to 22 like yesterday", False, None),
    ("the telly volume to 30", False, None),
])
def test_mention(clause, question, kind):
    assert mention(clause, question=question) == kind


def test_a_device_named_before_its_own_request_does_not_take_the_previous_one():
    assert extract_actions(dialogue("Lamps at 40, and for the telly, HDMI 2.")) == {
        "lights": {"brightness": 40}, "tv": {"input_source": "HDMI2"}}


def test_an_offer_answering_a_state_question_still_needs_a_yes():
    messages = dialogue("Is the alarm on?", "No, it's off. Shall I arm it?", "Yes please.")
    assert extract_actions(messages) == {"security": {"armed": True}}
    messages = dialogue("What's the heater at?", "It's at 19. Want me to make it 21?", "No thanks.")
    assert extract_actions(messages) == {}


@pytest.mark.parametrize("messages, expected", [
    # an illness is not a temperature; the weather outside moves no focus
    (dialogue("Music EQ flat.", "Done.", "I think I'm catching a cold.", "Oh no.", "Bring its volume to 50 too."),
     {"speaker": {"equalizer": "balanced", "volume": 50}}),
    (dialogue("The telly's too quiet. It's 3 degrees outside!", "What volume would you like?", "Sixty."),
     {"tv": {"volume": 60}}),
    # small talk is not a question about the home: the offer after it still needs only a yes
    (dialogue("How are you today?", "Fine, thanks! Last time you had the lamps on warm. Want that again?", "Yes."),
     {"lights": {"color": "warm"}}),
    # asking for a setting the focused device lacks ends the talk about that device
    (dialogue("It's a bit too dark in here.", "What brightness level?", "Thirty.", "The lamps are at 30% now."),
     {"lights": {"brightness": 30}}),
])
def test_small_talk_and_weather_do_not_steer_the_focus(messages, expected):
    assert extract_actions(messages) == expected


@pytest.mark.parametrize("messages, expected", [
    # "in here" alone is no temperature
    (dialogue("Too dark to read in here.", "To what level?", "Let's say 40.", "Lamps at 40%."),
     {"lights": {"brightness": 40}}),
    # "or rather cold white" is a colour, not a feeling
    (dialogue("Lamps to neutral white, or rather cold white."), {"lights": {"color": "cool"}}),
])
def test_words_about_a_room_or_a_colour_are_not_temperatures(messages, expected):
    assert extract_actions(messages) == expected


@pytest.mark.parametrize("messages, expected", [
    (dialogue("The temperature is off.", "What temperature should I set?", "24 is fine", "Done."),
     {"ac": {"temperature": 24}}),
    (dialogue("Okay, no fan. Hmm, no, two instead.", "Consider it done."), {"ac": {"fan_speed": 2}}),
])
def test_a_setting_only_one_device_has_names_it(messages, expected):
    assert extract_actions(messages) == expected
