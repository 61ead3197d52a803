"""Known answers over devices the code has never seen: blinds, a kettle and a heater (tests/data/home_devices.json).

Dialogues are written here; sessions go into a real store as dialogue events,
and ProfileBuilder / reconstruct_routines must give back the routines that
produced them.
"""

import json
import random

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.datasets.edgewise import EdgewiseUser, write
from edgerec.profile.builder import ProfileBuilder
from edgerec.profile.devices import Device, DeviceSchema, Phrase, Setting
from edgerec.profile.extract import extract, extract_actions, normalize
from edgerec.profile.hybrid import make_extractor
from edgerec.profile.nl_profile import describe_actions
from edgerec.profile.reconstruct import reconstruct_routines
from edgerec.profile.sessions import user_events
from tests.conftest import KEY, REPO

HOME_FILE = REPO / "tests" / "data" / "home_devices.json"
HOME = DeviceSchema.load(HOME_FILE)
runner = CliRunner()

MORNING = {"blinds": {"position": 80}, "kettle": {"keep_warm": True, "temperature": 90}}
EVENING = {"blinds": {"tilt": "closed"}, "heater": {"level": 3, "mode": "comfort"}}
SNOW = {"heater": {"level": 5, "mode": "boost"}}

# Each dialogue alternates user, assistant, user...
DIALOGUES = {
    "morning": [
        ["Morning! Heat the kettle to 90 degrees and keep it warm, then raise the blinds to 80%."],
        ["Kettle to ninety degrees with keep warm on please. Shades at eighty percent."],
        ["Put the kettle on at 90 degrees.", "Done. Shall I switch on keep warm too?", "Yes please. And the blinds to 80."],
        ["Blinds up to 80 percent please.", "Blinds are at 80%.", "Great. Water boiler at 90 and turn on the warming."],
        ["Start my morning: shades to 80%, kettle 90 degrees, keep-warm on."],
    ],
    "evening": [
        ["Close the slats and set the heater to level 3 on comfort mode."],
        ["Heater on comfort, level three. Shut the louvres too."],
        ["Tilt the blinds closed.", "Done, slats closed.", "Thanks, and the radiator to 3, comfort programme."],
        ["Evening please: radiator at 3 in comfort mode and the blinds shut."],
        ["Could you shut the blinds?", "Should I close the slats fully?", "Yes. Then heater level 3, comfort."],
    ],
    "snow": [
        ["It's freezing. Heater on boost, level 5."],
        ["Radiator to five and boost mode please."],
        ["Set the heater to 4.", "Heater at level 4.", "Actually make it 5, and switch it to boost."],
        ["Snow again... space heater on the boost programme at level five, please."],
        ["Heater to level 5 please.", "Done. Would you like boost mode as well?", "Yes, boost."],
    ],
}
ANSWERS = {"morning": MORNING, "evening": EVENING, "snow": SNOW}


def _messages(texts):
    return [{"role": "user" if i % 2 == 0 else "assistant", "text": t} for i, t in enumerate(texts)]


@pytest.mark.parametrize("routine, index", [(r, i) for r in DIALOGUES for i in range(len(DIALOGUES[r]))])
def test_each_dialogue_gives_its_settings(routine, index):
    assert extract_actions(_messages(DIALOGUES[routine][index]), schema=HOME) == ANSWERS[routine]


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
    assert extract_actions(_messages([text]), schema=HOME) == expected


