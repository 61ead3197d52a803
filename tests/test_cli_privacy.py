"""``edgerec privacy ledger|budget`` and ``edgerec catalog build|forget`` through CliRunner."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.errors import PrivacyBudgetExceeded
from edgerec.privacy.ledger import LedgerEntry
from edgerec.privacy.store_ledger import charge, load_ledger
from edgerec.store import EventStore
from helpers import KEY, ML100K, user_error

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def kf(tmp_path):
    path = tmp_path / "store.key"
    path.write_bytes(KEY)
    return path


def _entry(z: float) -> LedgerEntry:
    return LedgerEntry.gaussian(noise_multiplier=z, delta=1e-5, released="a local report", scope="store",
                                sensitivity=1.0)


def test_store_ledger_budget_and_charges(db_path, kf):
    assert run("init", "--db", db_path, "--key-file", kf).exit_code == 0
    r = run("privacy", "ledger", "--db", db_path, "--key-file", kf, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["entries"] == []
    r = run("privacy", "budget", "--set", "1.5", "--delta", "1e-5", "--db", db_path, "--key-file", kf, "--json")
    assert json.loads(r.stdout)["budget"] == {"epsilon": 1.5, "delta": 1e-5}
    with EventStore.open(db_path, key=KEY) as store:
        charge(store, _entry(5.0))
        with pytest.raises(PrivacyBudgetExceeded):
            charge(store, _entry(1.0))
        assert len(load_ledger(store).entries) == 1
    r = run("privacy", "ledger", "--db", db_path, "--key-file", kf, "--json")
    data = json.loads(r.stdout)
    assert [e["id"] for e in data["entries"]] == [1] and 0 < data["total"]["epsilon"] <= 1.5
    r = run("privacy", "ledger", "--db", db_path, "--key-file", kf)
    assert "a local report" in r.stdout and "budget: epsilon 1.5" in r.stdout
    user_error(run("privacy", "budget", "--set", "0.01", "--db", db_path, "--key-file", kf), "already spent")
    # the ledger is encrypted like every document: no entry text in the file
    assert b"a local report" not in db_path.read_bytes()


def _events(path, users=30, items=12):
    rng = np.random.default_rng(7)
    with path.open("w") as f:
        for u in range(users):
            for n, item in enumerate(rng.choice(items, size=6, replace=False)):
                f.write(json.dumps({"user": f"p{u}", "type": "play", "ts": f"2026-01-01T0{n}:00:00Z",
                                    "item": f"m{item}"}) + "\n")
            f.write(json.dumps({"user": f"p{u}", "type": "dislike", "ts": "2026-01-02T00:00:00Z",
                                "item": "hated"}) + "\n")


def test_catalog_build_ledger_and_forget(tmp_path):
    events = tmp_path / "events.jsonl"
    _events(events)
    out = tmp_path / "catalog"
    user_error(run("catalog", "build", "--from", events, "--epsilon", "2", "--out", out), "public item list")
    public = tmp_path / "items.txt"
    public.write_text("\n".join(f"m{i}" for i in range(14)) + "\n")  # m12, m13: in the catalog, never played
    r = run("catalog", "build", "--from", events, "--epsilon", "2", "--out", out, "--items", public, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["private"] and summary["users"] == 30 and summary["items"] == 14  # the dislike is not counted
    assert json.loads((out / "items.json").read_text()) == [f"m{i}" for i in range(14)]  # the public list, whole
    assert summary["delta"] == pytest.approx(1 / 30)
    for name in ("manifest.json", "items.json", "released.npz", "builder/contributions.npz", "builder/state.npz"):
        assert (out / name).is_file()
    r = run("privacy", "ledger", "--catalog", out, "--json")
    ledger = json.loads(r.stdout)
    assert len(ledger["entries"]) == 2 and ledger["total"]["epsilon"] <= 2.0 + 1e-6  # popularity, transitions
    user_error(run("catalog", "forget", "--catalog", out, "--user", "nobody"), "not in this catalog")  # before asking
    before = (out / "released.npz").read_bytes()
    r = runner.invoke(app, ["catalog", "forget", "--catalog", str(out), "--user", "p3"], input="n\n")
    assert r.exit_code == 1 and "nothing was removed" in r.output
    assert (out / "released.npz").read_bytes() == before and json.loads((out / "manifest.json").read_text())["users"] == 30
    r = run("catalog", "forget", "--catalog", out, "--user", "p3", "--yes", "--json")
    receipt = json.loads(r.stdout)
    assert receipt["exact"] and receipt["method"].startswith("subtract") and receipt["items_touched"] == 6
    assert json.loads((out / "manifest.json").read_text())["users"] == 29
    user_error(run("catalog", "forget", "--catalog", out, "--user", "p3", "--yes"), "not in this catalog")
    user_error(run("catalog", "build", "--from", tmp_path / "nope.jsonl", "--out", out), "no such events file")


def test_catalog_build_from_ml100k_without_epsilon_is_marked_not_private(tmp_path):
    r = run("catalog", "build", "--from", ML100K, "--out", tmp_path / "plain")
    assert r.exit_code == 0, r.output
    assert "NOT private" in r.stdout
    manifest = json.loads((tmp_path / "plain" / "manifest.json").read_text())
    assert manifest["private"] is False and manifest["users"] == 943 and manifest["epsilon"] is None
    assert manifest["items"] == 1682  # u.item's public list, rated or not
