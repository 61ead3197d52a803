"""``edgerec bench hub``: the Raspberry Pi hub example measured in its own process."""

import json

import pytest
from typer.testing import CliRunner

from edgerec.adapters.ha_sessions import cut_sessions
from edgerec.adapters.home_assistant import parse_ha_records
from edgerec.cli.main import app
from edgerec_bench.datasets.home_assistant import generate
from edgerec_bench.perf.hub import cut_stream, default_hub_script
from helpers import user_error

runner = CliRunner()


def test_the_stream_is_cut_to_the_same_number_of_sessions_for_each_person(tmp_path):
    generate(tmp_path, users=2, days=12, seed=3)
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    kept, count = cut_stream(lines, 15)
    assert sorted(count.values()) == [15, 15] and len(kept) < len(lines)
    per_person = {}
    for session in cut_sessions(parse_ha_records(kept).events):
        per_person[session.user] = per_person.get(session.user, 0) + 1
    assert sorted(per_person.values()) == [15, 15]


def test_bench_hub_measures_the_hub_process_against_an_empty_stream():
    result = runner.invoke(app, ["bench", "hub", "--sessions", "20", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["sessions_per_person"] == 20 and figures["people"] == 1 and figures["llm"] is False
    assert figures["events_in_store"] > 20 and figures["routines"] >= 1
    assert 0 < figures["rebuild_s"] < figures["hub_wall_s"] and figures["import_s"] > 0
    # the hub's own process (Python, edgerec, scrypt's 32 MB), not this test's; 20 sessions add little to it
    assert figures["baseline_peak_rss_mb"] > 20 and figures["peak_rss_mb"] > figures["baseline_peak_rss_mb"] - 5
    assert figures["target_rss_mb"] == 300 and list(figures["summary_sources"].values()) == [1]
    assert next(iter(figures["summary_sources"])).startswith("template (no LLM")
    assert figures["meets_targets"] == (figures["peak_rss_mb"] <= 300 and figures["rebuild_s"] <= 60)
    assert figures["cpus"] >= 1 and figures["llm_load_s"] is None


def test_bench_hub_names_a_missing_hub_script(tmp_path):
    user_error(runner.invoke(app, ["bench", "hub", "--hub", str(tmp_path / "nope.py")]), "no hub script")
    assert default_hub_script().is_file()


@pytest.mark.slow
def test_bench_hub_with_the_llm_loads_the_model_in_the_hub():
    result = runner.invoke(app, ["bench", "hub", "--sessions", "20", "--seed", "4", "--llm", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["llm"] is True and figures["target_rss_mb"] == 1000 and figures["llm_load_s"] > 0
    assert figures["peak_rss_mb"] > figures["baseline_peak_rss_mb"] + 50  # the GGUF and llama.cpp are in the hub
    assert sum(figures["summary_sources"].values()) == 1
    assert all(s.startswith(("llm:", "template (the LLM")) for s in figures["summary_sources"])
