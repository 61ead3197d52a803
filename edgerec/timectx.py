"""Local time: the one owner of time-of-day and weekday buckets, and of time zones.

Events are stored in UTC. What a person means by "weekday mornings" is their
own wall clock, so every context (for routines, for ranking, for "now") is read
in the store's IANA time zone through :mod:`zoneinfo`.

Buckets: morning 5-12, afternoon 12-17, evening 17-22, night 22-5;
Saturday and Sunday are the weekend.

>>> local_context("2026-01-05T22:30:00+00:00", "Asia/Tokyo")   # Monday 07:30 in Tokyo
{'time_of_day': 'morning', 'day_of_week': 'weekday'}
>>> local_context("2026-01-05T22:30:00+00:00", "UTC")
{'time_of_day': 'night', 'day_of_week': 'weekday'}
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edgerec.errors import InputError

__all__ = ["TIMES_OF_DAY", "time_of_day", "day_of_week", "local_context", "to_local", "zone",
           "check_timezone", "system_timezone"]

TIMES_OF_DAY = ("morning", "afternoon", "evening", "night")


def time_of_day(dt_local: datetime) -> str:
    """The part of the day of a wall-clock time: morning 5-12, afternoon 12-17, evening 17-22, else night.

    >>> [time_of_day(datetime(2026, 1, 1, h)) for h in (4, 5, 12, 17, 22)]
    ['night', 'morning', 'afternoon', 'evening', 'night']
    """
    hour = dt_local.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def day_of_week(dt_local: datetime) -> str:
    """``weekend`` on a Saturday or Sunday of the wall-clock date, else ``weekday``.

    >>> day_of_week(datetime(2026, 1, 3)), day_of_week(datetime(2026, 1, 5))
    ('weekend', 'weekday')
    """
    return "weekend" if dt_local.weekday() >= 5 else "weekday"


def zone(tz: str | tzinfo | None) -> tzinfo:
    """A tzinfo from an IANA name (validated), a tzinfo (as is), or None (UTC).

    >>> zone("Europe/Paris"), zone(None)
    (zoneinfo.ZoneInfo(key='Europe/Paris'), datetime.timezone.utc)
    """
    if tz is None:
        return timezone.utc
    if isinstance(tz, tzinfo):
        return tz
    return ZoneInfo(check_timezone(tz))


def to_local(moment: datetime | str | float, tz: str | tzinfo | None) -> datetime:
    """``moment`` (aware datetime, naive = UTC, ISO-8601 text, or unix seconds) as wall-clock time in ``tz``.

    >>> to_local(0, "America/Los_Angeles").isoformat()
    '1969-12-31T16:00:00-08:00'
    """
    if isinstance(moment, datetime):
        dt = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    elif isinstance(moment, str):
        text = moment.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(f"bad timestamp {moment!r}: expected ISO-8601 such as 2026-01-02T08:00:00Z") from None
        dt = dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)
    else:
        dt = datetime.fromtimestamp(float(moment), tz=timezone.utc)
    return dt.astimezone(zone(tz))


def local_context(moment: datetime | str | float, tz: str | tzinfo | None) -> dict[str, str]:
    """``time_of_day`` and ``day_of_week`` of ``moment`` on the wall clock of ``tz`` (None: UTC).

    >>> local_context(datetime(2026, 3, 9, 12, 30, tzinfo=timezone.utc), "America/Los_Angeles")
    {'time_of_day': 'morning', 'day_of_week': 'weekday'}
    """
    local = to_local(moment, tz)
    return {"time_of_day": time_of_day(local), "day_of_week": day_of_week(local)}


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone known to this system, else :class:`InputError`.

    >>> check_timezone("Asia/Tokyo")
    'Asia/Tokyo'
    >>> check_timezone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: unknown time zone 'Mars/Olympus': give an IANA name such as Europe/Paris or America/New_York
    """
    if isinstance(name, str) and name.strip() == name and name and not name.startswith(("/", ".")):
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise InputError(f"unknown time zone {name!r}: give an IANA name such as Europe/Paris or America/New_York")


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return check_timezone(name)
    except InputError:
        return None


def _name_from_path(path: str) -> str | None:
    marker = "zoneinfo/"
    idx = path.rfind(marker)
    return _known(path[idx + len(marker):]) if idx >= 0 else None


def system_timezone(env: Mapping[str, str] | None = None, etc: Path = Path("/etc")) -> str:
    """The system's IANA zone: ``TZ``, else ``/etc/timezone``, else the ``/etc/localtime`` link; else ``UTC``.

    ``TZ`` may be a name (``Europe/Paris``, ``:Europe/Paris``) or a path into a
    zoneinfo directory. Values that name no known zone are skipped.

    >>> system_timezone({"TZ": ":Asia/Tokyo"})
    'Asia/Tokyo'
    >>> system_timezone({"TZ": "/usr/share/zoneinfo/America/Chicago"})
    'America/Chicago'
    """
    env = os.environ if env is None else env
    tz = env.get("TZ", "").strip().lstrip(":")
    if tz:
        found = _name_from_path(tz) if tz.startswith("/") else _known(tz)
        if found:
            return found
    try:
        found = _known((etc / "timezone").read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        found = None
    if found:
        return found
    try:
        found = _name_from_path(os.readlink(etc / "localtime"))
    except OSError:
        found = None
    return found or "UTC"
