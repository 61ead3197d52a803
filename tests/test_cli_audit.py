"""``edgerec audit mia|attribute`` on a small planted folder: JSON keys, the plot, one-line errors."""

import json

from typer.testing import CliRunner

from audit_data import has_module, write_fake_ml100k
from edgerec.cli.main import app

runner = CliRunner()


def test_mia_json_has_the_contract_keys_and_writes_the_plot(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=40)
    png = tmp_path / "roc.png"
    result = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--references", "4", "--shadows", "2",
                                 "--json", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in ("auc", "tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr", "epsilon", "members", "non_members",
                "epsilon_lower_bound"):
        assert key in out
    assert out["epsilon"] is None and out["members"] + out["non_members"] == 40
    assert set(out["attacks"]) == {"lira", "list"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_mia_table(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=30)
    result = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--attack", "lira", "--references", "4"])
    assert result.exit_code == 0, result.output
    assert "lira" in result.stdout and "AUC" in result.stdout and "list " not in result.stdout


def test_attribute_json(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=60)
    result = runner.invoke(app, ["audit", "attribute", "--data", str(folder), "--folds", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["users"] == 60 and set(out["attacks"]) == {"raw ratings", "top-20 lists", "catalog contribution"}
    assert {"auc", "accuracy", "majority_baseline"} <= out["attacks"]["raw ratings"].keys()


def test_attribute_against_the_dp_catalog_lists(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=40)
    result = runner.invoke(app, ["audit", "attribute", "--data", str(folder), "--folds", "3",
                                 "--catalog-epsilon", "2"])
    assert result.exit_code == 0, result.output
    assert "top-20 lists, DP catalog ε=2" in result.stdout and "catalog contribution" in result.stdout


def one_line_error(result, needle: str) -> None:
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr


def test_bad_folder_and_bad_attack_are_one_line(tmp_path):
    one_line_error(runner.invoke(app, ["audit", "mia", "--data", str(tmp_path / "nope")]), "not a folder")
    one_line_error(runner.invoke(app, ["audit", "attribute", "--data", str(tmp_path)]), "has no u.data")
    folder = write_fake_ml100k(tmp_path / "ml", users=20)
    one_line_error(runner.invoke(app, ["audit", "mia", "--data", str(folder), "--attack", "guess"]), "unknown attack")
    one_line_error(runner.invoke(app, ["audit", "mia", "--data", str(folder), "--references", "3"]), "even number")


def test_epsilon_without_the_dp_catalog_is_one_line(tmp_path):
    folder = write_fake_ml100k(tmp_path / "ml", users=20)
    result = runner.invoke(app, ["audit", "mia", "--data", str(folder), "--epsilon", "1", "--references", "2",
                                 "--shadows", "2", "--json"])
    if not has_module("edgerec.privacy.catalog"):
        one_line_error(result, "no DP catalog")
    else:
        assert result.exit_code == 0 and json.loads(result.stdout)["epsilon"] == 1.0
