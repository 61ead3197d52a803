"""Extraction on wordings the rules were not written from: nicknames, undo, offers, choices.

Every phrase here was written for this test; none is taken from a dataset generator.
"""

import pytest

from edgerec.profile.extract import extract_actions, normalize
from edgerec.profile.lexicon import find_cues


def dialogue(*turns):
    roles = ["user", "assistant"]
    return [{"role": roles[i % 2], "text": text} for i, text in enumerate(turns)]


def devices(text):
    return [c.payload for c in find_cues(normalize(text)) if c.kind == "device"]


@pytest.mark.parametrize("noun, device", [
    ("the chandelier", "lights"), ("the downlights", "lights"), ("the led strip", "lights"),
    ("the sconces", "lights"), ("the floor lamp", "lights"), ("the overhead lights", "lights"),
    ("the telly", "tv"), ("the goggle box", "tv"), ("the projector", "tv"), ("the flatscreen", "tv"),
    ("the mini-split", "ac"), ("the heat pump", "ac"), ("the furnace", "ac"), ("the aircon", "ac"),
    ("the soundbar", "speaker"), ("the hifi", "speaker"), ("the boom box", "speaker"), ("the subwoofer", "speaker"),
    ("the intruder alarm", "security"), ("the alarm keypad", "security"), ("the home alarm", "security"),
])
def test_device_nicknames(noun, device):
    assert devices(f"could you adjust {noun} a bit") == [device]


def test_ambiguous_nouns_need_a_determiner():
    assert devices("set the lamp to warm") == ["lights"]  # "set" the verb names no TV
    assert devices("the set is too loud") == ["tv"]
    assert devices("the box on hdmi 2") == ["tv"]
    assert devices("a set of lamps") == ["lights"]


@pytest.mark.parametrize("text, expected", [
    ("Put the soundbar at 40.", {"speaker": {"volume": 40}}),
    ("Chandelier to 25 percent, warm.", {"lights": {"brightness": 25, "color": "warm"}}),
    ("Set the mini split to twenty one degrees, fan 2 out of 3.", {"ac": {"temperature": 21, "fan_speed": 2}}),
    ("Arm the intruder alarm and make the siren 70 out of 100.", {"security": {"armed": True, "alarm_volume": 70}}),
    ("The goggle box on HDMI #2, please.", {"tv": {"input_source": "HDMI2"}}),
    # several settings of one device, one clause, joined by '&'
    ("Put the telly at 40 percent brightness & on HDMI1 & at volume thirty-five percent.",
     {"tv": {"brightness": 40, "input_source": "HDMI1", "volume": 35}}),
    # 'playing at' names the volume
    ("Get the projector playing at 15.", {"tv": {"volume": 15}}),
])
def test_one_turn_requests(text, expected):
    assert extract_actions(dialogue(text)) == expected


def test_numbers_without_a_setting_cue_are_not_bound():
    messages = dialogue("My phone is at 10% and I had 6 meetings. Set the lamp to warm please.")
    assert extract_actions(messages) == {"lights": {"color": "warm"}}


def test_undo_takes_back_only_the_last_request():
    messages = dialogue("Make the lamps warm white.", "Done.", "Heater to 24 degrees please.", "Done.",
                        "Hmm, actually undo that.", "Undone.")
    assert extract_actions(messages) == {"lights": {"color": "warm"}}


def test_undo_restores_the_value_before_the_request():
    messages = dialogue("Aircon to 22.", "Okay, 22 degrees.", "Now aircon to 26.", "Done.", "Revert that please.")
    assert extract_actions(messages) == {"ac": {"temperature": 22}}


def test_scratch_that_with_a_new_value_is_a_correction():
    messages = dialogue("Stereo on bass boost and volume 30 - scratch that, treble boost.")
    assert extract_actions(messages) == {"speaker": {"equalizer": "treble boost", "volume": 30}}


def test_an_order_about_an_unmodelled_thing_takes_no_number():
    messages = dialogue("Lamps to 50%.", "Done.", "Switch on the towel rail, setting 2.", "Done.")
    assert extract_actions(messages) == {"lights": {"brightness": 50}}


@pytest.mark.parametrize("answer, expected", [
    ("I'll pass.", {"tv": {"volume": 20}}),
    ("Go for it.", {"tv": {"volume": 20}, "lights": {"brightness": 20}}),
])
def test_an_offer_phrased_as_a_statement_needs_a_yes(answer, expected):
    messages = dialogue("Telly volume 20.", "Done. I could also dim the lamps to 20% if you like.", answer)
    assert extract_actions(messages) == expected


def test_the_device_the_user_picks_gets_the_setting():
    messages = dialogue("Volume 30 please.", "The telly or the soundbar?", "The soundbar.", "Done.")
    assert extract_actions(messages) == {"speaker": {"volume": 30}}


