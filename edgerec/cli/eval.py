"""``edgerec eval ...``: evaluations on public datasets read from a path (never shipped)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from edgerec.cli._common import JsonOption, cli_errors, print_json

app = typer.Typer(help="Evaluate edgerec on public datasets and print the metrics.", no_args_is_help=True)


@app.command("movielens")
@cli_errors
def movielens(
    data: Annotated[Path, typer.Option("--data", help="ml-100k folder (u.data, u.item) or ml-latest-small/ml-25m style folder (ratings.csv, movies.csv).")],
    out: Annotated[Path, typer.Option("--out", help="Write the top-100 per user here as JSON lines.")],
    json_out: JsonOption = False,
    ablation: Annotated[bool, typer.Option("--ablation", help="Also rank with each part switched off.")] = False,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Use text embeddings of the titles (on-device embedder).")] = True,
    validation: Annotated[bool, typer.Option("--validation", help="Hold out the second-to-last positive instead (for tuning).")] = False,
) -> None:
    """Leave-last-out ranking on MovieLens: NDCG@10, HR@10, MRR for edgerec, popularity and item-kNN."""
    from edgerec.eval.movielens import evaluate_movielens, write_predictions

    embed = None
    if text:
        from edgerec.models.embed_cache import embed_catalog

        def embed(texts):
            return embed_catalog(texts, progress=True)

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("ranking users", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        result = evaluate_movielens(data, embed=embed, ablation=ablation, validation=validation, progress=progress)
    write_predictions(result.predictions, out)
    if json_out:
        print_json(result.to_dict())
        return
    typer.echo(f"{result.n_users} users, {result.n_items} items, leave-last-out, full ranking")
    typer.echo(f"{'method':32s} {'NDCG@10':>8s} {'HR@10':>8s} {'MRR':>8s}")
    rows = list(result.metrics.items()) + [(f"  ablation: {k}", v) for k, v in result.ablation.items()]
    for name, m in rows:
        typer.echo(f"{name:32s} {m['ndcg@10']:8.4f} {m['hr@10']:8.4f} {m['mrr']:8.4f}")
    knn = result.metrics["item-kNN"]["ndcg@10"]
    if knn > 0:
        typer.echo(f"edgerec / item-kNN NDCG@10: {result.metrics['edgerec']['ndcg@10'] / knn:.2f}x")
    typer.echo(f"wrote {len(result.predictions)} predictions to {out}")
