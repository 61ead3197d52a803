"""CLI: ``edgerec eval movielens`` on handmade MovieLens folders in both layouts, and on ml-100k."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.eval.movielens import evaluate_movielens
from helpers import ML100K, user_error

runner = CliRunner()



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
    from edgerec_bench.datasets.movielens import leave_last_out, load_movielens

    data = load_movielens(tiny_ml)
    for split, pred in zip(leave_last_out(data), preds):
        assert pred["user"] == split.user and pred["heldout"] == data.item_ids[split.heldout]
        trained = {data.item_ids[i] for i in split.train_items}
        assert not trained & set(pred["ranked"])  # candidates exclude what the user rated in training
        assert len(pred["ranked"]) == min(100, 40 - len(trained))
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
    user_error(r, "not a MovieLens folder")


def test_eval_movielens_reads_the_csv_layout(tiny_ml, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    rows = ["userId,movieId,rating,timestamp"] + [
        ",".join(line.split("\t")) for line in (tiny_ml / "u.data").read_text().splitlines()
    ]
    (folder / "ratings.csv").write_text("\n".join(rows) + "\n")
    (folder / "movies.csv").write_text(
        "movieId,title,genres\n" + "".join(f'{i},"Film {i}, The (1990)",Drama|Comedy\n' for i in range(1, 41))
    )
    out_csv, out_dat = tmp_path / "csv.jsonl", tmp_path / "dat.jsonl"
    a = runner.invoke(app, ["eval", "movielens", "--data", str(folder), "--out", str(out_csv), "--json", "--no-text"])
    b = runner.invoke(app, ["eval", "movielens", "--data", str(tiny_ml), "--out", str(out_dat), "--json", "--no-text"])
    assert a.exit_code == 0 and b.exit_code == 0, a.stderr + b.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)  # same ratings, same split, same ranking
    assert out_csv.read_text() == out_dat.read_text()


@pytest.mark.slow
@pytest.mark.skipif(not (ML100K / "u.data").is_file(), reason=f"MovieLens 100K not found at {ML100K} (../shared/data/ml-100k beside the repo)")
def test_ml100k_subset_beats_item_knn():
    """First 150 users of the real data, no text: the ranker beats item-kNN of the same run."""
    result = evaluate_movielens(ML100K, max_users=150)
    assert result.n_users == 150 and len(result.predictions) == 150
    assert all(len(p["ranked"]) == 100 for p in result.predictions)
    assert result.metrics["edgerec"]["ndcg@10"] > result.metrics["item-kNN"]["ndcg@10"]
