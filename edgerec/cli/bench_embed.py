"""``edgerec bench embed``: int8 vs fp32 ONNX embedder throughput, agreement and size.

The command is defined here and added to the ``bench`` group in
``edgerec/cli/bench.py`` with ``app.command("embed")(bench_embed.embed)``;
``app`` below holds it on its own for tests.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from edgerec.errors import EdgerecError

__all__ = ["embed", "app"]


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
    json_out: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")
    ] = False,
) -> None:
    """Embedder throughput: int8 vs fp32 ONNX (and torch), agreement cosine, model sizes."""
    from rich.console import Console

    from edgerec.bench.embed import bench_embed

    try:
        with Console(stderr=True).status("benchmarking the embedder"):
            figures = bench_embed(
                n=sentences,
                batch_size=batch_size,
                threads=threads,
                rounds=rounds,
                torch_baseline=torch_baseline,
            )
    except EdgerecError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if json_out:
        typer.echo(json.dumps(figures))
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


app = typer.Typer(help="Embedder benchmark (joined into `edgerec bench`).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Embedder benchmark."""


app.command("embed")(embed)
