"""PII leakage: planted details are in the user's own export and nowhere derived."""

import logging

import pytest

from edgerec.audit.pii import (PlantedPII, audit_pii, capture_logs, extraction_influence, find_pii, pii_sentences,
                               planted_pii)
from edgerec.audit.household import household_sessions
from edgerec.profile.hybrid import make_extractor
from helpers import requires


def _check(metrics):
    assert metrics["pii_planted"] == 7
    assert metrics["allowed_outputs"]["export"]["pii_found"] == 7  # teeth: the matcher sees them where they are
    assert metrics["pii_found"] == 0, metrics["leaks"]
    assert metrics["pii_fragments_in_settings"] == 0, metrics["extraction"]
    assert metrics["extraction"]["sessions_with_pii"] >= 14  # every sentence said at least once
    assert {"routines", "profile summary", "profile document", "logs"} <= set(metrics["outputs"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_planted_pii_in_derived_outputs(tmp_path, seed):
    _check(audit_pii(tmp_path / "a", seed=seed).metrics())


def test_each_match_form():
    name, phone, mail = PlantedPII("name", "Ottilie Brannagh"), PlantedPII("phone", "+1 (415) 555-0187"), \
        PlantedPII("email", "ottilie.b@fernmail.example")
    assert [m.form for m in find_pii("Ottilie Brannagh", [name])] == ["exact"]
    assert [m.form for m in find_pii("OTTILIE  brannagh!", [name])] == ["normalized"]
    assert [m.form for m in find_pii("tell ottilie", [name])] == ["part:Ottilie"]
    assert [m.form for m in find_pii("5550187", [phone])] == ["digits"]
    assert [m.form for m in find_pii("from Ottilie.B at home", [mail])] == ["part:ottilie.b"]
    assert find_pii("lights warm at 23 degrees, volume 20", [name, phone, mail]) == []


def test_sentences_carry_every_detail_twice():
    pii = planted_pii(5)
    sentences = pii_sentences(pii)
    assert len(sentences) == 2 * len(pii)
    for p in pii:
        assert sum(p.value in s for s in sentences) == 2


def test_influence_catches_a_number_read_from_a_phone():
    """Teeth: an extractor that reads every number as the alarm volume is caught."""
    pii = planted_pii(3)
    sessions = household_sessions(seed=3, count=20, asides=pii_sentences(pii))

    def greedy(messages):
        import re
        numbers = [int(n) for m in messages for n in re.findall(r"\d+", m["text"]) if int(n) <= 100]
        return {"security": {"alarm_volume": numbers[-1]}} if numbers else {}

    assert extraction_influence(sessions, pii_sentences(pii), greedy, pii)["pii_fragments_in_settings"]
    assert not extraction_influence(sessions, pii_sentences(pii), make_extractor("rules"),
                                    pii)["pii_fragments_in_settings"]


def test_logs_are_captured_at_every_level():
    pii = planted_pii(0)
    with capture_logs() as lines:
        logging.getLogger("edgerec.somewhere").debug("user said %s", pii[0].value)
    assert find_pii("\n".join(lines), pii)


@pytest.mark.slow
@requires("onnxruntime", "tokenizers")
def test_rank_reasons_hold_no_pii(tmp_path, exported_embedder):
    from edgerec.models.embed import Embedder

    metrics = audit_pii(tmp_path / "a", seed=4, embedder=Embedder.from_dir(exported_embedder)).metrics()
    _check(metrics)
    assert metrics["outputs"]["rank reasons"]["chars"] > 0


@pytest.mark.slow
@requires("llama_cpp")
def test_llm_extraction_and_summary_hold_no_pii(tmp_path):
    from edgerec.models.llm import LocalLLM

    metrics = audit_pii(tmp_path / "a", seed=6, llm=LocalLLM(), extractor="hybrid").metrics()
    _check(metrics)
