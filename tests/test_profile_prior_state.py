"""Relative changes across sessions: each session is read with the last known state of the devices (issue 12).

ProfileBuilder against a real encrypted store (each test its own EDGEREC_HOME, see conftest.py): "two degrees
warmer" in a new session resolves against the value an earlier session set, and the extraction cache reads a
session again exactly when the prior values its reading used have changed.
"""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from edgerec.profile.builder import PROFILE_DOC, ProfileBuilder
from edgerec.profile.extract import extract
from edgerec.profile.hybrid import make_extractor, make_reader
from edgerec.profile.normalize import normalize, split_clauses
from edgerec.profile.relative import find_relative
from edgerec.profile.schema import DEVICE_FIELDS, unflatten_items
from edgerec.profile.sessions import session_to_events, user_events
from helpers import requires
from test_profile_extract import CASES

START = datetime(2025, 1, 6, tzinfo=timezone.utc)  # the first session's synthetic time (sessions.session_to_events)


def dialogue(*turns):
    roles = ["user", "assistant"]
    return [{"role": roles[i % 2], "text": text} for i, text in enumerate(turns)]


def session(sid, *turns, time_of_day="evening"):
    return {"session_id": sid, "meta": {"time_of_day": time_of_day}, "messages": dialogue(*turns)}


SET_21 = ("Set the AC to 21 degrees.", "Done.")
WARMER = ("Make it two degrees warmer.", "Done.")
TV_20 = ("TV volume to 20 please.", "Done, volume 20.")


@pytest.fixture
def builder(store):
    return ProfileBuilder(store)


def log(store, *sessions):
    store.log_many(user_events("alice", sessions))


def cached(store, sid):
    return store.get_doc("alice", PROFILE_DOC)["cache"][str(sid)]


# -- across sessions -----------------------------------------------------------------------------------------

def test_a_relative_change_resolves_against_an_earlier_session(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER))
    profile = builder.rebuild("alice")
    assert profile["extracted_now"] == 2
    assert cached(store, 1) == {"digest": cached(store, 1)["digest"], "actions": {"ac": {"temperature": 21}},
                                "prior": {}}
    assert cached(store, 2)["actions"] == {"ac": {"temperature": 23}}
    assert cached(store, 2)["prior"] == {"ac.temperature": 21}


def test_the_mined_routines_use_the_resolved_value(store, builder):
    # every morning the AC goes to 21; every evening, two degrees warmer than that
    days = [session(2 * d, *SET_21, time_of_day="morning") for d in range(8)]
    evenings = [session(2 * d + 1, "Two degrees warmer, please.", "Done.") for d in range(8)]
    log(store, *[s for pair in zip(days, evenings) for s in pair])
    routines = builder.rebuild("alice")["routines"]
    found = {tuple(r["triggers"].items()): r["actions"] for r in routines}
    assert found[(("time_of_day", "evening"),)] == {"ac": {"temperature": 23}}
    assert found[(("time_of_day", "morning"),)] == {"ac": {"temperature": 21}}


def test_changes_chain_through_sessions(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER), session(3, "One degree warmer.", "Done."))
    builder.rebuild("alice")
    assert [cached(store, s)["actions"] for s in (2, 3)] == [{"ac": {"temperature": 23}}, {"ac": {"temperature": 24}}]
    assert cached(store, 3)["prior"] == {"ac.temperature": 23}


@pytest.mark.parametrize("earlier", [[], [session(1, *TV_20)]], ids=["first session", "other device set"])
def test_without_an_earlier_value_the_change_stays_unresolved(store, builder, earlier):
    log(store, *earlier, session(2, *WARMER))
    builder.rebuild("alice")
    assert cached(store, 2)["actions"] == {}
    assert cached(store, 2)["prior"] == {"ac.temperature": None}, "the absence was used: a later value must re-read"


def test_prior_state_is_never_a_setting_of_its_own(store, builder):
    log(store, session(1, *SET_21), session(2, *TV_20))
    builder.rebuild("alice")
    assert cached(store, 2) | {"digest": None} == {"digest": None, "actions": {"tv": {"volume": 20}}, "prior": {}}


# -- the cache ------------------------------------------------------------------------------------------------

def edit_session_1(store, text):
    """Append a user turn to session 1 in the store (its third turn, still before session 2 in time)."""
    whole = session(1, *SET_21, text)
    store.log_many(session_to_events("alice", whole, position=0)[2:])


