"""PII leakage: planted details are in the user's own export and nowhere derived."""

import io
import json
import logging
import zipfile

import numpy as np
import pytest

from edgerec.audit.pii import (PlantedPII, audit_pii, capture_logs, extraction_influence, find_pii, pii_sentences,
                               planted_pii)
from edgerec.audit.household import household_sessions
from edgerec.audit.pii_outputs import file_text, find_pii_bytes
from edgerec.privacy.catalog import build_catalog
from edgerec.privacy.data import Histories
from edgerec.profile.hybrid import make_extractor
from helpers import requires


def _check(metrics):
    assert metrics["pii_planted"] == 7
    assert metrics["allowed_outputs"]["export"]["pii_found"] == 7  # teeth: the matcher sees them where they are
    assert metrics["pii_found"] == 0, metrics["leaks"]
    assert metrics["pii_fragments_in_settings"] == 0, metrics["extraction"]
    assert metrics["extraction"]["sessions_with_pii"] >= 14  # every sentence said at least once
    assert {"routines", "profile summary", "profile document", "logs"} <= set(metrics["outputs"])
    assert not metrics["not_covered"]
    outputs = metrics["outputs"]
    assert {"LDP report (hashed buckets)", "LDP report (item ids)", "LDP report queue (document)",
            "catalog contribution (bounded, item ids)"} <= set(outputs)
    for catalog in ("catalog ε=1", "catalog, not private"):
        files = {name.split(": ", 1)[1] for name in outputs if name.startswith(catalog + ": ")}
        assert {"manifest.json", "items.json", "released.npz", "builder/contributions.npz",
                "builder/state.npz"} <= files, files
        assert outputs[f"{catalog}: released.npz"]["bytes"] > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_planted_pii_in_derived_outputs(tmp_path, seed):
    _check(audit_pii(tmp_path / "a", seed=seed).metrics())


def test_the_planted_user_is_a_contributor_and_the_binary_scan_sees_strings(tmp_path):
    """Teeth for the privacy-engine outputs: the user's liked items are in the contribution and the report, and a
    planted detail stored as a numpy string (here: used as a user id) is found in the saved catalog's bytes."""
    audit = audit_pii(tmp_path / "a", seed=3)
    mine = json.loads(audit.outputs["catalog contribution (bounded, item ids)"])
    assert {"jazz", "lullabies", "news"} <= set(mine["items"]) and mine["pairs"]
    assert json.loads(audit.outputs["LDP report (item ids)"])["report"]["domain"] == 9  # every item id in the store
    assert "users" in audit.outputs["catalog ε=1: builder/contributions.npz"]  # string arrays are read out

    name = planted_pii(3)[0]
    hist = Histories.from_arrays([name.value, "other"], ["a", "b"], [np.array([0, 1]), np.array([1])])
    saved = build_catalog(hist, epsilon=1.0).save(tmp_path / "cat")
    data = (saved / "builder" / "contributions.npz").read_bytes()
    assert find_pii(file_text("contributions.npz", data), [name])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = b"".join(z.read(m) for m in z.namelist())
    assert [m.form for m in find_pii_bytes(members, [name])] == [f"bytes utf-32-le:{name.value}"]


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
