"""Invariants checked on generated inputs: round trips and forgets that leave nothing behind."""

import string

from hypothesis import HealthCheck, given, settings, strategies as st

from edgerec.store import EventStore
from helpers import KEY

json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text() | st.floats(
    allow_nan=False, allow_infinity=False)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=15)
contexts = st.none() | st.dictionaries(st.text(max_size=12), json_values, max_size=5)
ids = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(user=ids, item=st.none() | ids, text=st.none() | st.text(max_size=300), context=contexts)
def test_round_trip_arbitrary_unicode_and_json(tmp_path_factory, user, item, text, context):
    path = tmp_path_factory.mktemp("rt") / "s.db"
    with EventStore.create(path, key=KEY) as s:
        s.log(user, "t", ts="2026-01-01T00:00:00Z", item=item, context=context, text=text)
    with EventStore.open(path, key=KEY) as s:
        (e,) = s.events(user=user)
        assert (e.user, e.item, e.text, e.context) == (user, item, text, context)
        assert s.users() == [user]


users = st.sampled_from(["ann", "ben", "cy", "dee"])
items = st.sampled_from(["i1", "i2", "i3"])
days = st.integers(1, 28)
event_lists = st.lists(st.tuples(users, items, days), min_size=1, max_size=40)


def _fill(path, events):
    s = EventStore.create(path, key=KEY)
    s.log_many([{"user": u, "type": "play", "item": i, "ts": f"2026-02-{d:02d}T12:00:00Z",
                 "text": f"{u}|{i}|{d}"} for u, i, d in events], batch_size=7)
    return s


@SETTINGS
@given(events=event_lists, data=st.data())
def test_forget_user_leaves_nothing_and_keeps_the_rest(tmp_path_factory, events, data):
    target = data.draw(st.sampled_from(sorted({u for u, _, _ in events})))
    with _fill(tmp_path_factory.mktemp("fu") / "s.db", events) as s:
        s.forget(user=target)
        remaining = [(e.user, e.item, e.ts.day) for e in s.events()]
        assert target not in s.users()
        assert sorted(remaining) == sorted((u, i, d) for u, i, d in events if u != target)


@SETTINGS
@given(events=event_lists, item=items, before=st.none() | days, scoped=st.booleans(), data=st.data())
def test_forget_item_or_range_removes_exactly_the_scope(tmp_path_factory, events, item, before, scoped, data):
    user = data.draw(st.sampled_from(sorted({u for u, _, _ in events}))) if scoped else None
    with _fill(tmp_path_factory.mktemp("fi") / "s.db", events) as s:
        kwargs = {"item": item}
        if before is not None:
            kwargs = {"before": f"2026-02-{before:02d}T00:00:00Z"} if data.draw(st.booleans()) else {
                **kwargs, "before": f"2026-02-{before:02d}T00:00:00Z"}
        receipt = s.forget(user=user, **kwargs)

        def in_scope(u, i, d):
            return ((user is None or u == user) and ("item" not in kwargs or i == item)
                    and ("before" not in kwargs or d < before))

        expected = sorted((u, i, d) for u, i, d in events if not in_scope(u, i, d))
        assert sorted((e.user, e.item, e.ts.day) for e in s.events()) == expected
        assert receipt.events == len(events) - len(expected)
        assert all(e.text == f"{e.user}|{e.item}|{e.ts.day}" for e in s.events())
