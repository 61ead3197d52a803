"""``edgerec eval ...``: evaluations on benchmark data read from a path (never shipped); figures measured here."""

from __future__ import annotations

from contextlib import contextmanager

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from edgerec.cli._common import JsonOption, cli_errors, print_json, progress_bar

app = typer.Typer(help="Evaluate edgerec on benchmark data and print the metrics measured on this machine.",
                  no_args_is_help=True)


@app.command("movielens")
@cli_errors
def movielens(
    data: Annotated[Path, typer.Option("--data", help="ml-100k folder (u.data, u.item) or ml-latest-small/ml-25m style folder (ratings.csv, movies.csv).")],
    out: Annotated[Path, typer.Option("--out", help="Write the top-100 per user here as JSON lines.")],
    json_out: JsonOption = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Also rank with each part switched off.")] = False,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Use text embeddings of the titles (on-device embedder).")] = True,
    validation: Annotated[bool, typer.Option("--validation", help="Hold out the second-to-last positive instead (for tuning).")] = False,
    epsilon: Annotated[Optional[float], typer.Option("--epsilon", help="Build all cross-user knowledge under "
                       "user-level DP with this epsilon (popularity becomes DP popularity; item-kNN is left out).",
                       show_default=False)] = None,
    delta: Annotated[Optional[float], typer.Option("--delta", help="DP delta [default: 1 / number of users].",
                     show_default=False)] = None,
) -> None:
    """Leave-last-out ranking on MovieLens: NDCG@10, HR@10, MRR for edgerec, popularity and item-kNN."""
    from edgerec_bench.eval.movielens import evaluate_movielens, write_predictions

    embed = _text_embedder() if text else None
    with _stage_progress() as progress:
        result = evaluate_movielens(data, embed=embed, ablation=ablation, validation=validation, progress=progress,
                                    epsilon=epsilon, delta=delta)
    write_predictions(out, result.predictions)
    if json_out:
        print_json(result.to_dict())
        return
    typer.echo(f"{result.n_users} users, {result.n_items} items, leave-last-out, full ranking")
    typer.echo(f"{'method':32s} {'NDCG@10':>8s} {'HR@10':>8s} {'MRR':>8s}")
    rows = list(result.metrics.items()) + [(f"  ablation: {k}", v) for k, v in result.ablation.items()]
    for name, m in rows:
        typer.echo(f"{name:32s} {m['ndcg@10']:8.4f} {m['hr@10']:8.4f} {m['mrr']:8.4f}")
    knn = result.metrics.get("item-kNN", {}).get("ndcg@10", 0.0)
    if knn > 0:
        typer.echo(f"edgerec / item-kNN NDCG@10: {result.metrics['edgerec']['ndcg@10'] / knn:.2f}x")
    typer.echo(f"wrote {len(result.predictions)} predictions to {out}")


