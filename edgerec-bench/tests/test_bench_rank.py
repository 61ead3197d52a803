"""``edgerec bench rank``: the library's figures and the CLI table."""

from typer.testing import CliRunner

from edgerec.cli.main import app
from edgerec_bench.perf.rank import bench_rank

runner = CliRunner()


def test_bench_rank_library_reports_every_figure():
    figures = bench_rank(repeats=10, naive_repeats=2, n_items=1_500, history=20, reduced_dims=16, compact_above=1_000)
    assert figures["scoring_dim"] == 128 and figures["compact_above"] == 1_000
    for key in ("p50_ms_1k", "p99_ms_1k", "p50_ms_10k", "p99_ms_10k", "naive_p50_ms_10k", "peak_rss_mb"):
        assert figures[key] > 0
    assert figures["p50_ms_1k"] <= figures["p99_ms_1k"]
    assert set(figures["reduced"]) == {"dims", "p50_ms_1k", "p99_ms_1k", "p50_ms_10k", "p99_ms_10k", "quality_vs_full"}
    assert figures["full"]["dims"] == 384 and figures["full"]["p50_ms_10k"] > 0
    assert figures["rows_input"]["p50_ms_10k"] > 0 and figures["text_only"]["p99_ms_10k"] > 0
    assert 0.0 <= figures["pruned_share_10k"] <= 1.0
    quality = figures["quality_vs_full"]
    assert 0.0 <= quality["rank_top10_overlap"] <= 1.0 and -1.0 <= quality["text_spearman"] <= 1.0


def test_bench_rank_cli_prints_the_default_the_full_size_and_the_agreement():
    table = runner.invoke(app, ["bench", "rank", "--repeats", "10", "--reduced-dims", "0"])
    assert table.exit_code == 0, table.output
    assert "scored on 128-d" in table.stdout and "full 384-d" in table.stdout
    assert "compact vs full: top-10 overlap" in table.stdout and "compact 64-d" not in table.stdout
    assert "catalog without neighbours" in table.stdout