def test_a_state_report_after_a_colon_is_not_a_request():
    messages = dialogue("Where is the heater at?", "Right now: the heater at 25 degrees.", "Cool, leave it.")
    assert extract_actions(messages) == {}


def test_cool_answering_a_question_is_a_value():
    messages = dialogue("Change the heat pump mode.", "Which mode?", "Cool, please.")
    assert extract_actions(messages) == {"ac": {"mode": "cool"}}


def test_still_is_not_a_light_mode():
    messages = dialogue("Lamps on dynamic.", "Done.", "The parcel still hasn't come.")
    assert extract_actions(messages) == {"lights": {"mode": "dynamic"}}


@pytest.mark.parametrize("text, expected", [
    ("Turn the heat pump fan off.", {"ac": {"fan_speed": 0}}),
    ("Switch the burglar alarm off.", {"security": {"armed": False}}),
    ("Siren at forty, armed.", {"security": {"alarm_volume": 40, "armed": True}}),  # the siren names the alarm
    ("Blower on high, automatic mode.", {"ac": {"fan_speed": 3, "mode": "auto"}}),  # the blower names the AC
    ("Take the chandelier up to maximum.", {"lights": {"brightness": 100}}),
    ("Mute the telly.", {"tv": {"volume": 0}}),
    ("Soundbar on treble-heavy, and at twenty.", {"speaker": {"equalizer": "treble boost", "volume": 20}}),
    ("Bring the sconces down to forty with cool white.", {"lights": {"brightness": 40, "color": "cool"}}),
    ("Switch to HDMI 1 and backlight 70.", {"tv": {"input_source": "HDMI1", "brightness": 70}}),
])
def test_more_one_turn_requests(text, expected):
    assert extract_actions(dialogue(text)) == expected


def test_the_assistant_confirming_another_device_corrects_a_guess():
    messages = dialogue("Hifi volume to 40.", "Done.", "Now the Netflix app with volume 25.",
                        "Okay: the telly on Netflix, volume 25.")
    assert extract_actions(messages) == {"speaker": {"volume": 40}, "tv": {"input_source": "Netflix", "volume": 25}}


@pytest.mark.parametrize("messages, expected", [
    # words that only an alarm does need no device; generic on/off words do
    (dialogue("Lock up the house, I'm off to bed."), {"security": {"armed": True}}),
    (dialogue("Alarm on and the lamps at 5%."), {"security": {"armed": True}, "lights": {"brightness": 5}}),
    (dialogue("Disarm the alarm.", "Done.", "Go on then, lamps to warm."),
     {"security": {"armed": False}, "lights": {"color": "warm"}}),
    # "X, not Y": Y is not asked for
    (dialogue("Soundbar on treble boost.", "Bass boost it is.", "No, treble boost, not bass boost."),
     {"speaker": {"equalizer": "treble boost"}}),
    # a bare "volume" after talking about the siren is the TV's or the speaker's
    (dialogue("Siren to 60.", "Done.", "Volume to 25.", "The telly or the hifi?", "The telly."),
     {"security": {"alarm_volume": 60}, "tv": {"volume": 25}}),
    (dialogue("Crank the tunes up to 70, EQ flat."), {"speaker": {"volume": 70, "equalizer": "balanced"}}),
    (dialogue("Heat pump fan to level zero of three."), {"ac": {"fan_speed": 0}}),
])
def test_alarm_words_negated_values_and_bare_volume(messages, expected):
    assert extract_actions(messages) == expected


def test_i_meant_the_other_device_moves_the_last_request():
    messages = dialogue("Put the hifi on 20.", "Okay, hifi volume 20.", "Oh wait, I meant the telly.")
    assert extract_actions(messages) == {"tv": {"volume": 20}}


def test_a_sign_off_naming_two_devices_is_not_a_choice():
    messages = dialogue("Siren 65 and telly volume 25.",
                        "The alarm at 65 and the TV at volume 25. Let me know if you need anything else.",
                        "Make the siren 70 instead.")
    assert extract_actions(messages) == {"security": {"alarm_volume": 70}, "tv": {"volume": 25}}


def test_a_value_only_one_device_has_names_it_for_a_bare_number():
    assert extract_actions(dialogue("Put Netflix on at 30.")) == {"tv": {"input_source": "Netflix", "volume": 30}}


@pytest.mark.parametrize("messages, expected", [
    (dialogue("I ran 5 km this morning and it's 28 degrees out. Lamps at 40 please."), {"lights": {"brightness": 40}}),
    (dialogue("The kettle's at 90 degrees. Put the AC on 22."), {"ac": {"temperature": 22}}),
    (dialogue("My sister called 3 times today. Anyway, the telly on YouTube."), {"tv": {"input_source": "YouTube"}}),
    (dialogue("Water the plants for 10 minutes."), {}),
    (dialogue("Raise the temperature by 2 degrees."), {}),
])
def test_numbers_that_are_not_settings(messages, expected):
    assert extract_actions(messages) == expected