@app.command("privacy")
@cli_errors
def privacy(
    data: Annotated[Path, typer.Option("--data", help="ml-100k folder (u.data, u.item) or ml-latest-small style folder.")],
    epsilons: Annotated[str, typer.Option("--epsilons", help="Comma-separated epsilons.")] = "0.5,1,2,4,8",
    delta: Annotated[Optional[float], typer.Option("--delta", help="DP delta [default: 1 / number of users].",
                     show_default=False)] = None,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Use text embeddings of the titles.")] = True,
    validation: Annotated[bool, typer.Option("--validation", help="Hold out the second-to-last positive instead.")] = False,
    forget_users: Annotated[int, typer.Option("--forget-users", help="Users to unlearn for the unlearning figures "
                                              "(0: skip).", min=0)] = 5,
    repeats: Annotated[int, typer.Option("--repeats", help="Builds per epsilon with fresh noise (means and "
                                         "standard deviations are reported).", min=1)] = 1,
    dpsgd: Annotated[bool, typer.Option("--dpsgd/--no-dpsgd", help="Also train DP-SGD item vectors (Opacus) per "
                                        "epsilon: a dpsgd row beside the DP catalog.")] = False,
    fleet: Annotated[bool, typer.Option("--fleet/--no-fleet", help="Also rank with what an aggregator estimates from "
                                        "local-DP reports, each user one device at that epsilon: an ldp_fleet row.")] = False,
    fleet_devices: Annotated[str, typer.Option("--fleet-devices", help="With --fleet: larger fleets to run too, "
                                               "users resampled (comma-separated, e.g. 10000,100000).")] = "",
    fleet_workers: Annotated[int, typer.Option("--fleet-workers", help="Processes that simulate devices.", min=1)] = 2,
    fleet_noise_seed: Annotated[Optional[int], typer.Option("--fleet-noise-seed", help="Seeded simulation noise "
                                                            "(the same mechanism, reproducible and faster) instead "
                                                            "of OpenDP's.", show_default=False)] = None,
    compare_counts: Annotated[bool, typer.Option("--compare-counts", help="Also build the earlier counts-method "
                                                 "catalog per epsilon (a dp_counts row).")] = False,
    json_out: JsonOption = False,
) -> None:
    """NDCG@10 / HR@10 of the user-level DP catalog per epsilon, beside the non-private ranker and DP popularity."""
    from edgerec_bench.eval.privacy import evaluate_privacy

    eps = _number_list(epsilons, "--epsilons")
    settings = _fleet_settings(fleet_devices, fleet_workers, fleet_noise_seed) if fleet else None
    embed = _text_embedder() if text else None
    with _stage_progress() as progress:
        report = evaluate_privacy(data, eps, delta=delta, embed=embed, validation=validation,
                                  forget_users=forget_users, repeats=repeats, dpsgd=dpsgd,
                                  compare_counts=compare_counts, fleet=settings, progress=progress)
    if json_out:
        print_json(report)
        return
    base = report["non_private"]
    typer.echo(f"{report['n_users']} users, {report['n_items']} items, delta {report['delta']:.2g}, "
               f"{'validation' if validation else 'test'} split")
    typer.echo(f"{'':18s} {'NDCG@10':>8s} {'HR@10':>8s} {'x non-private':>14s} {'DP pop NDCG':>12s}"
               + ("  (means over " + str(repeats) + " noise draws)" if repeats > 1 else ""))
    typer.echo(f"{'non-private':18s} {base['ndcg@10']:8.4f} {base['hr@10']:8.4f} {1.0:14.2f}")
    for row in report["per_epsilon"]:
        m = row["dp_catalog"]
        typer.echo(f"{'DP eps=' + format(row['epsilon'], 'g'):18s} {m['ndcg@10']:8.4f} {m['hr@10']:8.4f} "
                   f"{row['ndcg_ratio_to_non_private']:14.2f} {row['dp_popularity']['ndcg@10']:12.4f}")
        if "dp_counts" in row:
            c = row["dp_counts"]
            typer.echo(f"{'DP counts eps=' + format(row['epsilon'], 'g'):18s} {c['ndcg@10']:8.4f} {c['hr@10']:8.4f} "
                       f"{c['ndcg@10'] / base['ndcg@10']:14.2f}")
        if "dpsgd" in row:
            s = row["dpsgd"]
            typer.echo(f"{'DP-SGD eps=' + format(row['epsilon'], 'g'):18s} {s['ndcg@10']:8.4f} {s['hr@10']:8.4f} "
                       f"{s['ndcg@10'] / base['ndcg@10']:14.2f}")
        for f in ([row["ldp_fleet"], *row["ldp_fleet_resampled"]] if "ldp_fleet" in row else []):
            typer.echo(f"{'LDP ' + format(f['devices'], ',') + ' eps=' + format(row['epsilon'], 'g'):18s} "
                       f"{f['ndcg@10']:8.4f} {f['hr@10']:8.4f} {f['ndcg@10'] / base['ndcg@10']:14.2f}")
    if "unlearning" in report:
        u = report["unlearning"]
        typer.echo(f"unlearning {u['users_forgotten']} users at eps={u['epsilon']:g}: "
                   f"{u['forget_seconds_mean'] * 1000:.1f} ms each vs rebuild {u['rebuild_seconds']:.1f} s "
                   f"({u['speedup']:.0f}x); identical to a rebuild with the same noise: "
                   f"{u['identical_to_rebuild_with_same_noise']}; NDCG@10 after {u['ndcg@10_after_unlearning']:.4f}, "
                   f"rebuild same noise {u['ndcg@10_rebuild_same_noise']:.4f}, "
                   f"fresh noise {u['ndcg@10_rebuild_fresh_noise']:.4f}")


def _fleet_settings(devices: str, workers: int, noise_seed: int | None):
    """``eval privacy --fleet``'s settings from the ``--fleet-*`` options."""
    from edgerec.errors import InputError
    from edgerec_bench.eval.privacy_fleet import FleetSettings

    sizes = tuple(_number_list(devices, "--fleet-devices", int))
    if any(d < 1 for d in sizes):
        raise InputError("--fleet-devices must be positive")
    return FleetSettings(devices=sizes, workers=workers, noise_seed=noise_seed)


