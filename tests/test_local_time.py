"""Local time end to end: events logged in UTC, contexts read in the store's zone, routines and ranking.

Each test also reads the same events another way (UTC, or a fixed offset) and
checks that the answer differs, so none of them could pass with the zone ignored.
"""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from edgerec.profile.app_events import app_sessions
from edgerec.profile.builder import ProfileBuilder
from edgerec.rank import RankerConfig
from edgerec.rank.candidates import rank_for_user
from edgerec.rank.signals import history_from_store
from edgerec.store import EventStore
from helpers import KEY

MORNING_NEWS = ({"time_of_day": "morning", "day_of_week": "weekday"},
                [{"type": "open", "item": "weather"}, {"type": "play", "item": "news-podcast"}])
EVENING_FILM = ({"time_of_day": "evening", "day_of_week": "weekend"}, [{"type": "play", "item": "film"}])


def log_local_habits(store, zone, *, first=datetime(2026, 1, 5), days=70):
    """Weekday mornings (07:xx local) news + weather, weekend evenings (20:xx local) a film; logged in UTC.

    Each day also has a one-off click in the other part of the day (weekday
    evenings, weekend mornings), so a routine needs both the time of day and the
    kind of day.
    """
    tz = ZoneInfo(zone)
    for day in range(days):
        date = first + timedelta(days=day)
        minute = (day * 17) % 50
        habit, other = (7, 20) if date.weekday() < 5 else (20, 8)
        t = date.replace(hour=habit, minute=minute, tzinfo=tz).astimezone(timezone.utc)
        if date.weekday() < 5:
            store.log("kim", "play", item="news-podcast", ts=t)
            store.log("kim", "open", item="weather", ts=t + timedelta(minutes=3))
        else:
            store.log("kim", "play", item="film", ts=t)
        t = date.replace(hour=other, minute=minute, tzinfo=tz).astimezone(timezone.utc)
        store.log("kim", "click", item=f"article-{day}", ts=t)


def routines(store):
    return [(r["triggers"], r["events"]) for r in ProfileBuilder(store).rebuild("kim")["app_routines"]]


@pytest.mark.parametrize("zone, utc_reading", [
    # 07:xx in Los Angeles (UTC-8) is 15:xx UTC: an afternoon
    ("America/Los_Angeles", {"time_of_day": "afternoon", "day_of_week": "weekday"}),
    # 20:xx on a Saturday in Tokyo (UTC+9) is 11:xx UTC: a weekend morning
    ("Asia/Tokyo", {"time_of_day": "morning", "day_of_week": "weekend"}),
])
def test_routines_are_mined_on_the_users_own_clock(db_path, zone, utc_reading):
    with EventStore.create(db_path, key=KEY, timezone=zone) as store:
        log_local_habits(store, zone)
        assert sorted(routines(store), key=str) == sorted([MORNING_NEWS, EVENING_FILM], key=str)
        store.set_timezone("UTC")  # the same UTC events read on the wrong clock
        # a routine now runs in the UTC reading's context; on the Tokyo data the v2 miner reports only the
        # weekend (the one other weekend time seen, night, belongs to a night routine), not weekend mornings
        read = [triggers for triggers, _ in routines(store)]
        assert any(t and t.items() <= utc_reading.items() for t in read), read
        assert MORNING_NEWS not in routines(store)


@pytest.mark.parametrize("zone, first, offset, hour, part", [
    # spring-forward: a clock fixed at the old offset reads an hour early, so 05:30 looks like night
    ("America/Los_Angeles", datetime(2026, 2, 23), -8, 5, "morning"),  # 2026-03-08: PST -> PDT
    ("Europe/Berlin", datetime(2026, 3, 16), 1, 5, "morning"),  # 2026-03-29: CET -> CEST
    # fall-back: it reads an hour late, so 21:30 looks like night
    ("America/Los_Angeles", datetime(2026, 10, 19), -7, 21, "evening"),  # 2026-11-01: PDT -> PST
    ("Europe/Berlin", datetime(2026, 10, 12), 2, 21, "evening"),  # 2026-10-25: CEST -> CET
])
def test_a_habit_at_a_boundary_hour_survives_a_dst_change(db_path, zone, first, offset, hour, part):
    """HH:30 on the local clock every day, for two weeks either side of a change: always the same part of day."""
    tz = ZoneInfo(zone)
    with EventStore.create(db_path, key=KEY, timezone=zone) as store:
        for day in range(28):
            local = (first + timedelta(days=day)).replace(hour=hour, minute=30, tzinfo=tz)
            store.log("kim", "play", item="news-podcast", ts=local.astimezone(timezone.utc))
        events = list(store.events(user="kim"))
        offsets = {e.ts.astimezone(tz).utcoffset() for e in events}
        assert len(offsets) == 2  # the change really falls inside the window
        sessions = app_sessions(events, tz=store.timezone)
        assert {s.meta["time_of_day"] for s in sessions} == {part}
        assert routines(store) == [({"time_of_day": part}, [{"type": "play", "item": "news-podcast"}])]
    # a fixed offset (the zone's offset before the change) gets the days after it wrong
    fixed = app_sessions(events, tz=timezone(timedelta(hours=offset)))
    assert {s.meta["time_of_day"] for s in fixed} == {part, "night"}


def _fake_vectors(texts):
    """One axis per topic word: a stand-in embedder with a known answer."""
    axes = {"jazz": 0, "horror": 1}
    out = np.full((len(texts), 2), 0.05, np.float32)
    for n, text in enumerate(texts):
        for word, axis in axes.items():
            if word in text:
                out[n, axis] = 1.0
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_ranking_reads_history_and_now_in_the_store_zone(db_path):
    """A Tokyo user: jazz at 21:30 (evening; 12:30 UTC is an afternoon), horror at 14:30
    (afternoon; 05:30 UTC is a morning). At 18:00 Tokyo time (09:00 UTC, a morning) jazz comes first."""
    tokyo = ZoneInfo("Asia/Tokyo")
    with EventStore.create(db_path, key=KEY, timezone="Asia/Tokyo") as store:
        for day in range(6):
            date = datetime(2026, 1, 5 + day, tzinfo=tokyo)
            store.log("kim", "play", item=f"jazz-{day}", text="jazz trio",
                      ts=date.replace(hour=21, minute=30).astimezone(timezone.utc))
            store.log("kim", "play", item=f"horror-{day}", text="horror film",
                      ts=date.replace(hour=14, minute=30).astimezone(timezone.utc))
        history = history_from_store(store, "kim")
        assert {c["time_of_day"] for i, c in zip(history.items, history.contexts) if i.startswith("jazz")} == {"evening"}
        events = list(store.events(user="kim"))
        zone = store.timezone
    now = datetime(2026, 1, 13, 9, 0, tzinfo=timezone.utc)  # Tuesday 18:00 in Tokyo
    cands = [("c-horror", "horror film night"), ("c-jazz", "jazz concert")]

    config = RankerConfig(max_interests=1, half_life_events=None)  # one mean interest: the weights decide

    def top(tz):
        ranked = rank_for_user(events, "kim", cands, embed_catalog=_fake_vectors, embed_private=_fake_vectors,
                               k=2, context=now, learn=False, tz=tz, config=config)
        return ranked[0].id

    assert top(zone) == "c-jazz"
    assert top(None) == "c-horror"  # read in UTC, "now" is a morning like the horror plays
