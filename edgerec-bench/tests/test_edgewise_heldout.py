"""The held-out phrasing: same world as the default generator, different words, values still stated."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets.edgewise import load, validate_routine, validate_session
from edgerec_bench.datasets.edgewise_dialogue import flat_requests
from edgerec_bench.datasets.edgewise_heldout import render, spell, states_value, value_forms
from edgerec_bench.datasets.edgewise_synth import DIFFICULTIES, SynthConfig, generate, synthesize_user
from edgerec.errors import InputError

SEED, USERS, SESSIONS = 11, 4, 200


@pytest.fixture(scope="module")
def both():
    """(default, heldout) pairs of (user, traces) for the same seed."""
    return [
        (synthesize_user(i, sessions=SESSIONS, seed=SEED), synthesize_user(i, sessions=SESSIONS, seed=SEED, phrasing="heldout"))
        for i in range(USERS)
    ]


def _stated_somewhere(messages, device, name, value):
    """A user turn, or an assistant turn the user answers, states the value exactly."""
    for i, message in enumerate(messages):
        answered = i + 1 < len(messages) and messages[i + 1]["role"] == "user"
        if (message["role"] == "user" or answered) and states_value(message["text"], device, name, value):
            return True
    return False


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, users=2, sessions=30, seed=seed, phrasing="heldout")
    for f in ("sessions.jsonl", "routines.jsonl", "characters.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert (tmp_path / "a" / "sessions.jsonl").read_bytes() != (tmp_path / "c" / "sessions.jsonl").read_bytes()


def test_every_line_passes_the_loader_and_the_answer_key_is_the_default_one(tmp_path):
    generate(tmp_path / "default", users=3, sessions=60, seed=2)
    summary = generate(tmp_path / "heldout", users=3, sessions=60, seed=2, phrasing="heldout")
    default, heldout = load(tmp_path / "default"), load(tmp_path / "heldout")
    assert summary["sessions"] == 180 and [len(u.sessions) for u in heldout] == [60, 60, 60]
    for f in ("routines.jsonl", "characters.jsonl"):
        assert (tmp_path / "default" / f).read_bytes() == (tmp_path / "heldout" / f).read_bytes()
    for d, h in zip(default, heldout):
        assert d.applied == h.applied and d.routines == h.routines
        assert [s["meta"] for s in d.sessions] == [s["meta"] for s in h.sessions]
        assert [s["session_id"] for s in d.sessions] == [s["session_id"] for s in h.sessions]
        assert all("applied_routines" not in s for s in h.sessions)
        assert sum(s["messages"] != t["messages"] for s, t in zip(d.sessions, h.sessions)) == 60


def test_same_final_settings_as_the_default_phrasing(both):
    for (d_user, d_traces), (h_user, h_traces) in both:
        assert [t.actions for t in d_traces] == [t.actions for t in h_traces]
        assert [t.routines for t in d_traces] == [t.routines for t in h_traces]
        assert d_user.applied == h_user.applied


def test_default_phrasing_is_the_default(tmp_path):
    generate(tmp_path / "implicit", users=1, sessions=20, seed=9)
    generate(tmp_path / "explicit", users=1, sessions=20, seed=9, phrasing="default")
    assert (tmp_path / "implicit" / "sessions.jsonl").read_bytes() == (tmp_path / "explicit" / "sessions.jsonl").read_bytes()
    with pytest.raises(InputError, match="phrasing"):
        synthesize_user(0, sessions=1, phrasing="fancy")


def test_every_final_value_is_stated_by_the_user_or_confirmed_by_the_user(both):
    for _, (user, traces) in both:
        for session, trace in zip(user.sessions, traces):
            for device, name, value in flat_requests(trace.actions):
                assert _stated_somewhere(session["messages"], device, name, value), (session, device, name, value)


def _check_mentions(dia, requests):
    messages = dia.messages
    assert messages and messages[0]["role"] == "user"
    for m in dia.mentions:
        assert m.span.lower() in messages[m.index]["text"].lower(), (m, messages[m.index])
        assert states_value(m.span, m.device, m.field, m.value), m
    for device, name, value in requests:
        said = [m for m in dia.mentions if (m.device, m.field) == (device, name)]
        assert said and said[-1].value == value, (messages, device, name, value)  # the last value said wins
        confirmed = [m for m in said if m.value == value and (
            messages[m.index]["role"] == "user"
            or (m.index + 1 < len(messages) and messages[m.index + 1]["role"] == "user"))]
        assert confirmed, (messages, device, name, value)


def test_mentions_record_every_value_and_the_last_one_is_final(both):
    """Re-render the default world's sessions and check what each message states."""
    rng = random.Random(0)
    inputs = {"HDMI1": "Xbox", "HDMI2": "Chromecast", "AV": "DVD player"}
    seen = set()
    for (user, traces), _ in both:
        for session, trace in zip(user.sessions, traces):
            requests = flat_requests(trace.actions)
            dia = render(rng, SynthConfig(), session["meta"], requests, inputs=inputs, usual="usual" in trace.phenomena)
            _check_mentions(dia, requests)
            seen |= dia.phenomena
    for name in ("correction_same_turn", "correction_next_turn", "correction_misheard", "ask_value", "which_device",
                 "vague_value", "indirect", "topic_first", "spec_list", "pronoun_followup", "double_check", "usual",
                 "state_query", "declined_proposal", "cancel", "off_schema", "small_talk", "distractor", "casual",
                 "named_input", "split_device", "multi_request", "closing"):
        assert name in seen, name


