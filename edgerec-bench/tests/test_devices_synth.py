"""The device-session generator over any device schema (edgerec_bench.datasets.devices_synth)."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.profile.devices import DeviceSchema
from edgerec_bench.datasets.devices_dialogue import Phrasing
from edgerec_bench.datasets.devices_synth import DevicesSynthConfig, generate, read_devices, synthesize_user
from edgerec_bench.datasets.devices_talk import names_of, spell
from edgerec_bench.datasets.edgewise import load
from edgerec_bench.datasets.edgewise_world import matches
from edgerec.errors import InputError
from edgerec.profile.number_words import find_numbers, parse_number_words
from helpers import REPO

HOME = REPO / "models" / "devices" / "home.json"

# A second home, written here and nowhere else: words with several tokens, an enum value with an
# underscore, a setting without words, a bool with only its key.
GARDEN = {"devices": {
    "sprinkler": {"words": ["sprinklers", "garden sprinkler"],
                  "settings": {"zone": {"type": "enum", "values": ["front", "back", "side_bed"], "words": ["zone"]},
                               "minutes": {"type": "int", "min": 5, "max": 60, "words": ["run time", "watering time"]}}},
    "aquarium": {"words": ["fish tank", "aquarium"],
                 "settings": {"water_temp": {"type": "int", "min": 22, "max": 28, "unit": "degrees"},
                              "pump": {"type": "bool"}}},
    "porch_light": {"words": ["porch light", "porch lamp"],
                    "settings": {"glow": {"type": "int", "min": 0, "max": 100, "unit": "percent",
                                          "words": ["brightness", "glow"]},
                                 "motion_sensor": {"type": "bool", "words": ["motion sensor", "sensor"]}}},
}}

_ON, _OFF = re.compile(r"\b(on|enable)\b", re.I), re.compile(r"\b(off|disable)\b", re.I)


def _texts(session):
    return [m["text"] for m in session["messages"]]


def _numbers(text):
    """Signed numbers in a text: "-3" and "minus three" are negative."""
    out = []
    for n in find_numbers(text):
        before = text[:n.start].rstrip(" ").lower()
        out.append(-n.value if before.endswith("-") or before.endswith("minus") else n.value)
    return out


def _names_in(text, setting):
    return any(re.search(rf"\b{re.escape(n)}\b", text, re.I) for n in names_of(setting))


def _stated(home, session, device, name, value):
    """Whether the dialogue says ``value`` for the setting, read back from the text alone."""
    setting, texts = home.setting(f"{device}.{name}"), _texts(session)
    if setting.type == "int":
        return any(value in _numbers(t) for t in texts)
    if setting.type == "enum":
        return any(str(value).replace("_", " ").lower() in t.lower() for t in texts)
    said = _ON if value else _OFF
    for i, text in enumerate(texts):
        if _names_in(text, setting):
            window = texts[i:i + 3] if i + 1 < len(texts) and texts[i + 1] == "On or off?" else [text]
            if said.search(window[-1]):
                return True
    return False


def _check_user(home, user, traces):
    for session, trace in zip(user.sessions, traces):
        for device, settings_ in trace.actions.items():
            for name, value in settings_.items():
                assert home.valid(f"{device}.{name}", value)
                assert _stated(home, session, device, name, value), (trace, _texts(session))


@pytest.mark.parametrize("schema", [HOME, GARDEN], ids=["home.json", "garden-inline"])
def test_output_loads_with_the_schema_and_every_final_value_is_stated(tmp_path, schema):
    home = read_devices(schema)
    summary = generate(tmp_path / "ds", schema, users=3, sessions=80, seed=21)
    users = load(tmp_path / "ds", home)
    assert [len(u.sessions) for u in users] == [80, 80, 80]
    assert summary["sessions"] == 240 and summary["devices"] == sorted(home.names)
    for user in users:
        assert 3 <= len(user.routines) <= 6 and user.character
        for routine in user.routines:
            assert 1 <= len(routine["triggers"]) <= 3 and 1 <= len(routine["actions"]) <= 3
            assert set(routine["actions"]) <= set(home.names)
        _, traces = synthesize_user(home, user.index, sessions=80, seed=21)
        _check_user(home, user, traces)
    with pytest.raises(InputError, match="unknown device"):
        load(tmp_path / "ds")  # the EdgeWisePersona five by default


def test_the_shipped_home_schema_has_4_to_6_devices_of_its_own():
    home = DeviceSchema.load(HOME)
    assert 4 <= len(home.devices) <= 6
    assert not set(home.names) & {"tv", "ac", "lights", "speaker", "security"}
    kinds = {s.type for d in home.devices for s in d.settings}
    units = {s.unit for d in home.devices for s in d.settings}
    assert kinds == {"int", "enum", "bool"} and {"percent", "degrees"} <= units


def test_routine_share_is_about_three_quarters_and_sessions_follow_their_routine():
    home = DeviceSchema.load(HOME)
    routine_sessions = total = 0
    for index in range(4):
        user, traces = synthesize_user(home, index, sessions=200, seed=5)
        for session, trace, applied in zip(user.sessions, traces, user.applied):
            total += 1
            assert list(trace.routines) == applied
            if not applied:
                assert all(trace.actions != r["actions"] for r in user.routines)
                continue
            routine_sessions += 1
            routine = user.routines[applied[0]]
            assert matches(session["meta"], routine["triggers"])
            others = [r for i, r in enumerate(user.routines) if i != applied[0]]
            assert not any(matches(session["meta"], r["triggers"]) for r in others)
            flat = {(d, s, v) for d, f in routine["actions"].items() for s, v in f.items()}
            got = {(d, s, v) for d, f in trace.actions.items() for s, v in f.items()}
            if "extra_request" not in trace.phenomena:
                assert got <= flat and (got == flat or "partial" in trace.phenomena)
    assert 0.70 <= routine_sessions / total <= 0.80


def test_declined_offers_are_declined_and_not_actions():
    home = DeviceSchema.load(HOME)
    seen = 0
    for index in range(3):
        user, traces = synthesize_user(home, index, sessions=120, seed=8, config=DevicesSynthConfig.for_difficulty("hard"))
        for session, trace in zip(user.sessions, traces):
            for device, name, value in trace.declined:
                seen += 1
                assert name not in trace.actions.get(device, {})
                texts = _texts(session)
                setting = home.setting(f"{device}.{name}")
                asked = [i for i, m in enumerate(session["messages"])
                         if m["role"] == "assistant" and m["text"].endswith("?") and _names_in(m["text"], setting)]
                assert asked, texts
                answer = session["messages"][asked[-1] + 1]
                assert answer["role"] == "user" and re.match(r"(no|not|nah)\b", answer["text"], re.I), texts
    assert seen > 20


def _last(pattern_hits):
    return max(pattern_hits) if pattern_hits else -1


def test_corrected_values_read_as_corrected():
    home = DeviceSchema.load(HOME)
    kinds = set()
    for index in range(3):
        user, traces = synthesize_user(home, index, sessions=120, seed=9, config=DevicesSynthConfig.for_difficulty("hard"))
        for session, trace in zip(user.sessions, traces):
            for device, name, wrong, right in trace.corrections:
                assert wrong != right and trace.actions[device][name] == right
                kinds |= {p for p in trace.phenomena if p.startswith("correction_")}
                text = "\n".join(m["text"] for m in session["messages"] if m["role"] == "user")
                setting = home.setting(f"{device}.{name}")
                if setting.type == "int":
                    spots = {v: [n.start for n, signed in zip(find_numbers(text), _numbers(text)) if signed == v]
                             for v in (wrong, right)}
                elif setting.type == "enum":
                    spots = {v: [m.start() for m in re.finditer(rf"\b{re.escape(v)}\b", text, re.I)]
                             for v in (wrong, right)}
                else:
                    spots = {v: [m.start() for m in (_ON if v else _OFF).finditer(text)] for v in (wrong, right)}
                assert spots[wrong] and spots[right], text
                assert min(spots[wrong]) < _last(spots[right]), text  # said wrong first, the right value last
    assert kinds == {"correction_inline", "correction_later"}


def test_phenomena_all_occur_and_hard_has_more_of_them(tmp_path):
    normal = generate(tmp_path / "n", HOME, users=3, sessions=150, seed=2)["phenomena"]
    hard = generate(tmp_path / "h", HOME, users=3, sessions=150, seed=2,
                    config=DevicesSynthConfig.for_difficulty("hard"))["phenomena"]
    expected = {"ask_value", "chat", "distractor", "casual", "correction_inline", "correction_later",
                "offer_accepted", "offer_declined", "partial", "spontaneous"}
    assert expected <= set(normal) and expected <= set(hard)
    for name in ("correction_inline", "offer_declined", "distractor", "chat"):
        assert hard[name] > normal[name]


def test_numbers_units_bools_and_several_settings_appear_in_the_text():
    home = DeviceSchema.load(HOME)
    user, _ = synthesize_user(home, 0, sessions=200, seed=3)
    user_text = "\n".join(m["text"] for s in user.sessions for m in s["messages"] if m["role"] == "user")
    assert re.search(r"\b\d+ percent\b", user_text) and re.search(r"\b\d+ degrees\b", user_text)
    assert re.search(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)", user_text)
    for word in ("turn on", "turn off", "enable", "disable"):
        assert word in user_text.lower()
    assert re.search(r"\b(eco|comfort|boost)\b", user_text)


def test_deterministic_per_seed_and_user_i_depends_only_on_seed_and_i(tmp_path):
    generate(tmp_path / "a", HOME, users=2, sessions=30, seed=4)
    generate(tmp_path / "b", HOME, users=3, sessions=30, seed=4)
    generate(tmp_path / "c", HOME, users=2, sessions=30, seed=5)
    for name in ("sessions.jsonl", "routines.jsonl", "characters.jsonl"):
        a = (tmp_path / "a" / name).read_text().splitlines()
        assert a == (tmp_path / "b" / name).read_text().splitlines()[:2]
    assert (tmp_path / "a" / "sessions.jsonl").read_bytes() != (tmp_path / "c" / "sessions.jsonl").read_bytes()


def test_a_one_device_schema_still_makes_users():
    tiny = {"devices": {"kettle": {"settings": {"temperature": {"type": "int", "min": 40, "max": 100},
                                                "keep_warm": {"type": "bool"}}}}}
    user, traces = synthesize_user(tiny, 0, sessions=30, seed=1)
    assert user.routines and all(set(r["actions"]) == {"kettle"} for r in user.routines)
    _check_user(DeviceSchema.from_dict(tiny), user, traces)


def test_a_schema_where_nothing_can_vary_is_refused():
    with pytest.raises(InputError, match="more than one allowed value"):
        synthesize_user({"devices": {"pump": {"settings": {"power": {"type": "int", "min": 1, "max": 1}}}}}, 0)


@pytest.mark.parametrize("bad, message", [
    ({}, "has no devices"),
    ({"devices": {}}, "has no devices"),
    ({"devices": {"fan": {"settings": {}}}}, "settings must be a non-empty"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "float"}}}}}, "type must be one of"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 3, "max": 0}}}}}, "above max"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0}}}}}, "integer min and max"),
    ({"devices": {"fan": {"settings": {"mode": {"type": "enum", "values": []}}}}}, "non-empty list"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0, "max": 3, "unit": "rpm"}}}}}, "unit"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0, "max": 3, "step": 1}}}}}, "unknown key"),
    ({"devices": {"fan": {"room": "hall", "settings": {"on": {"type": "bool"}}}}}, "unknown key"),
    ({"devices": {"fan": {"words": "fan", "settings": {"on": {"type": "bool"}}}}}, "words must be a list"),
])
def test_bad_schemas_are_refused(bad, message):
    with pytest.raises(InputError, match=message):
        synthesize_user(bad, 0, sessions=1)


def test_schema_file_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.json: cannot read"):
        generate(tmp_path / "out", tmp_path / "missing.json", users=1, sessions=1)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(InputError, match="broken.json: .*not valid JSON"):
        generate(tmp_path / "out", broken, users=1, sessions=1)
    assert not (tmp_path / "out").exists()


def test_the_schema_s_optional_extraction_keys_change_nothing(tmp_path):
    """The generator is blind to how the extractor is told to listen: patterns, value words and the like
    in the file are accepted and leave every generated byte as it was."""
    hinted = json.loads(json.dumps(GARDEN))
    hinted.update(name="garden", other_devices=["greenhouse"], phrases=[{"pattern": "soak", "say": "minutes 60"}])
    sprinkler = hinted["devices"]["sprinkler"]
    sprinkler.update(label="Sprinkler", patterns=["lawn ?water(er|ing)"], default_setting="minutes")
    sprinkler["settings"]["zone"].update(value_words=[{"value": "side_bed", "words": ["flower bed"]}], rank=-1)
    sprinkler["settings"]["minutes"].update(patterns_if_named=["duration"], phrase="{value} minutes")
    hinted["devices"]["aquarium"]["settings"]["pump"].update(phrase_true="pumping", phrase_false="still")
    generate(tmp_path / "plain", GARDEN, users=2, sessions=40, seed=6)
    generate(tmp_path / "hinted", DeviceSchema.from_dict(hinted), users=2, sessions=40, seed=6)
    for name in ("sessions.jsonl", "routines.jsonl", "characters.jsonl"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "hinted" / name).read_bytes()


def test_words_are_said_trimmed_and_the_key_counts_when_no_word_says_it():
    schema = DeviceSchema.from_dict({"devices": {"porch_light": {"words": [" porch lamp ", "  "], "settings": {
        "motion_sensor": {"type": "bool", "words": ["Motion Sensor"]}, "glow": {"type": "int", "min": 0, "max": 9}}}}})
    device = schema.device("porch_light")
    assert names_of(device) == ("porch lamp", "porch light")
    assert names_of(device.setting("motion_sensor")) == ("Motion Sensor",)
    assert names_of(device.setting("glow")) == ("glow",)


@given(st.integers(0, 999), st.integers(0, 2**16))
def test_spelled_numbers_read_back(n, seed):
    assert parse_number_words(spell(n, random.Random(seed))) == n
    assert spell(-n - 1, random.Random(seed)) == "minus " + spell(n + 1, random.Random(seed))
    assert spell(1000 + n) == str(1000 + n)


_setting = st.one_of(
    st.tuples(st.integers(-20, 50), st.integers(0, 120)).map(
        lambda t: {"type": "int", "min": t[0], "max": t[0] + t[1]}),
    st.lists(st.sampled_from(["low", "mid", "high", "auto", "night_mode"]), min_size=1, max_size=4,
             unique=True).map(lambda v: {"type": "enum", "values": v}),
    st.just({"type": "bool"}),
)
_schemas = st.dictionaries(st.sampled_from(["pump", "vent", "dryer", "oven", "humidifier"]),
                           st.dictionaries(st.sampled_from(["power", "level", "timer", "program"]), _setting,
                                           min_size=1, max_size=3),
                           min_size=1, max_size=4).map(
    lambda devices: {"devices": {d: {"settings": s} for d, s in devices.items()}})


@settings(max_examples=25, deadline=None)
@given(_schemas, st.integers(0, 1000))
def test_any_valid_schema_gives_valid_users_whose_values_are_stated(schema, seed):
    home = DeviceSchema.from_dict(schema)
    if all(spec is not bool and len(spec) == 1 for f in home.field_specs().values() for spec in f.values()):
        with pytest.raises(InputError, match="more than one allowed value"):
            synthesize_user(home, 0, sessions=12, seed=seed)
        return
    user, traces = synthesize_user(home, 0, sessions=12, seed=seed)
    for routine in user.routines:
        for device, fields in routine["actions"].items():
            assert all(home.valid(f"{device}.{s}", v) for s, v in fields.items())
    _check_user(home, user, traces)


def test_phrasing_probabilities_are_checked():
    with pytest.raises(InputError, match="p_words"):
        Phrasing(p_words=1.5)
    with pytest.raises(InputError, match="unknown difficulty"):
        DevicesSynthConfig.for_difficulty("easy")


runner = CliRunner()


def test_cli_writes_a_dataset_over_the_schema(tmp_path):
    out = tmp_path / "ds"
    result = runner.invoke(app, ["datasets", "devices-synth", "--devices", str(HOME), "--out", str(out),
                                 "--users", "2", "--sessions", "12", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 users" in result.output and "kettle" in result.output
    assert [len(u.sessions) for u in load(out, DeviceSchema.load(HOME))] == [12, 12]
    result = runner.invoke(app, ["datasets", "devices-synth", "--devices", str(HOME), "--out", str(tmp_path / "j"),
                                 "--users", "1", "--sessions", "5", "--difficulty", "hard", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sessions"] == 5


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(app, ["datasets", "devices-synth", "--devices", str(tmp_path / "none.json"),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "none.json: cannot read" in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"devices": {"fan": {"settings": {"speed": {"type": "int"}}}}}))
    result = runner.invoke(app, ["datasets", "devices-synth", "--devices", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "bad.json: device 'fan': setting 'speed'" in result.output
    result = runner.invoke(app, ["datasets", "devices-synth", "--devices", str(HOME), "--out", str(tmp_path / "o"),
                                 "--difficulty", "brutal"])
    assert result.exit_code == 2 and "unknown difficulty" in result.output
