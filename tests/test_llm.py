"""The llama.cpp runtime with the real default GGUF (SmolLM2-135M-Instruct Q4_1)."""

import sys

import pytest

from edgerec.errors import InputError, MissingExtraError
from helpers import missing_extra, requires
from edgerec.models.files import sha256_file
from edgerec.models.llm import LocalLLM, chatml, default_model_path, load_manifest

needs_model = requires("llama_cpp")


def test_manifest_names_the_shipped_file():
    manifest = load_manifest()
    assert manifest["license"] == "Apache-2.0"
    assert manifest["file"].endswith(".gguf") and len(manifest["sha256"]) == 64


def test_chatml_template():
    prompt = chatml([{"role": "system", "text": "s"}, {"role": "user", "text": "u"}])
    assert prompt == "<|im_start|>system\ns<|im_end|>\n<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n"


@pytest.mark.parametrize("bad, why", [
    ("root ::= (", "unbalanced"), ('root ::= "a" b', "undefined b"), ('start ::= "a"', "no root"),
    ('root ::= "abc', "unterminated"), ("root = 'a'", "not a rule"), ('root ::= "a" ; "b"', "unexpected"),
])
def test_grammar_text_llama_cpp_cannot_parse_is_an_input_error(bad, why):
    from edgerec.models.gbnf import check_gbnf

    with pytest.raises(InputError, match=why):
        check_gbnf(bad)


def test_generated_realization_grammars_pass_the_grammar_check():
    from edgerec.models.gbnf import check_gbnf
    from edgerec.profile.realize import sentence_grammar

    odd = {"triggers": {"weather": "rainy"}, "actions": {"tv": {"input_source": 'a "b" \\ (c', "volume": 3},
                                                        "security": {"armed": False}}}
    check_gbnf(sentence_grammar(odd, first=False))
    check_gbnf('# a comment\n\nroot ::= [a-z]+ x{1,3}\nx ::= "\\"" | "."')


def test_missing_runtime_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    with pytest.raises(MissingExtraError, match=r"edgerec\[llm\]"):
        LocalLLM()


def test_any_gguf_path_is_checked(tmp_path):
    with pytest.raises(InputError):
        LocalLLM(tmp_path / "missing.gguf")


@pytest.fixture(scope="module")
def model():
    reason = missing_extra("llama_cpp")
    if reason:
        pytest.skip(reason)
    m = LocalLLM(max_seconds=30)
    yield m
    m.close()


@needs_model
@pytest.mark.slow
def test_default_file_matches_manifest():
    assert sha256_file(default_model_path()) == load_manifest()["sha256"]


@needs_model
@pytest.mark.slow
def test_generation_is_bounded_and_counted(model):
    calls, produced = model.stats.calls, model.stats.completion_tokens
    text = model.generate([{"role": "user", "text": "Count from one to fifty."}], max_tokens=8)
    assert text and model.stats.calls == calls + 1
    assert 0 < model.stats.completion_tokens - produced <= 8


@needs_model
@pytest.mark.slow
def test_json_schema_constrained_answer(model):
    schema = {"type": "object", "properties": {"device": {"type": "string", "enum": ["tv", "ac", "lights"]},
                                               "volume": {"type": "integer", "minimum": 0, "maximum": 100}},
              "required": ["device", "volume"], "additionalProperties": False}
    answer = model.generate_json([{"role": "user", "text": "Set the TV volume to 20. Reply in JSON."}], schema,
                                 max_tokens=40)
    assert set(answer) == {"device", "volume"}
    assert answer["device"] in ("tv", "ac", "lights") and 0 <= answer["volume"] <= 100


@needs_model
@pytest.mark.slow
def test_likelihood_choice(model):
    best, scores = model.choose([{"role": "user", "text": "What is the capital of France? Answer with one word."}],
                                ["Paris", "London", "Berlin"])
    assert best == 0 and len(scores) == 3 and scores[0] > max(scores[1:])


@needs_model
@pytest.mark.slow
def test_hybrid_extractor_and_profile_with_the_model(model):
    from edgerec.profile.hybrid import make_extractor
    from edgerec.profile.nl_profile import llm_profile

    hybrid = make_extractor("hybrid", model)
    calls = model.stats.calls
    actions = hybrid([{"role": "user", "text": "TV volume 20, and give the lights a colour like a sunset."}])
    assert actions["tv"] == {"volume": 20}  # the rules' answer is kept
    assert model.stats.calls == calls + 1  # one likelihood choice for the open colour
    assert actions.get("lights", {}).get("color") in (None, "warm", "cool", "neutral")

    routines = [{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}]
    text = llm_profile(model, routines, max_tokens=40)
    assert text.strip() and model.stats.calls == calls + 2


