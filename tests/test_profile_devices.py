"""DeviceSchema: loading, clear errors naming the device and setting, the shipped EdgeWisePersona file."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgerec.errors import InputError
from edgerec.profile.devices import Device, DeviceSchema, Setting
from edgerec.profile.schema import DEVICE_FIELDS, valid_value
from helpers import REPO

HOME = REPO / "tests" / "data" / "home_devices.json"


def test_shipped_schema_equals_the_checked_in_copy():
    packaged = json.loads((REPO / "edgerec" / "profile" / "schemas" / "edgewise.json").read_text())
    assert packaged == json.loads((REPO / "models" / "devices" / "edgewise.json").read_text())
    assert DeviceSchema.default().to_dict() == packaged


def test_default_schema_is_the_edgewise_five():
    schema = DeviceSchema.default()
    assert schema.names == ("tv", "ac", "lights", "speaker", "security")
    assert schema.field_specs() == DEVICE_FIELDS
    assert DEVICE_FIELDS["ac"] == {"temperature": range(16, 31), "mode": ("cool", "heat", "auto"),
                                   "fan_speed": range(0, 4)}
    assert DEVICE_FIELDS["security"]["armed"] is bool
    assert schema.device("security").default == "alarm_volume"


def test_load_a_custom_schema():
    schema = DeviceSchema.load(HOME)
    assert schema.names == ("blinds", "kettle", "heater")
    assert schema.valid("blinds.tilt", "half") and not schema.valid("blinds.tilt", "ajar")
    assert schema.valid("kettle.keep_warm", True) and not schema.valid("kettle.keep_warm", 1)
    assert schema.valid("heater.level", 5) and not schema.valid("heater.level", 6)
    assert not schema.valid("tv.volume", 10)
    assert schema.int_settings("kettle") == ("temperature",)
    assert schema.default_path("heater") == "heater.level"
    assert schema.options("heater", "mode") == ["eco", "comfort", "boost"]
    assert schema.options("heater", "level") is None
    assert schema.unit_path("blinds", "percent") == "blinds.position"
    assert schema.extreme("degrees", "max") == 100
    grammar = schema.json_schema()["properties"]
    assert grammar["kettle"]["properties"]["temperature"] == {"type": "integer", "minimum": 40, "maximum": 100}
    assert grammar["kettle"]["properties"]["keep_warm"] == {"type": "boolean"}
    assert valid_value("heater.mode", "eco", schema) and not valid_value("heater.mode", "eco")


def test_problem_messages_name_the_path():
    schema = DeviceSchema.load(HOME)
    assert schema.problem("heater.level", 9) == "heater.level must be within 0..5, got 9"
    assert schema.problem("fridge.level", 1).startswith("unknown device 'fridge' (known: blinds, kettle, heater)")
    assert schema.problem("blinds.colour", "red") == "unknown field blinds.colour (known: position, tilt)"


def test_other_int_setting_holds_a_number_outside_the_default_range():
    cooler = Device("cooler", (Setting("target", "int", min=16, max=30, unit="degrees"),
                               Setting("fan", "int", min=0, max=3), Setting("swing", "int", min=0, max=90)))
    schema = DeviceSchema((cooler,))
    assert schema.other_int_path("cooler.target", 2) is None  # fan and swing both hold 2
    assert schema.other_int_path("cooler.target", 60) == "cooler.swing"
    assert schema.other_int_path("cooler.fan", 200) is None


@pytest.mark.parametrize("data, message", [
    ({}, "has no devices"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 3, "max": 0}}}}},
     "device 'fan': setting 'speed': min 3 is above max 0"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "float", "min": 0, "max": 3}}}}},
     "device 'fan': setting 'speed': type must be one of int, enum, bool"),
    ({"devices": {"fan": {"settings": {"mode": {"type": "enum", "values": []}}}}},
     "device 'fan': setting 'mode': an enum setting needs a non-empty list"),
    ({"devices": {"fan": {"settings": {"mode": {"type": "enum", "values": ["a"], "unit": "percent"}}}}},
     "device 'fan': setting 'mode': unit must be one of percent, degrees on an int setting"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0, "max": 3, "colour": "red"}}}}},
     "device 'fan': setting 'speed': unknown key 'colour'"),
    ({"devices": {"fan": {"settings": {}}}}, "device 'fan': settings must be a non-empty JSON object"),
    ({"devices": {"fan": {"words": "fan", "settings": {"on": {"type": "bool"}}}}}, "device 'fan': words must be a list"),
    ({"devices": {"fan": {"patterns": ["(fan"], "settings": {"on": {"type": "bool"}}}}},
     "device 'fan': patterns: bad regular expression"),
    ({"devices": {"fan": {"default_setting": "on", "settings": {"on": {"type": "bool"}}}}},
     "device 'fan': default_setting 'on' is not one of its int settings"),
    ({"devices": {"fan": {"settings": {"speed": {"type": "int", "min": 0, "max": 3,
                                                  "value_words": [{"value": 7, "words": ["max"]}]}}}}},
     "device 'fan': setting 'speed': value_words value must be within 0..3, got 7"),
    ({"devices": {"Fan": {"settings": {"on": {"type": "bool"}}}}}, "device 'Fan': a device name is lower-case"),
    ({"devices": {"fan": {"settings": {"on": {"type": "bool"}}}}, "unit_words": {"kelvin": ["k"]}},
     "unit_words: unknown key 'kelvin'"),
])
def test_bad_schema_names_the_device_and_setting(data, message):
    with pytest.raises(InputError) as error:
        DeviceSchema.from_dict(data, source="home.json")
    assert str(error.value).startswith("home.json: ")
    assert message in str(error.value)


def test_bad_schema_files(tmp_path):
    with pytest.raises(InputError, match="cannot read the device schema"):
        DeviceSchema.load(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"devices": ')
    with pytest.raises(InputError, match="broken.json: the device schema is not valid JSON"):
        DeviceSchema.load(broken)


_names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_words = st.lists(st.from_regex(r"[a-z]{2,8}( [a-z]{2,8})?", fullmatch=True), max_size=3).map(tuple)


@st.composite
def _settings(draw, name):
    kind = draw(st.sampled_from(["int", "enum", "bool"]))
    if kind == "int":
        low = draw(st.integers(-50, 200))
        high = draw(st.integers(low, low + 300))
        unit = draw(st.sampled_from([None, "percent", "degrees"]))
        return Setting(name, "int", min=low, max=high, unit=unit, words=draw(_words), rank=draw(st.integers(-2, 2)))
    if kind == "enum":
        values = tuple(draw(st.lists(st.from_regex(r"[a-z]{2,6}", fullmatch=True), min_size=1, max_size=4,
                                     unique=True)))
        return Setting(name, "enum", values=values, words=draw(_words), phrase=draw(st.sampled_from([None, "{value}!"])))
    return Setting(name, "bool", words=draw(_words), phrase_true=draw(st.sampled_from([None, "on"])))


@st.composite
def _schemas(draw):
    devices = []
    for device in draw(st.lists(_names, min_size=1, max_size=3, unique=True)):
        names = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
        devices.append(Device(device, tuple(draw(_settings(n)) for n in names), words=draw(_words),
                              label=draw(st.sampled_from([None, device.upper()]))))
    return DeviceSchema(tuple(devices))


@settings(max_examples=60, deadline=None)
@given(_schemas(), st.one_of(st.integers(-100, 600), st.booleans(), st.from_regex(r"[a-z]{2,6}", fullmatch=True)))
def test_round_trip_and_valid_agrees_with_the_spec(schema, value):
    again = DeviceSchema.from_dict(json.loads(json.dumps(schema.to_dict())))
    assert again == schema and again.digest == schema.digest
    for path in schema.paths:
        spec = schema.setting(path)
        if spec.type == "bool":
            expected = isinstance(value, bool)
        elif spec.type == "int":
            expected = isinstance(value, int) and not isinstance(value, bool) and spec.min <= value <= spec.max
        else:
            expected = value in spec.values
        assert schema.valid(path, value) == expected
        assert (schema.problem(path, value) is None) == expected
