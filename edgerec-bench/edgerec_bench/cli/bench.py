"""``edgerec bench ...``: benchmarks that print measured figures, baselines measured in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

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
    repeats: Annotated[int, typer.Option("--repeats", help="Alternating bulk runs of each; the best counts.", min=1)] = 3,
    json_out: JsonOption = False,
) -> None:
    """Encrypted store vs plain SQLite: bulk rows/s and ratio, log latency, forget time."""
    from edgerec_bench.perf.store import bench_store

    console = Console(stderr=True)
    with console.status("benchmarking") as status:
        figures = bench_store(events=events, heavy_user_events=min(heavy, events // 2), log_samples=samples, repeats=repeats,
                              progress=lambda msg: status.update(msg))
    if json_out:
        print_json(figures)
        return
    typer.echo(f"bulk insert   plain {figures['plain_rows_per_s']:>9,} rows/s   edgerec "
               f"{figures['edgerec_rows_per_s']:>9,} rows/s   ratio {figures['ratio']:.2f} (target >= 0.5; "
               f"CPU-time ratio {figures['ratio_cpu']:.2f})")
    typer.echo(f"log latency   plain p50 {figures['plain_log_p50_ms']:.3f} ms p99 {figures['plain_log_p99_ms']:.3f} ms   "
               f"edgerec p50 {figures['log_p50_ms']:.3f} ms p99 {figures['log_p99_ms']:.3f} ms")
    typer.echo(f"forget user   {figures['forget_user_events']:,} of {figures['events']:,} events: "
               f"edgerec {figures['forget_s']:.2f} s   plain DELETE+VACUUM {figures['plain_forget_s']:.2f} s")


@app.command("embed")
@cli_errors
def embed(
    sentences: Annotated[
        int, typer.Option("--sentences", help="Texts embedded per model and round.", min=1)
    ] = 256,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Texts per ONNX run.", min=1)] = 32,
    threads: Annotated[int, typer.Option("--threads", help="Intra-op threads for each model.", min=1)] = 2,
    rounds: Annotated[
        int, typer.Option("--rounds", help="Alternating rounds; the median counts.", min=1)
    ] = 3,
    torch_baseline: Annotated[
        bool,
        typer.Option(
            "--torch/--no-torch",
            help="Also time sentence-transformers (torch fp32) as a baseline, if installed.",
        ),
    ] = True,
    json_out: JsonOption = False,
) -> None:
    """Embedder throughput: int8 vs fp32 ONNX (and torch), agreement cosine, model sizes."""
    from edgerec_bench.perf.embed import bench_embed

    with Console(stderr=True).status("benchmarking the embedder (exports the model on first use)"):
        figures = bench_embed(
            n=sentences, batch_size=batch_size, threads=threads, rounds=rounds,
            torch_baseline=torch_baseline,
        )
    if json_out:
        print_json(figures)
        return
    typer.echo(
        f"{figures['model']}: {figures['sentences']} sentences per round, batch "
        f"{figures['batch_size']}, {figures['threads']} threads, median of {figures['rounds']} rounds"
    )
    typer.echo(
        f"fp32 ONNX  {figures['fp32_sentences_per_s']:>8.1f} sentences/s   "
        f"{figures['fp32_model_bytes'] / 1e6:6.1f} MB"
    )
    typer.echo(
        f"int8 ONNX  {figures['int8_sentences_per_s']:>8.1f} sentences/s   "
        f"{figures['int8_model_bytes'] / 1e6:6.1f} MB   "
        f"{figures['int8_vs_fp32_speedup']:.2f}x fp32, {figures['size_ratio']:.1f}x smaller"
    )
    typer.echo(
        f"int8 load  {figures['int8_load_s']:.2f} s (sha256 checked); one sentence "
        f"{figures['int8_one_sentence_ms_p50']:.1f} ms (median)"
    )
    if "torch_sentences_per_s" in figures:
        typer.echo(
            f"torch fp32 {figures['torch_sentences_per_s']:>8.1f} sentences/s   "
            f"(sentence-transformers; int8 ONNX is {figures['int8_vs_torch_speedup']:.2f}x)"
        )
        typer.echo(
            f"agreement  int8 vs torch cosine mean {figures['cosine_int8_vs_torch_mean']:.4f} "
            f"min {figures['cosine_int8_vs_torch_min']:.4f}; fp32 ONNX vs torch "
            f"{figures['cosine_fp32_vs_torch_mean']:.6f}"
        )
    else:
        typer.echo(
            f"agreement  int8 vs fp32 ONNX cosine mean {figures['cosine_int8_vs_fp32_mean']:.4f} "
            f"min {figures['cosine_int8_vs_fp32_min']:.4f}"
        )
        if "torch_baseline" in figures:
            typer.echo(f"torch      {figures['torch_baseline']}")


@app.command("rank")
@cli_errors
def rank(
    repeats: Annotated[int, typer.Option("--repeats", help="Timed rank() calls per candidate-set size.", min=10)] = 300,
    history: Annotated[int, typer.Option("--history", help="Past events of the user.", min=1)] = 50,
    reduced_dims: Annotated[int, typer.Option("--reduced-dims", help="Also time a compact copy of this many dimensions (0: off).", min=0)] = 64,
    blas_threads: Annotated[int, typer.Option("--blas-threads", help="BLAS threads while timing (0: library default).", min=0)] = 1,
    json_out: JsonOption = False,
) -> None:
    """Ranking latency p50/p99 for 1,000 and 10,000 candidates, peak RSS, naive baseline in the same run."""
    from edgerec_bench.perf.rank import bench_rank

    console = Console(stderr=True)
    with console.status("benchmarking") as status:
        figures = bench_rank(repeats=repeats, history=history, reduced_dims=reduced_dims or None,
                             blas_threads=blas_threads or None, progress=lambda msg: status.update(msg))
    if json_out:
        print_json(figures)
        return
    typer.echo(f"catalog {figures['n_items']:,} items x {figures['dim']}-d (scored on {figures['scoring_dim']}-d), "
               f"user history {figures['history_events']} events, "
               f"load average {figures['load_avg_1m']:.1f}, BLAS threads {figures['blas_threads']}")
    for label in ("1k", "10k"):
        typer.echo(f"{label:>3} candidates  edgerec p50 {figures[f'p50_ms_{label}']:.2f} ms p99 {figures[f'p99_ms_{label}']:.2f} ms   "
                   f"naive p50 {figures[f'naive_p50_ms_{label}']:.2f} ms p99 {figures[f'naive_p99_ms_{label}']:.2f} ms")
        for key, name in (("full", "full"), ("reduced", "compact")):
            if key in figures:
                block = figures[key]
                typer.echo(f"{'':>16}{name} {block['dims']}-d  p50 {block[f'p50_ms_{label}']:.2f} ms "
                           f"p99 {block[f'p99_ms_{label}']:.2f} ms")
    rows_in, text_only = figures["rows_input"], figures["text_only"]
    typer.echo(f"10k candidates as catalog rows  p50 {rows_in['p50_ms_10k']:.2f} ms p99 {rows_in['p99_ms_10k']:.2f} ms")
    if "new_pool" in figures:
        typer.echo(f"10k candidates, a never-seen pool each call  p50 {figures['new_pool']['p50_ms_10k']:.2f} ms "
                   f"p99 {figures['new_pool']['p99_ms_10k']:.2f} ms")
    typer.echo(f"10k candidates, catalog without neighbours  p50 {text_only['p50_ms_10k']:.2f} ms "
               f"p99 {text_only['p99_ms_10k']:.2f} ms   (text pass skipped for {figures['pruned_share_10k']:.0%} "
               f"of the candidates with neighbours)")
    quality = figures["quality_vs_full"]
    typer.echo(f"compact vs full: top-10 overlap {quality['rank_top10_overlap']:.2f}, "
               f"text Spearman {quality['text_spearman']:.3f}, score Spearman {quality['score_spearman']:.3f}")
    typer.echo(f"peak RSS {figures['peak_rss_mb']:.0f} MB   (target: p99 <= 5 ms for 10,000 candidates)")


@app.command("fleet")
@cli_errors
def fleet(
    data: Annotated[Path, typer.Option("--data", help="MovieLens folder (ml-100k: u.data + u.item) to draw devices from.")],
    devices: Annotated[int, typer.Option("--devices", help="Simulated devices (users drawn with replacement beyond the population).", min=1)] = 100_000,
    epsilon: Annotated[float, typer.Option("--epsilon", help="Local epsilon each device spends (items and pairs together).", min=0.01)] = 4.0,
    item_bound: Annotated[int, typer.Option("--item-bound", help="Most recent liked items a device reports.", min=1)] = 10,
    pair_bound: Annotated[int, typer.Option("--pair-bound", help="Most recent pairs (among the public top items) a device reports.", min=1)] = 10,
    top_items: Annotated[int, typer.Option("--top-items", help="Popular items of round 1 whose pairs round 2 estimates.", min=2)] = 64,
    pair_share: Annotated[float, typer.Option("--pair-share", help="Share of epsilon spent on the pair report.", min=0.01, max=0.99)] = 0.5,
    seed: Annotated[int, typer.Option("--seed", help="Which users the devices are (the noise is OpenDP's, never seeded, unless --noise-seed).")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="Processes (inprocess) or Ray CPUs (ray) that simulate devices.", min=1)] = 2,
    engine: Annotated[str, typer.Option("--engine", help="Where devices run: 'inprocess' or 'ray' (the ray extra); "
                                        "comma-separated to time several in the same run, e.g. inprocess,ray.")] = "inprocess",
    noise_seed: Annotated[Optional[int], typer.Option("--noise-seed", help="Seeded simulation noise instead of OpenDP's "
                                                      "(reproducible, engine-independent; protects no one).",
                                                      show_default=False)] = None,
    json_out: JsonOption = False,
) -> None:
    """Local-DP fleet: devices report their items and item pairs; time and estimation error vs the true counts."""
    from edgerec.cli._common import progress_bar
    from edgerec.errors import InputError
    from edgerec.privacy.fleet import ENGINES
    from edgerec_bench.perf.fleet import compare_engines

    engines = list(dict.fromkeys(e.strip() for e in engine.split(",") if e.strip()))
    unknown = [e for e in engines if e not in ENGINES]
    if not engines or unknown:
        raise InputError(f"--engine takes {' or '.join(ENGINES)} (comma-separated), not {engine!r}")
    with progress_bar("devices reporting", eta=True) as bar:
        task = bar.add_task("", total=2 * devices * len(engines))
        result = compare_engines(data, engines, devices=devices, epsilon=epsilon, item_bound=item_bound,
                                 pair_bound=pair_bound, top_items=top_items, pair_share=pair_share, seed=seed,
                                 workers=workers, noise_seed=noise_seed, progress=lambda n: bar.advance(task, n))
    if json_out:
        print_json(result["runs"][0] if len(engines) == 1 else result)
        return
    for figures in result["runs"]:
        typer.echo(f"{figures['devices']:,} devices from {figures['users']} {figures['data']} users, epsilon "
                   f"{figures['epsilon']:g} ({1 - figures['pair_share']:.0%} items, {figures['pair_share']:.0%} pairs), "
                   f"engine {figures['engine']}, {figures['workers']} worker(s), {figures['noise']} noise")
        typer.echo(f"popularity  rel. L1 error {figures['popularity_rel_l1']:.3f}   top-50 overlap "
                   f"{figures['popularity_top50_overlap']:.2f}   Spearman {figures['popularity_spearman']:.3f}")
        typer.echo(f"pairs       rel. L1 error {figures['pairs_rel_l1']:.3f}   top-50 overlap "
                   f"{figures['pairs_top50_overlap']:.2f}   Spearman {figures['pairs_spearman']:.3f}   "
                   f"(among the top {figures['top_items']} items)")
        typer.echo(f"time {figures['total_s']:.1f} s, of which engine start {figures['engine_start_s']:.1f} s "
                   f"({figures['devices_per_s']:,.0f} devices/s; target 100,000 within 300 s)")
        typer.echo(f"summed over workers: devices randomizing {figures['devices_randomize_summed_s']:.1f} s, "
                   f"aggregator debiasing {figures['aggregate_summed_s']:.1f} s")
    if len(engines) > 1:
        typer.echo("time vs " + engines[0] + ": " + ", ".join(f"{e} {r:.2f}x" for e, r in result["time_ratio"].items()))


@app.command("hub")
@cli_errors
def hub(
    sessions: Annotated[int, typer.Option("--sessions", help="Sessions of each person in the stream.", min=5)] = 200,
    people: Annotated[int, typer.Option("--people", help="People in the house.", min=1)] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Home Assistant generator.")] = 0,
    llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Let the on-device LLM write the profile summaries.")] = False,
    hub_script: Annotated[Optional[Path], typer.Option("--hub", help="The hub script [default: examples/pi_hub/hub.py of this checkout].",
                                                      show_default=False)] = None,
    json_out: JsonOption = False,
) -> None:
    """The Raspberry Pi hub example: peak RSS and time of one import and rebuild, in its own process (use taskset)."""
    from edgerec_bench.perf.hub import bench_hub

    with Console(stderr=True).status("benchmarking the hub") as status:
        figures = bench_hub(sessions=sessions, users=people, seed=seed, llm=llm, hub=hub_script,
                            progress=lambda msg: status.update(msg))
    if json_out:
        print_json(figures)
        return
    typer.echo(f"{figures['people']} person(s) x {figures['sessions_per_person']} sessions (seed {figures['seed']}), "
               f"{figures['stream_lines']:,} HA lines, {figures['events_in_store']:,} events stored; "
               f"{figures['cpus']} core(s), load average {figures['load_avg_1m']:.1f}")
    load = f"   LLM load {figures['llm_load_s']:.2f} s" if figures["llm_load_s"] is not None else ""
    typer.echo(f"import {figures['import_s']:.2f} s{load}   rebuild {figures['rebuild_s']:.2f} s "
               f"(target <= {figures['target_rebuild_s']:.0f} s)   {figures['routines']} routines, "
               "summaries: " + "; ".join(f"{n} x {source}" for source, n in figures["summary_sources"].items()))
    typer.echo(f"peak RSS {figures['peak_rss_mb']:.0f} MB with{'' if figures['llm'] else 'out'} the LLM "
               f"(target <= {figures['target_rss_mb']:.0f} MB; the hub on an empty stream: "
               f"{figures['baseline_peak_rss_mb']:.0f} MB)   {'meets' if figures['meets_targets'] else 'MISSES'} the targets")
