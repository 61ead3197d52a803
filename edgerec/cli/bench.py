"""``edgerec bench ...``: benchmarks that print measured figures, baselines measured in the same run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from edgerec.cli._common import JsonOption, cli_errors, print_json

app = typer.Typer(help="Benchmarks that print measured figures (baseline measured in the same run).",
                  no_args_is_help=True)


@app.command("store")
@cli_errors
def store(
    events: Annotated[int, typer.Option("--events", help="Events in the store.", min=1000)] = 100_000,
    heavy: Annotated[int, typer.Option("--heavy-user-events", help="Events of the user that is forgotten.", min=1)] = 10_000,
    samples: Annotated[int, typer.Option("--log-samples", help="Single-event log() calls timed.", min=10)] = 300,
    json_out: JsonOption = False,
) -> None:
    """Encrypted store vs plain SQLite: bulk rows/s and ratio, log latency, forget time."""
    from edgerec.bench.store import bench_store

    console = Console(stderr=True)
    with console.status("benchmarking") as status:
        figures = bench_store(events=events, heavy_user_events=min(heavy, events // 2), log_samples=samples,
                              progress=lambda msg: status.update(msg))
    if json_out:
        print_json(figures)
        return
    typer.echo(f"bulk insert   plain {figures['plain_rows_per_s']:>9,} rows/s   edgerec "
               f"{figures['edgerec_rows_per_s']:>9,} rows/s   ratio {figures['ratio']:.2f} (target >= 0.5)")
    typer.echo(f"log latency   plain p50 {figures['plain_log_p50_ms']:.3f} ms p99 {figures['plain_log_p99_ms']:.3f} ms   "
               f"edgerec p50 {figures['log_p50_ms']:.3f} ms p99 {figures['log_p99_ms']:.3f} ms")
    typer.echo(f"forget user   {figures['forget_user_events']:,} of {figures['events']:,} events: "
               f"edgerec {figures['forget_s']:.2f} s   plain DELETE+VACUUM {figures['plain_forget_s']:.2f} s")
