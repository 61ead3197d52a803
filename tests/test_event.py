import pytest

from edgerec.errors import InputError
from edgerec.store.event import (
    MAX_CONTEXT_BYTES,
    MAX_TEXT_BYTES,
    Event,
    encode_payload,
    micros_to_ts,
    parse_context,
    parse_ts,
    ts_to_micros,
)


@pytest.mark.parametrize("text,expected", [
    ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05+00:00"),
    ("2026-01-02T03:04:05+02:00", "2026-01-02T01:04:05+00:00"),
    ("2026-01-02 03:04:05", "2026-01-02T03:04:05+00:00"),
    ("2026-01-02T03:04:05.250000z", "2026-01-02T03:04:05.250000+00:00"),
])
def test_parse_ts_accepts_iso8601(text, expected):
    assert parse_ts(text).isoformat() == expected


@pytest.mark.parametrize("bad", ["yesterday", "02/01/2026", "2026-13-01", "", "1969-12-31T00:00:00Z", 12])
def test_parse_ts_rejects_other_formats(bad):
    with pytest.raises(InputError):
        parse_ts(bad)


def test_micros_round_trip():
    dt = parse_ts("2031-07-08T09:10:11.654321Z")
    assert micros_to_ts(ts_to_micros(dt)) == dt


@pytest.mark.parametrize("fields,message", [
    ({"type": "play"}, "missing 'user'"),
    ({"user": "u"}, "missing 'type'"),
    ({"user": "", "type": "t"}, "must not be empty"),
    ({"user": 5, "type": "t"}, "must be a string"),
    ({"user": "u", "type": "t", "extra": 1}, "unknown event field"),
    ({"user": "u", "type": "t", "context": "{bad json"}, "not valid JSON"),
    ({"user": "u", "type": "t", "context": [1, 2]}, "must be a JSON object"),
    ({"user": "u", "type": "t", "text": 7}, "must be a string"),
    ({"user": "u\udcff", "type": "t"}, "not valid UTF-8"),
])
def test_event_from_dict_rejects_bad_fields(fields, message):
    with pytest.raises(InputError, match=message):
        Event.from_dict(fields)


def test_text_and_context_size_limits():
    with pytest.raises(InputError, match="too large"):
        Event.create("u", "t", text="x" * (MAX_TEXT_BYTES + 1))
    Event.create("u", "t", text="x" * MAX_TEXT_BYTES)
    big = Event.create("u", "t", context={"blob": "y" * MAX_CONTEXT_BYTES})
    with pytest.raises(InputError, match="'context' is too large"):
        encode_payload(big)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1, 2}, b"bytes"])
def test_payload_refuses_non_json_context_values(value):
    with pytest.raises(InputError, match="not valid JSON"):
        encode_payload(Event.create("u", "t", context={"v": value}))


def test_parse_context_accepts_text_and_dicts():
    assert parse_context('{"a": {"b": [1, null]}}') == {"a": {"b": [1, None]}}
    assert parse_context(None) is None


def test_to_dict_round_trips_through_from_dict():
    e = Event.create("ü", "play", ts="2026-02-03T04:05:06Z", item="i", context={"k": "v"}, text="héllo")
    assert Event.from_dict(e.to_dict()) == e