@needs_model
@pytest.mark.slow
def test_summary_from_the_model_is_fact_checked(model):
    from edgerec.profile.nl_profile import REJECTED_LABEL, summarize

    routines = [{"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}},
                {"triggers": {"time_of_day": "morning"}, "actions": {"tv": {"volume": 20}}}]
    text, source = summarize(routines, model)
    assert text.strip()
    assert source == REJECTED_LABEL or source == "llm: SmolLM2-135M-Instruct.Q4_1.gguf"


@needs_model
@pytest.mark.slow
def test_grammar_from_a_custom_device_schema_holds_the_raw_answer(model):
    from home_sessions import HOME

    said = [{"role": "user", "text": "Heater on boost, level 5, and the kettle to 90 degrees. Reply in JSON."}]
    answer = model.generate_json(said, HOME.json_schema(), max_tokens=64)  # raw: nothing filtered afterwards
    assert isinstance(answer, dict) and set(answer) <= set(HOME.names)
    for device, fields in answer.items():
        for name, value in fields.items():
            assert HOME.valid(f"{device}.{name}", value), (device, name, value)


@needs_model
@pytest.mark.slow
def test_gbnf_grammar_holds_the_answer_and_a_bad_grammar_is_one_error(model):
    text = model.generate_grammar([{"role": "user", "text": "Name a colour."}],
                                  'root ::= "The colour is " ("red" | "blue") "."', max_tokens=12)
    assert text in ("The colour is red.", "The colour is blue.")
    said = model.generate_grammar([{"role": "user", "text": "Go on."}], 'root ::= " and " ("on" | "off")',
                                  max_tokens=6, prefix="Lights on")
    assert said in (" and on", " and off")  # the prefix is read, not returned
    with pytest.raises(InputError, match="GBNF"):
        model.generate_grammar([{"role": "user", "text": "x"}], "root ::= (", max_tokens=4)


@needs_model
@pytest.mark.slow
def test_realized_profile_of_three_routines_passes_the_fact_check_and_fluency(model):
    from edgerec.profile.nl_profile import faithful, summarize
    from edgerec.profile.realize import fluency_problems

    routines = [
        {"triggers": {"time_of_day": "morning", "day_of_week": "weekday", "outdoor_temp": "cold"},
         "actions": {"ac": {"mode": "heat", "temperature": 23}, "lights": {"color": "warm", "brightness": 60}}},
        {"triggers": {"time_of_day": "evening", "day_of_week": "weekend"},
         "actions": {"tv": {"input_source": "Netflix", "volume": 25}}},
        {"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True, "alarm_volume": 80}}},
    ]
    calls = model.stats.calls
    text, source = summarize(routines, model)
    assert model.stats.calls == calls + 3  # one grammar-bound sentence per routine
    assert source == "llm: SmolLM2-135M-Instruct.Q4_1.gguf", text
    assert faithful(text, routines) and fluency_problems(text, routines) == []
    assert text.startswith("On weekday mornings, when it is cold outside, you ") and "Netflix, volume 25" in text


@needs_model
@pytest.mark.slow
def test_request_check_asks_the_model_only_about_doubtful_turns(model):
    from edgerec.profile.hybrid import make_extractor

    checked = make_extractor("hybrid", model, choose_values=False, check_requests=True)
    calls = model.stats.calls
    assert checked([{"role": "user", "text": "TV volume 20 please."}]) == {"tv": {"volume": 20}}
    assert model.stats.calls == calls  # a plain request: no question to the model
    plan = [{"role": "user", "text": "Maybe tomorrow I will put the TV volume at 20?"}]
    assert checked(plan) == {}  # the rules read a plan as setting nothing: no question to the model either
    assert model.stats.calls == calls
    doubtful = [{"role": "user", "text": "Maybe put the TV volume at 20?"}]  # the rules read a request, with cues
    assert checked(doubtful) in ({}, {"tv": {"volume": 20}})
    assert model.stats.calls == calls + 1
