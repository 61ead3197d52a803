"""ProfileBuilder against a real encrypted store: incremental rebuilds, edits, forgetting."""

import random
from datetime import datetime, timedelta, timezone

import pytest

from edgerec.profile.sessions import user_events
from edgerec_bench.datasets.edgewise_synth import synthesize_user
from edgerec.errors import InputError, UnknownUserError
from edgerec.profile.builder import PROFILE_DOC, ProfileBuilder
from edgerec.profile.nl_profile import TEMPLATE_LABEL


@pytest.fixture
def loaded(store):
    user, _ = synthesize_user(0, sessions=120, seed=31)
    store.log_many(user_events("alice", user.sessions[:119]))
    return store, user


def test_rebuild_is_incremental(loaded):
    store, user = loaded
    builder = ProfileBuilder(store)
    first = builder.rebuild("alice")
    assert first["sessions"] == 119 and first["extracted_now"] == 119
    assert first["routines"], "a synthetic user with routines yields some"
    assert first["summary_source"] == TEMPLATE_LABEL
    assert first["summary"].startswith("Habits found in your history")

    store.log_many(user_events("alice", user.sessions[119:]))  # one new session
    second = builder.rebuild("alice")
    assert (second["sessions"], second["extracted_now"]) == (120, 1)
    assert builder.rebuild("alice", full=True)["extracted_now"] == 120


def test_cache_is_in_the_store_and_hidden_from_get(loaded):
    store, _ = loaded
    builder = ProfileBuilder(store)
    shown = builder.rebuild("alice")
    assert "cache" not in shown
    assert len(store.get_doc("alice", PROFILE_DOC)["cache"]) == shown["sessions"]


def test_edit_survives_rebuild_until_reset(loaded):
    store, _ = loaded
    builder = ProfileBuilder(store)
    builder.rebuild("alice")
    builder.edit("alice", "I like it warm in the evening.")
    assert builder.rebuild("alice")["user_text"] == "I like it warm in the evening."
    assert builder.reset("alice")["user_text"] is None
    with pytest.raises(InputError):
        builder.edit("alice", "   ")


def test_forgetting_the_user_removes_the_profile(loaded):
    store, _ = loaded
    builder = ProfileBuilder(store)
    builder.rebuild("alice")
    builder.edit("alice", "mine")
    store.forget(user="alice")
    assert builder.get("alice") is None
    with pytest.raises(UnknownUserError):
        builder.rebuild("alice")


def test_app_events_give_app_routines(store):
    start = datetime(2025, 1, 6, 7, tzinfo=timezone.utc)  # Monday 07:00
    rng = random.Random(2)
    for day in range(60):
        t = start + timedelta(days=day, minutes=rng.randrange(50))
        if t.weekday() < 5:
            store.log("bob", "play", item="news-podcast", ts=t)
        store.log("bob", "click", item=f"article-{rng.randrange(500)}", ts=t + timedelta(hours=rng.choice([4, 8, 12])))
    profile = ProfileBuilder(store).rebuild("bob")
    assert profile["routines"] == []
    assert [(r["triggers"], r["events"]) for r in profile["app_routines"]] == [
        ({"time_of_day": "morning", "day_of_week": "weekday"}, [{"type": "play", "item": "news-podcast"}])]
