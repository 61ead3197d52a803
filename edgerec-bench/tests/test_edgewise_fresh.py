"""The ``fresh`` wording: determinism, same world as the default, the fairness promise, its phenomena."""

from __future__ import annotations

import json
import random
import re

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.datasets import edgewise_fresh as fresh
from edgerec_bench.datasets import edgewise_fresh_words as words
from edgerec_bench.datasets.edgewise import load
from edgerec_bench.datasets.edgewise_fresh import Claim, FreshDialogue, fairness_problems
from edgerec_bench.datasets.edgewise_fresh_talk import BARE
from edgerec_bench.datasets.edgewise_synth import PHRASINGS, SynthConfig, synthesize_user

SEED = 21


def _recorded(monkeypatch, difficulty: str, users: int, sessions: int):
    """Every session of ``users`` users as synthesize_user makes it: (dialogue, final settings, trace)."""
    made = []
    real = fresh.render

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(fresh, "render", spy)
    out = []
    cfg = SynthConfig.for_difficulty(difficulty)
    for i in range(users):
        start = len(made)
        user, traces = synthesize_user(i, sessions=sessions, seed=SEED, config=cfg, phrasing="fresh")
        dialogues = made[start:]
        assert [d.messages for d in dialogues] == [s["messages"] for s in user.sessions]
        out += [(d, t.actions, t) for d, t in zip(dialogues, traces)]
    return out


@pytest.fixture(scope="module")
def by_difficulty():
    with pytest.MonkeyPatch.context() as mp:
        return {level: _recorded(mp, level, users=2, sessions=150) for level in ("normal", "hard")}


def test_registered_and_same_seed_same_sessions():
    assert "fresh" in PHRASINGS
    a, _ = synthesize_user(1, sessions=40, seed=5, phrasing="fresh")
    b, _ = synthesize_user(1, sessions=40, seed=5, phrasing="fresh")
    c, _ = synthesize_user(1, sessions=40, seed=6, phrasing="fresh")
    assert json.dumps(a.sessions) == json.dumps(b.sessions)
    assert json.dumps(a.sessions) != json.dumps(c.sessions)


@pytest.mark.parametrize("difficulty", ["normal", "hard"])
def test_world_and_answer_key_equal_the_default(difficulty):
    cfg = SynthConfig.for_difficulty(difficulty)
    default, default_traces = synthesize_user(2, sessions=120, seed=9, config=cfg)
    other, traces = synthesize_user(2, sessions=120, seed=9, config=cfg, phrasing="fresh")
    assert other.routines == default.routines and other.character == default.character
    assert other.applied == default.applied
    assert [s["meta"] for s in other.sessions] == [s["meta"] for s in default.sessions]
    assert [(t.actions, t.routines) for t in traces] == [(t.actions, t.routines) for t in default_traces]
    differ = sum(s["messages"] != d["messages"] for s, d in zip(other.sessions, default.sessions))
    assert differ == 120


@pytest.mark.parametrize("difficulty", ["normal", "hard"])
def test_every_session_keeps_the_fairness_promise(by_difficulty, difficulty):
    sessions = by_difficulty[difficulty]
    assert len(sessions) >= 200
    for dia, actions, _ in sessions:
        assert fairness_problems(dia, actions) == [], dia.messages


def test_each_phenomenon_occurs_and_hard_raises_the_six(by_difficulty):
    def rates(level):
        counts: dict[str, int] = {}
        for dia, _, _ in by_difficulty[level]:
            for name in dia.phenomena:
                counts[name] = counts.get(name, 0) + 1
        return {k: v / len(by_difficulty[level]) for k, v in counts.items()}

    normal, hard = rates("normal"), rates("hard")
    assert set(fresh.PHENOMENA) <= set(normal) | set(hard)
    assert set(fresh.PHENOMENA) - {"usual"} <= set(hard)
    six = ("bare_done", "offer_accepted", "offer_declined", "counter_offer", "vague_then_number", "mention_question",
           "mention_complaint", "mention_plan", "mention_past", "several_devices_one_clause", "relative")
    assert sum(hard.get(k, 0) for k in six) > 1.2 * sum(normal.get(k, 0) for k in six)
    assert hard["bare_done"] > normal["bare_done"] and hard["relative"] > normal["relative"]


def test_phenomena_show_in_the_claims_and_words(by_difficulty):
    """Each recorded phenomenon leaves its mark: a claim of its kind, or the words it is made of."""
    seen = 0
    for dia, actions, trace in by_difficulty["hard"]:
        kinds = {c.kind for c in dia.claims}
        users = [m["text"] for m in dia.messages if m["role"] == "user"]
        assistant = [m["text"] for m in dia.messages if m["role"] == "assistant"]
        p = dia.phenomena
        assert "phenomena" not in p
        assert trace.phenomena >= p
        if "bare_done" in p:  # a confirmation that is only "Done." (an offer may follow it)
            assert any(t == b or t.startswith(b + " ") for t in assistant for b in BARE)
        if p & {"offer_accepted"}:
            assert "accept" in kinds
        if p & {"offer_declined", "counter_offer"}:
            assert "decline" in kinds
        if p & {"correction", "cancel"}:
            assert "retract" in kinds
        if "relative" in p:
            rel = [c for c in dia.claims if c.kind == "relative"]
            assert rel and all(c.delta != 0 for c in rel)
        if "mention_question" in p:
            assert "state" in kinds
        if "mention_past" in p:
            assert "past" in kinds
        if "mention_plan" in p:
            assert "plan" in kinds
        if "several_devices_one_clause" in p:
            by_turn: dict[int, set[str]] = {}
            for c in dia.claims:
                if c.kind == "set" and dia.messages[c.turn]["role"] == "user":
                    by_turn.setdefault(c.turn, set()).add(c.device)
            assert any(len(devices) == 2 and len(re.findall(r"[.?!]\s", dia.messages[t]["text"] + " ")) <= 1
                       for t, devices in by_turn.items())
        if "mention_leave" in p:  # a device the session never sets, named in a request message
            assert any(m["role"] == "user" and words.names_device(m["text"], d)
                       and not any(c.turn == i and c.device == d for c in dia.claims)
                       for i, m in enumerate(dia.messages) for d in set(words.DEVICE_NAMES) - set(actions))
        if "vague_then_number" in p:
            comparatives = {x for pair in words.DIRECTIONAL.values() for x in pair}
            assert any(any(re.search(rf"\b{c}\b", u, re.I) for c in comparatives) for u in users)
        seen += 1
    assert seen >= 200


