"""Extraction rules on dialogues with a known answer."""

import pytest

from edgerec.profile.extract import extract, extract_actions, normalize, split_clauses
from edgerec.profile.number_words import find_numbers, parse_number_words


def dialogue(*turns):
    roles = ["user", "assistant"]
    return [{"role": roles[i % 2], "text": text} for i, text in enumerate(turns)]


CASES = [
    # numbers as words, several settings of one device
    (dialogue("Could you set the thermostat to twenty-one and switch it to heating mode?",
              "Sure, AC set to 21 degrees in heat mode."),
     {"ac": {"temperature": 21, "mode": "heat"}}),
    # correction: the last value wins
    (dialogue("Turn the TV volume to 30. No wait, make it 35.", "Volume is now 35."),
     {"tv": {"volume": 35}}),
    (dialogue("Set the speaker to balanced and the volume to 25, not 20."),
     {"speaker": {"equalizer": "balanced", "volume": 25}}),
    # distractor numbers: outdoor temperature, a time
    (dialogue("It's 5 degrees outside, brr. Put the AC on 24 please, and fan speed 2."),
     {"ac": {"temperature": 24, "fan_speed": 2}}),
    (dialogue("I'm back in 20 minutes, set the speakers to bass boost and volume 40"),
     {"speaker": {"equalizer": "bass boost", "volume": 40}}),
    # indirect request confirmed later
    (dialogue("It's a bit dark in here",
              "Would you like me to set the lights to 60% with a warm color?",
              "Yes, that'd be great"),
     {"lights": {"brightness": 60, "color": "warm"}}),
    # an assistant proposal the user rejects is ignored
    (dialogue("Put on Netflix", "Should I also dim the lights to 20%?", "No, leave the lights as they are."),
     {"tv": {"input_source": "Netflix"}}),
    # several devices in one turn
    (dialogue("Switch the TV to HDMI 2, brightness 80, and set the lights to cool white, dynamic mode."),
     {"tv": {"input_source": "HDMI2", "brightness": 80}, "lights": {"color": "cool", "mode": "dynamic"}}),
    (dialogue("Disarm the alarm please. Also the ac to cool at 19."),
     {"security": {"armed": False}, "ac": {"mode": "cool", "temperature": 19}}),
    (dialogue("Arm the security system and set the alarm volume to seventy."),
     {"security": {"armed": True, "alarm_volume": 70}}),
    # a bare number answering the assistant's question lands on the asked field
    (dialogue("Turn on the AC please.", "What temperature would you like?", "Twenty three, cooling."),
     {"ac": {"temperature": 23, "mode": "cool"}}),
    # the asked-for setting takes a bare number or percentage, not the device's usual one
    (dialogue("The TV picture is really dim.", "What brightness level?", "Make it ten."),
     {"tv": {"brightness": 10}}),
    (dialogue("Can you change the tv brightness?", "How bright do you want it?", "Um, 100%."),
     {"tv": {"brightness": 100}}),
    # a take-back of the last request, and a bare fan level after a correction
    (dialogue("Speaker volume to sixty please.", "Consider it done.", "No, scrap that last one."), {}),
    (dialogue("Fan to off on the thermostat, please.", "Got it, fan speed 0.", "On second thought, medium."),
     {"ac": {"fan_speed": 2}}),
]


@pytest.mark.parametrize("messages, expected", CASES)
def test_known_dialogues(messages, expected):
    assert extract_actions(messages) == expected


def test_statement_trust_can_be_turned_off():
    messages = dialogue("Make it cozy in here.", "Done: lights are warm at 30%.", "Thanks!")
    assert extract(messages).actions == {"lights": {"brightness": 30, "color": "warm"}}
    assert extract(messages, trust_statements=False).actions == {}


def test_state_reports_are_not_actions():
    messages = dialogue("What's the AC at?", "The AC is currently at 26 degrees.", "Okay, thanks.")
    assert extract_actions(messages) == {}


def test_unresolved_clause_is_reported():
    result = extract(dialogue("Can you make the lights brighter?"))
    assert result.actions == {}
    assert [(u.device, u.field) for u in result.unresolved] == [("lights", "brightness")]


def test_small_talk_yields_nothing():
    messages = dialogue("What a day, I walked 3 miles and it's 30 degrees outside.", "Sounds tiring!")
    assert extract_actions(messages) == {}


def test_number_words():
    assert parse_number_words("ninety-nine") == 99
    assert parse_number_words("two three") is None
    assert [n.value for n in find_numbers("from eighteen to twenty one")] == [18, 21]


def test_normalize_and_split():
    assert normalize("A/C to 20°C") == "ac to 20 degrees"
    assert split_clauses("tv on; volume 20") == ["tv on", "volume 20"]
