"""The miner on generic app events: sessions from timestamps, routines from (type, item)."""

import random
from datetime import datetime, timedelta, timezone

from edgerec.profile.app_events import app_sessions, mine_app_routines


def synthetic_app_log(seed=0, days=120):
    """Weekday mornings: news podcast + weather; weekend evenings: a film; noise at random hours."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, tzinfo=timezone.utc)  # a Monday
    events = []
    for day in range(days):
        date = start + timedelta(days=day)
        weekend = date.weekday() >= 5
        if not weekend and rng.random() < 0.8:
            t = date + timedelta(hours=7, minutes=rng.randrange(0, 60))
            events += [{"type": "play", "item": "news-podcast", "ts": t},
                       {"type": "open", "item": "weather", "ts": t + timedelta(minutes=3)}]
        if weekend and rng.random() < 0.8:
            t = date + timedelta(hours=20, minutes=rng.randrange(0, 60))
            events += [{"type": "play", "item": "film", "ts": t}]
        if rng.random() < 0.5:  # a spontaneous session (some on weekday evenings)
            t = date + timedelta(hours=rng.choice([10, 13, 15, 19, 23]), minutes=rng.randrange(0, 60))
            events += [{"type": "click", "item": f"article-{rng.randrange(1000)}", "ts": t}]
    rng.shuffle(events)  # order must not matter
    return events


def test_sessions_split_at_gaps():
    t = datetime(2025, 1, 6, 7, tzinfo=timezone.utc)
    events = [{"type": "a", "item": "1", "ts": t}, {"type": "b", "item": None, "ts": t + timedelta(minutes=29)},
              {"type": "c", "item": "3", "ts": t + timedelta(minutes=90)}]
    sessions = app_sessions(events)
    assert [sorted(s.items) for s in sessions] == [[("a", "1"), ("b", "")], [("c", "3")]]


def test_routines_from_app_events():
    routines = mine_app_routines(synthetic_app_log())
    as_pairs = {(tuple(sorted(r["triggers"].items())), tuple((e["type"], e["item"]) for e in r["events"]))
                for r in routines}
    assert as_pairs == {
        ((("day_of_week", "weekday"), ("time_of_day", "morning")), (("open", "weather"), ("play", "news-podcast"))),
        ((("day_of_week", "weekend"), ("time_of_day", "evening")), (("play", "film"),)),
    }