def _fair() -> tuple[FreshDialogue, dict]:
    dia = FreshDialogue(
        messages=[{"role": "user", "text": "What's the AC temperature at?"}, {"role": "assistant", "text": "It's at 20."},
                  {"role": "user", "text": "Two up, please."}, {"role": "assistant", "text": "Done."},
                  {"role": "user", "text": "Set the TV volume to 30 - no, sorry, 35."},
                  {"role": "assistant", "text": "Shall I put the lights on warm?"}, {"role": "user", "text": "No thanks."}],
        claims=[Claim(1, "state", "ac", "temperature", 20), Claim(2, "relative", "ac", "temperature", 22, 2),
                Claim(4, "set", "tv", "volume", 30), Claim(4, "retract", "tv", "volume"),
                Claim(4, "set", "tv", "volume", 35), Claim(5, "offer", "lights", "color", "warm"),
                Claim(6, "decline", "lights", "color")],
    )
    return dia, {"ac": {"temperature": 22}, "tv": {"volume": 35}}


def test_the_checker_passes_a_fair_session_and_catches_each_kind_of_unfairness():
    dia, actions = _fair()
    assert fairness_problems(dia, actions) == []
    # a final value nobody says
    assert fairness_problems(dia, {**actions, "speaker": {"volume": 10}})
    # the relative step goes the wrong way
    wrong_way = FreshDialogue([dict(m) for m in dia.messages], claims=list(dia.claims))
    wrong_way.messages[2]["text"] = "Two down, please."
    assert any("not readable" in p for p in fairness_problems(wrong_way, actions))
    # no state said before the step
    assert fairness_problems(FreshDialogue(dia.messages, claims=dia.claims[1:]), actions)
    # a wrong value presented as set, never taken back
    untaken = [c for c in dia.claims if c.kind != "retract"]
    assert any("never taken back" in p for p in fairness_problems(FreshDialogue(dia.messages, claims=untaken), actions))
    # the final value declined
    assert any("declined" in p for p in fairness_problems(dia, {**actions, "lights": {"color": "warm"}}))
    # the assistant says the TV is at 30 after it was set to 35
    contradicted = FreshDialogue(dia.messages + [{"role": "assistant", "text": "The TV volume is at 30."}],
                                 claims=dia.claims + [Claim(7, "state", "tv", "volume", 30)])
    assert any("right after being set" in p for p in fairness_problems(contradicted, actions))
    # a claimed value that is not in its message's words
    moved = [Claim(3, c.kind, c.device, c.field, c.value) if c.kind == "offer" else c for c in dia.claims]
    assert any("not in" in p for p in fairness_problems(FreshDialogue(dia.messages, claims=moved), actions))


def test_states_value_reads_this_wordings_values_only():
    assert words.states_value("put the TV on HDMI two", "tv", "input_source", "HDMI2")
    assert not words.states_value("put the TV on HDMI two", "tv", "input_source", "HDMI1")
    assert words.states_value("a hundred and ten things; volume at a hundred", "tv", "volume", 100)
    assert not words.states_value("one hundred and ten", "tv", "volume", 10)
    assert not words.states_value("twenty-two", "ac", "temperature", 20)
    assert words.states_value("disarm the alarm", "security", "armed", False)
    assert not words.states_value("arm the alarm", "security", "armed", False)


def test_cli_writes_the_fresh_wording(tmp_path):
    out = tmp_path / "fresh"
    result = CliRunner().invoke(app, ["datasets", "edgewise-synth", "--out", str(out), "--users", "2",
                                      "--sessions", "20", "--seed", "3", "--phrasing", "fresh", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"] == 40
    written = load(out)
    expected, _ = synthesize_user(1, sessions=20, seed=3, phrasing="fresh")
    assert written[1].sessions == expected.sessions


def test_render_alone_keeps_the_promise_on_random_settings():
    """Beyond the world's own sessions: 1-4 settings drawn at random, usual or not."""
    from edgerec_bench.datasets.edgewise_dialogue import actions_of, random_requests

    rng = random.Random(5)
    for level in ("normal", "hard"):
        cfg = SynthConfig.for_difficulty(level)
        for _ in range(150):
            requests = random_requests(rng, rng.randint(1, 4), set())
            dia = fresh.render(rng, cfg, {"time_of_day": "evening", "weather": "rainy"}, requests, inputs={},
                               usual=rng.random() < 0.1)
            assert fairness_problems(dia, actions_of(requests)) == [], dia.messages