def _user_trigrams(pairs):
    grams = []
    for user, _ in pairs:
        for session in user.sessions:
            for message in session["messages"]:
                if message["role"] == "user":
                    words = re.findall(r"[a-z']+", message["text"].lower())
                    grams += list(zip(words, words[1:], words[2:]))
    return grams


def test_user_turns_share_few_word_trigrams_with_the_default_text(both):
    default = set(_user_trigrams([d for d, _ in both]))
    heldout = _user_trigrams([h for _, h in both])
    shared = sum(g in default for g in heldout) / len(heldout)
    distinct = set(heldout)
    jaccard = len(distinct & default) / len(distinct | default)
    assert shared < 0.2, shared
    assert jaccard < 0.1, jaccard


def test_heldout_text_uses_its_own_nicknames_and_formats(both):
    text = " ".join(m["text"] for _, (u, _) in both for s in u.sessions for m in s["messages"])
    for phrase in ("the box", "climate control", "the sound bar", "house alarm", "overheads", "°C", "degrees",
                   " of 3", "%", "scratch that", "no wait, make it", "one notch"):
        assert phrase in text, phrase


def test_value_forms_and_spelling():
    assert [spell(n) for n in (7, 15, 40, 99)] == ["seven", "fifteen", "forty", "ninety-nine"]
    assert states_value("fan at level 2 of 3", "ac", "fan_speed", 2)
    assert not states_value("the alarm is on", "security", "armed", True)
    assert states_value("Get the house alarm armed.", "security", "armed", True)
    assert not states_value("disarmed", "security", "armed", True)
    assert states_value("route the box to HDMI #2", "tv", "input_source", "HDMI2")
    assert not states_value("route the box to HDMI #2", "tv", "input_source", "HDMI1")
    assert states_value("have the heat pump target 22C", "ac", "temperature", 22)
    assert not states_value("have the heat pump target 122", "ac", "temperature", 22)
    assert "treble boost" in value_forms("speaker", "equalizer", "treble boost")


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), index=st.integers(0, 1000), level=st.sampled_from(DIFFICULTIES))
def test_any_seed_gives_valid_stated_data(seed, index, level):
    user, traces = synthesize_user(index, sessions=20, seed=seed, config=SynthConfig.for_difficulty(level), phrasing="heldout")
    for i, routine in enumerate(user.routines):
        validate_routine(routine, f"routine {i}")
    for session, trace in zip(user.sessions, traces):
        validate_session(session, "", len(user.routines))
        for device, name, value in flat_requests(trace.actions):
            assert _stated_somewhere(session["messages"], device, name, value), (session, device, name, value)


def test_cli_phrasing_option(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(tmp_path / "h"), "--users", "1",
                                 "--sessions", "10", "--seed", "3", "--phrasing", "heldout", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"] == 10
    assert len(load(tmp_path / "h")[0].sessions) == 10
    result = runner.invoke(app, ["datasets", "edgewise-synth", "--out", str(tmp_path / "x"), "--phrasing", "fancy"])
    assert result.exit_code == 2 and "unknown phrasing" in result.output
