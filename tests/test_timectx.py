"""Local time, the pure part: buckets, zones, conversions and the system's zone."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgerec.errors import InputError
from edgerec.timectx import (
    TIMES_OF_DAY,
    check_timezone,
    day_of_week,
    local_context,
    system_timezone,
    time_of_day,
    to_local,
)

INSTANTS = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc))
ZONES = st.sampled_from(["UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin", "Australia/Adelaide",
                         "Asia/Kathmandu", "Pacific/Chatham"])


def test_bucket_boundaries():
    monday = datetime(2025, 1, 6)
    assert [time_of_day(monday.replace(hour=h)) for h in range(24)] == (
        ["night"] * 5 + ["morning"] * 7 + ["afternoon"] * 5 + ["evening"] * 5 + ["night"] * 2)
    assert [day_of_week(monday + timedelta(days=d)) for d in range(7)] == ["weekday"] * 5 + ["weekend"] * 2


def test_the_same_instant_in_three_zones():
    moment = datetime(2026, 1, 9, 23, 30, tzinfo=timezone.utc)  # Friday 23:30 UTC
    assert local_context(moment, "UTC") == {"time_of_day": "night", "day_of_week": "weekday"}
    assert local_context(moment, "America/Los_Angeles") == {"time_of_day": "afternoon", "day_of_week": "weekday"}
    assert local_context(moment, "Asia/Tokyo") == {"time_of_day": "morning", "day_of_week": "weekend"}


def test_inputs_that_name_the_same_instant_agree():
    as_text = local_context("2026-01-09T23:30:00Z", "Asia/Tokyo")
    assert as_text == local_context(datetime(2026, 1, 9, 23, 30), "Asia/Tokyo")  # naive means UTC
    assert as_text == local_context(datetime(2026, 1, 10, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo")), "Asia/Tokyo")
    assert as_text == local_context(datetime(2026, 1, 9, 23, 30, tzinfo=timezone.utc).timestamp(), ZoneInfo("Asia/Tokyo"))
    with pytest.raises(InputError, match="bad timestamp"):
        local_context("at noon", "UTC")


def test_dst_spring_forward_and_fall_back():
    la, berlin = "America/Los_Angeles", "Europe/Berlin"
    # 05:30 on the local clock is morning on both sides of the US spring-forward (2026-03-08)
    assert to_local("2026-03-07T13:30:00Z", la).hour == 5 and to_local("2026-03-09T12:30:00Z", la).hour == 5
    assert local_context("2026-03-09T12:30:00Z", la)["time_of_day"] == "morning"
    assert local_context("2026-03-09T12:30:00Z", timezone(timedelta(hours=-8)))["time_of_day"] == "night"
    # 21:30 on the local clock is evening on both sides of the EU fall-back (2026-10-25)
    assert local_context("2026-10-24T19:30:00Z", berlin)["time_of_day"] == "evening"
    assert local_context("2026-10-26T20:30:00Z", berlin)["time_of_day"] == "evening"
    assert local_context("2026-10-26T20:30:00Z", timezone(timedelta(hours=2)))["time_of_day"] == "night"
    # the repeated hour: 00:30 and 01:30 UTC are both 02:30 in Berlin that night
    assert to_local("2026-10-25T00:30:00Z", berlin).hour == to_local("2026-10-25T01:30:00Z", berlin).hour == 2


@given(INSTANTS, ZONES)
def test_conversion_keeps_the_instant(moment, zone):
    local = to_local(moment, zone)
    # the zone's own UTC-to-local rule gives the offset (the UTC wall time read as local would not, near a DST change)
    expected = ZoneInfo(zone).fromutc(moment.replace(tzinfo=ZoneInfo(zone)))
    # compare instants with timestamp(): == between zones is always False for a time in a DST fold (PEP 495)
    assert local.timestamp() == moment.timestamp() and local.utcoffset() == expected.utcoffset()
    ctx = local_context(moment, zone)
    assert ctx["time_of_day"] in TIMES_OF_DAY and ctx["day_of_week"] in ("weekday", "weekend")


@given(INSTANTS, st.integers(-12, 14))
def test_a_fixed_offset_zone_is_utc_shifted(moment, hours):
    name = "Etc/GMT" + (f"{-hours:+d}" if hours else "")  # POSIX sign: Etc/GMT-9 is UTC+9
    assert local_context(moment, name) == local_context(moment + timedelta(hours=hours), "UTC")


@pytest.mark.parametrize("name", ["Mars/Olympus", "", " Europe/Paris", "../etc/passwd", "/usr/share/zoneinfo/UTC",
                                  "Europe/", "Europe/Paris\x00"])
def test_unknown_zones_are_refused(name):
    with pytest.raises(InputError, match="unknown time zone"):
        check_timezone(name)


def test_system_timezone_sources(tmp_path):
    etc = tmp_path / "etc"
    etc.mkdir()
    assert system_timezone({}, etc) == "UTC"  # nothing to go on
    (etc / "localtime").symlink_to("/usr/share/zoneinfo/America/Chicago")
    assert system_timezone({}, etc) == "America/Chicago"
    (etc / "timezone").write_text("Europe/Lisbon\n")
    assert system_timezone({}, etc) == "Europe/Lisbon"
    assert system_timezone({"TZ": "Asia/Tokyo"}, etc) == "Asia/Tokyo"
    assert system_timezone({"TZ": ":/usr/share/zoneinfo/Asia/Seoul"}, etc) == "Asia/Seoul"
    assert system_timezone({"TZ": "Nowhere/Land"}, etc) == "Europe/Lisbon"  # unknown values are skipped
    (etc / "timezone").write_text("garbage\n")
    assert system_timezone({}, etc) == "America/Chicago"