def test_an_unchanged_rebuild_reads_nothing(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER), session(3, *TV_20))
    assert builder.rebuild("alice")["extracted_now"] == 3
    assert builder.rebuild("alice")["extracted_now"] == 0


def test_editing_the_earlier_session_reads_again_only_the_sessions_that_used_it(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER), session(3, *TV_20),
        session(4, "AC to 18.", "Done.", "One degree cooler."), session(5, "One degree warmer.", "Done."))
    builder.rebuild("alice")
    assert [cached(store, s)["actions"]["ac"]["temperature"] for s in (2, 4, 5)] == [23, 17, 18]

    edit_session_1(store, "Actually, make it 19.")
    profile = builder.rebuild("alice")
    assert cached(store, 1)["actions"] == {"ac": {"temperature": 19}}
    assert cached(store, 2)["actions"] == {"ac": {"temperature": 21}}
    # read again: 1 (edited) and 2 (used 1's value); not 3 (no relative change), 4 (its own value) or
    # 5 (used 4's value, unchanged)
    assert profile["extracted_now"] == 2
    assert cached(store, 5)["actions"] == {"ac": {"temperature": 18}}


def test_a_value_appearing_earlier_resolves_a_change_left_open(store, builder):
    log(store, session(1, "Hello there.", "Hi!"), session(2, *WARMER), session(3, *TV_20))
    builder.rebuild("alice")
    assert cached(store, 2)["actions"] == {}
    edit_session_1(store, "Set the AC to 21 degrees.")
    profile = builder.rebuild("alice")
    assert cached(store, 2)["actions"] == {"ac": {"temperature": 23}}
    assert profile["extracted_now"] == 2


def test_forgetting_the_earlier_session_drops_the_value(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER), session(3, *TV_20))
    builder.rebuild("alice")
    assert cached(store, 2)["actions"] == {"ac": {"temperature": 23}}
    store.forget(user="alice", before=START + timedelta(hours=1))  # session 1 (sessions are an hour apart)
    profile = builder.rebuild("alice")
    assert profile["sessions"] == 2
    assert cached(store, 2)["actions"] == {}
    assert [r for r in profile["routines"] if "ac" in r["actions"]] == []


def test_the_cache_alone_catches_a_forgotten_earlier_session(store, builder):
    # a forget deletes the whole profile document (it is derived), so every session is read again anyway;
    # with the old cache put back, the cache rule alone reads again only the session that used the value
    log(store, session(1, *SET_21), session(2, *WARMER), session(3, *TV_20))
    builder.rebuild("alice")
    kept = store.get_doc("alice", PROFILE_DOC)
    store.forget(user="alice", before=START + timedelta(hours=1))
    assert store.get_doc("alice", PROFILE_DOC) is None
    store.put_doc("alice", PROFILE_DOC, kept)
    profile = builder.rebuild("alice")
    assert profile["extracted_now"] == 1
    assert cached(store, 2)["actions"] == {}


def test_a_cache_of_the_previous_format_is_rebuilt(store, builder):
    log(store, session(1, *SET_21), session(2, *WARMER))
    builder.rebuild("alice")
    old = store.get_doc("alice", PROFILE_DOC)
    old["version"] = 1
    old["cache"] = {k: {"digest": v["digest"], "actions": {}} for k, v in old["cache"].items()}
    store.put_doc("alice", PROFILE_DOC, old)
    assert builder.rebuild("alice")["extracted_now"] == 2
    assert cached(store, 2)["actions"] == {"ac": {"temperature": 23}}


# -- extract and the extractors -------------------------------------------------------------------------------

@pytest.mark.parametrize("messages, prior, used", [
    (dialogue(*WARMER), {"ac": {"temperature": 21}}, {"ac.temperature": 21}),
    (dialogue(*WARMER), {"tv": {"volume": 30}}, {"ac.temperature": None}),  # looked up, not there
    (dialogue("Heater to 18.", "Done.", "Two degrees warmer."), {"ac": {"temperature": 25}}, {}),  # its own value
    (dialogue("How warm is it in here?", "The AC is at 20 right now.", "Two degrees warmer."),
     {"ac": {"temperature": 25}}, {}),  # the reported value
    (dialogue("A bit warmer please."), {"ac": {"temperature": 21}}, {}),  # no amount: the prior cannot decide
    (dialogue("Halve the speaker volume."), {"speaker": {"volume": 40}}, {"speaker.volume": 40}),
    (dialogue(*TV_20), {"tv": {"volume": 30}}, {}),
])
def test_extract_reports_the_prior_it_used(messages, prior, used):
    assert extract(messages, prior_state=prior).prior_used == used


