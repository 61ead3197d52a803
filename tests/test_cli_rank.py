"""CLI: ``edgerec rank`` (``eval movielens`` and ``bench rank`` are tested in edgerec-bench/tests)."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec.store import EventStore
from helpers import KEY, user_error

runner = CliRunner()



def _store(tmp_path) -> tuple[Path, Path]:
    db, key = tmp_path / "s.db", tmp_path / "key"
    key.write_bytes(KEY)
    with EventStore.create(db, key=KEY) as store:
        t0 = datetime(2026, 11, 20, 20, tzinfo=timezone.utc)
        store.log("ann", "play", item="m1", ts=t0)
        store.log("ann", "like", item="m2", ts=t0 + timedelta(hours=1))
        store.log("ann", "dismiss", item="m9", ts=t0 + timedelta(hours=2))
    return db, key


def _candidates(tmp_path) -> Path:
    rows = [
        {"id": "m1", "text": "Smooth jazz piano trio, late night"},
        {"id": "m2", "text": "Bebop saxophone jazz live at the club"},
        {"id": "m9", "text": "Slasher horror film with a masked killer"},
        {"id": "c1", "text": "Cool jazz trumpet ballads"},
        {"id": "c2", "text": "Zombie horror movie, gore and screams"},
        {"id": "c3", "text": "Quick pasta recipes for weeknights"},
    ]
    path = tmp_path / "cands.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_rank_cli_user_errors(tmp_path):
    db, key = _store(tmp_path)
    cands = _candidates(tmp_path)
    user_error(runner.invoke(app, ["rank", "--db", str(db), "--key-file", str(key), "--user", "zed",
                                    "--candidates", str(cands)]), "unknown user")
    user_error(runner.invoke(app, ["rank", "--db", str(tmp_path / "no.db"), "--key-file", str(key), "--user", "ann",
                                    "--candidates", str(cands)]), "no store")
    (tmp_path / "bad.jsonl").write_text("{oops\n")
    user_error(runner.invoke(app, ["rank", "--db", str(db), "--key-file", str(key), "--user", "ann",
                                    "--candidates", str(tmp_path / "bad.jsonl")]), "bad JSON")


@pytest.mark.slow
def test_rank_cli_with_the_real_embedder(tmp_path, edgerec_home, exported_embedder):
    models = edgerec_home / "models"
    models.mkdir(parents=True)
    (models / exported_embedder.name).symlink_to(exported_embedder, target_is_directory=True)
    db, key = _store(tmp_path)
    cands = _candidates(tmp_path)
    base = ["rank", "--db", str(db), "--key-file", str(key), "--user", "ann", "--candidates", str(cands)]
    r = runner.invoke(app, [*base, "-k", "3", "--json"])
    assert r.exit_code == 0, r.output + r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert {"m1", "m2"} & {row["id"] for row in rows[:2]}  # liked jazz comes first, horror pushed down
    assert all(row["id"] not in ("m9", "c2") for row in rows)
    jazz = next(row for row in rows if row["id"] == "c1")
    assert jazz["reason"] in ("m1", "m2")
    table = runner.invoke(app, [*base, "-k", "2"])
    assert table.exit_code == 0 and "because of" in table.stdout


