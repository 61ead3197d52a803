"""Known answers over devices the code has never seen: blinds, a kettle and a heater (tests/data/home_devices.json).

Dialogues are written here; sessions go into a real store as dialogue events,
and ProfileBuilder / reconstruct_routines must give back the routines that
produced them.
"""

import json

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.profile.builder import ProfileBuilder
from edgerec.profile.devices import Device, DeviceSchema, Phrase, Setting
from edgerec.profile.extract import extract, extract_actions, normalize
from edgerec.profile.hybrid import make_extractor
from edgerec.profile.nl_profile import describe_actions
from edgerec.profile.reconstruct import reconstruct_routines
from edgerec.profile.sessions import user_events
from helpers import KEY
from home_sessions import ANSWERS, DIALOGUES, HOME, HOME_FILE, KNOWN, SNOW, key, messages, sessions

runner = CliRunner()


@pytest.mark.parametrize("routine, index", [(r, i) for r in DIALOGUES for i in range(len(DIALOGUES[r]))])
def test_each_dialogue_gives_its_settings(routine, index):
    assert extract_actions(messages(DIALOGUES[routine][index]), schema=HOME) == ANSWERS[routine]


@pytest.mark.parametrize("text, expected", [
    ("Blinds to 35 percent, tilt half", {"blinds": {"position": 35, "tilt": "half"}}),
    ("Blinds halfway please.", {"blinds": {"tilt": "half"}}),
    ("Kettle to 70. Oh, and turn off keep warm.", {"kettle": {"keep_warm": False, "temperature": 70}}),
    ("turn the kettle's warming off", {"kettle": {"keep_warm": False}}),
    ("Turn on the heater, eco mode", {"heater": {"mode": "eco"}}),  # the heater has no on/off setting
    ("Heater to 22 degrees", {}),  # out of the level's range, and the kettle is not talked about
    ("Close the fridge and feed the cat", {}),
    ("What's the weather like today?", {}),
])
def test_single_turns(text, expected):
    assert extract_actions(messages([text]), schema=HOME) == expected


def test_correction_and_undo_on_a_custom_device():
    said = messages(["Heater level 2.", "Heater at 2.", "No, 4. And the kettle to 60 degrees.", "Done.",
                      "Undo the kettle."])
    assert extract_actions(said, schema=HOME) == {"heater": {"level": 4}}


def test_generic_rules_read_the_schema():
    cooler = Device("cooler", (Setting("target", "int", min=16, max=30, unit="degrees", words=("target",)),
                               Setting("fan", "int", min=0, max=3, words=("fan",)),
                               Setting("quiet", "bool", words=("quiet mode",))),
                    words=("air cooler",))
    pc = Device("pc", (Setting("volume", "int", min=0, max=100, unit="percent"),))
    siren = Device("siren", (Setting("loudness", "int", min=0, max=100, patterns_if_named=(r"\bvolume\b",)),),
                   words=("alarm",))
    schema = DeviceSchema((cooler, pc, siren),
                          phrases=(Phrase(r"\bthe (?:coldest|coolest) setting\b", "{min:degrees} degrees"),))
    # a number outside the default's range goes to the one other int setting that holds it
    assert extract_actions(messages(["Air cooler to 2"]), schema=schema) == {"cooler": {"fan": 2}}
    assert extract_actions(messages(["Air cooler to 24"]), schema=schema) == {"cooler": {"target": 24}}
    # on/off words set the bool setting of the device talked about
    assert extract_actions(messages(["Cooler at 20, quiet mode on"]), schema=schema) == \
        {"cooler": {"quiet": True, "target": 20}}
    # the schema's phrase uses the min of its degrees setting
    assert extract_actions(messages(["The coldest setting on the cooler"]), schema=schema) == \
        {"cooler": {"target": 16}}
    # a dotted short name is the device's key
    assert normalize("Turn up the P.C.", schema) == "turn up the pc"
    # a shared word: "volume" is the pc's volume, and the siren's loudness only when the siren is named
    assert extract_actions(messages(["Alarm volume 30"]), schema=schema) == {"siren": {"loudness": 30}}
    assert extract_actions(messages(["Alarm on.", "The alarm is on.", "Volume 30"]), schema=schema) == \
        {"pc": {"volume": 30}}
    assert extract_actions(messages(["Alarm on.", "The alarm is on.", "Actually, I meant the pc."]),
                           schema=schema) == {}


@pytest.mark.parametrize("seed", [3, 17])
def test_store_to_routines_end_to_end(store, seed):
    store.log_many(user_events("dana", sessions(seed)))
    profile = ProfileBuilder(store, schema=HOME).rebuild("dana")
    assert sorted(map(key, profile["routines"])) == sorted(map(key, KNOWN))
    assert "kettle keeps warm" in profile["summary"] and "heater comfort mode" in profile["summary"]
    assert profile["devices"] == HOME.digest
    assert ProfileBuilder(store, schema=HOME).rebuild("dana")["extracted_now"] == 0
    # another schema reads every session again instead of reusing extractions made with this one
    assert ProfileBuilder(store).rebuild("dana")["extracted_now"] == profile["sessions"]


def test_reconstruct_and_extractor_take_the_schema():
    routines = reconstruct_routines(sessions(5), schema=HOME)
    # sessions(5) also holds a coincidence the miner reports: three of its 25 spontaneous sessions are
    # "Kettle to 55 degrees", all three on cloudy days (a 3-session routine, confidence 0.86)
    assert set(map(key, KNOWN)) <= set(map(key, routines))
    assert [r for r in routines if key(r) not in set(map(key, KNOWN))] == [
        {"triggers": {"weather": "cloudy"}, "actions": {"kettle": {"temperature": 55}}}]
    rules = make_extractor("rules", schema=HOME)
    assert rules(messages(DIALOGUES["snow"][0])) == SNOW
    assert extract(messages(["Heater to level 9"]), schema=HOME).actions == {}
    assert describe_actions(SNOW, HOME) == "heater boost mode, level 5"


def test_cli_profile_rebuild_with_devices(store, db_path, tmp_path):
    store.log_many(user_events("dana", sessions(11)))
    store.close()
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    where = ["--db", str(db_path), "--key-file", str(key_file)]
    result = runner.invoke(app, ["profile", "rebuild", "--user", "dana", "--no-llm", "--json",
                                 "--devices", str(HOME_FILE), *where])
    assert result.exit_code == 0, result.output
    assert sorted(map(key, json.loads(result.output)["routines"])) == sorted(map(key, KNOWN))
    shown = runner.invoke(app, ["profile", "show", "--user", "dana", "--devices", str(HOME_FILE), *where])
    assert shown.exit_code == 0 and "kettle keeps warm" in shown.output


def test_cli_bad_device_schema_is_one_line(tmp_path, db_path, store):
    store.close()
    bad = tmp_path / "devices.json"
    bad.write_text(json.dumps({"devices": {"kettle": {"settings": {"temperature": {"type": "int", "min": 40}}}}}))
    result = runner.invoke(app, ["profile", "rebuild", "--user", "dana", "--db", str(db_path), "--no-llm",
                                 "--devices", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "device 'kettle': setting 'temperature'" in lines[0], result.output