class ScriptedModel:
    """Answers every likelihood choice with ``answer`` (LocalLLM.choose's shape), counting the questions."""

    def __init__(self, answer):
        self.answer, self.asked = answer, 0

    def choose(self, prompt, options):
        self.asked += 1
        best = options.index(self.answer)
        return best, [0.0 if i == best else -5.0 for i in range(len(options))]


@pytest.mark.parametrize("answer, expected", [("Yes", {"ac": {"temperature": 23}, "tv": {"volume": 20}}),
                                              ("No", {"tv": {"volume": 20}})])
def test_the_hybrid_passes_the_prior_state_and_reports_it(answer, expected):
    model = ScriptedModel(answer)
    read = make_reader("hybrid", model, choose_values=False, check_requests=True)
    found = read(dialogue(*TV_20, "Maybe two degrees warmer?"), prior_state={"ac": {"temperature": 21}})
    assert model.asked == 1
    assert found.actions == expected
    # whichever reading wins, the prior decided the comparison that chose it
    assert found.prior_used == {"ac.temperature": 21}


@requires("llama_cpp")
@pytest.mark.slow
def test_the_hybrid_with_the_real_model_reports_the_prior_it_used():
    """The default GGUF decides whether the hedged turn is a request; either way the prior decided the reading."""
    from edgerec.models.llm import LocalLLM

    model = LocalLLM(max_seconds=30)
    try:
        read = make_reader("hybrid", model, choose_values=False, check_requests=True)
        found = read(dialogue(*TV_20, "Maybe two degrees warmer?"), prior_state={"ac": {"temperature": 21}})
    finally:
        model.close()
    assert found.actions in ({"ac": {"temperature": 23}, "tv": {"volume": 20}}, {"tv": {"volume": 20}})
    assert found.prior_used == {"ac.temperature": 21}


def test_the_extractors_take_the_prior_state():
    warmer = dialogue(*WARMER)
    assert make_extractor("rules")(warmer) == {}
    assert make_extractor("rules")(warmer, prior_state={"ac": {"temperature": 21}}) == {"ac": {"temperature": 23}}
    assert make_extractor("hybrid", ScriptedModel("no change"))(
        warmer, prior_state={"ac": {"temperature": 21}}) == {"ac": {"temperature": 23}}


# -- a property: the prior state changes nothing where there is no relative change ---------------------------

def _has_relative(messages):
    return any(find_relative(clause) for m in messages for clause in split_clauses(normalize(m["text"])))


_REQUESTS = ["Set the AC to {n}.", "TV volume {n} please.", "Lights to {n}%.", "Speaker volume to {n}.",
             "Put the heater on {n}.", "Turn the tv down to {n}.", "Alarm volume {n}."]
_REPLIES = ["Done.", "Okay.", "Shall I also set the lights to 30%?", "Sure, done.", "No, leave it."]
NO_RELATIVE = [messages for messages, _ in CASES if not _has_relative(messages)]
assert len(NO_RELATIVE) >= 10, "the property needs dialogues to run on"


def _spec_values(spec):
    if spec is bool:
        return st.booleans()
    if isinstance(spec, range):
        return st.integers(spec.start, spec.stop - 1)
    return st.sampled_from(spec)


_PATHS = {f"{device}.{name}": _spec_values(spec) for device, fields in DEVICE_FIELDS.items()
          for name, spec in fields.items()}
prior_states = st.lists(st.sampled_from(sorted(_PATHS)), unique=True).flatmap(
    lambda paths: st.tuples(*[st.tuples(st.just(p), _PATHS[p]) for p in paths])).map(unflatten_items)
made_up = st.lists(st.tuples(st.sampled_from(_REQUESTS), st.integers(0, 100), st.sampled_from(_REPLIES)),
                   min_size=1, max_size=4).map(
    lambda turns: dialogue(*[t for request, n, reply in turns for t in (request.format(n=n), reply)]))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.sampled_from(NO_RELATIVE), made_up), prior_states)
def test_prior_state_changes_nothing_without_a_relative_change(messages, prior):
    assert not _has_relative(messages)
    found = extract(messages, prior_state=prior)
    assert found.actions == extract(messages).actions
    assert found.prior_used == {}
