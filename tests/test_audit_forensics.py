"""Forgetting forensics: canaries planted by user, item, range and time are found before and gone after."""

import json
import sqlite3

import pytest

from edgerec.audit.canaries import new_canary
from edgerec.audit.forensics import audit_forget, plant, scan_store
from edgerec.audit.population import movielens_events, synthetic_events
from edgerec.store import EventStore
from helpers import KEY, ML100K, requires


def _check(result):
    metrics = result.metrics()
    assert metrics["canaries_planted"] == 10
    # the control: the same scan, before the forget, finds every canary (so the scanner has teeth)
    assert metrics["control_canaries_found"] == metrics["canaries_planted"]
    assert metrics["canaries_found"] == 0, metrics["hits"]
    assert {c["kind"] for c in metrics["canaries"]} == {"user", "item", "text", "context"}
    assert {c["forgotten_by"] for c in metrics["canaries"]} == {"user", "item", "user+before", "before"}
    assert all(c["key_holder_needles"] > 0 for c in metrics["canaries"])
    assert {"events.db", "events (decrypted)", "documents (decrypted)"} <= set(metrics["locations"])
    assert [r["scope"]["user"] for r in metrics["receipts"]] == [True, False, True, False]
    return metrics


def test_synthetic_household_forgets_every_canary(tmp_path):
    metrics = _check(audit_forget(tmp_path / "audit"))
    assert metrics["population"]["source"] == "synthetic" and not metrics["ranked"]
    assert metrics["locations"]["events.db-wal"]["control_canaries_found"] == 10  # raw bytes: tags and sealed rows
    # a thief's view: before any forget, the raw files hold canaries only as key-holder needles, never as text
    result = audit_forget(tmp_path / "again")
    raw = [h for h in result.control if "decrypted" not in h.location and h.location != "receipts"]
    assert raw and all(h.encoding.split(":")[0] in {"blind-tag", "wrapped-key", "sealed-event", "sealed-doc"}
                       for h in raw)
    json.dumps(metrics)


def test_movielens_users_as_the_population(tmp_path):
    events = movielens_events(ML100K, users=12, per_user=30)
    assert len({e["user"] for e in events}) == 12
    metrics = _check(audit_forget(tmp_path / "audit", population=events, source="ml-100k"))
    assert metrics["population"] == {"source": "ml-100k", "users": 12, "events": metrics["population"]["events"]}


def test_scanner_finds_canaries_a_forget_left_behind(tmp_path):
    """Teeth: a plaintext copy (an export written next to the store) and an unforgotten record are found."""
    users = [e["user"] for e in synthetic_events(users=2)]
    plan, events, _ = plant(list(dict.fromkeys(users)))
    folder = tmp_path / "audit"
    folder.mkdir()
    with EventStore.create(folder / "events.db", key=KEY) as store:
        store.log_many(events)
        export = "\n".join(json.dumps(e) for e in store.export(plan.victim))
        (folder / "export.jsonl").write_text(export)
        (folder / "export.utf16").write_bytes(export.encode("utf-16-le"))
        store.forget(item=plan.shared_item)  # the victim is NOT forgotten
        hits = scan_store(store, folder, plan.canaries)
    found = {(h.location, h.canary) for h in hits}
    victim = f"user:{plan.victim}"
    assert ("export.jsonl", victim) in found and ("export.utf16", victim) in found
    assert ("events (decrypted)", victim) in found
    assert ("events (decrypted)", f"item:{plan.shared_item}") not in found  # that one was forgotten
    assert ("export.jsonl", f"item:{plan.shared_item}") in found  # but the export was written before


def test_raw_sqlite_file_with_a_canary_is_found_in_several_encodings(tmp_path):
    canary = new_canary("context")
    db = sqlite3.connect(tmp_path / "plain.db")
    db.execute("CREATE TABLE t (a TEXT, b BLOB)")
    db.execute("INSERT INTO t VALUES (?, ?)", (canary.value.encode().hex(), canary.value.encode("utf-16-be")))
    db.commit()
    db.close()
    with EventStore.create(tmp_path / "events.db", key=KEY) as store:
        hits = scan_store(store, tmp_path, [canary])
    assert {h.encoding for h in hits if h.location == "plain.db"} == {"hex", "utf-16-be"}


def test_the_audit_folder_must_be_empty(tmp_path):
    (tmp_path / "x").write_text("not mine")
    with pytest.raises(ValueError):
        audit_forget(tmp_path)


@pytest.mark.slow
@requires("onnxruntime", "tokenizers")
def test_with_ranking_through_the_catalog_cache(tmp_path, exported_embedder):
    from edgerec.models.embed import Embedder

    metrics = _check(audit_forget(tmp_path / "audit", embedder=Embedder.from_dir(exported_embedder)))
    assert metrics["ranked"] and metrics["locations"]["home/cache/item-embeddings.sqlite"]["size"] > 0
