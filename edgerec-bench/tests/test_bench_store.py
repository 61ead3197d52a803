import json

from typer.testing import CliRunner

from edgerec.cli.main import app


def test_bench_store_prints_the_contract_keys():
    r = CliRunner().invoke(app, ["bench", "store", "--json", "--events", "3000", "--heavy-user-events", "300", "--repeats", "1",
                                 "--log-samples", "20"])
    assert r.exit_code == 0, r.output
    figures = json.loads(r.stdout)
    for key in ("plain_rows_per_s", "edgerec_rows_per_s", "ratio", "log_p50_ms", "log_p99_ms", "forget_s"):
        assert figures[key] > 0, key
    assert figures["forget_user_events"] == 300
    assert abs(figures["ratio"] - figures["edgerec_rows_per_s"] / figures["plain_rows_per_s"]) < 0.05
