"""EdgeWisePersona-format loader, writer and store-event conversion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgerec_bench.datasets import edgewise
from edgerec_bench.datasets.edgewise import (
    META_FIELDS,
    EdgewiseUser,
    events_to_sessions,
    load,
    read_predictions,
    truth,
    user_events,
    write,
)
from edgerec.errors import InputError

ROUTINE = {
    "triggers": {"time_of_day": "morning", "outdoor_temp": "very cold"},
    "actions": {"ac": {"mode": "heat", "temperature": 24}, "security": {"armed": False}},
}
SESSION = {
    "session_id": 0,
    "meta": {
        "time_of_day": "morning",
        "day_of_week": "weekday",
        "sun_phase": "before_sunrise",
        "weather": "snowy",
        "outdoor_temp": "very cold",
    },
    "messages": [
        {"role": "user", "text": "It's freezing, heat to twenty-four please."},
        {"role": "assistant", "text": "Heating to 24 degrees."},
    ],
    "applied_routines": [0],
}



def write_lines(folder, name, objs):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(o) + "\n" for o in objs))


def dataset(tmp_path, sessions=None, routines=None, characters=None):
    folder = tmp_path / "ds"
    write_lines(folder, "sessions.jsonl", sessions if sessions is not None else [{"sessions": [SESSION]}])
    if routines is not None:
        write_lines(folder, "routines.jsonl", routines)
    if characters is not None:
        write_lines(folder, "characters.jsonl", characters)
    return folder


def test_load_strips_applied_routines_but_keeps_them(tmp_path):
    folder = dataset(tmp_path, routines=[{"routines": [ROUTINE]}], characters=[{"character": "Ana"}])
    [user] = load(folder)
    assert "applied_routines" not in user.sessions[0]
    assert user.applied == [[0]]
    assert user.routines == [ROUTINE] and user.character == "Ana"
    assert truth([user]) == [[ROUTINE]]


def test_sessions_only_dataset_has_no_truth(tmp_path):
    users = load(dataset(tmp_path))
    assert users[0].routines is None and users[0].character is None
    with pytest.raises(InputError, match="no routines.jsonl"):
        truth(users)


def test_write_then_load_round_trip(tmp_path):
    users = [
        EdgewiseUser(sessions=[SESSION], routines=[ROUTINE], character="a"),
        EdgewiseUser(sessions=[dict(SESSION, session_id=5, applied_routines=[])], routines=[ROUTINE], character="b"),
    ]
    write(tmp_path / "out", users)
    again = load(tmp_path / "out")
    assert [u.sessions for u in again] == [u.sessions for u in users]
    assert [u.applied for u in again] == [[[0]], [[]]]
    raw = (tmp_path / "out" / "sessions.jsonl").read_text().splitlines()
    assert json.loads(raw[0])["sessions"][0]["applied_routines"] == [0]


def test_missing_sessions_file(tmp_path):
    with pytest.raises(InputError, match="sessions.jsonl: not found"):
        load(tmp_path)


def test_bad_json_names_file_and_line(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "sessions.jsonl").write_text(json.dumps({"sessions": []}) + "\n{oops\n")
    with pytest.raises(InputError, match=r"sessions\.jsonl:2: bad JSON"):
        load(folder)


def test_non_utf8_names_line(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "sessions.jsonl").write_bytes(b'{"sessions": []}\n{"sessions": ["\xff"]}\n')
    with pytest.raises(InputError, match=r"sessions\.jsonl:2: not UTF-8"):
        load(folder)


def test_write_into_a_file_path_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot create"):
        write(blocker / "sub", [EdgewiseUser(sessions=[SESSION])])


def test_misaligned_files(tmp_path):
    folder = dataset(tmp_path, routines=[{"routines": [ROUTINE]}, {"routines": []}])
    with pytest.raises(InputError, match="routines.jsonl has 2 users but sessions.jsonl has 1"):
        load(folder)


def test_bad_enum_names_line_and_field(tmp_path):
    bad = dict(SESSION, meta=dict(SESSION["meta"], weather="foggy"))
    folder = dataset(tmp_path, sessions=[{"sessions": [SESSION]}, {"sessions": [SESSION, bad]}])
    with pytest.raises(InputError, match=r"sessions\.jsonl:2: session 0: meta\.weather .* 'foggy'"):
        load(folder)


@pytest.mark.parametrize(
    "actions, message",
    [
        ({"ac": {"temperature": 31}}, r"within 16\.\.30"),
        ({"ac": {"fan_speed": 4}}, r"within 0\.\.3"),
        ({"tv": {"volume": "loud"}}, "must be an integer"),
        ({"tv": {"input_source": "HDMI3"}}, "input_source must be one of"),
        ({"security": {"armed": 1}}, "true or false"),
        ({"lights": {"hue": 3}}, "unknown field lights.hue"),
        ({"fridge": {"temperature": 4}}, "unknown device 'fridge'"),
        ({"speaker": {"volume": True}}, "must be an integer"),
    ],
)
def test_bad_routine_values(tmp_path, actions, message):
    folder = dataset(tmp_path, routines=[{"routines": [{"triggers": {}, "actions": actions}]}])
    with pytest.raises(InputError, match=r"routines\.jsonl:1: routine 0: .*" + message):
        load(folder)


def test_applied_routine_out_of_range(tmp_path):
    folder = dataset(tmp_path, routines=[{"routines": []}])
    with pytest.raises(InputError, match="names routine 0, but the user has 0"):
        load(folder)


def test_bad_role_and_missing_key(tmp_path):
    bad = dict(SESSION, messages=[{"role": "system", "text": "x"}])
    with pytest.raises(InputError, match="role must be"):
        load(dataset(tmp_path, sessions=[{"sessions": [bad]}]))
    with pytest.raises(InputError, match=r"sessions\.jsonl:1: expected an object with key 'sessions'"):
        load(dataset(tmp_path, sessions=[{"session": []}]))


def test_events_carry_meta_not_answers():
    events = list(user_events("u1", [SESSION, dict(SESSION, session_id=1)]))
    assert len(events) == 4
    assert all(e["type"] == "dialogue" and e["user"] == "u1" for e in events)
    assert events[0]["context"]["weather"] == "snowy"
    assert all("applied_routines" not in json.dumps(e) for e in events)
    assert [e["ts"] for e in events] == sorted(e["ts"] for e in events)
    back = events_to_sessions(reversed(events))
    assert [s["session_id"] for s in back] == [1, 0]
    assert back[1]["messages"] == SESSION["messages"]


def test_events_to_sessions_accepts_event_objects_and_skips_other_types():
    class Ev:  # the store's Event has these attributes
        def __init__(self, d):
            self.__dict__.update(d)

    events = [Ev(e) for e in user_events("u", [SESSION])]
    events.insert(0, Ev({"type": "click", "context": None, "text": None}))
    [session] = events_to_sessions(events)
    assert session == {k: v for k, v in SESSION.items() if k != "applied_routines"}


meta_st = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in META_FIELDS.items()})
session_st = st.builds(
    lambda sid, meta, msgs: {"session_id": sid, "meta": meta, "messages": msgs},
    st.integers(0, 10_000),
    meta_st,
    st.lists(
        st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "text": st.text(max_size=40)}),
        max_size=6,
    ),
)


@given(st.lists(session_st, max_size=6, unique_by=lambda s: s["session_id"]))
def test_events_round_trip(sessions):
    events = list(user_events("someone", sessions))
    rebuilt = events_to_sessions(events)
    # sessions without messages produce no event and so cannot come back
    assert rebuilt == [s for s in sessions if s["messages"]]
    for session in sessions:
        edgewise.validate_session(session)


def test_sessions_round_trip_through_the_encrypted_store(tmp_path):
    from edgerec_bench.datasets.edgewise_synth import synthesize_user
    from edgerec.store import EventStore

    user, _ = synthesize_user(0, sessions=12, seed=8)
    with EventStore.create(tmp_path / "ew.db", passphrase="pw") as store:
        written = store.log_many(user_events("u0", user.sessions))
        assert written == sum(len(s["messages"]) for s in user.sessions)
    with EventStore.open(tmp_path / "ew.db", passphrase="pw") as store:
        rebuilt = events_to_sessions(store.events(user="u0"))
        types = {e.type for e in store.events(user="u0")}
    assert rebuilt == user.sessions
    assert types == {"dialogue"}


def test_read_predictions_errors_name_the_line(tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps([ROUTINE]) + "\n" + "{}\n")
    with pytest.raises(InputError, match=r"pred\.jsonl:2: expected a JSON list"):
        read_predictions(pred)
    pred.write_text("[]\n[oops\n")
    with pytest.raises(InputError, match=r"pred\.jsonl:2: not a JSON line"):
        read_predictions(pred)
    pred.write_text(json.dumps([{"triggers": {"time_of_day": "noon"}, "actions": {}}]) + "\n")
    with pytest.raises(InputError, match=r"pred\.jsonl:1: routine 0: meta.time_of_day"):
        read_predictions(pred)
    with pytest.raises(InputError, match="cannot read"):
        read_predictions(tmp_path / "missing.jsonl")
    pred.write_text(json.dumps([ROUTINE]) + "\n[]\n")
    assert read_predictions(pred) == [[ROUTINE], []]
