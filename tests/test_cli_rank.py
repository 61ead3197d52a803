"""CLI: ``edgerec eval movielens``, ``edgerec rank`` and ``edgerec bench rank``."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from edgerec.bench.rank import bench_rank
from edgerec.cli.main import app
from edgerec.eval.movielens import evaluate_movielens
from edgerec.store import EventStore

KEY = bytes(range(32))
REPO = Path(__file__).resolve().parent.parent
# ../shared/data beside the clone (CI); a git worktree one folder deeper looks one level up too
ML100K = next(
    (p for p in (REPO.parent / "shared" / "data" / "ml-100k", REPO.parent.parent / "shared" / "data" / "ml-100k")
     if (p / "u.data").is_file()),
    REPO.parent / "shared" / "data" / "ml-100k",
)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGEREC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EDGEREC_PASSPHRASE", raising=False)


def _user_error(result, fragment):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.fixture
def tiny_ml(tmp_path) -> Path:
    """30 users over 40 handmade movies in two tastes; each user walks through one taste."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "ml"
    folder.mkdir()
    lines = []
    for user in range(1, 31):
        taste = user % 2
        items = rng.permutation(20)[:12] + 1 + 20 * taste
        for n, item in enumerate(items):
            lines.append(f"{user}\t{item}\t{rng.choice([2, 4, 5])}\t{1000 + 10 * n}")
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    genres = ["0"] * 19
    (folder / "u.item").write_text(
        "".join(f"{i}|Film {i} (1990)|01-Jan-1990||http://x|" + "|".join(genres) + "\n" for i in range(1, 41))
    )
    return folder


def test_eval_movielens_json_and_predictions(tiny_ml, tmp_path):
    out = tmp_path / "pred.jsonl"
    r = runner.invoke(app, ["eval", "movielens", "--data", str(tiny_ml), "--out", str(out), "--json", "--no-text"])
    assert r.exit_code == 0, r.output + r.stderr
    figures = json.loads(r.stdout)
    for method in ("edgerec", "popularity", "item-kNN"):
        assert set(figures[method]) == {"ndcg@10", "hr@10", "mrr"}
        assert 0.0 <= figures[method]["ndcg@10"] <= 1.0
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(preds) == figures["n_users"] and figures["n_users"] > 20
    first = preds[0]
    assert set(first) == {"user", "heldout", "ranked"}
    assert isinstance(first["user"], str) and isinstance(first["heldout"], str)
    assert len(first["ranked"]) == len(set(first["ranked"])) > 20  # every unrated candidate of 40 items
    # the users walk through one taste, so the ranker should find the taste
    assert figures["edgerec"]["hr@10"] > figures["popularity"]["hr@10"]


def test_eval_movielens_table_with_ablation(tiny_ml, tmp_path):
    r = runner.invoke(app, ["eval", "movielens", "--data", str(tiny_ml), "--out", str(tmp_path / "p.jsonl"),
                            "--no-text", "--ablation"])
    assert r.exit_code == 0, r.output + r.stderr
    for label in ("edgerec", "popularity", "item-kNN", "ablation: no recency", "edgerec / item-kNN"):
        assert label in r.stdout


def test_eval_movielens_bad_folder(tmp_path):
    r = runner.invoke(app, ["eval", "movielens", "--data", str(tmp_path), "--out", str(tmp_path / "p.jsonl")])
    _user_error(r, "not a MovieLens folder")


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
    _user_error(runner.invoke(app, ["rank", "--db", str(db), "--key-file", str(key), "--user", "zed",
                                    "--candidates", str(cands)]), "unknown user")
    _user_error(runner.invoke(app, ["rank", "--db", str(tmp_path / "no.db"), "--key-file", str(key), "--user", "ann",
                                    "--candidates", str(cands)]), "no store")
    (tmp_path / "bad.jsonl").write_text("{oops\n")
    _user_error(runner.invoke(app, ["rank", "--db", str(db), "--key-file", str(key), "--user", "ann",
                                    "--candidates", str(tmp_path / "bad.jsonl")]), "bad JSON")


@pytest.fixture(scope="session")
def exported_embedder(tmp_path_factory) -> Path:
    """One export of the default embedder per session (the slow, torch-needing step)."""
    from edgerec.models.embed import DEFAULT_MODEL_NAME
    from edgerec.models.embed_export import export_default

    return export_default(tmp_path_factory.getbasetemp() / "rank-embedder" / DEFAULT_MODEL_NAME)


@pytest.mark.slow
def test_rank_cli_with_the_real_embedder(tmp_path, exported_embedder):
    models = tmp_path / "home" / "models"
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


def test_bench_rank_library_reports_every_figure():
    figures = bench_rank(repeats=10, naive_repeats=2, n_items=1_500, history=20, reduced_dims=16)
    for key in ("p50_ms_1k", "p99_ms_1k", "p50_ms_10k", "p99_ms_10k", "naive_p50_ms_10k", "peak_rss_mb"):
        assert figures[key] > 0
    assert figures["p50_ms_1k"] <= figures["p99_ms_1k"]
    assert set(figures["reduced"]) == {"dims", "p50_ms_1k", "p99_ms_1k", "p50_ms_10k", "p99_ms_10k"}


@pytest.mark.slow
@pytest.mark.skipif(not (ML100K / "u.data").is_file(), reason=f"MovieLens 100K not found at {ML100K} (../shared/data/ml-100k beside the repo)")
def test_ml100k_subset_beats_item_knn():
    """First 150 users of the real data, no text: the ranker beats item-kNN of the same run."""
    result = evaluate_movielens(ML100K, max_users=150)
    assert result.n_users == 150 and len(result.predictions) == 150
    assert all(len(p["ranked"]) == 100 for p in result.predictions)
    assert result.metrics["edgerec"]["ndcg@10"] > result.metrics["item-kNN"]["ndcg@10"]