def test_correction_and_undo_on_a_custom_device():
    said = _messages(["Heater level 2.", "Heater at 2.", "No, 4. And the kettle to 60 degrees.", "Done.",
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
    assert extract_actions(_messages(["Air cooler to 2"]), schema=schema) == {"cooler": {"fan": 2}}
    assert extract_actions(_messages(["Air cooler to 24"]), schema=schema) == {"cooler": {"target": 24}}
    # on/off words set the bool setting of the device talked about
    assert extract_actions(_messages(["Cooler at 20, quiet mode on"]), schema=schema) == \
        {"cooler": {"quiet": True, "target": 20}}
    # the schema's phrase uses the min of its degrees setting
    assert extract_actions(_messages(["The coldest setting on the cooler"]), schema=schema) == \
        {"cooler": {"target": 16}}
    # a dotted short name is the device's key
    assert normalize("Turn up the P.C.", schema) == "turn up the pc"
    # a shared word: "volume" is the pc's volume, and the siren's loudness only when the siren is named
    assert extract_actions(_messages(["Alarm volume 30"]), schema=schema) == {"siren": {"loudness": 30}}
    assert extract_actions(_messages(["Alarm on.", "The alarm is on.", "Volume 30"]), schema=schema) == \
        {"pc": {"volume": 30}}
    assert extract_actions(_messages(["Alarm on.", "The alarm is on.", "Actually, I meant the pc."]),
                           schema=schema) == {}


def _sessions(seed: int) -> list[dict]:
    """A user's sessions: three routines with their contexts, and spontaneous requests at random."""
    rng = random.Random(seed)
    meta_values = {"time_of_day": ["morning", "afternoon", "evening", "night"], "day_of_week": ["weekday", "weekend"],
                   "sun_phase": ["before_sunrise", "daylight", "after_sunset"],
                   "weather": ["sunny", "cloudy", "rainy", "snowy"],
                   "outdoor_temp": ["very cold", "cold", "mild", "warm", "hot"]}

    def meta(**fixed):
        drawn = {k: rng.choice([v for v in vs if v not in fixed.get("avoid_" + k, ())]) for k, vs in meta_values.items()}
        drawn.update({k: v for k, v in fixed.items() if not k.startswith("avoid_")})
        return drawn

    plan = ([("morning", dict(time_of_day="morning", day_of_week="weekday", avoid_weather=("snowy",)))] * 30
            + [("evening", dict(time_of_day="evening", avoid_weather=("snowy",)))] * 30
            + [("snow", dict(weather="snowy", avoid_time_of_day=("evening",)))] * 20
            + [(None, dict(avoid_weather=("snowy",)))] * 25)
    rng.shuffle(plan)
    sessions = []
    for number, (routine, fixed) in enumerate(plan):
        if routine is None:
            texts = [rng.choice([f"Blinds to {rng.randrange(5, 60, 5)} percent.", f"Kettle to {rng.randrange(40, 80, 5)} degrees.",
                                 f"Heater level {rng.randrange(0, 3)}.", "What's the weather like today?",
                                 "Thanks, that's all for now.", f"Set the blinds to {rng.randrange(5, 60, 5)}%."])]
        else:
            texts = rng.choice(DIALOGUES[routine])
        sessions.append({"session_id": number, "meta": meta(**fixed), "messages": _messages(texts)})
    return sessions


KNOWN = [
    {"triggers": {"time_of_day": "morning", "day_of_week": "weekday"}, "actions": MORNING},
    {"triggers": {"time_of_day": "evening"}, "actions": EVENING},
    {"triggers": {"weather": "snowy"}, "actions": SNOW},
]


def _key(routine):
    return json.dumps(routine, sort_keys=True)


@pytest.mark.parametrize("seed", [3, 17])
def test_store_to_routines_end_to_end(store, seed):
    store.log_many(user_events("dana", _sessions(seed)))
    profile = ProfileBuilder(store, schema=HOME).rebuild("dana")
    assert sorted(map(_key, profile["routines"])) == sorted(map(_key, KNOWN))
    assert "kettle keeps warm" in profile["summary"] and "heater comfort mode" in profile["summary"]
    assert profile["devices"] == HOME.digest
    assert ProfileBuilder(store, schema=HOME).rebuild("dana")["extracted_now"] == 0
    # another schema reads every session again instead of reusing extractions made with this one
    assert ProfileBuilder(store).rebuild("dana")["extracted_now"] == profile["sessions"]


def test_reconstruct_and_extractor_take_the_schema():
    sessions = _sessions(5)
    routines = reconstruct_routines(sessions, schema=HOME)
    assert sorted(map(_key, routines)) == sorted(map(_key, KNOWN))
    rules = make_extractor("rules", schema=HOME)
    assert rules(_messages(DIALOGUES["snow"][0])) == SNOW
    assert extract(_messages(["Heater to level 9"]), schema=HOME).actions == {}
    assert describe_actions(SNOW, HOME) == "heater boost mode, level 5"


def test_cli_profile_rebuild_with_devices(store, db_path, tmp_path):
    store.log_many(user_events("dana", _sessions(11)))
    store.close()
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    where = ["--db", str(db_path), "--key-file", str(key_file)]
    result = runner.invoke(app, ["profile", "rebuild", "--user", "dana", "--no-llm", "--json",
                                 "--devices", str(HOME_FILE), *where])
    assert result.exit_code == 0, result.output
    assert sorted(map(_key, json.loads(result.output)["routines"])) == sorted(map(_key, KNOWN))
    shown = runner.invoke(app, ["profile", "show", "--user", "dana", "--devices", str(HOME_FILE), *where])
    assert shown.exit_code == 0 and "kettle keeps warm" in shown.output


def test_cli_bad_device_schema_is_one_line(tmp_path, db_path, store):
    store.close()
    bad = tmp_path / "devices.json"
    bad.write_text(json.dumps({"devices": {"kettle": {"settings": {"temperature": {"type": "int", "min": 40}}}}}))
    for command in (["profile", "rebuild", "--user", "dana", "--db", str(db_path)],
                    ["eval", "edgewise", "--data", str(tmp_path), "--out", str(tmp_path / "p.jsonl")]):
        result = runner.invoke(app, [*command, "--no-llm", "--devices", str(bad)])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "device 'kettle': setting 'temperature'" in lines[0], result.output


def test_cli_eval_edgewise_with_devices(tmp_path):
    users = [EdgewiseUser(sessions=_sessions(seed), routines=KNOWN) for seed in (21, 22)]
    write(tmp_path / "data", users)
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path / "data"), "--out", str(out), "--json",
                                 "--no-llm", "--devices", str(HOME_FILE)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["acc.routine_exact"] == 1.0 and metrics["jaccard.flattened"] == 1.0
    # without the schema the routines name unknown devices
    refused = runner.invoke(app, ["eval", "edgewise", "--data", str(tmp_path / "data"), "--out", str(out), "--no-llm"])
    assert refused.exit_code == 2 and "unknown device 'blinds'" in refused.output
