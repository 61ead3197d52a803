"""The ``blind`` phrasing: same world as the others, every final value stated, sane structure."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets import edgewise_blind as blind
from edgerec_bench.datasets.edgewise import load
from edgerec_bench.datasets.edgewise_dialogue import random_requests
from edgerec_bench.datasets.edgewise_synth import PHRASINGS, SynthConfig, synthesize_user
from edgerec_bench.datasets.edgewise_world import sample_meta

INPUTS = {"HDMI1": "the games console", "HDMI2": "Apple TV box", "AV": "the old DVD player"}
WIRED = ("HDMI1", "HDMI2", "AV")


def _text(messages) -> str:
    return "\n".join(m["text"] for m in messages)


def _render(seed: int, cfg: SynthConfig | None = None, usual: bool = False):
    rng = random.Random(seed)
    requests = random_requests(rng, rng.randint(1, 6), set())
    dia = blind.render(random.Random(f"w{seed}"), cfg or SynthConfig(), sample_meta(rng), requests,
                       inputs=INPUTS, usual=usual)
    return requests, dia


@pytest.fixture(scope="module")
def blind_users():
    return [synthesize_user(i, sessions=200, seed=11, phrasing="blind") for i in range(3)]


def test_blind_is_a_known_phrasing():
    assert "blind" in PHRASINGS


def test_same_seed_same_dialogues():
    a, _ = synthesize_user(1, sessions=40, seed=5, phrasing="blind")
    b, _ = synthesize_user(1, sessions=40, seed=5, phrasing="blind")
    assert a.sessions == b.sessions
    c, _ = synthesize_user(1, sessions=40, seed=6, phrasing="blind")
    assert [s["messages"] for s in a.sessions] != [s["messages"] for s in c.sessions]


def test_the_world_does_not_depend_on_the_phrasing():
    worlds = []
    for phrasing in ("default", "heldout", "blind"):
        user, traces = synthesize_user(2, sessions=120, seed=9, phrasing=phrasing)
        worlds.append((
            user.routines, user.character, user.applied, [s["meta"] for s in user.sessions],
            [s["session_id"] for s in user.sessions], [(t.actions, t.routines) for t in traces],
        ))
    assert worlds[0] == worlds[1] == worlds[2]
    default, _ = synthesize_user(2, sessions=120, seed=9)
    blinded, _ = synthesize_user(2, sessions=120, seed=9, phrasing="blind")
    assert [s["messages"] for s in default.sessions] != [s["messages"] for s in blinded.sessions]


def test_every_final_value_is_stated_in_generated_users(blind_users):
    for user, traces in blind_users:
        for session, trace in zip(user.sessions, traces):
            text = _text(session["messages"])
            for device, settings in trace.actions.items():
                for name, value in settings.items():
                    if name == "input_source" and value in WIRED and "named_input" in trace.phenomena:
                        continue  # said by what is plugged in, which this test does not know
                    assert blind.states_value(text, device, name, value), (device, name, value, text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.booleans())
def test_every_final_value_is_stated_with_named_inputs(seed, usual):
    requests, dia = _render(seed, usual=usual)
    text = _text(dia.messages)
    for device, name, value in requests:
        assert blind.states_value(text, device, name, value, INPUTS), (device, name, value, text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_roles_alternate_starting_with_the_user(seed):
    _, dia = _render(seed)
    roles = [m["role"] for m in dia.messages]
    assert roles[0] == "user" and roles[-1] == "assistant"
    assert all(a != b for a, b in zip(roles, roles[1:]))
    assert all(m["text"].strip() for m in dia.messages)


def test_hard_config_keeps_values_stated_and_roles_alternating():
    cfg = SynthConfig.for_difficulty("hard")
    for seed in range(300):
        requests, dia = _render(seed, cfg)
        text = _text(dia.messages)
        assert all(blind.states_value(text, d, f, v, INPUTS) for d, f, v in requests), text
        roles = [m["role"] for m in dia.messages]
        assert roles[0] == "user" and all(a != b for a, b in zip(roles, roles[1:]))


def test_easy_config_uses_no_configured_phenomenon():
    cfg = SynthConfig.for_difficulty("easy")
    for seed in range(100):
        requests, dia = _render(seed, cfg)
        assert dia.phenomena <= {"compact"}  # one clause per device is still a plain explicit request
        text = _text(dia.messages)
        assert all(blind.states_value(text, d, f, v, INPUTS) for d, f, v in requests)


def test_declines_and_cancels_are_said_as_such(blind_users):
    seen = Counter()
    for user, traces in blind_users:
        for session, trace in zip(user.sessions, traces):
            said = [m["text"].lower() for m in session["messages"] if m["role"] == "user"]
            if "cancel" in trace.phenomena:
                seen["cancel"] += 1
                assert any("cancel" in s for s in said)
            if "declined_proposal" in trace.phenomena:
                seen["declined"] += 1
                assert any(s.startswith(("no", "nah", "hmm, no")) for s in said)
    assert seen["cancel"] and seen["declined"]


def test_phenomena_appear_at_sane_rates(blind_users):
    cfg = SynthConfig()
    counts = Counter(name for _, traces in blind_users for t in traces for name in t.phenomena)
    total = sum(len(traces) for _, traces in blind_users)
    rate = {name: counts[name] / total for name in counts}
    # Session-level draws: the observed share should be near the configured probability.
    for name, p in (("small_talk", cfg.p_small_talk), ("closing", cfg.p_closing),
                    ("context_preface", cfg.p_context_preface), ("declined_proposal", cfg.p_declined_proposal),
                    ("off_schema", cfg.p_off_schema), ("cancel", cfg.p_cancel)):
        assert 0.5 * p <= rate.get(name, 0) <= 1.5 * p, (name, rate.get(name))
    # Drawn only when a session has room for them: present, but not above their probability by much.
    for name, p in (("correction", cfg.p_correction), ("state_query", cfg.p_state_query)):
        assert 0.3 * p <= rate.get(name, 0) <= 1.3 * p, (name, rate.get(name))
    for name in ("words", "indirect", "ask_value", "relative", "proposal", "which_device", "hedge", "casual",
                 "distractor", "pronoun", "multi_request", "split_device", "named_input", "usual",
                 "correction_same_turn", "correction_next_turn", "correction_misheard", "double_check", "compact"):
        assert 0 < rate.get(name, 0) < 0.9, (name, rate.get(name))


def test_states_value_reads_digits_words_and_options():
    assert blind.states_value("bring it to thirty five percent", "lights", "brightness", 35)
    assert blind.states_value("Volume 35 please", "tv", "volume", 35)
    assert not blind.states_value("Volume 350 please", "tv", "volume", 35)
    assert blind.states_value("put it on HDMI two", "tv", "input_source", "HDMI2")
    assert not blind.states_value("put it on HDMI 1", "tv", "input_source", "HDMI2")
    assert blind.states_value("Arm the house alarm", "security", "armed", True)
    assert not blind.states_value("Disarm the house alarm", "security", "armed", True)
    assert blind.states_value("switch it to heating mode", "ac", "mode", "heat")
    assert all(blind.number_words(n) for n in range(101))


def test_cli_writes_a_blind_dataset(tmp_path):
    out = tmp_path / "blind"
    result = CliRunner().invoke(app, ["datasets", "edgewise-synth", "--out", str(out), "--users", "2",
                                      "--sessions", "20", "--seed", "3", "--phrasing", "blind", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"] == 40
    users = load(out)
    blinded, _ = synthesize_user(1, sessions=20, seed=3, phrasing="blind")
    assert users[1].sessions == blinded.sessions
