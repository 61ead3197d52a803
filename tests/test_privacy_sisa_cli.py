"""``edgerec catalog build --model dpsgd --shards S`` and ``catalog forget`` on the sharded artifact, via CliRunner."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.privacy.sisa import shard_of
from helpers import user_error

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def events(tmp_path):
    path = tmp_path / "events.jsonl"
    rng = np.random.default_rng(3)
    with path.open("w") as f:
        for u in range(40):
            for n, item in enumerate(rng.choice(10, size=5, replace=False)):
                f.write(json.dumps({"user": f"p{u}", "type": "play", "ts": f"2026-01-01T0{n}:00:00Z",
                                    "item": f"m{item}"}) + "\n")
    (tmp_path / "items.txt").write_text("\n".join(f"m{i}" for i in range(10)) + "\n")  # the public item list
    return path


def test_sharded_build_ledger_forget_round_trip(events, tmp_path):
    out = tmp_path / "catalog"
    r = run("catalog", "build", "--from", events, "--epsilon", "4", "--model", "dpsgd", "--shards", "3",
            "--items", tmp_path / "items.txt", "--out", out, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["model"] == "dpsgd" and summary["shards"] == 3 and summary["users"] == 40
    assert summary["budget"] == 8.0 and 0 < summary["worst_case_epsilon"] <= 4.0 * 1.01
    for name in ("manifest.json", "items.json", "released.npz", "builder/histories.npz", "builder/settings.json"):
        assert (out / name).is_file()
    assert len(list((out / "builder").glob("shard_*.npz"))) == 3
    r = run("privacy", "ledger", "--catalog", out, "--json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["entries"]) == 1  # the most exposed shard's ledger
    r = run("catalog", "forget", "--catalog", out, "--user", "p7", "--yes", "--json")
    assert r.exit_code == 0, r.output
    receipt = json.loads(r.stdout)
    assert receipt["shard"] == shard_of("p7", 3) and receipt["exact"] and receipt["method"] == "retrained"
    assert receipt["trainings_in_shard"] == 2 and receipt["worst_case_epsilon"] > summary["worst_case_epsilon"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["users"] == 39 and manifest["worst_case_epsilon"] == receipt["worst_case_epsilon"]
    r = run("privacy", "ledger", "--catalog", out, "--json")
    assert len(json.loads(r.stdout)["entries"]) == 2  # now the retrained shard is the most exposed
    r = run("catalog", "forget", "--catalog", out, "--user", "p8", "--yes")
    assert r.exit_code == 0 and f"shard {shard_of('p8', 3)} retrained" in r.stdout
    user_error(run("catalog", "forget", "--catalog", out, "--user", "p7", "--yes"), "not in this catalog")


def test_sharded_build_options_are_checked(events, tmp_path):
    user_error(run("catalog", "build", "--from", events, "--model", "dpsgd", "--out", tmp_path / "a"), "--epsilon")
    user_error(run("catalog", "build", "--from", events, "--epsilon", "1", "--shards", "2", "--out", tmp_path / "b"),
               "--model dpsgd")
    user_error(run("catalog", "build", "--from", events, "--epsilon", "1", "--model", "nope", "--out",
                   tmp_path / "c"), "catalog or dpsgd")
    user_error(run("catalog", "build", "--from", events, "--epsilon", "4", "--model", "dpsgd", "--budget", "1",
                   "--items", tmp_path / "items.txt", "--out", tmp_path / "d"), "over the budget")