@app.command("home-assistant")
@cli_errors
def home_assistant(
    data: Annotated[Path, typer.Option("--data", help="A folder from `edgerec datasets home-assistant` (events.jsonl, "
                                                      "routines.jsonl, meta.json).")],
    yaml_dir: Annotated[Optional[Path], typer.Option("--yaml-dir", help="Also keep each person's automations here "
                                                     "as <user>.yaml.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Import an HA event stream into an encrypted store, mine, write automation YAML, read it back, score it."""
    from edgerec_bench.eval.home_assistant import evaluate_home_assistant

    with _stage_progress() as progress:
        report = evaluate_home_assistant(data, progress=progress, keep_yaml=yaml_dir)
    if json_out:
        print_json(report)
        return
    imp = report["import"]
    typer.echo(f"imported {imp['imported']} state changes, skipped {imp['skipped']}, in {imp['seconds']:.1f} s; "
               f"{report['users']} people, seed {report['seed']}, {report['timezone']}")
    typer.echo(f"{'metric':22s} {'automations':>12s} {'before YAML':>12s} {'clock only':>11s}")
    for key, value in report["metrics"].items():
        typer.echo(f"{key:22s} {value:12.3f} {report['metrics_before_yaml'][key]:12.3f} "
                   f"{report['metrics_clock_only'][key]:11.3f}")
    slowest = max(u["mine_seconds"] for u in report["per_user"])
    typer.echo(f"slowest person {slowest:.2f} s, total {report['seconds']:.1f} s, peak RSS {report['peak_rss_mb']:.0f} MB")


@app.command("unlearning-dpsgd")
@cli_errors
def unlearning_dpsgd(
    data: Annotated[Path, typer.Option("--data", help="ml-100k folder (u.data, u.item) or ml-latest-small style folder.")],
    epsilons: Annotated[str, typer.Option("--epsilons", help="Comma-separated epsilons.")] = "1,8",
    shards: Annotated[str, typer.Option("--shards", help="Comma-separated numbers of shards.")] = "1,4,8",
    forget_users: Annotated[int, typer.Option("--forget-users", help="Users to unlearn (one per shard) on the last "
                                              "epsilon and the most shards (0: skip).", min=0)] = 3,
    delta: Annotated[Optional[float], typer.Option("--delta", help="DP delta [default: 1 / number of users].",
                     show_default=False)] = None,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Use text embeddings of the titles.")] = True,
    validation: Annotated[bool, typer.Option("--validation", help="Hold out the second-to-last positive instead.")] = False,
    aggregate: Annotated[str, typer.Option("--aggregate", help="mean_cosine or mean_topn (how shards combine).")]
    = "mean_cosine",
    seed: Annotated[int, typer.Option("--seed", help="Seed of every training and of the users forgotten.")] = 0,
    json_out: JsonOption = False,
) -> None:
    """SISA-sharded DP-SGD item vectors: NDCG@10 per shard count against one model, and forget vs full retrain."""
    from edgerec_bench.eval.unlearning_dpsgd import evaluate_sharded_dpsgd

    eps, counts = _number_list(epsilons, "--epsilons"), _number_list(shards, "--shards", int)
    embed = _text_embedder() if text else None
    with _stage_progress() as progress:
        report = evaluate_sharded_dpsgd(data, epsilons=eps, shards=counts, forget_users=forget_users, delta=delta,
                                        embed=embed, validation=validation, aggregate=aggregate, seed=seed,
                                        progress=progress)
    if json_out:
        print_json(report)
        return
    typer.echo(f"{report['n_users']} users, {report['n_items']} items, delta {report['delta']:.2g}, "
               f"{'validation' if validation else 'test'} split, aggregate {aggregate}, seed {seed}")
    for row in report["per_epsilon"]:
        one = row["unsharded"]
        typer.echo(f"eps={row['epsilon']:g}  one model      NDCG@10 {one['ndcg@10']:.4f}  HR@10 {one['hr@10']:.4f}  "
                   f"train {one['train_seconds']:.1f} s")
        for r in row["sharded"]:
            typer.echo(f"eps={row['epsilon']:g}  {r['shards']:>2} shards      NDCG@10 {r['ndcg@10']:.4f}  "
                       f"HR@10 {r['hr@10']:.4f}  build {r['build_seconds']:.1f} s  "
                       f"worst-case epsilon {r['worst_case_epsilon']:.3f}")
    if "unlearning" in report:
        u = report["unlearning"]
        typer.echo(f"forgetting {u['users_forgotten']} users ({u['shards']} shards, eps={u['epsilon']:g}): "
                   f"{u['forget_seconds_mean']:.1f} s each vs full retrain {u['full_retrain_seconds']:.1f} s "
                   f"({u['speedup']:.1f}x); NDCG@10 after {u['ndcg@10_after_unlearning']:.4f}, rebuild without "
                   f"them {u['ndcg@10_rebuild_without_them']:.4f}; worst-case epsilon now "
                   f"{u['worst_case_epsilon_after']:.3f}")


class ExtractorChoice(str, Enum):
    """The session extractors (see edgerec.profile.hybrid)."""

    rules = "rules"
    hybrid = "hybrid"
    llm = "llm"


@app.command("edgewise")
@cli_errors
def edgewise(
    data: Annotated[Path, typer.Option("--data", help="EdgeWisePersona-format folder (sessions.jsonl, "
                                                      "optional routines.jsonl to score).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write one JSON list of routines per user.")],
    json_out: JsonOption = False,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="Do not load the LLM: rules extraction, "
                                                          "template profile.")] = False,
    extractor: Annotated[ExtractorChoice, typer.Option("--extractor", help="Session extraction: rules (default; "
                         "measured best), hybrid (rules + LLM choice where rules leave a setting open), or llm "
                         "(model only). The LLM always writes the profile unless --no-llm.")]
    = ExtractorChoice.rules,
    model: Annotated[Optional[Path], typer.Option("--model", help="A GGUF file instead of the default "
                                                                  "SmolLM2-135M-Instruct.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="Only the first N users.", min=1)] = None,
    devices: Annotated[Optional[Path], typer.Option("--devices", help="A device schema JSON file (docs/devices.md) "
                                                    "instead of the EdgeWisePersona five.")] = None,
) -> None:
    """Reconstruct every user's routines from their sessions; score them when routines.jsonl is present."""
    from edgerec.profile.devices import DeviceSchema
    from edgerec_bench.datasets.edgewise import load
    from edgerec_bench.eval.edgewise_run import run_edgewise, write_predictions

    schema = DeviceSchema.load(devices) if devices is not None else None
    users = load(data, schema)[:limit] if limit else load(data, schema)
    llm = None
    if not no_llm:
        from edgerec.models.llm import LocalLLM, llm_available

        if model is None and not llm_available():
            typer.echo("note: the llm extra is not installed; running without the LLM (as --no-llm)", err=True)
        else:
            llm = LocalLLM(model)
    kind = extractor.value if llm is not None else "rules"
    with progress_bar("routines") as progress:
        task = progress.add_task("users", total=len(users))
        run = run_edgewise(users, extractor=kind, llm=llm, progress=lambda n: progress.advance(task, n),
                           schema=schema)
    write_predictions(out, run.predictions)
    summary = run.summary()
    summary["per_user"] = [
        {"user": i, "seconds": round(u.seconds, 3), "routines": len(u.routines), "llm_calls": u.llm_calls,
         "llm_tokens": u.llm_tokens}
        for i, u in enumerate(run.users)
    ]
    if json_out:
        print_json(summary)
        return
    console = Console()
    if run.metrics is not None:
        table = Table(title=f"EdgeWisePersona routine reconstruction ({len(users)} users)")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in run.metrics.items():
            table.add_row(key, f"{value:.3f}")
        console.print(table)
    else:
        console.print("no routines.jsonl in the folder: predictions written, nothing to score")
    console.print(
        f"extractor {summary['extractor']}, LLM {'on: ' + str(summary['model']) if summary['llm'] else 'off'}; "
        f"{summary['seconds_per_user.mean']:.2f} s per user (max {summary['seconds_per_user.max']:.2f}), "
        f"{summary['llm_calls']} LLM calls, {summary['llm_tokens']} tokens, peak RSS {summary['peak_rss_mb']:.0f} MB"
    )
    console.print(f"predictions: {out}")


@app.command("edgewise-ablation")
@cli_errors
def edgewise_ablation(
    data: Annotated[Path, typer.Option("--data", help="EdgeWisePersona-format folder with routines.jsonl.")],
    limit: Annotated[Optional[int], typer.Option("--limit", help="Only the first N users.", min=1)] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="A GGUF file instead of the default "
                                                                  "SmolLM2-135M-Instruct.")] = None,
    request_check: Annotated[bool, typer.Option("--request-check", help="Also a row with the model's request / "
                                                "not-a-request check of user turns (slow; measured not to help).")]
    = False,
    json_out: JsonOption = False,
) -> None:
    """Rules only against rules + model: routines, NL profile pass rate (fact check and fluency), calls, time, RSS."""
    from edgerec.errors import InputError
    from edgerec.models.llm import LocalLLM
    from edgerec_bench.datasets.edgewise import load
    from edgerec_bench.eval.edgewise_ablation import run_ablation, table_lines

    users = load(data)[:limit] if limit else load(data)
    if not users or any(u.routines is None for u in users):
        raise InputError(f"{data}: the ablation needs users with their routines (routines.jsonl)")
    with progress_bar("{task.description}") as bar:
        task = bar.add_task("rules", total=len(users))
        report = run_ablation(users, llm_factory=lambda: LocalLLM(model), request_check=request_check,
                              progress=lambda name, done, total: bar.update(task, description=name,
                                                                            completed=done, total=total))
    if json_out:
        print_json(report)
        return
    for line in table_lines(report):
        typer.echo(line)


#: Options of the commands that score users drawn by the EdgeWisePersona generator.
GeneratedUsers = Annotated[int, typer.Option("--users", help="Generated users to score.", min=1)]
GeneratorSeed = Annotated[int, typer.Option("--seed", help="Generator seed (same users as datasets edgewise-synth).")]
Phrasing = Annotated[str, typer.Option("--phrasing", help="Wording of the generated dialogues.")]
Difficulty = Annotated[str, typer.Option("--difficulty", help="easy, normal or hard.")]
HistoryLengths = Annotated[str, typer.Option("--sessions", help="Comma-separated history lengths: each user's "
                                             "first N sessions of one generated history.")]


def _per_user(users: int, run):
    """``run(progress)`` under a bar that ``progress(n)`` advances by n users; returns what ``run`` returns."""
    with progress_bar("users") as bar:
        task = bar.add_task("users", total=users)
        return run(lambda n: bar.advance(task, n))


@app.command("extraction")
@cli_errors
def extraction(
    users: GeneratedUsers = 10,
    seed: GeneratorSeed = 0,
    sessions: Annotated[int, typer.Option("--sessions", help="Sessions per user.", min=1)] = 200,
    phrasing: Phrasing = "default",
    difficulty: Difficulty = "normal",
    json_out: JsonOption = False,
) -> None:
    """Score per-session extraction against the generator's truth, and mining with perfect extraction."""
    from edgerec_bench.eval.extraction import generated_report

    report = _per_user(users, lambda progress: generated_report(
        users, seed=seed, sessions=sessions, phrasing=phrasing, difficulty=difficulty, progress=progress))
    if json_out:
        print_json(report)
        return
    ex = report["extraction"]
    typer.echo(f"extraction ({users} users, seed {seed}, {phrasing}, {difficulty}): session exact "
               f"{ex['session_exact']:.3f}, item precision {ex['precision']:.3f}, recall {ex['recall']:.3f}")
    typer.echo(f"{'metric':22s} {'extracted':>10s} {'true actions':>13s}")
    for key, value in report["routines"].items():
        typer.echo(f"{key:22s} {value:10.3f} {report['routines_true_actions'][key]:13.3f}")


@app.command("edgewise-curve")
@cli_errors
def edgewise_curve(
    sessions: HistoryLengths = "25,50,100,200",
    users: GeneratedUsers = 10,
    seed: GeneratorSeed = 0,
    phrasing: Phrasing = "default",
    difficulty: Difficulty = "normal",
    true_actions: Annotated[bool, typer.Option("--true-actions", help="Also mine from the generator's true "
                                               "per-session actions (the miner's ceiling).")] = False,
    calendar: Annotated[bool, typer.Option("--calendar/--no-calendar", help="Weekday rate from the calendar "
                                           "(the miner's default) or from the user's other sessions (ablation).")] = True,
    joint: Annotated[bool, typer.Option("--joint/--no-joint", help="Score whole trigger sets (the miner's default) "
                                        "or choose triggers one at a time only (ablation).")] = True,
    json_out: JsonOption = False,
) -> None:
    """Routine exact and Jaccard after each user's first N sessions, for each N: the learning curve."""
    from edgerec_bench.eval.edgewise_curve import learning_curve

    sizes = _number_list(sessions, "--sessions", int)
    report = _per_user(users, lambda progress: learning_curve(
        sizes, users=users, seed=seed, phrasing=phrasing, difficulty=difficulty, true_actions=true_actions,
        calendar=calendar, joint=joint, progress=progress))
    if json_out:
        print_json(report)
        return
    typer.echo(f"learning curve ({users} users, seed {seed}, {phrasing}, {difficulty}; "
               f"first N sessions of one history{'' if calendar else '; weekday rate from the sessions'}"
               f"{'' if joint else '; greedy triggers only'})")
    head = f"{'sessions':>8s} {'exact':>7s} {'Jaccard':>8s} {'len diff':>8s} {'s/user':>7s}"
    typer.echo(head + (f" {'exact (true)':>13s} {'Jaccard (true)':>15s}" if true_actions else ""))
    for row in report["sizes"]:
        m = row["routines"]
        line = (f"{row['sessions']:8d} {m['acc.routine_exact']:7.3f} {m['jaccard.flattened']:8.3f} "
                f"{m['len_diff.avg']:8.2f} {row['seconds_per_user']:7.2f}")
        if true_actions:
            t = row["routines_true_actions"]
            line += f" {t['acc.routine_exact']:13.3f} {t['jaccard.flattened']:15.3f}"
        typer.echo(line)


@app.command("edgewise-ceiling")
@cli_errors
def edgewise_ceiling(
    sessions: HistoryLengths = "25,50,100,200",
    users: GeneratedUsers = 10,
    seed: GeneratorSeed = 0,
    difficulty: Difficulty = "normal",
    prior_samples: Annotated[int, typer.Option("--prior-samples", help="Generated users whose routines make the "
                                               "prior over trigger sets.", min=1)] = 20000,
    json_out: JsonOption = False,
) -> None:
    """Bayes-optimal trigger-set accuracy with the true sessions of each routine known, beside the miner's."""
    from edgerec_bench.eval.edgewise_ceiling import trigger_ceiling

    sizes = _number_list(sessions, "--sessions", int)
    report = _per_user(users, lambda progress: trigger_ceiling(
        sizes, users=users, seed=seed, difficulty=difficulty, samples=prior_samples, progress=progress))
    if json_out:
        print_json(report)
        return
    typer.echo(f"trigger ceiling ({users} users, seed {seed}, {difficulty}; oracle grouping, first N sessions; "
               f"prior from {prior_samples} generated users)")
    typer.echo(f"{'sessions':>8s} {'routines':>8s} {'Bayes (a)':>10s} {'Bayes (b)':>10s} {'Bayes (c)':>10s} "
               f"{'miner':>7s} {'miner+drop':>10s} {'indist. (a)':>12s} {'indist. (b)':>12s} {'indist. (c)':>12s}")
    for row in report["sizes"]:
        bayes = [row[f"bayes_{v}"] for v in "abc"]
        typer.echo(f"{row['sessions']:8d} {row['routines']:8d} "
                   + " ".join(f"{b['exact']:10.3f}" for b in bayes)
                   + f" {row['miner']['exact']:7.3f} {row['miner']['exact_drop_excluded']:10.3f} "
                   + " ".join(f"{str(b['indistinguishable']) + '/' + str(b['errors']):>12s}" for b in bayes))
    typer.echo("(a): each routine's triggers alone; (b): the other routines' true triggers known too, in the "
               "likelihood; (c): and in the prior. indist.: errors where the MAP and the truth explain the sessions "
               "equally well / all errors")


def _number_list(text: str, option: str, kind=float) -> list:
    """``"0.5,1,8"`` as numbers of ``kind``; anything else is one clear InputError naming ``option``."""
    from edgerec.errors import InputError

    try:
        return [kind(part) for part in text.split(",") if part.strip()]
    except ValueError:
        what = "whole numbers" if kind is int else "numbers"
        raise InputError(f"{option} must be {what} separated by commas, not {text!r}") from None


def _text_embedder():
    """The default embedder over catalog text (cached; a bar the first time a catalog is embedded)."""
    from edgerec.models.embed_cache import embed_catalog

    return lambda texts: embed_catalog(texts, progress=True)


@contextmanager
def _stage_progress():
    """A progress bar whose label follows the evaluation's stage: yields ``progress(stage, done, total)``."""
    with progress_bar("{task.description}") as bar:
        task = bar.add_task("ranking users", total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)

