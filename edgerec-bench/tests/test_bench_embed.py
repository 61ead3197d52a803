"""``edgerec bench embed`` on the real all-MiniLM-L6-v2 export (int8 vs fp32 ONNX)."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgerec.cli.main import app

pytestmark = pytest.mark.slow


def _install_into(home: Path, model_dir: Path) -> None:
    """Make ``home`` look as if the default model had been exported there."""
    (home / "models").mkdir(parents=True, exist_ok=True)
    (home / "models" / model_dir.name).symlink_to(model_dir, target_is_directory=True)


def test_bench_embed_cli_prints_measured_figures(exported_embedder, edgerec_home):
    _install_into(edgerec_home, exported_embedder)
    result = CliRunner().invoke(
        app, ["bench", "embed", "--json", "--sentences", "32", "--rounds", "1", "--no-torch"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["sentences"] == 32
    assert figures["fp32_sentences_per_s"] > 0 and figures["int8_sentences_per_s"] > 0
    assert figures["int8_vs_fp32_speedup"] == pytest.approx(
        figures["int8_sentences_per_s"] / figures["fp32_sentences_per_s"], rel=0.02
    )
    assert figures["cosine_int8_vs_fp32_mean"] >= 0.99
    assert figures["int8_model_bytes"] < figures["fp32_model_bytes"]
    assert figures["int8_load_s"] > 0 and figures["int8_one_sentence_ms_p50"] > 0
    assert "torch_sentences_per_s" not in figures


def test_bench_embed_cli_reports_a_broken_model_in_one_line(exported_embedder, edgerec_home):
    copy = edgerec_home / "models" / exported_embedder.name
    shutil.copytree(exported_embedder, copy)
    (copy / "tokenizer.json").write_text("{}")
    result = CliRunner().invoke(app, ["bench", "embed", "--sentences", "4", "--rounds", "1", "--no-torch"])
    assert result.exit_code == 2
    assert "tokenizer.json does not match its manifest" in result.stderr
    assert "Traceback" not in result.output
